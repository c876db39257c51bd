/**
 * Pieces of the `tree` scenario: its entries, the importer-built trees it
 * runs on (local MemoryBlockstores, built once each), a blockstore that hands
 * out copies and keeps its own writes apart, and the offline minimum of
 * blocks one cold delete must fetch.
 */

import { MemoryBlockstore } from 'blockstore-core/memory'
import { blockKey, toBytes } from '../../../../dist/test/fixtures/counting-blockstore.js'
import { cidOf } from '../../../../dist/test/fixtures/entries.js'
import { importerDirectory } from '../../../../dist/test/fixtures/importer.js'
import { readTree } from '../../../../dist/test/fixtures/tree-oracle.js'
import type { ImporterDirectoryOptions } from '../../../../dist/test/fixtures/importer.js'
import type { OracleNode } from '../../../../dist/test/fixtures/tree-oracle.js'
import type { AbortOptions } from '@libp2p/interface'
import type { DirectoryEntry } from 'helia-dynamic-directory'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

const encoder = new TextEncoder()

/** `file-0000001.txt` ... : raw-leaf CIDv1 of a small text, Tsize 100-999 (the leaves are not stored) */
export function wideEntries (count: number): DirectoryEntry[] {
  const entries: DirectoryEntry[] = []
  for (let i = 1; i <= count; i++) {
    entries.push({
      name: `file-${String(i).padStart(7, '0')}.txt`,
      cid: cidOf(encoder.encode(`entry ${i}`), 'v1-raw'),
      size: BigInt(100 + ((i * 7919) % 900))
    })
  }
  return entries
}

/** `file-000001.txt` ... `file-010000.txt`: raw blocks holding `content N`, Tsize = their length */
export function contentEntries (count: number): Array<DirectoryEntry & { bytes: Uint8Array }> {
  const entries: Array<DirectoryEntry & { bytes: Uint8Array }> = []
  for (let i = 1; i <= count; i++) {
    const bytes = encoder.encode(`content ${i}`)
    entries.push({ name: `file-${String(i).padStart(6, '0')}.txt`, cid: cidOf(bytes, 'v1-raw'), size: BigInt(bytes.byteLength), bytes })
  }
  return entries
}

export interface TreeFixture {
  store: MemoryBlockstore
  cid: CID
  entries: DirectoryEntry[]
  /** Every shard node, breadth-first (the tree oracle's view) */
  nodes: OracleNode[]
  /** Sum of the shard blocks' lengths */
  blockBytes: number
}

/** Imports `entries` into a fresh MemoryBlockstore and reads the tree back */
export async function buildTree (entries: DirectoryEntry[], options: ImporterDirectoryOptions = {}, store = new MemoryBlockstore()): Promise<TreeFixture> {
  const cid = await importerDirectory(entries, options, store)
  const nodes = await readTree(store, cid)
  let blockBytes = 0
  for (const node of nodes) {
    blockBytes += (await toBytes(store.get(node.cid))).byteLength
  }
  return { store, cid, entries, nodes, blockBytes }
}

/** The importer's CID for exactly these entries, as a string */
export async function canonicalCid (entries: DirectoryEntry[], options: ImporterDirectoryOptions = {}): Promise<string> {
  return (await importerDirectory(entries, options, new MemoryBlockstore())).toString()
}

/** `count` names spread evenly over `entries` (the middle of each of `count` equal runs) */
export function spreadNames (entries: DirectoryEntry[], count: number): string[] {
  return Array.from({ length: count }, (_, k) => entries[Math.floor((k + 0.5) * entries.length / count)].name)
}

/**
 * Reads from `base` (as fresh copies, when `copy`, as a network would hand
 * them out: what a tree keeps of a block then shows as arrayBuffers growth
 * instead of hiding in the base store's own buffers), and keeps what is put
 * in a store of its own, counting its bytes, so the shared fixture stays as
 * built.
 */
export class ScratchBlockstore implements Pick<Blockstore, 'get' | 'put' | 'has'> {
  readonly written = new MemoryBlockstore()
  writtenBytes = 0

  constructor (private readonly base: MemoryBlockstore, private readonly copy: boolean) {}

  async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    const source = await this.written.has(key) ? this.written.get(key, options) : this.base.get(key, options)
    for await (const chunk of source) {
      yield this.copy ? chunk.slice() : chunk
    }
  }

  async put (key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): Promise<CID> {
    const bytes = val instanceof Uint8Array ? val : await toBytes(val)
    if (!await this.written.has(key)) {
      this.writtenBytes += bytes.byteLength
    }
    return this.written.put(key, bytes, options)
  }

  async has (key: CID): Promise<boolean> {
    return await this.written.has(key) || this.base.has(key)
  }
}

/**
 * The fewest shard nodes a delete of `victim` must load to prove the
 * directory still over `threshold` (links-bytes), with every block at hand:
 * the root and the path to the victim, then, greedily, the unloaded node
 * (any depth, its parent loaded) with the most links-bytes in its own direct
 * entries, until the loaded entry bytes minus the victim's exceed the
 * threshold.
 */
export function offlineMinimum (nodes: OracleNode[], victim: string, threshold: number): number {
  const bytesOf = (node: OracleNode): number => node.entries.reduce((sum, entry) => sum + entry.linksBytes, 0)
  const parentOf = new Map<string, string>()
  for (const node of nodes) {
    for (const child of node.children) {
      parentOf.set(blockKey(child), node.key)
    }
  }
  const holder = nodes.find(node => node.entries.some(entry => entry.name === victim))
  if (holder == null) {
    throw new Error(`no entry ${victim}`)
  }
  const victimBytes = holder.entries.find(entry => entry.name === victim)?.linksBytes ?? 0

  const loaded = new Set<string>()
  for (let key: string | undefined = holder.key; key != null; key = parentOf.get(key)) {
    loaded.add(key)
  }
  let bytes = nodes.filter(node => loaded.has(node.key)).reduce((sum, node) => sum + bytesOf(node), 0)

  while (bytes - victimBytes <= threshold) {
    let best: OracleNode | undefined
    for (const node of nodes) {
      const parent = parentOf.get(node.key)
      if (!loaded.has(node.key) && parent != null && loaded.has(parent) && (best == null || bytesOf(node) > bytesOf(best))) {
        best = node
      }
    }
    if (best == null) {
      break
    }
    loaded.add(best.key)
    bytes += bytesOf(best)
  }
  return loaded.size
}
