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

import { DynamicDirectory } from './directory.js'
import { resolveConfig } from './options.js'
import type { DirectoryProgressEvents } from './progress.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'
import type { ProgressOptions } from 'progress-events'

export * from './errors.js'
export type { DirectoryProgressEvents, BurstProgress } from './progress.js'

export type ShardSplitStrategy = 'links-bytes' | 'block-bytes'
export type Profile = 'unixfs-v0-2015' | 'unixfs-v1-2025'

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
   * The most shard blocks one directory has requested and not yet received
   * at any time: the size of a fetch burst
   *
   * @default 32
   */
  fetchBudget?: number
}

export interface DirectoryEntry {
  name: string
  cid: CID
  /** The link's Tsize: the cumulative size of the child DAG */
  size: bigint
}

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
  /** True when no shard node is left unloaded, so `knownBytes` is the directory's size */
  sizeExact: boolean
}

export type DirectoryOptions = AbortOptions & ProgressOptions<DirectoryProgressEvents>

export interface SetOptions extends DirectoryOptions {
  /** The child's cumulative DAG size (Tsize); read from the child's root block when absent */
  size?: bigint
}

export interface Directory {
  readonly shape: 'basic' | 'hamt'
  readonly stats: DirectoryStats
  has (name: string, options?: DirectoryOptions): Promise<boolean>
  get (name: string, options?: DirectoryOptions): Promise<DirectoryEntry | undefined>
  set (name: string, cid: CID, options?: SetOptions): Promise<void>
  delete (name: string, options?: DirectoryOptions): Promise<boolean>
  entries (options?: DirectoryOptions): AsyncGenerator<DirectoryEntry>
  /** Puts every changed block and returns the root CID */
  flush (options?: DirectoryOptions): Promise<CID>
}

export interface DynamicDirectories {
  /** An empty basic directory */
  create (): Directory
  /** Opens a basic or HAMT directory; fetches the root block only */
  open (cid: CID, options?: DirectoryOptions): Promise<Directory>
}

export interface DynamicDirectoryComponents {
  blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>
}

export function dynamicDirectory (helia: DynamicDirectoryComponents, init: DynamicDirectoryInit = {}): DynamicDirectories {
  const config = resolveConfig(init)

  return {
    create: () => DynamicDirectory.create(helia.blockstore, config),
    open: async (cid, options) => DynamicDirectory.open(helia.blockstore, config, cid, options)
  }
}
