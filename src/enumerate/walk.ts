/**
 * A breadth-first walk over one version of a HAMT that fetches what is not
 * loaded through a sliding window: up to `window` requests on the wire, one
 * more sent as each lands, so a slow block holds up only itself. Nodes
 * already loaded (by this version or, through a shared link, by any other)
 * are walked with no fetch. The listing and the prefetch are both this walk.
 *
 * The rule for the window: the first want message holds `FIRST_WINDOW`
 * requests, and the whole window opens once its first block has landed. A
 * peer answers a want message with one reply holding every block asked for,
 * so a small first message brings the first entry back soon; after that a
 * Bitswap round trip costs far more than the link's latency, so widening
 * gradually would be paid in round trips.
 *
 * A fetched node fills its shared link while the walk has kept fewer than
 * `keep` nodes and the cache has room (`mayKeep`: the bound over all cached
 * trees, so repeated walks do not add up); past that it is used and let go,
 * so a walk of a directory larger than the retained-tree bound runs in
 * bounded memory.
 */

import { raceSignal } from 'race-signal'
import { Shard, ShardLink } from '../hamt/shard.js'
import { readChild } from './child.js'
import type { BlockFetcher } from '../fetch.js'
import type { LinkRef } from '../hamt/read.js'
import type { TreeContext } from '../hamt/shard.js'

/** Requests sent before the first one lands */
export const FIRST_WINDOW = 16

export interface WalkEnv {
  fetcher: BlockFetcher
  /** Told of every node the walk fills in, for the cache's count */
  loaded(link: ShardLink): void
  /** Whether the walk may keep one more node now (the cache's bound over all its trees); always, if absent */
  mayKeep?(): boolean
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
  const walk = new Walk(root, env, options)
  for (;;) {
    // walk what is at hand
    for (let next = walk.ready.pop(); next != null; next = walk.ready.pop()) {
      yield next.shard
      walk.expand(next.shard, next.path)
    }
    walk.topUp()
    if (walk.failure != null) {
      throw walk.failure.error
    }
    if (walk.ready.length > 0) {
      continue
    }
    if (walk.landed.length === 0) {
      if (walk.inFlight === 0) {
        return
      }
      await walk.landing()
      continue
    }
    for (const { ref, shard } of walk.landed.splice(0)) {
      walk.ready.push({ shard, path: ref.path })
    }
  }
}

/** The state of one walk: nodes at hand, links waiting, requests on the wire */
class Walk {
  readonly ready: Array<{ shard: Shard, path: number[] }>
  readonly landed: Array<{ ref: LinkRef, shard: Shard }> = []
  failure?: { error: unknown }
  inFlight = 0
  /** The window now: FIRST_WINDOW until the first request lands, then the whole window */
  private window: number
  private readonly context: TreeContext
  private readonly env: WalkEnv
  private readonly options: WalkOptions
  private readonly waiting: LinkRef[] = []
  private head = 0
  private kept = 0
  private requested = 0
  private wake = Promise.withResolvers<void>()

  constructor (root: Shard, env: WalkEnv, options: WalkOptions) {
    this.context = root.context
    this.env = env
    this.options = options
    this.ready = [{ shard: root, path: [] }]
    this.window = Math.min(options.window, FIRST_WINDOW)
  }

  /** A node's children: loaded ones are at hand, the others wait for a request */
  expand (shard: Shard, path: number[]): void {
    for (const value of shard.values) {
      const child = value instanceof ShardLink ? value.loaded ?? value : value
      if (child instanceof Shard) {
        this.ready.push({ shard: child, path: [...path, child.slot] })
      } else if (child instanceof ShardLink) {
        this.waiting.push({ path: [...path, child.slot], link: child })
      }
    }
  }

  /** Sends waiting links until the window is full */
  topUp (): void {
    let sent = 0
    while (this.inFlight < this.window && this.head < this.waiting.length && this.requested < (this.options.fetchLimit ?? Infinity)) {
      const ref = this.waiting[this.head++]
      if (ref.link.loaded != null) {
        // loaded by someone else while it waited here
        this.ready.push({ shard: ref.link.loaded, path: ref.path })
        continue
      }
      this.send(ref)
      sent++
      this.requested++
    }
    if (this.head === this.waiting.length) {
      this.waiting.length = 0
      this.head = 0
    }
    if (sent > 0) {
      this.options.sent?.(sent, this.inFlight)
    }
  }

  /** Resolves once a request has ended */
  async landing (): Promise<void> {
    await raceSignal(this.wake.promise, this.options.signal)
    this.wake = Promise.withResolvers<void>()
  }

  private send (ref: LinkRef): void {
    this.inFlight++
    // held back for room or for the foreground, it is not sent if another walk has loaded the link meanwhile
    this.env.fetcher.get(ref.link.cid, { signal: this.options.signal, background: this.options.background, skip: () => ref.link.loaded != null })
      .then(bytes => {
        this.landed.push({ ref, shard: bytes == null ? ref.link.loaded as Shard : this.keep(ref, bytes) })
      })
      .catch(error => {
        // a fetch or a node that fails its checks ends the walk: nothing is skipped silently
        this.failure ??= { error }
      })
      .finally(() => {
        this.inFlight--
        this.window = this.options.window
        this.wake.resolve()
      })
  }

  /** The node a link's block holds, filled into the shared link while the walk may keep nodes */
  private keep (ref: LinkRef, bytes: Uint8Array): Shard {
    if (ref.link.loaded != null) {
      return ref.link.loaded
    }
    const shard = readChild(this.context, ref, bytes)
    this.options.fetched?.()
    if (this.kept < this.options.keep && (this.env.mayKeep?.() ?? true)) {
      this.kept++
      ref.link.loaded = shard
      this.env.loaded(ref.link)
    }
    return shard
  }
}
