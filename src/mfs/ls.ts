/**
 * `ls`: the entries of the directory at the path from its engine Directory
 * (a HAMT's shards fetched in bursts, as the engine lists), or the one entry
 * of a file. A directory's entries are `{ cid, name, path, size }` with
 * `path` the MFS path of the entry and `size` the link's Tsize. A file's own
 * entry is the one `@helia/mfs` yields, `@helia/unixfs`'s (the exporter's
 * entry: `type`, `size` the content size, `content()`, `unixfs`, ...), with
 * the file's name and MFS path as `name` and `path`. The path is resolved under the
 * lock, and a directory with unflushed edits written first so its entries'
 * CIDs are current; the listing then streams from a snapshot, so edits made
 * meanwhile do not show in it. `long` adds each entry's `type` and a file's
 * `fileSize`, reading each entry's root block (32 at once). With `offline:
 * true` every block is read offline (see `offline.ts`).
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { readBlock } from '../drop-in/engine.js'
import { checkCount } from '../drop-in/options.js'
import { engine, segments } from './core.js'
import { DoesNotExistError } from './errors.js'
import { offlineTarget } from './offline.js'
import { persist } from './tree.js'
import type { MfsCore } from './core.js'
import type { LsOptions, MFSEntry } from './interface.js'
import type { Directory, DirectoryEntry } from '../interface.js'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

const RAW_CODE = 0x55
const LONG_BATCH = 32

export async function * ls (core: MfsCore, path: string = '/', options: Partial<LsOptions> = {}): AsyncGenerator<MFSEntry> {
  if (options.path != null) {
    path = `${path}/${options.path}`
  }
  const names = segments(path)
  const offset = checkCount('ls', 'offset', options.offset) ?? 0
  const length = checkCount('ls', 'length', options.length)
  const prefix = names.length === 0 ? '' : `/${names.join('/')}`

  const offline = options.offline === true ? await offlineListing(core, names, path, options) : undefined
  const listed = offline ?? await core.read(options, async (root): Promise<Listed> => {
    const { target } = await core.resolve(root, names, options)
    if (target == null) {
      throw new DoesNotExistError(`${path} does not exist`)
    }
    if (target.kind === 'directory') {
      await persist(core, target.node, engine(options))
      return { directory: target.node.directory.clone() }
    }
    return { entry: target.entry }
  })

  if ('entry' in listed) {
    for await (const exported of core.unixfs.ls(listed.entry.cid, { signal: options.signal, offline: options.offline })) {
      const entry: MFSEntry = { ...exported, name: names[names.length - 1], path: prefix }
      yield options.long === true ? await long(core, entry, options) : entry
    }
    return
  }

  let index = 0
  let yielded = 0
  let batch: MFSEntry[] = []
  for await (const entry of listed.directory.entries(engine(options))) {
    if (length != null && yielded >= length) {
      break
    }
    if (index++ < offset) {
      continue
    }
    yielded++
    const item: MFSEntry = { cid: entry.cid, name: entry.name, path: `${prefix}/${entry.name}`, size: entry.size }
    if (options.long !== true) {
      yield item
      continue
    }
    batch.push(item)
    if (batch.length >= LONG_BATCH) {
      yield * await Promise.all(batch.map(async item => long(core, item, options)))
      batch = []
    }
  }
  yield * await Promise.all(batch.map(async item => long(core, item, options)))
}

type Listed = { directory: Pick<Directory, 'entries'> } | { entry: Pick<DirectoryEntry, 'cid'> }

/** What `ls` lists, read offline (see offline.ts) */
async function offlineListing (core: MfsCore, names: string[], path: string, options: AbortOptions): Promise<Listed> {
  const target = await offlineTarget(core, names, path, options)
  return target.kind === 'directory' ? { directory: target.directory } : { entry: { cid: target.cid } }
}

/** The entry with its type and, for a file, its content size, from its root block */
async function long (core: MfsCore, entry: MFSEntry, options: AbortOptions & { offline?: boolean }): Promise<MFSEntry> {
  return { ...entry, ...await typeOf(core, entry.cid, options) }
}

async function typeOf (core: MfsCore, cid: CID, options: AbortOptions & { offline?: boolean }): Promise<Pick<MFSEntry, 'type' | 'fileSize'>> {
  const read: AbortOptions = { signal: options.signal, offline: options.offline } as AbortOptions
  if (cid.code === RAW_CODE) {
    return { type: 'raw', fileSize: BigInt((await readBlock(core.blockstore, cid, read)).byteLength) }
  }
  if (cid.code !== dagPb.code) {
    return {}
  }
  const node = dagPb.decode(await readBlock(core.blockstore, cid, read))
  if (node.Data == null) {
    return {}
  }
  const unixfs = UnixFS.unmarshal(node.Data)
  if (unixfs.isDirectory()) {
    return { type: 'directory' }
  }
  if (unixfs.type === 'file' || unixfs.type === 'raw') {
    return { type: unixfs.type, fileSize: unixfs.fileSize() }
  }
  return { type: unixfs.type as 'symlink' | 'metadata' }
}
