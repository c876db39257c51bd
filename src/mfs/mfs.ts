/**
 * The MFS class: each method is one command file's function on the shared
 * core (root, lock, transactions, path walks), as `@helia/mfs`'s `mfs.ts`
 * and `@helia/unixfs`'s `commands/` are laid out. This is the MFS's edge:
 * every method throws `@helia/mfs`'s errors (`errors.ts`).
 */

import { cat } from './cat.js'
import { chmod } from './chmod.js'
import { cp } from './cp.js'
import { asMfs, asMfsStream, mfsError } from './errors.js'
import { flush } from './flush.js'
import { ls } from './ls.js'
import { mkdir } from './mkdir.js'
import { mv } from './mv.js'
import { rm } from './rm.js'
import { coreFor } from './shared.js'
import { stat } from './stat.js'
import { touch } from './touch.js'
import { writeByteStream, writeBytes } from './write.js'
import type { MfsCore } from './core.js'
import type { ByteStream, LsOptions, MFS, MFSChmodOptions, MFSComponents, MFSCpOptions, MFSEntry, MFSInit, MFSTouchOptions, MkdirOptions, RmOptions, WriteOptions } from './interface.js'
import type { CatOptions, DirectoryStats, ExtendedDirectoryStats, ExtendedFileStats, ExtendedRawStats, ExtendedStatOptions, FileStats, RawStats, StatOptions } from '@helia/unixfs'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export class DynamicMFS implements MFS {
  private readonly core: MfsCore

  /** Every `DynamicMFS` of a node and root key shares one core (see `shared.ts`) */
  constructor (components: MFSComponents, init: MFSInit = {}) {
    try {
      this.core = coreFor(components, init)
    } catch (err) {
      throw mfsError(err)
    }
  }

  /** Calls with `flush: false` since the last flush */
  get unflushed (): number {
    return this.core.unflushed
  }

  async writeBytes (bytes: Uint8Array, path: string, options?: Partial<WriteOptions>): Promise<void> {
    await this.call(async () => writeBytes(this.core, bytes, path, options))
  }

  async writeByteStream (bytes: ByteStream, path: string, options?: Partial<WriteOptions>): Promise<void> {
    await this.call(async () => writeByteStream(this.core, bytes, path, options))
  }

  async * cat (path: string, options?: Partial<CatOptions>): AsyncIterable<Uint8Array> {
    yield * this.stream(() => cat(this.core, path, options))
  }

  async chmod (path: string, mode: number, options?: Partial<MFSChmodOptions>): Promise<void> {
    await this.call(async () => chmod(this.core, path, mode, options))
  }

  async cp (source: CID | string, destination: string, options?: Partial<MFSCpOptions>): Promise<void> {
    await this.call(async () => cp(this.core, source, destination, options))
  }

  async * ls (path?: string, options?: Partial<LsOptions>): AsyncIterable<MFSEntry> {
    yield * this.stream(() => ls(this.core, path, options))
  }

  async mkdir (path: string, options?: Partial<MkdirOptions>): Promise<void> {
    await this.call(async () => mkdir(this.core, path, options))
  }

  async rm (path: string, options?: Partial<RmOptions>): Promise<void> {
    await this.call(async () => rm(this.core, path, options))
  }

  async stat (path: string, options?: StatOptions): Promise<FileStats | DirectoryStats | RawStats>
  async stat (path: string, options?: ExtendedStatOptions): Promise<ExtendedFileStats | ExtendedDirectoryStats | ExtendedRawStats>
  async stat (path: string, options?: StatOptions | ExtendedStatOptions): Promise<any> {
    return this.call(async () => stat(this.core, path, options))
  }

  async touch (path: string, options?: Partial<MFSTouchOptions>): Promise<void> {
    await this.call(async () => touch(this.core, path, options))
  }

  async mv (from: string, to: string, options?: Partial<MFSCpOptions>): Promise<void> {
    await this.call(async () => mv(this.core, from, to, options))
  }

  async flush (path?: string, options?: AbortOptions): Promise<CID> {
    return this.call(async () => flush(this.core, path, options))
  }

  /** Runs a call as one in progress (a gc meanwhile keeps the blocks it touches), with `@helia/unixfs`'s errors */
  private async call <T> (fn: () => Promise<T>): Promise<T> {
    const end = this.core.begin()
    try {
      return await asMfs(fn)
    } finally {
      end()
    }
  }

  /** A streaming call, in progress until its consumer stops */
  private async * stream <T> (source: () => AsyncIterable<T>): AsyncGenerator<T> {
    const end = this.core.begin()
    try {
      yield * asMfsStream(source)
    } finally {
      end()
    }
  }
}
