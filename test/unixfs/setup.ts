/**
 * What every drop-in spec starts from: one MemoryBlockstore shared by the
 * drop-in and by `@helia/unixfs` 8.0.5 (the peer), so a scenario can run
 * through both and compare, and real files (raw leaves) to link.
 */

import { unixfs as peerUnixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core'
import { unixfs } from '../../src/index.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { DirectoryEntry, UnixFSInit } from '../../src/index.js'
import type { ImporterDirectoryOptions } from '../fixtures/importer.js'
import type { UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

export interface Setup {
  blockstore: MemoryBlockstore
  fs: UnixFS
  peer: UnixFS
  emptyDir: CID
}

export async function setup (init: UnixFSInit = {}): Promise<Setup> {
  const blockstore = new MemoryBlockstore()
  const fs = unixfs({ blockstore }, init)
  const peer = peerUnixfs({ blockstore })
  return { blockstore, fs, peer, emptyDir: await peer.addDirectory() }
}

/** `count` distinct small files added to the blockstore, as directory entries */
export async function files (fs: UnixFS, count: number, prefix = 'file-'): Promise<DirectoryEntry[]> {
  const encoder = new TextEncoder()
  const entries: DirectoryEntry[] = []
  for (let i = 0; i < count; i++) {
    const bytes = encoder.encode(`content of ${prefix}${i}\n`)
    entries.push({ name: `${prefix}${i}.txt`, cid: await fs.addBytes(bytes), size: BigInt(bytes.byteLength) })
  }
  return entries
}

/** The importer's directory of `entries`, its blocks in `blockstore` */
export async function imported (s: Setup, entries: DirectoryEntry[], options: ImporterDirectoryOptions = {}): Promise<CID> {
  return importerDirectory(entries, options, s.blockstore)
}

/** The `links-bytes` size of entries with CIDv1 sha2-256 links */
export function linksBytes (entries: DirectoryEntry[]): number {
  return entries.reduce((total, entry) => total + new TextEncoder().encode(entry.name).byteLength + entry.cid.byteLength, 0)
}

/** The UnixFS type of a directory's root, as `stat` reports it */
export async function typeOf (fs: UnixFS, cid: CID): Promise<string | undefined> {
  return (await fs.stat(cid)).unixfs?.type
}

/** Every item of an async iterable */
export async function all <T> (source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of source) {
    items.push(item)
  }
  return items
}
