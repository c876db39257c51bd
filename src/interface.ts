/**
 * The public types: what a user of `dynamicDirectory()` passes and gets.
 * Declared apart from the factories, so that every module of the package can
 * import them without importing the package entry.
 */

import type { AbortOptions, ComponentLogger } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'
import type { ProgressEvent, ProgressOptions } from 'progress-events'

/** How a directory's size is estimated against the threshold: see {@link DirectoryInit.shardSplitStrategy} */
export type ShardSplitStrategy = 'links-bytes' | 'block-bytes'

/** An IPIP-499 profile: see {@link DirectoryInit.profile} */
export type Profile = 'unixfs-v0-2015' | 'unixfs-v1-2025'

/** How directories are shaped and fetched: the part of {@link DynamicDirectoryInit} every Directory works from */
export interface DirectoryInit {
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
   * at once: the largest fetch burst. A round costs about the same for 1 or
   * 256 blocks, so a wide burst saves rounds; the planner still asks only
   * for nodes worth fetching
   *
   * @default 256
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
   * stop, or by `stallTimeoutMs`; never by a caller that stops waiting, whose
   * requests stay on the wire for the next call to join) may take when it is
   * asked for again, before the request fails with a BlockFetchError that
   * says why. @helia/bitswap sends no
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
   * but steady peer never trips it. With `gateways`, it also bounds each
   * gateway request (20 s when unset): one that brings no usable block for
   * this long moves to the next gateway, then to the blockstore, which then
   * gets the whole bound afresh.
   *
   * @default undefined (no bound: the caller's signal bounds a wait)
   */
  stallTimeoutMs?: number
}

/** Options of `dynamicDirectory()` and `withDynamicDirectory()`: the directory options, the tree cache's size and the prefetch */
export interface DynamicDirectoryInit extends DirectoryInit {
  /**
   * The most distinct retained shard nodes (a basic directory counts as one)
   * that cached trees may hold together; least recently used trees go first.
   * Listings and prefetches keep what they fetch only within it, however
   * often they run (an edit keeps the path it loads, and the newest tree stays
   * even when it alone is heavier). A non-negative integer.
   *
   * @default 65536
   */
  cacheNodes?: number

  /**
   * After a HAMT is opened (by `open()`, or by a CID-in, CID-out call on a
   * CID not cached yet), fetch the rest of its tree breadth-first in the
   * background, yielding to every foreground request, so that later calls
   * find their nodes loaded. It ends when the tree is loaded or reaches
   * `prefetchNodes`, when the node stops, when the tree leaves the cache, when
   * the Directory `open()` returned is closed, and when the open's signal
   * aborts. Ending asks for no new block; what it has on the wire still lands
   * (only the node's stop cancels a want). `open(cid, { prefetch })`
   * overrides it per call.
   *
   * @default false
   */
  prefetch?: boolean

  /**
   * The most nodes one prefetch fetches; a non-negative integer
   *
   * @default cacheNodes
   */
  prefetchNodes?: number

  /**
   * Trustless HTTP gateways (ipfs/specs `trustless-gateway.md`) to fetch
   * blocks from before the blockstore (Bitswap), as base URLs
   * (`https://trustless-gateway.link`, `http://127.0.0.1:8080`): loopback and
   * `http:` gateways are used when named here. A listing of a HAMT is one
   * `?format=car&dag-scope=entity` response, a name's path (delete, lookup,
   * set) one `?format=car&dag-scope=block` response, and any other block one
   * `?format=raw` response, all streamed and checked: a block is accepted
   * only if it hashes to its CID and a verified block (or the caller) names
   * it. Every accepted block is put into the blockstore. A gateway that
   * fails, stalls (`stallTimeoutMs`, or 20 s when unset, without progress)
   * or sends a wrong block passes the request to the next, and after the
   * last, to the blockstore. Only directories a gateway served are asked of
   * gateways as CARs. Uses `fetch` only: the same in Node and browsers.
   *
   * @default [] (no gateways: every block through the blockstore)
   */
  gateways?: string[]
}

/**
 * The former name of {@link DynamicDirectoryInit}
 *
 * @deprecated use DynamicDirectoryInit
 */
export type DirectoryServiceInit = DynamicDirectoryInit

/** The names of the options that shape an edit, which a CID-in, CID-out call may set for itself */
export type EditOption = 'shardSplitThresholdBytes' | 'shardSplitStrategy' | 'shardFanoutBits' | 'profile' | 'cidVersion'

/** One link of a directory */
export interface DirectoryEntry {
  /** The entry's name (a link name in a basic node; a HAMT link name without its slot prefix) */
  name: string
  /** The child's CID */
  cid: CID
  /** The link's Tsize: the cumulative size of the child DAG */
  size: bigint
}

/**
 * What a Directory has fetched and knows, for progress reports and tests
 * (`Directory.stats`). Not `@helia/unixfs`'s `DirectoryStats`, its `stat`
 * result.
 */
export interface DirectoryCounters {
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

/**
 * The former name of {@link DirectoryCounters}, which `@helia/unixfs` also
 * uses for another type (its `stat` result)
 *
 * @deprecated use DirectoryCounters
 */
export type DirectoryStats = DirectoryCounters

/** Options of every Directory operation: an abort signal and progress events */
export type DirectoryOptions = AbortOptions & ProgressOptions<DirectoryProgressEvents>

/** A prefetch's own options: where its progress goes */
export interface PrefetchOptions extends ProgressOptions<PrefetchProgressEvents> {}

/**
 * How a call reads: `offline: true` reads only what the blockstore holds (a
 * Helia blockstore's `offline`), and asks no gateway and no peer; a missing
 * block fails at once. The directory a call opens offline keeps reading
 * offline.
 */
export interface ReadMode {
  /** @default false */
  offline?: boolean
}

/** Options of `open`: the edit options it opens the directory with, how it reads, and the prefetch */
export interface OpenOptions extends DirectoryOptions, Pick<DirectoryInit, EditOption>, ReadMode {
  /**
   * Fetch the rest of the tree in the background after the open (see
   * `DynamicDirectoryInit.prefetch`); aborting `signal` ends it too. Pass
   * options to have its progress reported.
   *
   * @default the service's `prefetch`
   */
  prefetch?: boolean | PrefetchOptions
}

/** A directory's own metadata, carried by its root block */
export interface DirectoryMetadata {
  /** UnixFS mode bits; absent when the block has none */
  mode?: number
  /** UnixFS mtime; absent when the block has none */
  mtime?: Mtime
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
  readonly stats: DirectoryCounters
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
  /** The mode and mtime the root block carries (and the next flush writes) */
  readonly metadata: DirectoryMetadata
  /**
   * An independent version whose root carries this mode and mtime instead
   * (`chmod`, `touch`), sharing everything this one has loaded; its next
   * flush rewrites the root block only
   */
  withMetadata (metadata: DirectoryMetadata): Directory
  /**
   * An independent version that starts from everything this one has loaded
   * (in constant time for a HAMT: the two share shard nodes until one of
   * them edits one)
   */
  clone (): Directory
}

/** The options of `@helia/unixfs` that shape an edit, per call, and how the call reads */
export interface CidOptions extends DirectoryOptions, Pick<DirectoryInit, EditOption>, ReadMode {}

/** The edit options a new directory is shaped by */
export interface CreateOptions extends Pick<DirectoryInit, EditOption> {}

/** Options of `cp` */
export interface CpOptions extends CidOptions {
  /** Replace an entry that has the name already, instead of failing with AlreadyExistsError */
  force?: boolean
  /** The source's cumulative DAG size (Tsize); read from the source's root block when absent */
  size?: bigint
}

/** Options of `rm` */
export interface RmOptions extends CidOptions {}

/** What `stat` tells of a directory: the size facts of {@link DirectoryCounters}, under the same names */
export interface DirectoryStat extends Pick<DirectoryCounters, 'knownBytes' | 'knownEntries' | 'sizeExact'> {
  /** The directory's CID */
  cid: CID
  /** Its shape */
  shape: 'basic' | 'hamt'
  /**
   * The same as `knownEntries`
   *
   * @deprecated use knownEntries
   */
  entries: number
  /**
   * The same as `knownBytes`
   *
   * @deprecated use knownBytes
   */
  bytes: number
  /**
   * The same as `sizeExact`
   *
   * @deprecated use sizeExact
   */
  exact: boolean
}

/** What a read of {@link DynamicDirectories.blockstore} may carry beside its signal */
export interface BlockReadExtras extends ReadMode {
  /** Told of the blockstore's own progress events; such a read goes to the blockstore directly */
  onProgress?(evt: any): void
  /** Peers the blockstore should ask (Helia's `providers`); such a read goes to the blockstore directly */
  providers?: unknown[]
}

/**
 * The blocks the directories read and write, for code that reads beside
 * them (the drop-ins' path walks, stats and file reads): a `get` goes through
 * the directories' block fetcher (the gateways first, when configured), so a
 * block already on its way for a directory is joined, not asked for again.
 * A `get` with `offline`, `providers` or `onProgress` goes to the blockstore
 * itself, which honours them (the gateways first unless `offline`); `put`
 * and `has` go straight through.
 */
export type DirectoryBlocks = Pick<Blockstore<BlockReadExtras, {}, {}, BlockReadExtras>, 'get' | 'put' | 'has'>

/** The directories of a node: Directory objects, and the CID-in, CID-out API of `@helia/unixfs` */
export interface DynamicDirectories {
  /** The blocks the directories read and write: see {@link DirectoryBlocks} */
  readonly blockstore: DirectoryBlocks
  /** An empty basic directory, shaped by the service's options and then these */
  create (options?: CreateOptions): Directory
  /**
   * Opens a basic or HAMT directory; fetches the root block only (nothing,
   * if an earlier call retained its tree). The edit options shape what the
   * Directory's edits write, as `cp`'s do; with `offline`, it reads only the
   * local blockstore.
   */
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
  /** The node's logger (`helia.logger`), so that two nodes in one process log apart; `defaultLogger()` without one */
  logger?: ComponentLogger
}

/** One fetch burst's outcome, sent once the burst has stopped waiting */
export interface BurstProgress {
  /** Why the burst ran: opening a directory (its root), a size check, a listing, or a lookup on the path to a name */
  reason: 'open' | 'size-check' | 'list' | 'lookup'
  /** Blocks this burst requested */
  requested: number
  /** Of those, blocks that arrived before the burst stopped waiting */
  arrived: number
  /** Entry bytes counted over every loaded node, after the burst */
  knownBytes: number
  /** True when nothing is left unloaded */
  sizeExact: boolean
}

/** A background prefetch's progress, sent as each node lands and once when it ends */
export interface PrefetchProgress {
  /** Nodes fetched so far */
  fetched: number
  /** The most it may fetch */
  bound: number
  /** True once it has ended: everything loaded, bound reached, stopped, closed or aborted */
  done: boolean
}

/** The progress events Directory operations send to `onProgress` */
export type DirectoryProgressEvents =
  ProgressEvent<'dynamic-directory:burst', BurstProgress>

/** What a prefetch reports, to `open(cid, { prefetch: { onProgress } })` */
export type PrefetchProgressEvents =
  ProgressEvent<'dynamic-directory:prefetch', PrefetchProgress>
