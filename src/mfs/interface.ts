/**
 * The public types of `mfs()`: declared apart from the factory, so that the
 * commands can import them without importing the export path's entry.
 */

import type { DynamicDirectories, DynamicDirectoryInit } from '../interface.js'
import type { LsEntry } from '../unixfs/index.js'
import type { Pins } from '@helia/interface'
import type { AddOptions, CatOptions, ChmodOptions, CpOptions, DirectoryStats, ExtendedDirectoryStats, ExtendedFileStats, ExtendedRawStats, ExtendedStatOptions, FileStats, LsOptions as UnixFSLsOptions, MkdirOptions as UnixFSMkdirOptions, RawStats, RmOptions as UnixFSRmOptions, StatOptions, TouchOptions, UnixFS } from '@helia/unixfs'
import type { AbortOptions, ComponentLogger } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Datastore } from 'interface-datastore'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

/** What `writeByteStream` takes: `@helia/unixfs`'s `addByteStream` source */
export type ByteStream = Parameters<UnixFS['addByteStream']>[0]

/** What `mfs()` needs of a Helia node */
export interface MFSComponents {
  /** Where blocks are read (over Bitswap, in a Helia node, when not local) and written */
  blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
  /** Where the root CID is kept */
  datastore: Pick<Datastore, 'get' | 'put'>
  /** The node's logger (`helia.logger`); `defaultLogger()` without one */
  logger?: ComponentLogger
  /**
   * The node's directories (`withDynamicDirectory`): when present, the MFS
   * edits on them, with their options, instead of making its own engine
   */
  directories?: DynamicDirectories
  /**
   * Helia's pins: with them, the MFS's blocks are pinned (depth 0) so that
   * `helia.gc()` keeps them (see the docs' "What is kept")
   */
  pins?: Pick<Pins, 'add' | 'rm' | 'get' | 'ls' | 'setMetadata'>
  /**
   * Helia's `gc`: with `pins`, `mfs()` wraps it so that every MFS open on the
   * node first unpins the blocks it no longer references
   */
  gc?(options?: AbortOptions): Promise<void>
}

/**
 * `@helia/mfs`'s `key`, the bound on unflushed operations, and the engine's
 * options for every directory of the MFS (the shard options may also be
 * given per call, as `@helia/mfs` takes them: they then apply to the
 * directory the call edits)
 */
export interface MFSInit extends Pick<DynamicDirectoryInit, 'shardSplitThresholdBytes' | 'shardSplitStrategy' | 'shardFanoutBits' | 'profile' | 'cidVersion' | 'fetchBudget' | 'listWindow' | 'cacheNodes' | 'refetchTimeoutMs' | 'stallTimeoutMs' | 'gateways'> {
  /**
   * The datastore key the root CID is kept under
   *
   * @default '/locals/filesroot'
   */
  key?: string

  /**
   * The most operations that `flush: false` may keep unflushed; the next one
   * is refused with NoFlushLimitError until a flush (kubo's
   * `Internal.MFSNoFlushLimit`, which refuses rather than flushes too)
   *
   * @default 256
   */
  noFlushLimit?: number
}

/** Every mutating call's: write the root now (the default), or keep the edit in memory until the next flush */
export interface FlushOptions {
  /**
   * `false` keeps the edit in memory: the changed directories are written,
   * each once, at the next `flush()` or the next call that flushes
   *
   * @default true
   */
  flush?: boolean
}

/** Options of `writeBytes` and `writeByteStream`: `@helia/mfs`'s, and `flush` and `parents` */
export type WriteOptions = AddOptions & CpOptions & FlushOptions & {
  /** An optional mode to set on the new file */
  mode: number
  /** An optional mtime to set on the new file */
  mtime: Mtime
  /** Create missing parent directories (without replacing anything, which `force` also does) */
  parents: boolean
}

/** Options of `mkdir`: `@helia/mfs`'s, `parents` (kubo's `-p`) and `flush` */
export type MkdirOptions = AddOptions & StatOptions & CpOptions & UnixFSMkdirOptions & FlushOptions & {
  /**
   * Create missing parent directories, and succeed if the directory exists
   * already (kubo's `mkdir -p`). `force` (`@helia/mfs`'s) also creates
   * missing parents, but replaces what is at the path with an empty directory.
   */
  parents: boolean
}

/** Options of `rm` */
export interface RmOptions extends UnixFSRmOptions, FlushOptions {
  /** Succeed when the path (or a directory on it) does not exist */
  force: boolean
  /**
   * `false` refuses a directory that has entries with DirectoryNotEmptyError,
   * as kubo's `files rm` without `-r`; by default a directory goes with its
   * entries, as `@helia/mfs` removes it
   *
   * @default true
   */
  recursive: boolean
}

/** Options of `cp` and `mv`: `@helia/mfs`'s `cp` options, `flush` and `parents` */
export type MFSCpOptions = CpOptions & FlushOptions & {
  /** Create missing parent directories of the destination (without replacing what is there) */
  parents: boolean
}

/** Options of `chmod` */
export type MFSChmodOptions = ChmodOptions & FlushOptions
/** Options of `touch` */
export type MFSTouchOptions = TouchOptions & FlushOptions

/** Options of `ls`: `@helia/unixfs`'s, and `long` */
export interface LsOptions extends UnixFSLsOptions {
  /**
   * Add each entry's `type` and, for files, `fileSize`: reads each entry's
   * root block (32 at once), as kubo's `files ls -l` does
   */
  long?: boolean
}

/** An entry of `ls`: `{ cid, name, path, size }` (size is the link's Tsize), with `type` and `fileSize` when `long` */
export interface MFSEntry extends LsEntry {
  /** With `long`: the UnixFS type (`raw` for a raw block, `directory` for a HAMT too) */
  type?: 'file' | 'directory' | 'raw' | 'symlink' | 'metadata'
  /** With `long`, for a file or raw block: the bytes of content */
  fileSize?: bigint
}

/** The MFS interface of `@helia/mfs` 8.0.5, and what kubo's `ipfs files` adds */
export interface MFS {
  /** Adds `bytes` as a file at `path` (which must not exist, unless `force`) */
  writeBytes(bytes: Uint8Array, path: string, options?: Partial<WriteOptions>): Promise<void>
  /** Adds a stream of bytes as a file at `path` */
  writeByteStream(bytes: ByteStream, path: string, options?: Partial<WriteOptions>): Promise<void>
  /** The contents of the file at `path` */
  cat(path: string, options?: Partial<CatOptions>): AsyncIterable<Uint8Array>
  /** Sets the mode of what is at `path` (a HAMT's root keeps its hashType and fanout) */
  chmod(path: string, mode: number, options?: Partial<MFSChmodOptions>): Promise<void>
  /** Links `source` (a CID, or what is at an MFS path) at `destination` */
  cp(source: CID | string, destination: string, options?: Partial<MFSCpOptions>): Promise<void>
  /** The entries of the directory at `path` (default `/`), or the one entry of a file */
  ls(path?: string, options?: Partial<LsOptions>): AsyncIterable<MFSEntry>
  /** Makes an empty directory at `path` */
  mkdir(path: string, options?: Partial<MkdirOptions>): Promise<void>
  /** Removes what is at `path` */
  rm(path: string, options?: Partial<RmOptions>): Promise<void>
  /** `@helia/unixfs`'s stat of what is at `path` */
  stat(path: string, options?: StatOptions): Promise<FileStats | DirectoryStats | RawStats>
  /** With `extended: true`: the DAG totals too (blocks, sizes, what is local) */
  stat(path: string, options?: ExtendedStatOptions): Promise<ExtendedFileStats | ExtendedDirectoryStats | ExtendedRawStats>
  /** Sets the mtime of what is at `path` (now, unless `mtime` is given) */
  touch(path: string, options?: Partial<MFSTouchOptions>): Promise<void>
  /** Moves what is at `from` to `to` (which must not exist, unless `force`); a directory keeps its unflushed edits */
  mv(from: string, to: string, options?: Partial<MFSCpOptions>): Promise<void>

  /**
   * Writes every changed directory (each once) and the root CID to the
   * datastore; returns the CID of `path` (default `/`)
   */
  flush(path?: string, options?: AbortOptions): Promise<CID>
}
