/**
 * `stat` with the engine for directories: the path is walked with the
 * engine, a directory's fields are read from its root block (the fields of
 * `@helia/unixfs`: type, cid, unixfs, mode, mtime, size), and `extended`
 * adds the DAG totals of `dag-stats.ts`. Files, raw blocks and anything
 * else are `stat`ed by `@helia/unixfs`.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS as UnixFSData } from 'ipfs-unixfs'
import { readBlock } from '../../drop-in/engine.js'
import { checkFlag, engineOptions, readOptions, refuseProviders } from '../../drop-in/options.js'
import { dagTotals, exactFilter } from '../utils/dag-stats.js'
import { resolvePath } from '../utils/paths.js'
import { isDirectory } from './ls.js'
import type { DynamicDirectories } from '../../interface.js'
import type { SeenFilter } from '../utils/dag-stats.js'
import type { DirectoryStats, ExtendedDirectoryStats, ExtendedFileStats, ExtendedRawStats, ExtendedStatOptions, FileStats, RawStats, StatOptions, UnixFS } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** `@helia/unixfs`'s defaults (its constants are hexadecimal; UnixFS data always carries a directory's mode) */
const DEFAULT_DIR_MODE = 0x755
const DEFAULT_FILE_MODE = 0x644

export type AnyStatOptions = StatOptions | ExtendedStatOptions
type StatResult = FileStats | DirectoryStats | RawStats | ExtendedFileStats | ExtendedDirectoryStats | ExtendedRawStats

export async function stat (directories: DynamicDirectories, blockstore: Pick<Blockstore, 'get'>, peer: UnixFS, cid: CID, options: AnyStatOptions = {}): Promise<StatResult> {
  const extended = checkFlag('stat', 'extended', (options as ExtendedStatOptions).extended)
  // used with `extended` only, as @helia/unixfs uses it
  const filter = (options as ExtendedStatOptions).filter
  const { path } = options
  if (path != null && path !== '') {
    refuseProviders('stat with a path', options)
  }
  const engine = engineOptions(options)

  const resolved = await resolvePath(directories, cid, path, engine)
  const { path: _, ...rest } = options
  if (resolved.rest != null) {
    return peer.stat(resolved.cid, { ...rest, path: resolved.rest.join('/') } as any)
  }
  if (!await isDirectory(directories, resolved.cid, engine)) {
    return peer.stat(resolved.cid, rest as any)
  }

  const read = readOptions(options)
  const unixfs = await rootData(blockstore, resolved.cid, read)
  const stats: DirectoryStats = {
    type: 'directory',
    cid: resolved.cid,
    unixfs,
    mode: unixfs.mode ?? (unixfs.isDirectory() ? DEFAULT_DIR_MODE : DEFAULT_FILE_MODE),
    mtime: unixfs.mtime,
    size: unixfs.fileSize()
  }
  if (!extended) {
    return stats
  }

  const totals = await dagTotals(blockstore, resolved.cid, (filter as SeenFilter | undefined) ?? exactFilter(), read)
  const extendedStats: ExtendedDirectoryStats = {
    type: 'directory',
    cid: resolved.cid,
    unixfs,
    size: totals.dirSize,
    mode: stats.mode,
    mtime: stats.mtime,
    localSize: totals.localSize,
    dagSize: totals.dagSize,
    deduplicatedDagSize: totals.deduplicatedDagSize,
    blocks: totals.blocks,
    uniqueBlocks: totals.uniqueBlocks
  }
  return extendedStats
}

/** The UnixFS data of a directory's root block (the engine has just read it, so it is local) */
async function rootData (blockstore: Pick<Blockstore, 'get'>, cid: CID, options: object): Promise<UnixFSData> {
  const node = dagPb.decode(await readBlock(blockstore, cid, options))
  return UnixFSData.unmarshal(node.Data ?? new Uint8Array())
}
