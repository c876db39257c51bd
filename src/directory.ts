/**
 * A mutable UnixFS directory: the shape (basic or HAMT), the switch rules,
 * the lock, and flush.
 *
 * A directory is a HAMT iff it has entries and its estimated size is strictly
 * over the threshold. A `set` that takes a basic directory over it builds the
 * HAMT from the entries in memory, with no fetch, at the configured fanout. An
 * edit that shrinks a HAMT first settles, by partial enumeration, whether the
 * result is still over: loaded entries that already add up past the threshold
 * prove it with no fetch; otherwise bursts of shard fetches run until they do,
 * or until everything is loaded and the directory turns basic. Fetches only
 * add to the retained tree, and every edit is applied in one synchronous step
 * after its fetches, so a failed or aborted operation leaves the directory as
 * it was.
 *
 * Shard nodes are shared with every clone and cached version: an edit copies
 * only its path (see `hamt/shard.ts`).
 */

import { defaultLogger } from '@libp2p/logger'
import { CID } from 'multiformats/cid'
import { compare } from 'uint8arrays/compare'
import { encodeBasic } from './basic/codec.js'
import { childSize, writeDagPb } from './blocks.js'
import { listEntries } from './enumerate/listing.js'
import { ShardLoader } from './enumerate/loader.js'
import { startPrefetch } from './enumerate/prefetch.js'
import { reportBurst } from './enumerate/progress.js'
import { InvalidParametersError, NotStartedError } from './errors.js'
import { adoptLoaded } from './hamt/adopt.js'
import { buildTree, swapEntry } from './hamt/edit.js'
import { hashName } from './hamt/hash.js'
import { persistTree } from './hamt/persist.js'
import { findEntry, loadedEntries, unloadedOnPath } from './hamt/read.js'
import { ReadWriteLock } from './lock.js'
import { assertValidName } from './names.js'
import { readRoot, treeContext } from './root.js'
import { operationSignal, requestSignal } from './signals.js'
import { entryBytes, isTsize, sizeStrategy, utf8Length } from './size.js'
import type { BlockWriter } from './blocks.js'
import type { EntryLink } from './entry.js'
import type { LoadGoal, LoaderEnv, LoadOptions, TreeVersion } from './enumerate/loader.js'
import type { PrefetchRun } from './enumerate/prefetch.js'
import type { Shard } from './hamt/shard.js'
import type { Directory, DirectoryCounters, DirectoryEntry, DirectoryOptions, PrefetchProgress, SetOptions } from './interface.js'
import type { DirectoryConfig } from './options.js'
import type { BasicState, HamtState, Layout, State } from './root.js'
import type { Lifecycle } from './signals.js'
import type { SizeStrategy } from './size.js'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { Mtime } from 'ipfs-unixfs'

/** What every Directory of one owner shares */
export interface DirectoryEnv extends LoaderEnv {
  blockstore: BlockWriter
  config: DirectoryConfig
  lifecycle: Lifecycle
  /** Shard nodes a listing or prefetch may keep: the retained-tree bound */
  retainNodes: number
  /** Whether a listing or prefetch may keep one more node now, within the cache's bound over all its trees */
  mayKeep?(): boolean
  /** The node's logger; `defaultLogger()` without one */
  logger?: ComponentLogger
  /** The fetcher reads only the local blockstore (a directory opened with `offline: true`) */
  offline?: boolean
}

export class DynamicDirectory implements Directory {
  private readonly env: DirectoryEnv
  private readonly log: Logger
  private readonly config: DirectoryConfig
  private readonly layout: Layout
  private readonly sizes: SizeStrategy
  private readonly loader: ShardLoader
  private readonly lock = new ReadWriteLock()
  private readonly closing = new AbortController()
  private prefetched?: PrefetchProgress
  private state: State

  private constructor (env: DirectoryEnv, layout: Layout, loader: ShardLoader, state: State) {
    this.env = env
    this.log = (env.logger ?? defaultLogger()).forComponent('helia:dynamic-directory')
    this.config = env.config
    this.layout = layout
    this.sizes = sizeStrategy(env.config.strategy, layout.mode, layout.mtime)
    this.loader = loader
    this.state = state
  }

  static create (env: DirectoryEnv): DynamicDirectory {
    return new DynamicDirectory(env, { cidVersion: env.config.cidVersion }, new ShardLoader(env), { shape: 'basic', entries: new Map(), bytes: 0 })
  }

  static async open (env: DirectoryEnv, cid: CID, options: DirectoryOptions = {}): Promise<DynamicDirectory> {
    const root = CID.asCID(cid)
    if (root == null) {
      throw new InvalidParametersError('open() needs a CID')
    }

    const loader = new ShardLoader(env)
    const op = operationSignal(options.signal)
    try {
      const signal = requestSignal(env.lifecycle, op.signal)
      const { layout, state } = await readRoot(root, env.config.strategy, async (cid) => loader.fetchRoot(cid, signal))
      reportBurst(options, 'open', 1, 1, state.shape === 'hamt' ? state.root : { bytes: state.bytes, unloaded: 0 })
      return new DynamicDirectory(env, layout, loader, state)
    } finally {
      op.release()
    }
  }

  /**
   * An independent version that starts from everything this one has loaded.
   * The two share their shard nodes; from now on each copies a node before
   * changing it.
   */
  clone (): DynamicDirectory {
    const state: State = this.state.shape === 'basic'
      ? { ...this.state, entries: new Map(this.state.entries) }
      : { shape: 'hamt', root: this.shareRoot() as Shard, owner: {} }
    return new DynamicDirectory(this.env, this.layout, this.loader.clone(), state)
  }

  /**
   * Shares the root as it is now: no one changes it in place from now on,
   * this directory included (it gets a new owner, so its next edits copy
   * what they change). Not a getter: it changes who owns the tree.
   * Undefined for a basic directory.
   */
  shareRoot (): Shard | undefined {
    if (this.state.shape === 'basic') {
      return undefined
    }
    this.state.owner = {}
    return this.state.root
  }

  /** The mode and mtime the root block carries (and the next flush writes) */
  get metadata (): { mode?: number, mtime?: Mtime } {
    return { mode: this.layout.mode, mtime: this.layout.mtime }
  }

  /**
   * An independent version whose root carries `mode` and `mtime` instead
   * (chmod, touch), sharing everything this one has loaded; its next flush
   * rewrites the root block only (a HAMT root with its fanout and hashType
   * 0x22, as every shard node is written)
   */
  withMetadata (metadata: { mode?: number, mtime?: Mtime }): DynamicDirectory {
    const layout: Layout = { cidVersion: this.layout.cidVersion, mode: metadata.mode, mtime: metadata.mtime }
    if (this.state.shape === 'basic') {
      return new DynamicDirectory(this.env, layout, this.loader.clone(), { ...this.state, entries: new Map(this.state.entries), persisted: undefined })
    }
    const owner = {}
    const root = (this.shareRoot() as Shard).writable(owner, true)
    return new DynamicDirectory(this.env, layout, this.loader.clone(), { shape: 'hamt', root, owner })
  }

  get shape (): 'basic' | 'hamt' {
    return this.state.shape
  }

  get stats (): DirectoryCounters {
    const { fetchedBlocks, bursts, largestBurst } = this.loader.stats
    const prefetch = { prefetchedBlocks: this.prefetched?.fetched ?? 0, prefetching: this.prefetched?.done === false }
    if (this.state.shape === 'basic') {
      return { fetchedBlocks, bursts, largestBurst, ...prefetch, retainedNodes: 0, knownBytes: this.state.bytes, knownEntries: this.state.entries.size, sizeExact: true }
    }
    const { root } = this.state
    return { fetchedBlocks, bursts, largestBurst, ...prefetch, retainedNodes: root.shards, knownBytes: root.bytes, knownEntries: root.entries, sizeExact: root.unloaded === 0 }
  }

  /** Aborted once the directory is closed */
  get closed (): AbortSignal {
    return this.closing.signal
  }

  /** Ends the directory's background work (a prefetch); the directory stays usable */
  close (): void {
    this.closing.abort(new NotStartedError('The directory was closed'))
  }

  /**
   * Fetches the rest of the tree breadth-first in the background, into the
   * shared retained tree, up to `options.nodes` nodes, yielding to every
   * foreground request. Ends when everything is loaded, at the bound, when
   * the owner stops, when the directory is closed, or when `options.signal`
   * aborts; an end other than the stop asks for nothing more and leaves its
   * requests on the wire to land. Nothing is swapped into this version: each operation swaps in
   * what it passes, with no fetch.
   */
  prefetch (options: PrefetchRun): void {
    const root = this.shareRoot()
    if (root == null || this.prefetched?.done === false) {
      return
    }
    const signal = AbortSignal.any([this.env.lifecycle.signal, this.closing.signal, ...(options.signal == null ? [] : [options.signal])])
    this.prefetched = startPrefetch(root, this.env, this.config.listWindow, options, signal, (this.env.logger ?? defaultLogger()).forComponent('helia:dynamic-directory:prefetch'))
  }

  async has (name: string, options: DirectoryOptions = {}): Promise<boolean> {
    return (await this.get(name, options)) != null
  }

  async get (name: string, options: DirectoryOptions = {}): Promise<DirectoryEntry | undefined> {
    assertValidName(name)
    return this.locked('read', options, async (request) => {
      const entry = await this.lookup(name, request)
      return entry == null ? undefined : toDirectoryEntry(entry)
    })
  }

  async set (name: string, cid: CID, options: SetOptions = {}): Promise<void> {
    assertValidName(name)
    const child = CID.asCID(cid)
    if (child == null) {
      throw new InvalidParametersError(`set(${JSON.stringify(name)}) needs a CID`)
    }
    const size = options.size == null ? undefined : tsizeOption(options.size)

    await this.locked('write', options, async (request) => {
      const value: EntryLink = { name, cid: child, size: size ?? childSize(child, await this.env.fetcher.get(child, request)) }
      if (this.state.shape === 'basic') {
        this.basicEdit(name, value)
        return
      }
      const version = this.state
      const hash = hashName(name)
      await this.loader.loadPath(version, name, hash, request)
      const previous = findEntry(version.root, name, hash)
      const delta = this.entryBytes(name, value) - (previous == null ? 0 : this.entryBytes(name, previous))
      if (delta < 0) {
        await this.loader.loadUntil(version, { ...this.stillOver(version, () => delta), entryBytes: this.entryBytes(name, value) }, request)
      }
      this.hamtEdit(version, name, hash, value, delta < 0)
    })
  }

  async delete (name: string, options: DirectoryOptions = {}): Promise<boolean> {
    assertValidName(name)
    return this.locked('write', options, async (request) => {
      if (this.state.shape === 'basic') {
        return this.basicEdit(name, undefined) != null
      }
      const version = this.state
      const hash = hashName(name)
      const removed = (): number => {
        const victim = unloadedOnPath(version.root, hash) == null ? findEntry(version.root, name, hash) : undefined
        return victim == null ? 0 : -this.entryBytes(name, victim)
      }
      // the path and the size check in the same bursts: one round trip fewer. Until the
      // victim is found, what it will take off is guessed from its name (a CIDv1 of sha2-256).
      // The goal holds once the path shows the name absent (nothing to check) or the tree
      // without it is proven over
      const guess = this.sizes.entryBytes(utf8Length(name), 36, 0)
      const expected = (): number => unloadedOnPath(version.root, hash) == null ? removed() : -guess
      const goal: LoadGoal = {
        ...this.stillOver(version, expected),
        entryBytes: guess,
        name,
        path: hash,
        holds: () => removed() === 0 || this.isOver(version.root.bytes + removed())
      }
      await this.loader.loadUntil(version, goal, request)
      if (findEntry(version.root, name, hash) == null) {
        return false
      }
      this.hamtEdit(version, name, hash, undefined, true)
      return true
    })
  }

  /**
   * Every entry of the version current when the listing starts; later edits
   * do not wait for it and do not show in it. Entries come as their nodes
   * land, through a window of `listWindow` requests kept full; a tree already
   * loaded whole is listed in link order (a basic directory's name order, a
   * HAMT's slot order, as `ipfs-unixfs-exporter` lists it).
   */
  async * entries (options: DirectoryOptions = {}): AsyncGenerator<DirectoryEntry> {
    const listed = await this.locked('read', options, async () => {
      if (this.state.shape === 'basic') {
        return [...this.state.entries.values()].sort(byName)
      }
      // what other versions loaded counts too: a tree loaded whole is listed in link order, with no fetch
      this.state.root = adoptLoaded(this.state.root, this.state.owner)
      return this.shareRoot() as Shard
    })
    if (Array.isArray(listed) || listed.unloaded === 0) {
      for (const entry of Array.isArray(listed) ? listed : loadedEntries(listed)) {
        yield toDirectoryEntry(entry)
      }
      return
    }

    const op = operationSignal(options.signal)
    try {
      const listing = listEntries(listed, this.env, this.loader.stats, {
        signal: requestSignal(this.env.lifecycle, op.signal),
        window: this.config.listWindow,
        keep: this.env.retainNodes,
        origin: this.loader.origin,
        onProgress: options.onProgress
      })
      for await (const entry of listing) {
        yield toDirectoryEntry(entry)
      }
    } finally {
      op.release()
    }

    // what the listing loaded, swapped into this version: its size is now known
    await this.locked('read', {}, async () => {
      if (this.state.shape === 'hamt') {
        this.state.root = adoptLoaded(this.state.root, this.state.owner)
      }
    })
  }

  async flush (options: DirectoryOptions = {}): Promise<CID> {
    return this.locked('write', options, async ({ signal }) => {
      const put = async (bytes: Uint8Array): Promise<CID> => writeDagPb(this.env.blockstore, bytes, this.layout.cidVersion, { signal })
      const { mode, mtime } = this.layout

      if (this.state.shape === 'hamt') {
        return (await persistTree(this.state.root, put, { mode, mtime })).cid
      }

      const state = this.state
      state.persisted ??= await put(encodeBasic({ entries: [...state.entries.values()], mode, mtime }))
      return state.persisted
    })
  }

  /** Runs `fn` under the lock with a signal that follows the caller's only while it runs */
  private async locked <T> (kind: 'read' | 'write', options: DirectoryOptions, fn: (request: LoadOptions) => Promise<T>): Promise<T> {
    const release = kind === 'read' ? await this.lock.readLock(options) : await this.lock.writeLock(options)
    const op = operationSignal(options.signal)
    try {
      return await fn({ onProgress: options.onProgress, signal: requestSignal(this.env.lifecycle, op.signal) })
    } finally {
      op.release()
      release()
    }
  }

  private async lookup (name: string, request: LoadOptions): Promise<EntryLink | undefined> {
    if (this.state.shape === 'basic') {
      return this.state.entries.get(name)
    }
    const version = this.state
    const hash = hashName(name)
    await this.loader.loadPath(version, name, hash, request)
    return findEntry(version.root, name, hash)
  }

  /** A size check: load until the tree, changed by `delta` entry bytes, is proven over the threshold */
  private stillOver (version: TreeVersion, delta: () => number): LoadGoal {
    return {
      reason: 'size-check',
      holds: () => this.isOver(version.root.bytes + delta()),
      missing: () => this.config.thresholdBytes + 1 - this.sizes.baseBytes - version.root.bytes - delta()
    }
  }

  /**
   * Puts or removes one entry of a basic directory; one over the threshold
   * becomes a HAMT, built in memory. Returns the entry that was there before.
   */
  private basicEdit (name: string, value: EntryLink | undefined): EntryLink | undefined {
    const state = this.state as BasicState
    const previous = state.entries.get(name)
    if (value == null && previous == null) {
      return undefined
    }
    const bytes = state.bytes + (value == null ? 0 : this.entryBytes(name, value)) - (previous == null ? 0 : this.entryBytes(name, previous))
    const count = state.entries.size - (previous == null ? 0 : 1) + (value == null ? 0 : 1)

    if (count > 0 && this.isOver(bytes)) {
      this.log('over the threshold: basic to HAMT')
      // a basic directory has no fanout: a new HAMT takes the configured one.
      // Built from the edited entries before anything changes: a build that throws leaves the directory as it was
      const owner = {}
      const root = buildTree(treeContext(this.config.fanoutBits, this.sizes), withEdit(state.entries, name, value), owner)
      this.state = { shape: 'hamt', root, owner }
      return previous
    }

    if (value == null) {
      state.entries.delete(name)
    } else {
      state.entries.set(name, value)
    }
    state.bytes = bytes
    state.persisted = undefined
    return previous
  }

  /** Applies a HAMT edit whose path (and, when it shrinks, size check) is loaded; a shrunk HAMT at or under the threshold, or empty, turns basic */
  private hamtEdit (version: HamtState, name: string, hash: Uint8Array, value: EntryLink | undefined, shrinks: boolean): void {
    const { root } = swapEntry(version.root, name, hash, value, version.owner)
    version.root = root

    if (shrinks && root.unloaded === 0 && (root.entries === 0 || !this.isOver(root.bytes))) {
      this.log('%d entries at or under the threshold: HAMT to basic', root.entries)
      const entries = new Map<string, EntryLink>()
      for (const entry of loadedEntries(root)) {
        entries.set(entry.name, entry)
      }
      this.state = { shape: 'basic', entries, bytes: root.bytes }
    }
  }

  private entryBytes (name: string, value: Pick<EntryLink, 'cid' | 'size'>): number {
    return entryBytes(this.sizes, name, value)
  }

  private isOver (entryBytes: number): boolean {
    return this.sizes.baseBytes + entryBytes > this.config.thresholdBytes
  }
}

/** A caller's Tsize as the number a link holds */
function tsizeOption (size: unknown): number {
  const value = typeof size === 'bigint' && size <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(size) : undefined
  if (!isTsize(value)) {
    throw new InvalidParametersError(`size must be a bigint from 0 to 2^53 - 1, got ${String(size)}`)
  }
  return value
}

function * withEdit (entries: Map<string, EntryLink>, name: string, value: EntryLink | undefined): Generator<EntryLink> {
  for (const entry of entries.values()) {
    if (entry.name !== name) {
      yield entry
    }
  }
  if (value != null) {
    yield value
  }
}

function toDirectoryEntry (entry: EntryLink): DirectoryEntry {
  return { name: entry.name, cid: entry.cid, size: BigInt(entry.size) }
}

const textEncoder = new TextEncoder()

/** Byte order of UTF-8 names, as dag-pb sorts links */
function byName (a: EntryLink, b: EntryLink): number {
  return compare(textEncoder.encode(a.name), textEncoder.encode(b.name))
}
