/**
 * `unixfs(helia)`: a drop-in for `@helia/unixfs` 8.0.5's `unixfs(helia)`.
 * Directory work (`cp`, `rm`, `mkdir`, `ls`, `stat` of directories and the
 * `path` walks of `ls`/`stat`) runs on the node's engine: `helia.directories`
 * where `withDynamicDirectory` registered it, else one service the drop-in
 * makes (see `drop-in/directories.ts`), so trees loaded by one call serve the
 * next and CIDs follow `ipfs-unixfs-importer`; so do `chmod` and `touch` of
 * a HAMT (see `metadata.ts`), and a HAMT root written without hashType is
 * read as murmur3 (see `compat/`). Everything else (adding, `cat`,
 * `chmod`/`touch` of files and basic directories, `stat` of files) is
 * `@helia/unixfs`'s own, on the engine's `blockstore`, whose reads join the
 * engine's block fetcher. `offline: true` is passed to the engine per call.
 *
 * Every method that reaches the engine throws `@helia/unixfs`'s errors: the
 * engine's are turned into them here, at the edge (`drop-in/errors.ts`).
 */

import { unixfs as heliaUnixfs } from '@helia/unixfs'
import { repairing } from '../compat/repairing.js'
import { directoriesOf } from '../drop-in/directories.js'
import { asPeer, asPeerStream, peerError } from '../drop-in/errors.js'
import { now } from '../drop-in/mtime.js'
import { checkFlag } from '../drop-in/options.js'
import { cp } from './commands/cp.js'
import { ls } from './commands/ls.js'
import { mkdir } from './commands/mkdir.js'
import { rm } from './commands/rm.js'
import { stat } from './commands/stat.js'
import { hamtMetadata } from './utils/metadata.js'
import type { DropInComponents } from '../drop-in/directories.js'
import type { DirectoryBlocks, DynamicDirectories, DynamicDirectoryInit } from '../interface.js'
import type { AnyStatOptions } from './commands/stat.js'
import type { AddFileOptions, CatOptions, ChmodOptions, CpOptions, DirectoryStats, ExtendedDirectoryStats, ExtendedFileStats, ExtendedRawStats, ExtendedStatOptions, FileCandidate, FileStats, LsOptions, MkdirOptions, RawStats, RmOptions, StatOptions, TouchOptions, UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

/**
 * What the drop-in's engine takes, when it makes one (a node without
 * `helia.directories`; with it, the node's options apply): how many shard
 * blocks it requests at once, how many retained shard nodes its cache
 * keeps, how long a block cancelled in flight may take when asked for again,
 * the stall bound, and the trustless gateways to fetch from (calls with
 * `offline: true` ask none). The options that shape a directory are per
 * call, as in `@helia/unixfs`.
 */
export type UnixFSInit = Pick<DynamicDirectoryInit, 'fetchBudget' | 'cacheNodes' | 'refetchTimeoutMs' | 'stallTimeoutMs' | 'gateways'>

/** What the drop-in needs of a Helia node: its blockstore, and its `directories` when registered */
export interface UnixFSComponents extends DropInComponents {}

export class DynamicUnixFS implements UnixFS {
  private readonly blockstore: DirectoryBlocks
  private readonly peer: UnixFS
  private readonly directories: DynamicDirectories

  constructor (components: UnixFSComponents, init: UnixFSInit = {}) {
    try {
      const { fetchBudget, cacheNodes, refetchTimeoutMs, stallTimeoutMs, gateways } = init
      // a HAMT root written without hashType reads as murmur3
      this.directories = repairing(directoriesOf(components, { fetchBudget, cacheNodes, refetchTimeoutMs, stallTimeoutMs, gateways }))
    } catch (err) {
      throw peerError(err)
    }
    // the commands' own reads (path walks, stat, file content) join the engine's fetcher
    this.blockstore = this.directories.blockstore
    this.peer = heliaUnixfs({ blockstore: this.blockstore as any })
  }

  async * addAll (...args: Parameters<UnixFS['addAll']>): AsyncIterable<any> {
    yield * this.peer.addAll(...args)
  }

  async addBytes (bytes: Uint8Array, options?: AddFileOptions): Promise<CID> {
    return this.peer.addBytes(bytes, options)
  }

  async addByteStream (...args: Parameters<UnixFS['addByteStream']>): Promise<CID> {
    return this.peer.addByteStream(...args)
  }

  async addFile (file: FileCandidate, options?: AddFileOptions): Promise<CID> {
    return this.peer.addFile(file, options)
  }

  async addDirectory (...args: Parameters<UnixFS['addDirectory']>): Promise<CID> {
    return this.peer.addDirectory(...args)
  }

  async * cat (cid: CID, options?: CatOptions): AsyncIterable<Uint8Array> {
    yield * this.peer.cat(cid, options)
  }

  async chmod (cid: CID, mode: number, options: ChmodOptions = {}): Promise<CID> {
    return asPeer(async () => hamtMetadata(this.engine(options), this.blockstore, cid, { mode }, options, async () => this.peer.chmod(cid, mode, options)))
  }

  async touch (cid: CID, options: TouchOptions = {}): Promise<CID> {
    return asPeer(async () => hamtMetadata(this.engine(options), this.blockstore, cid, { mtime: options.mtime ?? now() }, options, async () => this.peer.touch(cid, options)))
  }

  async cp (source: CID, target: CID, name: string, options: CpOptions = {}): Promise<CID> {
    return asPeer(async () => cp(this.engine(options), this.blockstore, source, target, name, options))
  }

  async rm (target: CID, name: string, options: RmOptions = {}): Promise<CID> {
    return asPeer(async () => rm(this.engine(options), this.blockstore, target, name, options))
  }

  async mkdir (parent: CID, dirname: string, options: MkdirOptions = {}): Promise<CID> {
    return asPeer(async () => mkdir(this.engine(options), this.blockstore, parent, dirname, options))
  }

  async * ls (cid: CID, options: LsOptions = {}): AsyncIterable<any> {
    yield * asPeerStream(() => ls(this.engine(options), this.peer, cid, options))
  }

  async stat (cid: CID, options?: StatOptions): Promise<FileStats | DirectoryStats | RawStats>
  async stat (cid: CID, options?: ExtendedStatOptions): Promise<ExtendedFileStats | ExtendedDirectoryStats | ExtendedRawStats>
  async stat (cid: CID, options: AnyStatOptions = {}): Promise<any> {
    return asPeer(async () => stat(this.engine(options), this.blockstore, this.peer, cid, options))
  }

  /** The engine, after checking the call's `offline` flag (passed to the engine per call) */
  private engine (options: { offline?: boolean }): DynamicDirectories {
    checkFlag('offline', 'offline', options.offline)
    return this.directories
  }
}
