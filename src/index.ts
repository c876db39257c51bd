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

export * from './interface.js'
export { dynamicDirectory } from './factory.js'
export * from './errors.js'
export { withDynamicDirectory } from './mixin.js'
export type { HeliaWithDirectories, HeliaLike } from './mixin.js'
export { unixfs, NotUnixFSError, InvalidPBNodeError } from './unixfs/index.js'
export type { UnixFSInit, UnixFSComponents, LsEntry } from './unixfs/index.js'
export { mfs } from './mfs/index.js'
export type { MFS, MFSInit, MFSComponents, MFSEntry } from './mfs/index.js'
