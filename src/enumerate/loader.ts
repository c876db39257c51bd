/**
 * Partial enumeration: loads the shard nodes one version of a directory
 * needs, in bounded bursts, and swaps them into that version.
 *
 * A burst asks the block fetcher for the unloaded node on a name's path (if
 * any) and, for a size check, the nodes most likely to bring the missing
 * entry bytes per fetch (see `burst-plan.ts`), all at once, never keeping more
 * than `fetchBudget` of this directory's requests on the wire. It stops waiting as soon as
 * the goal holds; requests still in flight then land in the background and
 * fill their shared links, for this version and any other to swap in later,
 * with no second request. Nodes loaded by another version are swapped in as
 * they are met, with no fetch.
 */

import { raceSignal } from 'race-signal'
import { adopt } from '../hamt/adopt.js'
import { unloadedOnPath } from '../hamt/read.js'
import { readChild } from './child.js'
import { reportBurst } from './progress.js'
import { SizeFrontier } from './size-frontier.js'
import type { BlockFetcher } from '../fetch.js'
import type { LinkRef } from '../hamt/read.js'
import type { Shard, ShardLink } from '../hamt/shard.js'
import type { BurstProgress, DirectoryProgressEvents } from '../interface.js'
import type { CID } from 'multiformats/cid'
import type { ProgressOptions } from 'progress-events'

/** A size-check burst of at least this many nodes... */
const ENTITY_MIN_BURST = 32
/**
 * ...asks a source for the whole directory in one response (a gateway's
 * `dag-scope=entity` CAR) when the directory's estimated entry bytes are at
 * most this many times what the check still misses: it then fetches most of
 * the directory anyway, and one response costs one round trip where a
 * request per node costs a connection each
 */
const ENTITY_MAX_SHARE = 3

/** One version of a directory's tree: its root, and the owner that may change its nodes in place */
export interface TreeVersion {
  root: Shard
  readonly owner: object
}

export interface LoadStats {
  /** Shard blocks this directory fetched and decoded */
  fetchedBlocks: number
  /** Fetch rounds */
  bursts: number
  /** The most blocks asked for in one round */
  largestBurst: number
}

export interface LoadOptions extends ProgressOptions<DirectoryProgressEvents> {
  /** Aborts with the caller: stops waiting on this operation's requests, which stay on the wire for a later call */
  signal: AbortSignal
}

/** What a run of bursts is for */
export interface LoadGoal {
  reason: BurstProgress['reason']
  /** A name's hash: every node on its path is loaded before anything else counts */
  path?: Uint8Array
  /** The name itself, for a source that fetches a path by name (a gateway) */
  name?: string
  /** True once loading may stop; asked only when the path is loaded */
  holds(): boolean
  /** Entry bytes still missing before the goal holds: the size check's, for which other nodes are chosen by value */
  missing?(): number
  /** Entry bytes of a typical entry, before any is seen */
  entryBytes?: number
}

/** What the loaders of one service share */
export interface LoaderEnv {
  fetcher: BlockFetcher
  config: { fetchBudget: number }
  /** Told of every node a load fills in, for the cache's count */
  loaded(link: ShardLink): void
}

export class ShardLoader {
  readonly stats: LoadStats
  private readonly env: LoaderEnv
  private readonly frontier: SizeFrontier
  /** This directory's requests on the wire: its share of the fetch budget */
  private readonly pending = new Set<ShardLink>()
  private landed = Promise.withResolvers<void>()
  /** The root CID the tree was opened from: its unloaded links are that tree's, which a source may fetch by path */
  origin?: CID

  constructor (env: LoaderEnv, stats: LoadStats = { fetchedBlocks: 0, bursts: 0, largestBurst: 0 }, frontier = new SizeFrontier()) {
    this.env = env
    this.stats = stats
    this.frontier = frontier
  }

  /** A loader for a copy of the version: the same counts so far, its own frontier */
  clone (): ShardLoader {
    const loader = new ShardLoader(this.env, { ...this.stats }, this.frontier.clone())
    loader.origin = this.origin
    return loader
  }

  /** Fetches a directory's root block: one burst of one, counted as this directory's */
  async fetchRoot (cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    this.origin = cid
    this.counted(1)
    const bytes = await this.env.fetcher.get(cid, { signal })
    this.stats.fetchedBlocks++
    return bytes
  }

  private counted (requested: number): void {
    this.stats.bursts++
    this.stats.largestBurst = Math.max(this.stats.largestBurst, requested)
  }

  /** Loads every node on the path a name's hash takes */
  async loadPath (version: TreeVersion, name: string, hash: Uint8Array, options: LoadOptions): Promise<void> {
    await this.loadUntil(version, { reason: 'lookup', name, path: hash, holds: () => true }, options)
  }

  /** Runs bursts until the path is loaded and the goal holds, or nothing is left to load */
  async loadUntil (version: TreeVersion, goal: LoadGoal, options: LoadOptions): Promise<void> {
    const release = this.expectPath(version, goal, options.signal)
    try {
      await this.bursts(version, goal, options)
    } finally {
      release()
    }
  }

  /** Tells the fetcher's source which path is about to be loaded, by the name, from the root the tree came from */
  private expectPath (version: TreeVersion, goal: LoadGoal, signal: AbortSignal): () => void {
    const ref = goal.path == null || goal.name == null || this.origin == null ? undefined : this.nextOnPath(version, goal.path)
    if (ref == null || goal.name == null || this.origin == null) {
      return () => {}
    }
    return this.env.fetcher.expect({ scope: 'block', root: this.origin, name: goal.name, covers: [ref.link.cid] }, signal)
  }

  private async bursts (version: TreeVersion, goal: LoadGoal, options: LoadOptions): Promise<void> {
    for (let rebuilt = false; ;) {
      options.signal.throwIfAborted()
      const onPath = goal.path == null ? undefined : this.nextOnPath(version, goal.path)
      if (onPath == null && (version.root.unloaded === 0 || goal.holds())) {
        return
      }

      const room = this.env.config.fetchBudget - this.pending.size
      if (room <= 0) {
        await raceSignal(this.landed.promise, options.signal)
        continue
      }
      const refs = onPath == null ? [] : [onPath]
      const swapped = goal.missing == null ? false : this.frontier.choose(version, refs, room, goal, ref => this.adoptRef(version, ref))

      if (refs.length > 0) {
        rebuilt = false
        await this.burst(version, refs, goal, options)
      } else if (!swapped) {
        if (rebuilt) {
          throw new Error('internal: the tree has unloaded links that the frontier cannot find')
        }
        // every link taken was stale: start the queue again from the tree
        this.frontier.rebuild(version.root)
        rebuilt = true
      }
    }
  }

  /** The first link on the path still to fetch, after swapping in what others loaded */
  private nextOnPath (version: TreeVersion, hash: Uint8Array): LinkRef | undefined {
    for (;;) {
      const ref = unloadedOnPath(version.root, hash)
      if (ref?.link.loaded == null || !this.adoptRef(version, ref)) {
        return ref
      }
    }
  }

  /**
   * Tells the fetcher's source that a size-check burst is best served as
   * the whole directory, when it is (see ENTITY_MAX_SHARE); the returned
   * function ends that
   */
  private expectEntity (version: TreeVersion, refs: LinkRef[], goal: LoadGoal, signal: AbortSignal): () => void {
    if (this.origin == null || goal.missing == null || refs.length < ENTITY_MIN_BURST || !this.env.fetcher.hasSource) {
      return () => {}
    }
    const whole = this.frontier.estimatedBytes(version.root)
    if (whole == null || whole > ENTITY_MAX_SHARE * goal.missing()) {
      return () => {}
    }
    return this.env.fetcher.expect({ scope: 'entity', root: this.origin, covers: refs.map(ref => ref.link.cid) }, signal)
  }

  private async burst (version: TreeVersion, refs: LinkRef[], goal: LoadGoal, options: LoadOptions): Promise<void> {
    this.counted(refs.length)
    const release = this.expectEntity(version, refs, goal, options.signal)
    const decided = new AbortController()
    const swapped = new Set<LinkRef>()
    const done = (): boolean => (goal.path == null || unloadedOnPath(version.root, goal.path) == null) && goal.holds()

    const loads = refs.map(async ref => {
      await this.load(version, ref, options.signal)
      if (decided.signal.aborted) {
        return
      }
      if (this.adoptRef(version, ref)) {
        swapped.add(ref)
      }
      if (swapped.size === refs.length || done()) {
        decided.abort()
      }
    })

    try {
      await raceSignal(Promise.all(loads), AbortSignal.any([decided.signal, options.signal]))
    } catch (err) {
      if (options.signal.aborted || !decided.signal.aborted) {
        throw err
      }
    } finally {
      release()
      // from here on, landings only fill their shared links
      decided.abort()
      for (const ref of refs) {
        if (!swapped.has(ref)) {
          this.frontier.putBack(version.root, ref)
        }
      }
      reportBurst(options, goal.reason, refs.length, swapped.size, version.root)
    }
  }

  /** Fetches and decodes the child behind a link, once for every version that shares the link */
  private async load (version: TreeVersion, ref: LinkRef, signal: AbortSignal): Promise<void> {
    const { link } = ref
    if (link.loaded != null) {
      return
    }
    this.pending.add(link)
    let bytes: Uint8Array
    try {
      bytes = await this.env.fetcher.get(link.cid, { signal })
    } finally {
      this.pending.delete(link)
      this.landed.resolve()
      this.landed = Promise.withResolvers<void>()
    }
    if (link.loaded != null) {
      // a caller that joined the same request decoded it first
      return
    }
    link.loaded = readChild(version.root.context, ref, bytes)
    this.stats.fetchedBlocks++
    this.env.loaded(link)
  }

  /** Swaps a loaded link's child into the version; false if the link is no longer there */
  private adoptRef (version: TreeVersion, ref: LinkRef): boolean {
    const root = adopt(version.root, ref, version.owner)
    const child = ref.link.loaded
    if (root == null || child == null) {
      return false
    }
    version.root = root
    this.frontier.add(child, ref)
    return true
  }
}
