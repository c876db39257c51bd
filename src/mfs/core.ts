/**
 * What every MFS command works with: the root (loaded from the datastore on
 * first use), the lock, the transactions, the path walks, and the node's
 * directories (`helia.directories` where registered, else one engine of its
 * own), which every call opens directories on with its own edit options.
 *
 * One lock (a write lock: the MFS has one root, and a read may write
 * blocks to learn a changed directory's CID) serializes every call, as
 * kubo's MFS does, so concurrent calls from one app never lose an edit. `cat`
 * and `ls` hold it only while they resolve the path: they stream from a
 * snapshot. `helia.gc()` holds it too, from its sweep to its end (see
 * `shared.ts`), as kubo's gc holds its GC lock: no directory is written
 * while a gc runs.
 */

import * as dagPb from '@ipld/dag-pb'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { repairHashType } from '../compat/legacy-root.js'
import { repairing } from '../compat/repairing.js'
import { directoriesOf, readingThrough } from '../drop-in/directories.js'
import { CALL_EDIT_OPTIONS, pickEditOptions } from '../drop-in/edit-options.js'
import { putEmptyDirectory } from '../drop-in/empty-directory.js'
import { childSize, readBlock, ReadWriteLock } from '../drop-in/engine.js'
import { AlreadyExistsError, InvalidParametersError, NotADirectoryError } from '../errors.js'
import { unixfs } from '../unixfs/index.js'
import { DEFAULT_NO_FLUSH_LIMIT, DEFAULT_ROOT_KEY } from './constants.js'
import { DoesNotExistError, NoFlushLimitError } from './errors.js'
import { Protection } from './protect.js'
import { child, nodeOf, persist, Transaction } from './tree.js'
import type { CreateOptions, DirectoryBlocks, DirectoryOptions, DynamicDirectories, OpenOptions } from '../interface.js'
import type { FlushOptions, MFSComponents, MFSInit } from './interface.js'
import type { SweepResult } from './protect.js'
import type { DirNode, Step, Target, TreeEnv } from './tree.js'
import type { UnixFS } from '@helia/unixfs'
import type { AbortOptions } from '@libp2p/interface'
import type { Mtime } from 'ipfs-unixfs'

/** The most Tsizes kept; then the map starts again */
const SIZE_CACHE = 4096

/** A path split into names; it must be absolute */
export function segments (path: unknown): string[] {
  if (typeof path !== 'string' || path === '') {
    throw new InvalidParametersError('Please supply a path')
  }
  if (!path.startsWith('/')) {
    throw new InvalidParametersError(`path must be absolute, got ${JSON.stringify(path)}`)
  }
  return path.split('/').filter(Boolean)
}

/** The engine options a call hands each Directory operation */
export function engine (options: AbortOptions & { onProgress?(evt: any): void }): DirectoryOptions {
  return { signal: options.signal, onProgress: options.onProgress }
}

export interface NewDirectoryOptions extends AbortOptions {
  mode?: number
  mtime?: Mtime
  cidVersion?: number
  profile?: 'unixfs-v0-2015' | 'unixfs-v1-2025'
}

export class MfsCore implements TreeEnv {
  /** The blocks the MFS reads and writes beside the engine (file content, a `cp` source's root); on a Helia node, each pinned first (see protect.ts) */
  readonly blockstore: DirectoryBlocks
  /** The `unixfs()` drop-in on the MFS's blocks and directories: file content, and `stat` */
  readonly unixfs: UnixFS
  private readonly datastore: MFSComponents['datastore']
  /** The node's directories */
  private readonly directories: DynamicDirectories
  /** The same, reading a root written without hashType as murmur3: for offline reads */
  private readonly repaired: DynamicDirectories
  /** The edit options of `mfs()`'s init: every directory opens with them, under a call's own */
  private readonly editDefaults: CreateOptions
  private readonly key: Key
  private readonly init: MFSInit
  private readonly noFlushLimit: number
  private readonly lock = new ReadWriteLock()
  private root?: DirNode
  /** Tsizes of directory blocks this MFS wrote or read (two versions with the same entries have one CID) */
  private readonly sizes = new Map<string, bigint>()
  /** Keeps the MFS through `helia.gc()`: on a node with pins */
  private readonly protection?: Protection
  /** Calls with `flush: false` since the last flush */
  unflushed = 0

  constructor (components: MFSComponents, init: MFSInit = {}) {
    this.datastore = components.datastore
    this.key = new Key(init.key ?? DEFAULT_ROOT_KEY)
    this.noFlushLimit = init.noFlushLimit ?? DEFAULT_NO_FLUSH_LIMIT
    if (!Number.isSafeInteger(this.noFlushLimit) || this.noFlushLimit < 0) {
      throw new InvalidParametersError(`noFlushLimit must be a non-negative integer, got ${String(init.noFlushLimit)}`)
    }
    this.init = init
    const { key: _, noFlushLimit, ...engineInit } = init
    this.directories = directoriesOf(components, engineInit)
    this.editDefaults = pickEditOptions(init, [...CALL_EDIT_OPTIONS, 'cidVersion'])
    // checks them now, not at the first call
    this.directories.create(this.editDefaults)
    this.repaired = repairing(this.directories)
    if (components.pins != null) {
      this.protection = new Protection(this.directories.blockstore, components.pins, this.key.toString())
    }
    this.blockstore = this.protection?.wrap() ?? this.directories.blockstore
    this.unixfs = unixfs({ blockstore: this.blockstore, directories: readingThrough(this.directories, this.blockstore), logger: components.logger })
  }

  /**
   * The key of a call's edit options ('' when it passes none): a directory
   * opened with other options is reopened with the call's before it edits
   */
  editKey (options: object): string {
    const overrides = pickEditOptions(options)
    if (Object.keys(overrides).length === 0) {
      return ''
    }
    // checked here, so a bad option refuses the call before anything changes
    this.directories.create(overrides)
    return JSON.stringify(overrides)
  }

  /** Opens `cid` offline: every block read with `offline: true`; a root written without hashType is read as murmur3 */
  async openOffline (cid: CID, options: AbortOptions): Promise<ReturnType<DynamicDirectories['open']>> {
    return this.repaired.open(cid, { ...engine(options), offline: true })
  }

  /**
   * Runs `fn` under the lock on a transaction of the current tree, and
   * swaps the result in when it succeeds: written through to the datastore
   * unless `flush: false`
   */
  async change <T> (options: AbortOptions & FlushOptions, fn: (tx: Transaction) => Promise<T>): Promise<T> {
    const flush = options.flush !== false
    const release = await this.lock.writeLock({ signal: options.signal })
    try {
      if (!flush && this.unflushed >= this.noFlushLimit) {
        throw new NoFlushLimitError(`reached the limit of ${this.noFlushLimit} unflushed operations: call flush(), pass flush: true, or raise noFlushLimit`)
      }
      const root = await this.loadRoot(options)
      const tx = new Transaction(root)
      const result = await fn(tx)
      if (!tx.changed) {
        if (flush && this.unflushed > 0) {
          // a call that flushes writes what earlier `flush: false` calls left, even when it changes nothing itself
          await this.writeRoot(root, options)
        }
        return result
      }
      if (flush) {
        await this.writeRoot(tx.root, options)
      } else {
        this.unflushed++
      }
      this.root = tx.root
      return result
    } finally {
      release()
    }
  }

  /** Runs `fn` under the lock on the current tree */
  async read <T> (options: AbortOptions, fn: (root: DirNode) => Promise<T>): Promise<T> {
    const release = await this.lock.writeLock({ signal: options.signal })
    try {
      return await fn(await this.loadRoot(options))
    } finally {
      release()
    }
  }

  /** Marks a call in progress: a gc keeps what it touches until it ends */
  begin (): () => void {
    return this.protection?.begin() ?? (() => {})
  }

  /**
   * Before `helia.gc()`: takes the lock, and unpins what this MFS no longer
   * references, walking the local blocks under the stored root and the
   * in-memory one (its changed directories written first, as `stat` writes
   * them) and pinning the local ones it reaches. The lock stays held until
   * `release` is called, once the gc has ended: no call writes a directory
   * meanwhile, so every block the gc could take is one the sweep has seen.
   */
  async holdForGc (options: AbortOptions = {}): Promise<{ swept?: SweepResult, release(): void }> {
    const protection = this.protection
    const release = await this.lock.writeLock({ signal: options.signal })
    if (protection == null) {
      return { release }
    }
    try {
      const roots: CID[] = []
      const stored = await this.storedRoot(options)
      if (stored != null) {
        roots.push(stored)
      }
      if (this.root != null) {
        roots.push(await persist(this, this.root, engine(options)))
      }
      return { swept: await protection.sweep(roots, options), release }
    } catch (err) {
      release()
      throw err
    }
  }

  /** A directory block the MFS has written: with pins, kept as this node's own (a lost one is never asked of the network) */
  async wrote (cid: CID, options: AbortOptions): Promise<void> {
    await this.protection?.protect(cid, true, options)
  }

  /** The root CID in the datastore; undefined before the first flush */
  private async storedRoot (options: AbortOptions): Promise<CID | undefined> {
    try {
      return CID.decode(await this.datastore.get(this.key, { signal: options.signal }))
    } catch (err: any) {
      if (err.name !== 'NotFoundError') {
        throw err
      }
      return undefined
    }
  }

  /** Writes every changed directory and the root CID; returns the root CID */
  async flushRoot (root: DirNode, options: AbortOptions): Promise<CID> {
    return this.writeRoot(root, options)
  }

  private async writeRoot (root: DirNode, options: AbortOptions): Promise<CID> {
    const cid = await persist(this, root, engine(options))
    await this.datastore.put(this.key, cid.bytes, { signal: options.signal })
    this.unflushed = 0
    return cid
  }

  private async loadRoot (options: AbortOptions): Promise<DirNode> {
    if (this.root != null) {
      return this.root
    }
    const cid = await this.storedRoot(options)
    if (cid == null) {
      this.root = await this.newDirectory('', options)
      return this.root
    }
    const opened = await this.openDirectory('', cid, options)
    if (opened == null) {
      throw new NotADirectoryError(`The MFS root ${cid} is not a directory`)
    }
    this.root = opened
    return this.root
  }

  /** Opens `cid` as a directory node with the edit options of `editKey`; undefined when it is no directory. A hashType-less HAMT root is repaired (the node is marked changed). */
  async openDirectory (editKey: string, cid: CID, options: AbortOptions): Promise<DirNode | undefined> {
    if (cid.code !== dagPb.code) {
      return undefined
    }
    const open: OpenOptions = { ...engine(options), ...this.editDefaults, ...(editKey === '' ? {} : JSON.parse(editKey) as CreateOptions) }
    try {
      // the engine reads beside the protection: a lost root only this node wrote fails here, at once
      await this.protection?.beforeRead(cid, options)
      return nodeOf(await this.directories.open(cid, open), editKey, cid)
    } catch (err: any) {
      if (err.name === 'NotADirectoryError') {
        return undefined
      }
      if (err.name !== 'InvalidShardError') {
        throw err
      }
      const fixed = await repairHashType(this.blockstore, cid, options)
      if (fixed == null) {
        throw err
      }
      return nodeOf(await this.directories.open(fixed, open), editKey)
    }
  }

  async sizeOf (cid: CID, options: AbortOptions): Promise<bigint> {
    const key = cid.toString()
    let size = this.sizes.get(key)
    if (size == null) {
      size = BigInt(childSize(cid, await readBlock(this.blockstore, cid, { signal: options.signal })))
      if (this.sizes.size >= SIZE_CACHE) {
        this.sizes.clear()
      }
      this.sizes.set(key, size)
    }
    return size
  }

  /** A new empty directory, its block written (as `@helia/unixfs` `mkdir` writes it) */
  async newDirectory (editKey: string, options: NewDirectoryOptions): Promise<DirNode> {
    const cidVersion = options.cidVersion ?? (options.profile == null ? this.init.cidVersion : undefined)
    const empty = await putEmptyDirectory(this.blockstore, { mode: options.mode, mtime: options.mtime, cidVersion: cidVersion as any, profile: options.profile ?? this.init.profile, signal: options.signal })
    const node = await this.openDirectory(editKey, empty.cid, options)
    if (node == null) {
      throw new Error('internal: an empty directory did not open')
    }
    node.size = empty.size
    return node
  }

  /**
   * The directories of `names` from `root`, each opened and kept. A missing
   * one is a DoesNotExistError, or, with `create` (inside a transaction),
   * made empty; a name on the path that is not a directory is a
   * NotADirectoryError.
   */
  async walk (root: DirNode, names: string[], options: AbortOptions, create?: Transaction): Promise<Step[]> {
    let trail: Step[] = [{ node: root, name: '' }]
    for (let i = 0; i < names.length; i++) {
      const name = names[i]
      const found = await child(this, trail, name, engine(options))
      if (found == null) {
        if (create == null) {
          throw new DoesNotExistError(`/${names.slice(0, i + 1).join('/')} does not exist`)
        }
        trail = create.edit(trail)
        const made = await this.newDirectory('', options)
        await this.link(trail, name, made, options)
        trail.push({ node: made, name })
        continue
      }
      if (found.kind !== 'directory') {
        throw new NotADirectoryError(`/${names.slice(0, i + 1).join('/')} is not a directory`)
      }
      trail.push({ node: found.node, name })
    }
    return trail
  }

  /** What `names` ends on from `root`, with the directories on the way; undefined when the last name is absent */
  async resolve (root: DirNode, names: string[], options: AbortOptions, create?: Transaction): Promise<{ trail: Step[], target?: Target }> {
    if (names.length === 0) {
      return { trail: [], target: { kind: 'directory', node: root } }
    }
    const trail = await this.walk(root, names.slice(0, -1), options, create)
    const target = await child(this, trail, names[names.length - 1], engine(options))
    return { trail, target }
  }

  /**
   * The trail as the transaction's copies (all marked changed), the last one
   * opened with the call's shard options
   */
  async editable (tx: Transaction, trail: Step[], options: AbortOptions & object): Promise<Step[]> {
    const steps = tx.edit(trail)
    const last = steps[steps.length - 1].node
    const key = this.editKey(options)
    if (last.editKey !== key) {
      // written as it is, then reopened with the options this call edits it by
      const cid = await persist(this, last, engine(options))
      const reopened = await this.openDirectory(key, cid, options)
      if (reopened == null) {
        throw new Error('internal: a directory did not reopen')
      }
      last.directory = reopened.directory
      last.editKey = key
      last.cid = undefined
    }
    return steps
  }

  /** Links the directory node `node` as `name` in the last directory of `trail` (already editable) */
  async link (trail: Step[], name: string, node: DirNode, options: AbortOptions): Promise<void> {
    const parent = trail[trail.length - 1].node
    const cid = await persist(this, node, engine(options))
    node.size ??= await this.sizeOf(cid, options)
    await parent.directory.set(name, cid, { ...engine(options), size: node.size })
    parent.children.set(name, node)
    parent.stale.delete(name)
  }

  /** Links `cid` (not an opened directory) as `name` in the last directory of `trail` (already editable) */
  async linkCid (trail: Step[], name: string, cid: CID, size: bigint | undefined, options: AbortOptions): Promise<void> {
    const parent = trail[trail.length - 1].node
    await parent.directory.set(name, cid, { ...engine(options), size })
    parent.children.delete(name)
    parent.stale.delete(name)
  }

  /** Removes `name` from the last directory of `trail` (already editable) */
  async unlink (trail: Step[], name: string, options: AbortOptions): Promise<void> {
    const parent = trail[trail.length - 1].node
    await parent.directory.delete(name, engine(options))
    parent.children.delete(name)
    parent.stale.delete(name)
  }

  /** The CID of a target: a directory's is written first if it changed */
  async cidOf (target: Target, options: AbortOptions): Promise<CID> {
    return target.kind === 'directory' ? persist(this, target.node, engine(options)) : target.entry.cid
  }

  /** Refuses a path that exists, unless `force` */
  refuseExisting (target: Target | undefined, path: string, force: boolean | undefined): void {
    if (target != null && force !== true) {
      throw new AlreadyExistsError(`${path} already exists`)
    }
  }

  /** Replaces the directory node at the end of `trail` (the root when `trail` is empty) */
  async replaceDirectory (tx: Transaction, trail: Step[], name: string | undefined, node: DirNode, options: AbortOptions): Promise<void> {
    if (name == null) {
      tx.root = node
      node.cid = undefined
      tx.changed = true
      return
    }
    const steps = await this.editable(tx, trail, options)
    await this.link(steps, name, node, options)
  }
}
