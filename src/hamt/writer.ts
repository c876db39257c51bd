/**
 * Writes a changed shard node's block: its links named by slot, the links it
 * keeps copied from stored blocks as they are (`pb/node-writer.ts` writes
 * the bytes). The result is the canonical block `encodeShard` gives, which
 * test/hamt/writer.spec.ts checks.
 */

import { writeNode } from '../pb/node-writer.js'
import { prefixWidth, shardData, slotPrefix } from './codec.js'
import type { NodeLink } from './codec.js'
import type { LinkBytes } from '../pb/node-writer.js'
import type { PackedBlock } from '../pb/packed-block.js'
import type { Mtime } from 'ipfs-unixfs'

/** A link kept as a stored block holds it */
export interface StoredLinkSource {
  kind: 'stored'
  slot: number
  block: PackedBlock
  /** Where its PBLink message starts */
  offset: number
}

export type LinkSource = StoredLinkSource | NodeLink

export interface WriteShard {
  fanout: number
  /** In ascending slot order */
  links: LinkSource[]
  /** Only on the root */
  mode?: number
  mtime?: Mtime
}

const textEncoder = new TextEncoder()

/** The block, and the Tsize of each link in order */
export function writeShard (node: WriteShard): { bytes: Uint8Array, sizes: number[] } {
  const width = prefixWidth(node.fanout)
  const links = node.links.map((link): LinkBytes => {
    if (link.kind === 'stored') {
      return { block: link.block, offset: link.offset }
    }
    const name = textEncoder.encode(slotPrefix(link.slot, width) + (link.kind === 'entry' ? link.name : ''))
    return { hash: link.cid.bytes, name, tsize: link.size }
  })
  return writeNode(links, shardData(node.fanout, node.links.map(link => link.slot), node.mode, node.mtime))
}
