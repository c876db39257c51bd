/**
 * A retained node made from a stored shard block the codec has checked.
 */

import { pack } from '../pb/packed-block.js'
import { linkOffsets } from '../pb/stored-link.js'
import { utf8Length } from '../size.js'
import { Shard, ShardLink } from './shard.js'
import type { ShardNode } from './codec.js'
import type { LINKED, Persisted, TreeContext } from './shard.js'

/**
 * A node made from a checked stored block: entries stay in the block's bytes,
 * sub-shard links become `ShardLink`s. `node` is the codec's reading of `bytes`.
 */
export function shardFromBlock (context: TreeContext, depth: number, slot: number, bytes: Uint8Array, node: ShardNode, origin: Persisted | typeof LINKED): Shard {
  const { offsets, linksEnd } = linkOffsets(bytes)
  // the links come first in a dag-pb block: what follows (Data) is not needed again
  const block = pack(bytes.subarray(0, linksEnd))
  const shard = new Shard(context, depth, slot, block)
  // built at its final length: an array grown by push keeps spare capacity
  shard.values = node.links.map((link, index) => {
    if (link.kind === 'entry') {
      shard.bytes += context.sizes.entryBytes(utf8Length(link.name), link.cid.byteLength, link.size)
      shard.entries++
      return offsets[index]
    }
    shard.unloaded++
    return new ShardLink(block, offsets[index], link.slot)
  })
  shard.origin = origin
  return shard
}
