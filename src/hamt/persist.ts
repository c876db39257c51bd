/**
 * Writing a version's changed nodes, children first. A node is marked stored
 * only once its block is put, so a failed put leaves the rest to write on the
 * next call.
 */

import { cumulativeSize } from '../size.js'
import { LINKED, Shard, ShardLink } from './shard.js'
import { writeShard } from './writer.js'
import type { Persisted } from './shard.js'
import type { LinkSource } from './writer.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

export interface RootMetadata {
  mode?: number
  mtime?: Mtime
}

/**
 * Encodes and puts every changed node, children first, and returns the
 * root's stored form. A node is marked stored only once its block is put, so
 * a failed put leaves the rest to write on the next call.
 */
export async function persistTree (shard: Shard, put: (bytes: Uint8Array) => Promise<CID>, root: RootMetadata = {}): Promise<Persisted> {
  if (shard.origin === LINKED) {
    throw new Error('internal: a node stored through its parent\'s link is persisted by its parent')
  }
  if (shard.origin != null) {
    return shard.origin
  }

  let childLinks: Map<number, number> | undefined
  const links: LinkSource[] = []
  for (const value of shard.values) {
    if (value instanceof ShardLink) {
      links.push({ kind: 'stored', slot: value.slot, block: value.block, offset: value.offset })
    } else if (value instanceof Shard && value.origin === LINKED) {
      // a child loaded and unchanged: its link in this node's block is as it was
      childLinks ??= shard.childLinkOffsets()
      const offset = childLinks.get(value.slot)
      if (offset == null || shard.block == null) {
        throw new Error('internal: a loaded child has no link in its parent\'s block')
      }
      links.push({ kind: 'stored', slot: value.slot, block: shard.block, offset })
    } else if (value instanceof Shard) {
      const child = await persistTree(value, put)
      links.push({ kind: 'shard', slot: value.slot, cid: child.cid, size: child.size })
    } else if (typeof value === 'number') {
      links.push({ kind: 'stored', slot: shard.slotOf(value), block: shard.block as string, offset: value })
    } else {
      links.push({ kind: 'entry', slot: value.slot, name: value.name, cid: value.cid, size: value.size })
    }
  }

  const { bytes, sizes } = writeShard({ fanout: shard.context.fanout, links, ...(shard.depth === 0 ? root : {}) })
  const size = cumulativeSize(bytes.length, sizes)
  shard.origin = { cid: await put(bytes), size }
  return shard.origin
}
