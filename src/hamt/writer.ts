/**
 * Writes a changed shard node's block, copying the links it keeps from
 * stored blocks as they are.
 *
 * Written by hand because no library writes dag-pb without objects:
 * `@ipld/dag-pb` encodes from `PBLink`s, which takes a CID object and a name
 * string per link, so re-writing a 256-link node of a large HAMT for one
 * changed entry decoded 256 CIDs. The bytes are the canonical dag-pb encoding
 * `encodeShard` gives (links in slot order, each Hash, Name and Tsize, then
 * Data), which test/hamt/writer.spec.ts checks against it.
 */

import { PB_LINK_HASH_TAG, PB_LINK_NAME_TAG, PB_LINK_TSIZE_TAG, PB_NODE_DATA_TAG, PB_NODE_LINKS_TAG } from '../pb/constants.js'
import { readStoredLink } from '../pb/stored-link.js'
import { varintLength } from '../pb/varint.js'
import { prefixWidth, shardData, slotPrefix } from './codec.js'
import type { NodeLink } from './codec.js'
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
  const sizes: number[] = []
  const parts = node.links.map(link => {
    if (link.kind === 'stored') {
      const stored = readStoredLink(link.block, link.offset)
      sizes.push(stored.tsize)
      return { stored: link, length: stored.end - link.offset }
    }
    sizes.push(link.size)
    const name = textEncoder.encode(slotPrefix(link.slot, width) + (link.kind === 'entry' ? link.name : ''))
    const hash = link.cid.bytes
    const length = 1 + varintLength(hash.length) + hash.length + 1 + varintLength(name.length) + name.length + 1 + varintLength(link.size)
    return { fresh: { name, hash, size: link.size }, length }
  })
  const data = shardData(node.fanout, node.links.map(link => link.slot), node.mode, node.mtime)

  let total = 1 + varintLength(data.length) + data.length
  for (const part of parts) {
    total += 1 + varintLength(part.length) + part.length
  }
  const bytes = new Uint8Array(total)
  let at = 0
  const varint = (value: number): void => {
    for (; value >= 0x80; value = Math.floor(value / 0x80)) {
      bytes[at++] = (value % 0x80) | 0x80
    }
    bytes[at++] = value
  }
  const field = (tag: number, value: Uint8Array): void => {
    bytes[at++] = tag
    varint(value.length)
    bytes.set(value, at)
    at += value.length
  }

  for (const part of parts) {
    bytes[at++] = PB_NODE_LINKS_TAG
    varint(part.length)
    if (part.stored != null) {
      const { block, offset } = part.stored
      for (let i = offset; i < offset + part.length; i++) {
        bytes[at++] = block.charCodeAt(i)
      }
    } else if (part.fresh != null) {
      field(PB_LINK_HASH_TAG, part.fresh.hash)
      field(PB_LINK_NAME_TAG, part.fresh.name)
      bytes[at++] = PB_LINK_TSIZE_TAG
      varint(part.fresh.size)
    }
  }
  field(PB_NODE_DATA_TAG, data)
  return { bytes, sizes }
}
