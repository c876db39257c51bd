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
 */

import { unixfs as heliaUnixfs } from '@helia/unixfs'
import { dynamicDirectory } from '../index.js'
import { asPeer } from './errors.js'
import { ls } from './ls.js'
import { hamtMetadata, now } from './metadata.js'
import { putEmptyDirectory } from './mkdir.js'
import { checkFlag, checkKeys, CP_OPTIONS, engineOptions, MKDIR_OPTIONS, readOptions, refuseProviders, RM_OPTIONS } from './options.js'
import { repairing } from './repair.js'
import { sourceSize } from './source.js'
import { stat } from './stat.js'
import { readRawTarget } from './target.js'
import type { AnyStatOptions } from './stat.js'
import type { CidOptions, DirectoryServiceInit, DynamicDirectories } from '../index.js'
import type { AddFileOptions, CatOptions, ChmodOptions, CpOptions, DirectoryStats, ExtendedDirectoryStats, ExtendedFileStats, ExtendedRawStats, ExtendedStatOptions, FileCandidate, FileStats, LsOptions, MkdirOptions, RawStats, RmOptions, StatOptions, TouchOptions, UnixFS } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export type { LsEntry } from './ls.js'

/**
 * What the drop-in's engine takes per instance: how many shard blocks it
 * requests at once, how many retained shard nodes its cache keeps, and how
 * long a block cancelled in flight may take when asked for again. The options
 * that shape a directory are per call, as in `@helia/unixfs`.
 */
export type UnixFSInit = Pick<DirectoryServiceInit, 'fetchBudget' | 'cacheNodes' | 'refetchTimeoutMs'>

export interface UnixFSComponents {
  blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
}

type Parameters0<F> = F extends (...args: infer A) => any ? A : never

/** The engine-run options every edit hands the engine */
interface EngineEditOptions {
  signal?: AbortSignal
  onProgress?(evt: any): void
  shardSplitThresholdBytes?: number
  shardSplitStrategy?: 'links-bytes' | 'block-bytes'
  shardFanoutBits?: number
  profile?: 'unixfs-v0-2015' | 'unixfs-v1-2025'
}

export class DynamicUnixFS implements UnixFS {
  private readonly blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
  private readonly init: UnixFSInit
  private readonly peer: UnixFS
  private readonly online: DynamicDirectories
  private offlineDirectories?: DynamicDirectories

  constructor (components: UnixFSComponents, init: UnixFSInit = {}) {
    this.blockstore = components.blockstore
    this.init = { fetchBudget: init.fetchBudget, cacheNodes: init.cacheNodes, refetchTimeoutMs: init.refetchTimeoutMs }
    this.peer = heliaUnixfs(components)
    this.online = repairing(dynamicDirectory(components, this.init), components.blockstore)
  }

  async * addAll (...args: Parameters0<UnixFS['addAll']>): AsyncIterable<any> {
    yield * this.peer.addAll(...args)
  }

  async addBytes (bytes: Uint8Array, options?: AddFileOptions): Promise<CID> {
    return this.peer.addBytes(bytes, options)
  }

  async addByteStream (...args: Parameters0<UnixFS['addByteStream']>): Promise<CID> {
    return this.peer.addByteStream(...args)
  }

  async addFile (file: FileCandidate, options?: AddFileOptions): Promise<CID> {
    return this.peer.addFile(file, options)
  }

  async addDirectory (...args: Parameters0<UnixFS['addDirectory']>): Promise<CID> {
    return this.peer.addDirectory(...args)
  }

  async * cat (cid: CID, options?: CatOptions): AsyncIterable<Uint8Array> {
    yield * this.peer.cat(cid, options)
  }

  async chmod (cid: CID, mode: number, options: ChmodOptions = {}): Promise<CID> {
    return hamtMetadata(this.directories(options), this.blockstore, cid, { mode }, options, async () => this.peer.chmod(cid, mode, options))
  }

  async touch (cid: CID, options: TouchOptions = {}): Promise<CID> {
    return hamtMetadata(this.directories(options), this.blockstore, cid, { mtime: options.mtime ?? now() }, options, async () => this.peer.touch(cid, options))
  }

  async cp (source: CID, target: CID, name: string, options: CpOptions = {}): Promise<CID> {
    checkKeys('cp', options, CP_OPTIONS)
    refuseProviders('cp', options)
    const force = checkFlag('cp', 'force', options.force)
    return asPeer(async () => {
      await readRawTarget(this.blockstore, target, readOptions(options))
      const size = await sourceSize(this.blockstore, source, readOptions(options))
      return this.directories(options).cp(source, target, name, { ...engineEdit(options), force, size })
    })
  }

  async rm (target: CID, name: string, options: RmOptions = {}): Promise<CID> {
    checkKeys('rm', options, RM_OPTIONS)
    refuseProviders('rm', options)
    const directories = this.directories(options)
    const edit = engineEdit(options)
    return asPeer(async () => {
      await readRawTarget(this.blockstore, target, readOptions(options))
      try {
        return await directories.rm(target, name, edit)
      } catch (err: any) {
        // absent from a basic directory: @helia/unixfs writes it back unchanged
        if (err.name === 'NotFoundError' && (await directories.stat(target, edit)).shape === 'basic') {
          return target
        }
        throw err
      }
    })
  }

  async mkdir (parent: CID, dirname: string, options: MkdirOptions = {}): Promise<CID> {
    checkKeys('mkdir', options, MKDIR_OPTIONS)
    refuseProviders('mkdir', options)
    const force = checkFlag('mkdir', 'force', options.force)
    const directories = this.directories(options)
    const edit = engineEdit(options)
    return asPeer(async () => {
      // the parent first: a parent that is not a directory, or is missing, refuses before anything is written
      await readRawTarget(this.blockstore, parent, readOptions(options))
      await directories.stat(parent, edit)
      const empty = await putEmptyDirectory(this.blockstore, options)
      return directories.cp(empty.cid, parent, dirname, { ...edit, force, size: empty.size })
    })
  }

  async * ls (cid: CID, options: LsOptions = {}): AsyncIterable<any> {
    yield * ls(this.directories(options), this.peer, cid, options)
  }

  async stat (cid: CID, options?: StatOptions): Promise<FileStats | DirectoryStats | RawStats>
  async stat (cid: CID, options?: ExtendedStatOptions): Promise<ExtendedFileStats | ExtendedDirectoryStats | ExtendedRawStats>
  async stat (cid: CID, options: AnyStatOptions = {}): Promise<any> {
    return stat(this.directories(options), this.blockstore, this.peer, cid, options)
  }

  /** The service that reads as the call asks: offline, or not */
  private directories (options: { offline?: boolean }): DynamicDirectories {
    if (checkFlag('offline', 'offline', options.offline)) {
      this.offlineDirectories ??= repairing(dynamicDirectory({ blockstore: offlineReads(this.blockstore) }, this.init), this.blockstore)
      return this.offlineDirectories
    }
    return this.online
  }
}

/**
 * A `@helia/unixfs` drop-in whose directory operations run on this package's
 * engine: swap `import { unixfs } from '@helia/unixfs'` for
 * `import { unixfs } from 'helia-dynamic-directory'`.
 */
export function unixfs (helia: UnixFSComponents, init: UnixFSInit = {}): UnixFS {
  return new DynamicUnixFS(helia, init)
}

function engineEdit (options: EngineEditOptions): CidOptions {
  const { shardSplitThresholdBytes, shardSplitStrategy, shardFanoutBits, profile } = options
  return { ...engineOptions(options), shardSplitThresholdBytes, shardSplitStrategy, shardFanoutBits, profile }
}

/** A blockstore that reads every block with `offline: true` */
function offlineReads (blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>): Pick<Blockstore, 'get' | 'put' | 'has'> {
  return {
    get: (cid, options) => blockstore.get(cid, { ...options, offline: true } as any),
    put: async (cid, bytes, options) => blockstore.put(cid, bytes, options),
    has: async (cid, options) => blockstore.has(cid, { ...options, offline: true } as any)
  }
}
