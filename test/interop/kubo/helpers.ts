/**
 * What the kubo specs share: listings as names and CIDs, and where a run of
 * numbered files first makes a HAMT
 */

import { MemoryBlockstore } from 'blockstore-core/memory'
import { dynamicDirectory } from '../../../src/index.js'
import { byName, kuboAddDirectory, numberedFiles } from '../../fixtures/kubo.js'
import type { KuboMode } from './modes.js'
import type { Directory, DirectoryEntry } from '../../../src/index.js'
import type { KuboFile } from '../../fixtures/kubo.js'
import type { TestNode } from '../../fixtures/nodes.js'
import type { KuboRPCClient } from 'kubo-rpc-client'

export interface Listed { name: string, cid: string }

/** Every entry of `directory` as name and CID, sorted by name */
export async function listed (directory: Directory): Promise<Listed[]> {
  const out: Listed[] = []
  for await (const entry of directory.entries()) {
    out.push({ name: entry.name, cid: entry.cid.toString() })
  }
  return out.sort(byName)
}

/** A name -> CID map as a sorted listing */
export function modelList (model: Map<string, string>): Listed[] {
  return [...model].map(([name, cid]) => ({ name, cid })).sort(byName)
}

export interface Boundary {
  /** The numbered files, more than `over` of them */
  files: KuboFile[]
  /** The fewest of `files` (from the first) that make a HAMT in this mode: `over - 1` are a basic directory */
  over: number
}

/**
 * Adds 7,000 numbered files to kubo, reads their CIDs and Tsizes back through
 * the Helia node, and finds how many of them first make a HAMT
 */
export async function findBoundary (api: KuboRPCClient, helia: TestNode, mode: KuboMode): Promise<Boundary> {
  const files = numberedFiles(7_000)
  const root = await kuboAddDirectory(api, files, mode.add)
  const entries: DirectoryEntry[] = []
  for await (const entry of (await dynamicDirectory(helia, mode.init).open(root)).entries()) {
    entries.push(entry)
  }
  entries.sort(byName)

  const directory = dynamicDirectory({ blockstore: new MemoryBlockstore() }, mode.init).create()
  for (const [index, entry] of entries.entries()) {
    await directory.set(entry.name, entry.cid, { size: entry.size })
    if (directory.shape === 'hamt') {
      return { files, over: index + 1 }
    }
  }
  throw new Error('7,000 files never made a HAMT')
}
