import { decodeShard } from '../hamt/codec.js'
import { shardFromBlock } from '../hamt/from-block.js'
import { LINKED } from '../hamt/shard.js'
import type { LinkRef } from '../hamt/read.js'
import type { Shard, TreeContext } from '../hamt/shard.js'

/** The child a link leads to, from its block: checked where it sits, and stored through the link */
export function readChild (context: TreeContext, ref: LinkRef, bytes: Uint8Array): Shard {
  const node = decodeShard(bytes, { path: ref.path, parentFanout: context.fanout })
  return shardFromBlock(context, ref.path.length, ref.link.slot, bytes, node, LINKED)
}
