/**
 * `unixfs(helia)`: a drop-in for `@helia/unixfs` 8.0.5's `unixfs(helia)`.
 * Directory work (`cp`, `rm`, `mkdir`, `ls`, `stat` of directories and the
 * `path` walks of `ls`/`stat`) runs on this package's engine, through one
 * `dynamicDirectory` service per instance, so trees loaded by one call serve
 * the next and CIDs follow `ipfs-unixfs-importer`; so do `chmod` and `touch`
 * of a HAMT (see `metadata.ts`), and a HAMT root written without hashType is
 * read as murmur3 (see `repair.ts`). Everything else (adding, `cat`,
 * `chmod`/`touch` of files and basic directories, `stat` of files) is
 * `@helia/unixfs`'s own, through an instance made with the same helia.
 *
 * `offline: true` cannot be passed per call through the engine's fetcher, so
 * offline calls run on a second service (made on first use) whose blockstore
 * reads every block with `offline: true`.
 *
 * Every method that reaches the engine throws `@helia/unixfs`'s errors: the
 * engine's are turned into them here, at the edge (`errors.ts`).
 */

import { unixfs as heliaUnixfs } from '@helia/unixfs'
import { gatewayFirst } from '../gateway/blockstore.js'
import { gatewaySource } from '../gateway/source.js'
import { DirectoryService } from '../service.js'
import { cp } from './commands/cp.js'
import { ls } from './commands/ls.js'
import { mkdir } from './commands/mkdir.js'
import { rm } from './commands/rm.js'
import { stat } from './commands/stat.js'
import { asPeer, asPeerStream, peerError } from './errors.js'
import { hamtMetadata, now } from './utils/metadata.js'
import { checkFlag } from './utils/options.js'
import { repairing } from './utils/repair.js'
import type { DynamicDirectories, DynamicDirectoryInit } from '../interface.js'
import type { AnyStatOptions } from './commands/stat.js'
import type { AddFileOptions, CatOptions, ChmodOptions, CpOptions, DirectoryStats, ExtendedDirectoryStats, ExtendedFileStats, ExtendedRawStats, ExtendedStatOptions, FileCandidate, FileStats, LsOptions, MkdirOptions, RawStats, RmOptions, StatOptions, TouchOptions, UnixFS } from '@helia/unixfs'
import type { ComponentLogger } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * What the drop-in's engine takes per instance: how many shard blocks it
 * requests at once, how many retained shard nodes its cache keeps, how long a
 * block cancelled in flight may take when asked for again, the stall
 * bound, and the trustless gateways to fetch from (calls with `offline: true`
 * ask none). The options
 * that shape a directory are per call, as in `@helia/unixfs`.
 */
export type UnixFSInit = Pick<DynamicDirectoryInit, 'fetchBudget' | 'cacheNodes' | 'refetchTimeoutMs' | 'stallTimeoutMs' | 'gateways'>

/** What the drop-in needs of a Helia node */
export interface UnixFSComponents {
  /** Where blocks are read (over Bitswap, in a Helia node, when not local) and written */
  blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
  /** The node's logger (`helia.logger`); `defaultLogger()` without one */
  logger?: ComponentLogger
}

export class DynamicUnixFS implements UnixFS {
  private readonly blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
  private readonly init: UnixFSInit
  private readonly logger?: ComponentLogger
  private readonly peer: UnixFS
  private readonly online: DynamicDirectories
  private offlineDirectories?: DynamicDirectories

  constructor (components: UnixFSComponents, init: UnixFSInit = {}) {
    this.logger = components.logger
    this.init = { fetchBudget: init.fetchBudget, cacheNodes: init.cacheNodes, refetchTimeoutMs: init.refetchTimeoutMs, stallTimeoutMs: init.stallTimeoutMs, gateways: init.gateways }
    // one gateway source for the engine and for the commands' own reads (path walks, stat, file content)
    const source = gatewaySource(components.blockstore, init.gateways ?? [], init.stallTimeoutMs, components.logger)
    this.blockstore = source == null ? components.blockstore : gatewayFirst(components.blockstore, source)
    this.peer = heliaUnixfs({ ...components, blockstore: this.blockstore })
    try {
      this.online = repairing(new DirectoryService(components.blockstore, this.init, { started: true, source, logger: components.logger }), this.blockstore)
    } catch (err) {
      throw peerError(err)
    }
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
    return asPeer(async () => hamtMetadata(this.directories(options), this.blockstore, cid, { mode }, options, async () => this.peer.chmod(cid, mode, options)))
  }

  async touch (cid: CID, options: TouchOptions = {}): Promise<CID> {
    return asPeer(async () => hamtMetadata(this.directories(options), this.blockstore, cid, { mtime: options.mtime ?? now() }, options, async () => this.peer.touch(cid, options)))
  }

  async cp (source: CID, target: CID, name: string, options: CpOptions = {}): Promise<CID> {
    return asPeer(async () => cp(this.directories(options), this.blockstore, source, target, name, options))
  }

  async rm (target: CID, name: string, options: RmOptions = {}): Promise<CID> {
    return asPeer(async () => rm(this.directories(options), this.blockstore, target, name, options))
  }

  async mkdir (parent: CID, dirname: string, options: MkdirOptions = {}): Promise<CID> {
    return asPeer(async () => mkdir(this.directories(options), this.blockstore, parent, dirname, options))
  }

  async * ls (cid: CID, options: LsOptions = {}): AsyncIterable<any> {
    yield * asPeerStream(() => ls(this.directories(options), this.peer, cid, options))
  }

  async stat (cid: CID, options?: StatOptions): Promise<FileStats | DirectoryStats | RawStats>
  async stat (cid: CID, options?: ExtendedStatOptions): Promise<ExtendedFileStats | ExtendedDirectoryStats | ExtendedRawStats>
  async stat (cid: CID, options: AnyStatOptions = {}): Promise<any> {
    return asPeer(async () => stat(this.directories(options), this.blockstore, this.peer, cid, options))
  }

  /** The service that reads as the call asks: offline, or not */
  private directories (options: { offline?: boolean }): DynamicDirectories {
    if (checkFlag('offline', 'offline', options.offline)) {
      this.offlineDirectories ??= repairing(new DirectoryService(offlineReads(this.blockstore), { ...this.init, gateways: [] }, { started: true, logger: this.logger }), this.blockstore)
      return this.offlineDirectories
    }
    return this.online
  }
}

/** A blockstore that reads every block with `offline: true` */
function offlineReads (blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>): Pick<Blockstore, 'get' | 'put' | 'has'> {
  return {
    get: (cid, options) => blockstore.get(cid, { ...options, offline: true } as any),
    put: async (cid, bytes, options) => blockstore.put(cid, bytes, options),
    has: async (cid, options) => blockstore.has(cid, { ...options, offline: true } as any)
  }
}
