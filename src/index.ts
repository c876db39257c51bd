/**
 * @packageDocumentation
 *
 * A mutable UnixFS directory for Helia. It edits `basic` and HAMT-sharded
 * directories, switches between the two shapes both ways with CIDs
 * byte-identical to kubo/boxo and `ipfs-unixfs-importer`, and decides the
 * HAMT-to-basic switch by partial enumeration: shard nodes are fetched in
 * bounded bursts and kept in a retained shard tree, so no node is fetched or
 * counted twice in a directory's life.
 *
 * @example
 *
 * ```TypeScript
 * import { dynamicDirectory } from 'helia-dynamic-directory'
 *
 * const dirs = dynamicDirectory(helia)
 * const dir = await dirs.open(rootCid)
 * await dir.delete('old-file.txt')
 * const newRoot = await dir.flush()
 * ```
 */

import { DirectoryService } from './directories.js'
import type { DirectoryServiceInit } from './directories.js'
import type { EditOption } from './options.js'
import type { DirectoryProgressEvents, PrefetchProgressEvents } from './progress.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import type { ProgressOptions } from 'progress-events'

export * from './errors.js'
export type { DirectoryProgressEvents, PrefetchProgressEvents, BurstProgress, PrefetchProgress } from './progress.js'
export type { DirectoryServiceInit } from './directories.js'
export { withDynamicDirectory } from './mixin.js'
export type { HeliaWithDirectories, HeliaLike } from './mixin.js'
export type { EditOption } from './options.js'
export { unixfs } from './unixfs/index.js'
export type { UnixFSInit, UnixFSComponents, LsEntry } from './unixfs/index.js'
export { NotUnixFSError, InvalidPBNodeError } from './unixfs/errors.js'

/** How a directory's size is estimated against the threshold: see {@link DynamicDirectoryInit.shardSplitStrategy} */
export type ShardSplitStrategy = 'links-bytes' | 'block-bytes'

/** An IPIP-499 profile: see {@link DynamicDirectoryInit.profile} */
export type Profile = 'unixfs-v0-2015' | 'unixfs-v1-2025'

/** Options of `dynamicDirectory()`: how directories are shaped and fetched */
export interface DynamicDirectoryInit {
  /**
   * A directory is a HAMT iff its estimated size is strictly over this
   *
   * @default 262144
   */
  shardSplitThresholdBytes?: number

  /**
   * How the size is estimated: the sum of link name and CID bytes
   * (`links-bytes`, as kubo's default) or the exact size of the basic node
   * that would hold the entries (`block-bytes`)
   *
   * @default 'links-bytes'
   */
  shardSplitStrategy?: ShardSplitStrategy

  /**
   * log2 of the HAMT fanout for new HAMTs, 3 to 10. An opened HAMT keeps its
   * own fanout.
   *
   * @default 8
   */
  shardFanoutBits?: number

  /**
   * CID version of new directories; an opened directory keeps its own
   *
   * @default 1
   */
  cidVersion?: 0 | 1

  /**
   * An IPIP-499 preset, read as `ipfs-unixfs-importer` reads it: explicit
   * options win over the preset. `unixfs-v0-2015` is CIDv0 and
   * `links-bytes`, `unixfs-v1-2025` is CIDv1 and `block-bytes`.
   */
  profile?: Profile

  /**
   * The most blocks one directory's lookups and size checks keep on the wire
   * at once: the largest fetch burst
   *
   * @default 32
   */
  fetchBudget?: number

  /**
   * The most blocks a listing (`entries()`, `ls`) or a prefetch keeps on the
   * wire, topped up as each one lands. Wider than `fetchBudget`: a listing
   * wants every node, so asking early costs nothing
   *
   * @default 256
   */
  listWindow?: number

  /**
   * How long a block whose earlier request was cancelled in flight (by a
   * caller's signal) may take when it is asked for again, before the request
   * fails with a BlockFetchError that says why. @helia/bitswap 4.0.19 sends no
   * CANCEL, so the peer counts the block as sent, and a repeat want on the same
   * connection is never answered: a new connection is needed. The deadline
   * belongs to the connection that got the first want: `withDynamicDirectory`
   * forgets it when the node restarts and when a peer connects anew.
   *
   * @default 10000
   */
  refetchTimeoutMs?: number

  /**
   * The stall bound: when no block has arrived for this long while requests
   * are on the wire (a peer that hung up in the middle of a listing, with no
   * other provider), every request on the wire fails with a
   * FetchStalledError, and so does each call waiting on one (a listing, an
   * edit, a prefetch), leaving its Directory as it was. Unset, a wait has no
   * bound but the caller's signal: the request stays wanted, and a provider
   * that comes back (a redial) answers it, so the call resumes where it was.
   * The bound counts from the last block that arrived, not per block: a slow
   * but steady peer never trips it.
   *
   * @default undefined (no bound: the caller's signal bounds a wait)
   */
  stallTimeoutMs?: number
}

/** One link of a directory */
export interface DirectoryEntry {
  /** The entry's name (a link name in a basic node; a HAMT link name without its slot prefix) */
  name: string
  /** The child's CID */
  cid: CID
  /** The link's Tsize: the cumulative size of the child DAG */
  size: bigint
}

/** What a Directory has fetched and knows, for progress reports and tests */
export interface DirectoryStats {
  /** Shard blocks that arrived through the blockstore and were decoded */
  fetchedBlocks: number
  /** Fetch rounds: each partial-enumeration or listing burst, and each lone lookup fetch */
  bursts: number
  /** The most blocks requested in one burst */
  largestBurst: number
  /** Shard nodes held in memory, the root included */
  retainedNodes: number
  /** Entry bytes counted over loaded nodes, by the configured strategy */
  knownBytes: number
  /** Entries counted over loaded nodes */
  knownEntries: number
  /** True when no shard node is left unloaded, so `knownBytes` is the directory's size */
  sizeExact: boolean
  /** Shard blocks a background prefetch of this directory has fetched */
  prefetchedBlocks: number
  /** True while a background prefetch runs */
  prefetching: boolean
}

/** Options of every Directory operation: an abort signal and progress events */
export type DirectoryOptions = AbortOptions & ProgressOptions<DirectoryProgressEvents>

/** A prefetch's own options: where its progress goes */
export interface PrefetchOptions extends ProgressOptions<PrefetchProgressEvents> {}

export interface OpenOptions extends DirectoryOptions {
  /**
   * Fetch the rest of the tree in the background after the open (see
   * `DirectoryServiceInit.prefetch`); aborting `signal` ends it too. Pass
   * options to have its progress reported.
   *
   * @default the service's `prefetch`
   */
  prefetch?: boolean | PrefetchOptions
}

/** Options of `Directory.set` */
export interface SetOptions extends DirectoryOptions {
  /** The child's cumulative DAG size (Tsize); read from the child's root block when absent */
  size?: bigint
}

/**
 * A mutable UnixFS directory, basic or HAMT, opened from a CID or created
 * empty. Edits stay in memory until `flush`; operations on one Directory are
 * serialized (reads run together).
 */
export interface Directory {
  /** The directory's current shape: it follows the entries, both ways */
  readonly shape: 'basic' | 'hamt'
  /** What the directory has fetched and knows so far */
  readonly stats: DirectoryStats
  /** True if `name` is an entry; loads the shards on the path to it */
  has (name: string, options?: DirectoryOptions): Promise<boolean>
  /** The entry called `name`, if any; loads the shards on the path to it */
  get (name: string, options?: DirectoryOptions): Promise<DirectoryEntry | undefined>
  /** Adds or replaces the entry `name`; may turn a basic directory into a HAMT */
  set (name: string, cid: CID, options?: SetOptions): Promise<void>
  /** Removes the entry `name`, if present (returns whether it was); may turn a HAMT basic, fetching only what proves the size */
  delete (name: string, options?: DirectoryOptions): Promise<boolean>
  /** Every entry, fetching unloaded shards in bursts */
  entries (options?: DirectoryOptions): AsyncGenerator<DirectoryEntry>
  /** Puts every changed block and returns the root CID */
  flush (options?: DirectoryOptions): Promise<CID>
  /** Ends the directory's background work (a prefetch); the directory stays usable */
  close (): void
}

/** The options of `@helia/unixfs` that shape an edit, per call */
export interface CidOptions extends DirectoryOptions, Pick<DynamicDirectoryInit, EditOption> {}

/** Options of `cp` */
export interface CpOptions extends CidOptions {
  /** Replace an entry that has the name already, instead of failing with AlreadyExistsError */
  force?: boolean
  /** The source's cumulative DAG size (Tsize); read from the source's root block when absent */
  size?: bigint
}

/** Options of `rm` */
export interface RmOptions extends CidOptions {}

/** What `stat` tells of a directory */
export interface DirectoryStat {
  /** The directory's CID */
  cid: CID
  /** Its shape */
  shape: 'basic' | 'hamt'
  /** Entries counted; the entry count when `exact` */
  entries: number
  /** Entry bytes by the size strategy; the directory's estimated size when `exact`, a lower bound otherwise */
  bytes: number
  /** True when every shard node has been loaded */
  exact: boolean
}

/** The directories of a node: Directory objects, and the CID-in, CID-out API of `@helia/unixfs` */
export interface DynamicDirectories {
  /** An empty basic directory */
  create (): Directory
  /** Opens a basic or HAMT directory; fetches the root block only (nothing, if an earlier call retained its tree) */
  open (cid: CID, options?: OpenOptions): Promise<Directory>
  /** Links `source` into the directory `target` as `name`; fails with AlreadyExistsError unless `force`. Returns the new root. */
  cp (source: CID, target: CID, name: string, options?: CpOptions): Promise<CID>
  /** Removes `name` from the directory `target`; fails with NotFoundError if absent. Returns the new root. */
  rm (target: CID, name: string, options?: RmOptions): Promise<CID>
  /** Every entry of the directory */
  ls (cid: CID, options?: CidOptions): AsyncGenerator<DirectoryEntry>
  /** Shape, and entry count and size as far as they are known, without fetching */
  stat (cid: CID, options?: CidOptions): Promise<DirectoryStat>
}

/** What `dynamicDirectory()` needs of a Helia node */
export interface DynamicDirectoryComponents {
  /** Where blocks are read (over Bitswap, in a Helia node, when not local) and written */
  blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
}

/**
 * The directories of a Helia node (or anything with a blockstore). To stop
 * and start them with the node, use `withDynamicDirectory` instead.
 */
export function dynamicDirectory (helia: DynamicDirectoryComponents, init: DirectoryServiceInit = {}): DynamicDirectories {
  return new DirectoryService(helia.blockstore, init)
}
