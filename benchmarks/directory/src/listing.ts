/**
 * A cold listing timed to its first and its last entry, and the floor it is
 * measured against: the same blocks from the same provider by raw gets,
 * level by level, with no directory code.
 */

import { blockKey, toBytes } from '../../../dist/test/fixtures/counting-blockstore.js'
import { readShard } from '../../../dist/test/fixtures/tree-oracle.js'
import { round } from './table.js'
import type { Row } from './table.js'
import type { DirectoryEntry } from 'helia-dynamic-directory'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export interface Listing {
  listed: number
  complete: boolean
  firstMs: number
  lastMs: number
  capped: boolean
  /** The last-entry time, extrapolated by entries when capped */
  estimateMs: number
}

/** Lists with `list`, timing the first and the last entry from before the call; stops at `capMs` */
export async function timeListing (list: () => AsyncIterable<DirectoryEntry | { name: string }>, names: Set<string>, capMs = Infinity): Promise<Listing> {
  const start = performance.now()
  const seen = new Set<string>()
  let listed = 0
  let firstMs = 0
  let capped = false
  for await (const entry of list()) {
    if (listed === 0) {
      firstMs = performance.now() - start
    }
    listed++
    seen.add(entry.name)
    if (performance.now() - start > capMs) {
      capped = true
      break
    }
  }
  const lastMs = performance.now() - start
  const complete = listed === names.size && seen.size === names.size && [...seen].every(name => names.has(name))
  return { listed, complete, firstMs: round(firstMs), lastMs: round(lastMs), capped, estimateMs: Math.round(capped ? lastMs * names.size / listed : lastMs) }
}

/** A listing's row: times, with the extrapolation spelled out when capped */
export function listingRow (network: string, implementation: string, listing: Listing, stats: { requested: number, maxInFlight: number }): Row {
  return {
    network,
    implementation,
    'entries listed': listing.listed,
    'first entry ms': listing.firstMs,
    'last entry ms': listing.capped ? `${listing.lastMs} (capped; ~${listing.estimateMs} extrapolated)` : listing.lastMs,
    'blocks requested': stats.requested,
    'max in flight': stats.maxInFlight,
    'all entries': listing.complete
  }
}

/** Most wants on the wire at once for the floor: @helia/bitswap keeps at most 1,024 wants per peer */
export const FLOOR_WANTS = 1_024

export const FLOOR = 'floor: raw gets, level by level'

/**
 * What the blocks alone cost through this node: the tree's shard blocks read
 * with raw `get`s and no directory code, level by level, every block of a
 * level asked for at once (up to FLOOR_WANTS), each decoded (by the tree
 * oracle) only to find the next level's links. With `only`, just those
 * blocks (block keys; a set closed under parents, as the blocks an operation
 * fetched from the root down are). A breadth-first listing needs the same
 * round trips and adds its own work; overlapping levels (asking for a
 * level-2 node as soon as its parent lands) can win back a little of the
 * wait between levels.
 */
export async function levelFloor (blockstore: Pick<Blockstore, 'get'>, root: CID, only?: Set<string>): Promise<{ ms: number, blocks: number }> {
  const start = performance.now()
  let blocks = 0
  // one level's blocks, FLOOR_WANTS readers taking the next one as each lands: the next level's links
  const readLevel = async (level: CID[]): Promise<CID[]> => {
    const next: CID[] = []
    let index = 0
    const reader = async (): Promise<void> => {
      while (index < level.length) {
        const { children } = readShard(await toBytes(blockstore.get(level[index++])))
        blocks++
        next.push(...(only == null ? children : children.filter(child => only.has(blockKey(child)))))
      }
    }
    await Promise.all(Array.from({ length: Math.min(level.length, FLOOR_WANTS) }, reader))
    return next
  }
  for (let level = [root]; level.length > 0;) {
    level = await readLevel(level)
  }
  return { ms: round(performance.now() - start), blocks }
}
