/**
 * `ls` on the engine: the path is walked with the engine, a directory's
 * entries come from its retained tree (a HAMT's shard nodes fetched in
 * bursts, not one by one), and `offset`/`length` skip and limit them as
 * `@helia/unixfs` does for a basic directory. Each entry is an
 * `ipfs-unixfs-exporter` directory entry: `{ cid, name, path, size }`, with
 * `path` the listed directory's CID and the name, in link order (a HAMT
 * larger than the engine's `cacheNodes` is listed as its nodes land, since
 * the engine does not keep it whole). A path that ends on
 * anything other than a directory is listed by `@helia/unixfs`, which yields
 * that one entry.
 */

import * as dagPb from '@ipld/dag-pb'
import { checkCount, engineOptions } from '../../drop-in/options.js'
import { resolvePath } from '../utils/paths.js'
import type { DynamicDirectories } from '../../interface.js'
import type { LsOptions, UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

/** What `ls` yields: `@helia/unixfs`'s entry type (an `ipfs-unixfs-exporter` directory entry) */
export type LsEntry = UnixFS['ls'] extends (...args: any[]) => AsyncIterable<infer T> ? T : never

export async function * ls (directories: DynamicDirectories, peer: UnixFS, cid: CID, options: LsOptions = {}): AsyncGenerator<LsEntry> {
  const offset = checkCount('ls', 'offset', options.offset) ?? 0
  const length = checkCount('ls', 'length', options.length)
  const { signal, onProgress, offline, path } = options
  const engine = engineOptions(options)

  const resolved = await resolvePath(directories, cid, path, engine)
  const rest = { signal, onProgress, offline, offset: options.offset, length: options.length }
  if (resolved.rest != null) {
    yield * peer.ls(resolved.cid, { ...rest, path: resolved.rest.join('/') })
    return
  }
  if (!await isDirectory(directories, resolved.cid, engine)) {
    yield * peer.ls(resolved.cid, rest)
    return
  }

  const prefix = resolved.cid.toString()
  // the engine lists a tree it has not loaded as its nodes land; @helia/unixfs lists in link
  // order, which `offset` counts in. Loaded whole first, the tree is listed in link order
  for await (const entry of directories.ls(resolved.cid, engine)) {
    void entry
  }
  let index = 0
  let yielded = 0
  for await (const entry of directories.ls(resolved.cid, engine)) {
    if (length != null && yielded >= length) {
      return
    }
    if (index++ < offset) {
      continue
    }
    yielded++
    yield { cid: entry.cid, name: entry.name, path: `${prefix}/${entry.name}`, size: entry.size }
  }
}

/** True when the engine opens `cid` as a directory (and keeps its tree); false for anything else that is not broken */
export async function isDirectory (directories: DynamicDirectories, cid: CID, options: { signal?: AbortSignal }): Promise<boolean> {
  if (cid.code !== dagPb.code) {
    return false
  }
  try {
    await directories.stat(cid, options)
    return true
  } catch (err: any) {
    if (err.name === 'NotADirectoryError') {
      return false
    }
    throw err
  }
}
