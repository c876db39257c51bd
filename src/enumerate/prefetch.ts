/**
 * A background prefetch: the walk (walk.ts) over one version's tree, into
 * the shared retained tree, sending requests only while no foreground request
 * is on its way. Its nodes are wanted only in the shared links they fill:
 * each operation of each version swaps in what it passes, with no fetch.
 */

import { CustomProgressEvent } from 'progress-events'
import { walkTree } from './walk.js'
import type { WalkEnv } from './walk.js'
import type { Shard } from '../hamt/shard.js'
import type { PrefetchProgress, PrefetchProgressEvents } from '../interface.js'
import type { Logger } from '@libp2p/interface'
import type { ProgressOptions } from 'progress-events'

export interface PrefetchRun extends ProgressOptions<PrefetchProgressEvents> {
  /** The most nodes to fetch */
  nodes: number
  /** Ends the prefetch when aborted */
  signal?: AbortSignal
}

/**
 * Starts fetching the tree under `root` breadth-first, up to `run.nodes`
 * nodes, until everything is loaded or `signal` aborts. Returns its progress,
 * which it keeps up to date (and reports as each node lands and once at the end).
 */
export function startPrefetch (root: Shard, env: WalkEnv, window: number, run: PrefetchRun, signal: AbortSignal, log: Logger): PrefetchProgress {
  const progress: PrefetchProgress = { fetched: 0, bound: run.nodes, done: false }
  const report = (): void => {
    run.onProgress?.(new CustomProgressEvent<PrefetchProgress>('dynamic-directory:prefetch', { ...progress }))
  }
  const walk = walkTree(root, env, {
    signal,
    window,
    keep: run.nodes,
    fetchLimit: run.nodes,
    background: true,
    fetched: () => {
      progress.fetched++
      report()
    }
  })

  void (async () => {
    try {
      for await (const shard of walk) {
        signal.throwIfAborted()
        void shard
      }
    } catch (err) {
      log('prefetch ended: %e', err)
    } finally {
      progress.done = true
      report()
    }
  })()

  return progress
}
