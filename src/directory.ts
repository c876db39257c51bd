/**
 * A mutable UnixFS directory: the shape (basic or HAMT), the switch rules,
 * the lock, and flush.
 *
 * A directory is a HAMT iff its estimated size is strictly over the
 * threshold. A `set` that takes a basic directory over it builds the HAMT from
 * the entries in memory, with no fetch. An edit that shrinks a HAMT first
 * settles, by partial enumeration over the retained shard tree, whether the
 * result is still over: loaded entries that already add up past the threshold
 * prove it with no fetch; otherwise bursts of shard fetches run until they do,
 * or until everything is loaded and the directory turns basic. Fetches only
 * add to the retained tree, and every edit is applied in one synchronous step
 * after its fetches, so a failed or aborted operation leaves the directory as
 * it was.
 */

import * as dagPb from '@ipld/dag-pb'
import { logger } from '@libp2p/logger'
import createMortice from 'mortice'
import { CID } from 'multiformats/cid'
import { compare } from 'uint8arrays/compare'
import { basicEntries, encodeBasic } from './basic/codec.js'
import { cumulativeSize, writeDagPb } from './blocks.js'
import { InvalidParametersError, NotADirectoryError } from './errors.js'
import { ShardLoader } from './fetch.js'
import { decodeDagPb, decodeShard, fanoutBits } from './hamt/codec.js'
import { hashName } from './hamt/hash.js'
import { buildTree, findEntry, loadedEntries, persistTree, shardFromNode, swapEntry } from './hamt/tree.js'
import { assertValidName } from './names.js'
import { operationSignal } from './signals.js'
import { sizeStrategy } from './size.js'
import { decodeUnixFSData } from './unixfs-data.js'
import type { BlockReader, BlockWriter } from './blocks.js'
import type { EntrySlot, Shard, TreeContext } from './hamt/shard.js'
import type { Directory, DirectoryEntry, DirectoryOptions, DirectoryStats, SetOptions } from './index.js'
import type { DirectoryConfig } from './options.js'
import type { SizeStrategy } from './size.js'
import type { Mtime } from 'ipfs-unixfs'
import type { Mortice } from 'mortice'

const log = logger('helia:dynamic-directory')

let lockCount = 0

export type DirectoryBlockstore = BlockReader & BlockWriter

type State =
  | { shape: 'basic', entries: Map<string, EntrySlot>, bytes: number, persisted?: CID }
  | { shape: 'hamt', root: Shard }

/**
 * Whatever owns a Directory and can stop it: its signal is aborted, with a
 * NotStartedError, while the owner is stopped, which ends every request in
 * flight and refuses new calls.
 */
export interface Lifecycle {
  readonly signal: AbortSignal
}

/** What every Directory of one owner shares */
export interface DirectoryEnv {
  blockstore: DirectoryBlockstore
  config: DirectoryConfig
  lifecycle?: Lifecycle
  /** Blocks whose requests were cancelled in flight, so a later request for one gets a deadline */
  cancelled?: Set<string>
}

/** What an opened directory keeps from its root block */
interface Layout {
  cidVersion: 0 | 1
  fanoutBits: number
  mode?: number
  mtime?: Mtime
}

export class DynamicDirectory implements Directory {
  private readonly env: DirectoryEnv
  private readonly blockstore: DirectoryBlockstore
  private readonly config: DirectoryConfig
  private readonly layout: Layout
  private readonly sizes: SizeStrategy
  private readonly tree: TreeContext
  private readonly loader: ShardLoader
  private readonly lock: Mortice
  private state: State

  private constructor (env: DirectoryEnv, layout: Layout, loader?: ShardLoader) {
    this.env = env
    this.blockstore = env.blockstore
    this.config = env.config
    this.layout = layout
    this.sizes = sizeStrategy(env.config.strategy, layout.mode, layout.mtime)
    this.tree = { fanout: 2 ** layout.fanoutBits, bits: layout.fanoutBits, sizes: this.sizes }
    this.loader = loader ?? loaderFor(env)
    // mortice keeps one mutex per name for the whole process, and Helia's own
    // blockstore takes the default name: a Directory needs a lock of its own,
    // out of the shared map (finalize only removes it from there)
    this.lock = createMortice({ name: `helia-dynamic-directory:${++lockCount}`, singleProcess: true })
    this.lock.finalize()
    this.state = { shape: 'basic', entries: new Map(), bytes: 0 }
  }

  static create (env: DirectoryEnv): DynamicDirectory {
    const { config } = env
    return new DynamicDirectory(env, { cidVersion: config.cidVersion, fanoutBits: config.fanoutBits })
  }

  static async open (env: DirectoryEnv, cid: CID, options: DirectoryOptions = {}): Promise<DynamicDirectory> {
    const root = CID.asCID(cid)
    if (root == null) {
      throw new InvalidParametersError('open() needs a CID')
    }
    if (root.code !== dagPb.code) {
      throw new NotADirectoryError(`${root} is not dag-pb, so not a UnixFS directory`)
    }

    const { config } = env
    const loader = loaderFor(env)
    const op = operationSignal(options.signal)
    try {
      op.signal.throwIfAborted()
      const bytes = await loader.fetchRoot(root, { ...options, signal: requestSignal(env, op.signal) })
      const pb = decodeDagPb(bytes)
      if (pb.Data == null) {
        throw new NotADirectoryError(`${root} has no UnixFS data`)
      }
      const { unixfs } = decodeUnixFSData(pb.Data)
      const cidVersion = root.version

      if (unixfs.type === 'directory') {
        const layout = { cidVersion, fanoutBits: config.fanoutBits, mode: unixfs.mode, mtime: unixfs.mtime }
        const directory = new DynamicDirectory(env, layout, loader)
        // kept as it is until an edit: an unchanged directory flushes to its own CID
        const state = directory.basicState()
        for (const entry of basicEntries(pb, bytes)) {
          state.entries.set(entry.name, { kind: 'entry', ...entry })
          state.bytes += directory.sizes.entryBytes(entry)
        }
        state.persisted = root
        return directory
      }

      if (unixfs.type === 'hamt-sharded-directory') {
        const node = decodeShard(bytes, { path: [] })
        const layout = { cidVersion, fanoutBits: fanoutBits(node.fanout), mode: node.mode, mtime: node.mtime }
        const directory = new DynamicDirectory(env, layout, loader)
        const size = node.links.reduce((total, link) => total + link.size, BigInt(bytes.length))
        directory.state = { shape: 'hamt', root: shardFromNode(directory.tree, 0, node, { cid: root, size }) }
        return directory
      }

      throw new NotADirectoryError(`${root} is a UnixFS ${unixfs.type}, not a directory`)
    } finally {
      op.release()
    }
  }

  /**
   * An independent copy that starts from everything this one has loaded: the
   * two share entry objects and unloaded links, which are never changed in
   * place, and no shard node.
   */
  clone (): DynamicDirectory {
    const copy = new DynamicDirectory(this.env, this.layout)
    Object.assign(copy.loader.stats, this.loader.stats)
    copy.state = this.state.shape === 'basic'
      ? { ...this.state, entries: new Map(this.state.entries) }
      : { shape: 'hamt', root: this.state.root.cloneTree() }
    return copy
  }

  get shape (): 'basic' | 'hamt' {
    return this.state.shape
  }

  get stats (): DirectoryStats {
    const { fetchedBlocks, bursts, largestBurst } = this.loader.stats
    if (this.state.shape === 'basic') {
      return { fetchedBlocks, bursts, largestBurst, retainedNodes: 0, knownBytes: this.state.bytes, knownEntries: this.state.entries.size, sizeExact: true }
    }
    const { totals } = this.state.root
    return { fetchedBlocks, bursts, largestBurst, retainedNodes: totals.shards, knownBytes: totals.bytes, knownEntries: totals.entries, sizeExact: totals.unloaded === 0 }
  }

  async has (name: string, options: DirectoryOptions = {}): Promise<boolean> {
    return (await this.get(name, options)) != null
  }

  async get (name: string, options: DirectoryOptions = {}): Promise<DirectoryEntry | undefined> {
    assertValidName(name)
    return this.locked('read', options, async (signal) => {
      const entry = await this.lookup(name, { ...options, signal })
      return entry == null ? undefined : toEntry(entry)
    })
  }

  async set (name: string, cid: CID, options: SetOptions = {}): Promise<void> {
    assertValidName(name)
    const child = CID.asCID(cid)
    if (child == null) {
      throw new InvalidParametersError(`set(${JSON.stringify(name)}) needs a CID`)
    }
    const size = options.size ?? await cumulativeSize(this.blockstore, child, options)
    if (typeof size !== 'bigint' || size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) {
      // a link's Tsize is written as a protobuf varint that dag-pb takes from a JS number
      throw new InvalidParametersError(`size must be a bigint from 0 to 2^53 - 1, got ${size}`)
    }
    const entry: EntrySlot = { kind: 'entry', name, cid: child, size }

    await this.locked('write', options, async (signal) => {
      if (this.state.shape === 'basic') {
        this.basicEdit(name, entry)
        return
      }
      const previous = await this.lookup(name, { ...options, signal })
      const delta = this.sizes.entryBytes(entry) - (previous == null ? 0 : this.sizes.entryBytes(previous))
      await this.hamtEdit(name, entry, delta, { ...options, signal })
    })
  }

  async delete (name: string, options: DirectoryOptions = {}): Promise<boolean> {
    assertValidName(name)
    return this.locked('write', options, async (signal) => {
      if (this.state.shape === 'basic') {
        return this.basicEdit(name, undefined) != null
      }
      const previous = await this.lookup(name, { ...options, signal })
      if (previous == null) {
        return false
      }
      await this.hamtEdit(name, undefined, -this.sizes.entryBytes(previous), { ...options, signal })
      return true
    })
  }

  async * entries (options: DirectoryOptions = {}): AsyncGenerator<DirectoryEntry> {
    const snapshot = await this.locked('read', options, async (signal) => {
      if (this.state.shape === 'basic') {
        return [...this.state.entries.values()].sort(byName)
      }
      const { root } = this.state
      while (root.totals.unloaded > 0) {
        await this.loader.burst(root, 'list', () => false, { ...options, signal })
      }
      return [...loadedEntries(root)]
    })

    for (const entry of snapshot) {
      yield toEntry(entry)
    }
  }

  async flush (options: DirectoryOptions = {}): Promise<CID> {
    return this.locked('write', options, async () => {
      const put = async (bytes: Uint8Array): Promise<CID> => writeDagPb(this.blockstore, bytes, this.layout.cidVersion, options)
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
  private async locked <T> (kind: 'read' | 'write', options: DirectoryOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const release = kind === 'read' ? await this.lock.readLock(options) : await this.lock.writeLock(options)
    const op = operationSignal(options.signal)
    try {
      op.signal.throwIfAborted()
      return await fn(requestSignal(this.env, op.signal))
    } finally {
      op.release()
      release()
    }
  }

  private async lookup (name: string, options: DirectoryOptions & { signal: AbortSignal }): Promise<EntrySlot | undefined> {
    if (this.state.shape === 'basic') {
      return this.state.entries.get(name)
    }
    const { root } = this.state
    const hash = hashName(name)
    await this.loader.loadPath(root, hash, options)
    return findEntry(root, name, hash)
  }

  /**
   * Puts or removes one entry of a basic directory; one over the threshold
   * becomes a HAMT, built in memory. Returns the entry that was there before.
   */
  private basicEdit (name: string, value: EntrySlot | undefined): EntrySlot | undefined {
    const state = this.basicState()
    const previous = state.entries.get(name)
    if (value == null && previous == null) {
      return undefined
    }
    const bytes = state.bytes + (value == null ? 0 : this.sizes.entryBytes(value)) - (previous == null ? 0 : this.sizes.entryBytes(previous))

    if (this.isOver(bytes)) {
      log('over the threshold: basic to HAMT')
      // built from the edited entries before anything changes: a build that throws leaves the directory as it was
      this.state = { shape: 'hamt', root: buildTree(this.tree, withEdit(state.entries, name, value)) }
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

  /**
   * Applies a HAMT edit whose path is loaded. When it shrinks the directory,
   * first settles whether the result is still over the threshold, fetching in
   * bursts only while the loaded entries cannot prove it.
   */
  private async hamtEdit (name: string, value: EntrySlot | undefined, delta: number, options: DirectoryOptions & { signal: AbortSignal }): Promise<void> {
    const { root } = this.hamtState()
    const over = (): boolean => this.isOver(root.totals.bytes + delta)

    if (delta < 0) {
      while (!over() && root.totals.unloaded > 0) {
        await this.loader.burst(root, 'size-check', over, options)
      }
    }

    swapEntry(root, name, hashName(name), value)

    if (delta < 0 && !this.isOver(root.totals.bytes) && root.totals.unloaded === 0) {
      log('%d entries at or under the threshold: HAMT to basic', root.totals.entries)
      const entries = new Map<string, EntrySlot>()
      for (const entry of loadedEntries(root)) {
        entries.set(entry.name, entry)
      }
      this.state = { shape: 'basic', entries, bytes: root.totals.bytes }
    }
  }

  private isOver (entryBytes: number): boolean {
    return this.sizes.baseBytes + entryBytes > this.config.thresholdBytes
  }

  private basicState (): Extract<State, { shape: 'basic' }> {
    if (this.state.shape !== 'basic') {
      throw new Error('internal: expected a basic directory')
    }
    return this.state
  }

  private hamtState (): Extract<State, { shape: 'hamt' }> {
    if (this.state.shape !== 'hamt') {
      throw new Error('internal: expected a HAMT directory')
    }
    return this.state
  }
}

function loaderFor (env: DirectoryEnv): ShardLoader {
  return new ShardLoader(env.blockstore, env.config.fetchBudget, env.config.refetchTimeoutMs, env.cancelled)
}

/**
 * The signal block requests run under: the operation's, which follows the
 * caller only while the call runs, and the owner's lifecycle, which also ends
 * requests left in flight after the call returned. A stopped owner refuses
 * the call at once.
 */
function requestSignal (env: DirectoryEnv, operation: AbortSignal): AbortSignal {
  const lifecycle = env.lifecycle?.signal
  if (lifecycle == null) {
    return operation
  }
  lifecycle.throwIfAborted()
  return AbortSignal.any([operation, lifecycle])
}

function * withEdit (entries: Map<string, EntrySlot>, name: string, value: EntrySlot | undefined): Generator<EntrySlot> {
  for (const entry of entries.values()) {
    if (entry.name !== name) {
      yield entry
    }
  }
  if (value != null) {
    yield value
  }
}

function toEntry (entry: EntrySlot): DirectoryEntry {
  return { name: entry.name, cid: entry.cid, size: entry.size }
}

const textEncoder = new TextEncoder()

/** Byte order of UTF-8 names, as dag-pb sorts links */
function byName (a: EntrySlot, b: EntrySlot): number {
  return compare(textEncoder.encode(a.name), textEncoder.encode(b.name))
}
