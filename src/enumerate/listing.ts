/**
 * A listing of a HAMT version not loaded whole: the walk (walk.ts) through a
 * window of `listWindow` requests, each landed node's own entries yielded as
 * it lands. The directory's counters and burst events follow the walk.
 */

import { ownEntries } from '../hamt/read.js'
import { Shard, ShardLink } from '../hamt/shard.js'
import { reportBurst } from './progress.js'
import { walkTree } from './walk.js'
import type { LoadStats } from './loader.js'
import type { WalkEnv } from './walk.js'
import type { Entry } from '../hamt/shard.js'
import type { DirectoryProgressEvents } from '../interface.js'
import type { CID } from 'multiformats/cid'
import type { ProgressOptions } from 'progress-events'

export interface ListingOptions extends ProgressOptions<DirectoryProgressEvents> {
  signal: AbortSignal
  /** Requests on the wire at once */
  window: number
  /** Nodes the listing may keep in shared links: the retained-tree bound */
  keep: number
  /** The root CID the tree was opened from: a source may send all its shard nodes in one response */
  origin?: CID
}

/** Every entry under `root`, as its node is at hand; counts into `stats` */
export async function * listEntries (root: Shard, env: WalkEnv, stats: LoadStats, options: ListingOptions): AsyncGenerator<Entry> {
  const release = options.origin == null ? undefined : env.fetcher.expect({ scope: 'entity', root: options.origin, covers: [...unloadedLinks(root)] }, options.signal)
  try {
    yield * listWalk(root, env, stats, options)
  } finally {
    release?.()
  }
}

async function * listWalk (root: Shard, env: WalkEnv, stats: LoadStats, options: ListingOptions): AsyncGenerator<Entry> {
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

/** The links the walk will fetch first: those not loaded, under the loaded part of the tree */
function * unloadedLinks (shard: Shard): Generator<CID> {
  for (const value of shard.values) {
    const child = value instanceof ShardLink ? value.loaded ?? value : value
    if (child instanceof Shard) {
      yield * unloadedLinks(child)
    } else if (child instanceof ShardLink) {
      yield child.cid
    }
  }
}
