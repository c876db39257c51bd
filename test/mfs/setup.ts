/**
 * What the MFS specs start from: a MemoryBlockstore and MemoryDatastore,
 * `mfs()` on them, and the fixtures of `@helia/mfs` 8.0.5's own specs
 * (written here again): a 1001-file HAMT built by the importer, a HAMT one
 * `cp` away from gaining a sub-shard, a 13-byte and a 5 MiB file.
 */

import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { importer } from 'ipfs-unixfs-importer'
import { readBlock } from '../../src/blocks.js'
import { mfs } from '../../src/mfs/index.js'
import { decodeUnixFSData } from '../../src/pb/unixfs-data.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import type { MFS, MFSComponents, MFSInit } from '../../src/mfs/index.js'
import type { Blockstore } from 'interface-blockstore'
import type { ImportCandidate, ImporterOptions } from 'ipfs-unixfs-importer'
import type { CID } from 'multiformats/cid'

export interface Setup {
  blockstore: MemoryBlockstore
  datastore: MemoryDatastore
  fs: MFS
}

export function setup (init: MFSInit = {}): Setup {
  const blockstore = new MemoryBlockstore()
  const datastore = new MemoryDatastore()
  return { blockstore, datastore, fs: mfs({ blockstore, datastore }, init) }
}

/**
 * The same stores behind a new datastore object: an `mfs()` on them is a new
 * MFS, as after a restart (every `mfs()` given the same store objects is one
 * MFS)
 */
export function reopened ({ blockstore, datastore }: Pick<Setup, 'blockstore' | 'datastore'>): MFSComponents {
  return {
    blockstore,
    datastore: {
      get: async (key, options) => datastore.get(key, options),
      put: async (key, value, options) => datastore.put(key, value, options)
    }
  }
}

export const smallFile = new TextEncoder().encode('Hello world!\n')
export const largeFile = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 7919) % 251)

/** The root CID the importer gives these candidates, wrapped in a directory */
export async function importRoot (blockstore: Pick<Blockstore, 'put'>, candidates: ImportCandidate[], options: ImporterOptions = {}): Promise<CID> {
  let root: CID | undefined
  for await (const result of importer(candidates, blockstore, { wrapWithDirectory: true, ...options })) {
    root = result.cid
  }
  if (root == null) {
    throw new Error('nothing imported')
  }
  return root
}

/** `files` five-byte files in a HAMT (threshold 1), as `@helia/mfs`'s fixture builds it */
export async function createShardedDirectory (blockstore: Blockstore, files = 1001): Promise<CID> {
  const candidates = Array.from({ length: files }, (_, i) => ({ path: `./file-${i}`, content: Uint8Array.from([0, 1, 2, 3, 4]) }))
  const cid = await importRoot(blockstore, candidates, { shardSplitThresholdBytes: 1 })
  expect(await unixfsType(blockstore, cid)).to.equal('hamt-sharded-directory')
  return cid
}

export function longName (i: number): string {
  return `file-${i}-${'0'.repeat(512)}.txt`
}

/**
 * The names of `@helia/mfs`'s sub-shard fixture: `count` long names whose
 * HAMT has no sub-shard at `depth`, and the next name, whose `cp` makes one.
 * Returns the importer's HAMT of the `count` and of the `count + 1` names.
 */
export async function createSubshardedDirectory (blockstore: Blockstore, depth = 1): Promise<{ importerCid: CID, containingDirCid: CID, fileName: string }> {
  const candidates = (count: number): ImportCandidate[] => Array.from({ length: count }, (_, i) => ({ path: longName(i), content: Uint8Array.from([0, 1, 2, 3, 4]) }))
  // the importer's HAMT of n names has a sub-shard at `depth` from some n on: find the first
  const has = async (count: number): Promise<boolean> => hasSubshard(blockstore, await importRoot(blockstore, candidates(count), { shardSplitThresholdBytes: 1 }), depth)
  let high = 8
  while (!await has(high)) {
    high *= 2
  }
  let low = high / 2 + 1
  while (low < high) {
    const middle = (low + high) >>> 1
    if (await has(middle)) {
      high = middle
    } else {
      low = middle + 1
    }
  }
  return {
    importerCid: await importRoot(blockstore, candidates(low - 1), { shardSplitThresholdBytes: 1 }),
    containingDirCid: await importRoot(blockstore, candidates(low), { shardSplitThresholdBytes: 1 }),
    fileName: longName(low - 1)
  }
}

async function hasSubshard (blockstore: Blockstore, cid: CID, depth: number): Promise<boolean> {
  const node = dagPb.decode(await readBlock(blockstore, cid))
  for (const link of node.Links) {
    if (link.Name?.length === 2) {
      if (depth === 1 || await hasSubshard(blockstore, link.Hash, depth - 1)) {
        return true
      }
    }
  }
  return false
}

export async function unixfsType (blockstore: Pick<Blockstore, 'get'>, cid: CID): Promise<string> {
  const { UnixFS } = await import('ipfs-unixfs')
  const node = dagPb.decode(await readBlock(blockstore, cid))
  return UnixFS.unmarshal(node.Data ?? new Uint8Array()).type
}

export async function all <T> (source: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of source) {
    items.push(item)
  }
  return items
}

export async function bytesOf (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  return toBytes(source)
}

/** The root's UnixFS data, hashType read from the protobuf */
export async function rootData (blockstore: Pick<Blockstore, 'get'>, cid: CID): Promise<ReturnType<typeof decodeUnixFSData>> {
  return decodeUnixFSData(dagPb.decode(await readBlock(blockstore, cid)).Data ?? new Uint8Array())
}
