/**
 * A breadth-first walk over one version of a HAMT that fetches what is not
 * loaded through a sliding window: up to `window` requests on the wire, one
 * more sent as each lands, so a slow block holds up only itself. Nodes
 * already loaded (by this version or, through a shared link, by any other)
 * are walked with no fetch. The listing and the prefetch are both this walk.
 *
 * A fetched node fills its shared link while the walk has kept fewer than
 * `keep` nodes; past that it is used and let go, so a walk of a directory
 * larger than the retained-tree bound runs in bounded memory.
 */

import { raceSignal } from 'race-signal'
import { Shard, ShardLink } from '../hamt/shard.js'
import { readChild } from './child.js'
import type { BlockFetcher } from '../fetch.js'
import type { LinkRef } from '../hamt/tree.js'

export interface WalkEnv {
  fetcher: BlockFetcher
  /** Told of every node the walk fills in, for the cache's count */
  loaded(link: ShardLink): void
}

export interface WalkOptions {
  signal: AbortSignal
  /** Requests on the wire at once */
  window: number
  /** Nodes the walk may keep in shared links */
  keep: number
  /** The most nodes the walk may fetch; it ends once they have landed */
  fetchLimit?: number
  /** Prefetch: sent only while no foreground request is on its way */
  background?: boolean
  /** Called as requests are sent: how many now, and how many are on the wire */
  sent?(count: number, inFlight: number): void
  /** Called for each node fetched and decoded */
  fetched?(): void
}

/**
 * Yields every node of the tree under `root`, each once, as it is at hand:
 * loaded ones at once, the others as they land.
 */
export async function * walkTree (root: Shard, env: WalkEnv, options: WalkOptions): AsyncGenerator<Shard> {
  const { context } = root
  const ready: Array<{ shard: Shard, path: number[] }> = [{ shard: root, path: [] }]
  const waiting: LinkRef[] = []
  let head = 0
  const landed: Array<{ ref: LinkRef, shard: Shard }> = []
  let failure: { error: unknown } | undefined
  let inFlight = 0
  let kept = 0
  let requested = 0
  const fetchLimit = options.fetchLimit ?? Infinity
  let wake = Promise.withResolvers<void>()

  const send = (ref: LinkRef): void => {
    inFlight++
    env.fetcher.get(ref.link.cid, { signal: options.signal, background: options.background })
      .then(bytes => {
        let shard = ref.link.loaded
        if (shard == null) {
          shard = readChild(context, ref, bytes)
          options.fetched?.()
          if (kept < options.keep) {
            kept++
            ref.link.loaded = shard
            env.loaded(ref.link)
          }
        }
        landed.push({ ref, shard })
      }, error => {
        failure ??= { error }
      })
      .finally(() => {
        inFlight--
        wake.resolve()
      })
  }

  for (;;) {
    // walk what is at hand
    for (let next = ready.pop(); next != null; next = ready.pop()) {
      const { shard, path } = next
      yield shard
      for (const value of shard.values) {
        const child = value instanceof ShardLink ? value.loaded ?? value : value
        if (child instanceof Shard) {
          ready.push({ shard: child, path: [...path, child.slot] })
        } else if (child instanceof ShardLink) {
          waiting.push({ path: [...path, child.slot], link: child })
        }
      }
    }

    // keep the window full
    let sent = 0
    while (inFlight < options.window && head < waiting.length && requested < fetchLimit) {
      const ref = waiting[head++]
      if (ref.link.loaded != null) {
        // loaded by someone else while it waited here
        ready.push({ shard: ref.link.loaded, path: ref.path })
        continue
      }
      send(ref)
      sent++
      requested++
    }
    if (head === waiting.length) {
      waiting.length = 0
      head = 0
    }
    if (sent > 0) {
      options.sent?.(sent, inFlight)
    }

    if (failure != null) {
      throw failure.error
    }
    if (ready.length > 0) {
      continue
    }
    if (landed.length === 0) {
      if (inFlight === 0) {
        return
      }
      await raceSignal(wake.promise, options.signal)
      wake = Promise.withResolvers<void>()
      continue
    }
    for (const { ref, shard } of landed.splice(0)) {
      ready.push({ shard, path: ref.path })
    }
  }
}
