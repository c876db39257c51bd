/**
 * A listing of a HAMT version not loaded whole: the walk (walk.ts) through a
 * window of `listWindow` requests, each landed node's own entries yielded as
 * it lands. The directory's counters and burst events follow the walk.
 */

import { ownEntries } from '../hamt/read.js'
import { reportBurst } from './progress.js'
import { walkTree } from './walk.js'
import type { LoadStats } from './loader.js'
import type { WalkEnv } from './walk.js'
import type { Entry, Shard } from '../hamt/shard.js'
import type { DirectoryProgressEvents } from '../interface.js'
import type { ProgressOptions } from 'progress-events'

export interface ListingOptions extends ProgressOptions<DirectoryProgressEvents> {
  signal: AbortSignal
  /** Requests on the wire at once */
  window: number
  /** Nodes the listing may keep in shared links: the retained-tree bound */
  keep: number
}

/** Every entry under `root`, as its node is at hand; counts into `stats` */
export async function * listEntries (root: Shard, env: WalkEnv, stats: LoadStats, options: ListingOptions): AsyncGenerator<Entry> {
  const walk = walkTree(root, env, {
    signal: options.signal,
    window: options.window,
    keep: options.keep,
    fetched: () => { stats.fetchedBlocks++ },
    sent: (count, inFlight) => {
      stats.bursts++
      stats.largestBurst = Math.max(stats.largestBurst, inFlight)
      reportBurst(options, 'list', count, 0, root)
    }
  })
  for await (const shard of walk) {
    yield * ownEntries(shard)
  }
}
