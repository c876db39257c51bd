/**
 * Reads links out of a stored dag-pb block kept packed (see packed-block.ts)
 * without decoding it: where a link's parts sit, its exact name, the slot its
 * hex prefix gives, and where a node's sub-shard links start.
 *
 * Written by hand because `@ipld/dag-pb` decodes a whole node into objects
 * (a CID and a name string per link), which is what a retained node avoids.
 * Every reader here runs only on blocks the codec has accepted as canonical
 * dag-pb, so it does no bounds checks of its own.
 */

import { PB_NODE_LINKS, PB_NODE_LINKS_TAG } from './constants.js'
import { readFields } from './fields.js'
import { unpack } from './packed-block.js'
import { varintAt, varintLength } from './varint.js'
import type { PackedBlock } from './packed-block.js'

/** Where the parts of one link sit in a stored block */
export interface StoredLink {
  hashStart: number
  hashEnd: number
  nameStart: number
  nameEnd: number
  tsize: number
  /** Where the link ends */
  end: number
}

/**
 * Reads the link whose PBLink message starts at `offset`. The codec accepted
 * the block only if it is canonical dag-pb, so a link is exactly Hash
 * (field 1), Name (field 2) and Tsize (field 3), each behind a one-byte tag.
 */
export function readStoredLink (block: PackedBlock, offset: number): StoredLink {
  const [hashLength, hashStart] = varintAt(block, offset + 1)
  const hashEnd = hashStart + hashLength
  const [nameLength, nameStart] = varintAt(block, hashEnd + 1)
  const nameEnd = nameStart + nameLength
  const [tsize, end] = varintAt(block, nameEnd + 1)
  return { hashStart, hashEnd, nameStart, nameEnd, tsize, end }
}

/**
 * What the link whose PBLink message starts at `offset` adds to its node's
 * cumulative size: its PBNode Links field (tag, length, message) and its
 * own Tsize
 */
export function storedLinkCost (block: PackedBlock, offset: number): number {
  const link = readStoredLink(block, offset)
  const length = link.end - offset
  return 1 + varintLength(length) + length + link.tsize
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function readStoredName (block: PackedBlock, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (block.charCodeAt(i) >= 0x80) {
      return strictUtf8.decode(unpack(block, start, end))
    }
  }
  // ASCII: the packed chars are the name
  return block.slice(start, end)
}

/** The slot a link name's upper-case hex prefix of `width` digits gives */
export function hexSlot (block: PackedBlock, nameStart: number, width: number): number {
  let slot = 0
  for (let i = nameStart; i < nameStart + width; i++) {
    const char = block.charCodeAt(i)
    // upper-case hex, checked by the codec
    slot = slot * 16 + (char <= 0x39 ? char - 0x30 : char - 0x37)
  }
  return slot
}

/** Where a shard block holds its links to sub-shards (names of exactly `width` chars), by slot */
export function childLinkOffsets (block: PackedBlock, width: number): Map<number, number> {
  const offsets = new Map<number, number>()
  for (let offset = 0; block.charCodeAt(offset) === PB_NODE_LINKS_TAG;) {
    const [length, start] = varintAt(block, offset + 1)
    const link = readStoredLink(block, start)
    if (link.nameEnd - link.nameStart === width) {
      offsets.set(hexSlot(block, link.nameStart, width), start)
    }
    offset = start + length
  }
  return offsets
}

/**
 * Where each PBLink message starts in `bytes`, in order, and where the links
 * end: a dag-pb block holds its links first, then Data.
 */
export function linkOffsets (bytes: Uint8Array): { offsets: number[], linksEnd: number } {
  const offsets: number[] = []
  let linksEnd = 0
  for (const field of readFields(bytes)) {
    if (field.field === PB_NODE_LINKS && field.wire === 'bytes') {
      offsets.push(field.value.byteOffset - bytes.byteOffset)
      linksEnd = offsets[offsets.length - 1] + field.value.byteLength
    }
  }
  return { offsets, linksEnd }
}
