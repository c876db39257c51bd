/**
 * `chmod` and `touch` of a HAMT on the engine. `@helia/unixfs` 8.0.5
 * re-marshals the root's Data through `ipfs-unixfs` 13, which drops
 * `hashType`, so the root it writes is refused by the engine (and kubo) and
 * its own next `stat` through the drop-in fails. Here a HAMT target (the
 * CID, or what `path` reaches through directories) is opened on the engine,
 * given the new mode or mtime (`Directory.withMetadata`: the root block is
 * rewritten with its fanout and hashType 0x22, nothing else), and each
 * directory on the path links the result (`cp` with `force`). A HAMT root
 * that `@helia/unixfs` already wrote without hashType is read as murmur3 and
 * written back with it. Anything else (files, raw blocks, basic
 * directories, `recursive`, a path through something else) is
 * `@helia/unixfs`'s, as before.
 */

import * as dagPb from '@ipld/dag-pb'
import { repairHashType } from '../../compat/legacy-root.js'
import { readBlock, decodeUnixFSData } from '../../drop-in/engine.js'
import { pathSegments } from './paths.js'
import type { Directory, DynamicDirectories } from '../../interface.js'
import type { Blockstore } from 'interface-blockstore'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

export interface MetadataCall {
  path?: string
  recursive?: boolean
  signal?: AbortSignal
  offline?: boolean
}

/** `change` applied to a HAMT target on the engine; `peer` for anything else */
export async function hamtMetadata (directories: DynamicDirectories, blockstore: Pick<Blockstore, 'get' | 'put'>, cid: CID, change: { mode?: number, mtime?: Mtime }, options: MetadataCall, peer: () => Promise<CID>): Promise<CID> {
  if (options.recursive === true) {
    return peer()
  }
  const read = { signal: options.signal, offline: options.offline }
  // the directories on the path, and the names that link each next one
  const trail: Array<{ cid: CID, name: string }> = []
  let target = cid
  for (const name of pathSegments(options.path)) {
    if (!await isHamt(blockstore, target, read) && !await isBasic(blockstore, target, read)) {
      return peer()
    }
    const at = target
    const entry = await (await directories.open(at, read)).get(name, read)
    if (entry == null) {
      return peer()
    }
    trail.push({ cid: target, name })
    target = entry.cid
  }
  if (!await isHamt(blockstore, target, read)) {
    return peer()
  }

  let directory: Directory
  try {
    directory = await directories.open(target, read)
  } catch (err: any) {
    const repaired = err.name === 'InvalidShardError' ? await repairHashType(blockstore, target, read) : undefined
    if (repaired == null) {
      throw err
    }
    directory = await directories.open(repaired, read)
  }
  const before = directory.metadata
  let updated = await directory.withMetadata({ mode: change.mode ?? before.mode, mtime: change.mtime ?? before.mtime }).flush(read)
  for (let i = trail.length - 1; i >= 0; i--) {
    updated = await directories.cp(updated, trail[i].cid, trail[i].name, { ...read, force: true })
  }
  return updated
}

async function unixfsType (blockstore: Pick<Blockstore, 'get'>, cid: CID, options: { signal?: AbortSignal }): Promise<string | undefined> {
  if (cid.code !== dagPb.code) {
    return undefined
  }
  const node = dagPb.decode(await readBlock(blockstore, cid, options))
  return node.Data == null ? undefined : decodeUnixFSData(node.Data).unixfs.type
}

async function isHamt (blockstore: Pick<Blockstore, 'get'>, cid: CID, options: { signal?: AbortSignal }): Promise<boolean> {
  return (await unixfsType(blockstore, cid, options)) === 'hamt-sharded-directory'
}

async function isBasic (blockstore: Pick<Blockstore, 'get'>, cid: CID, options: { signal?: AbortSignal }): Promise<boolean> {
  return (await unixfsType(blockstore, cid, options)) === 'directory'
}
