/**
 * Writes a dag-pb node's bytes from its links and Data, copying links kept
 * in stored blocks as they are.
 *
 * Written by hand because no library writes dag-pb without objects:
 * `@ipld/dag-pb` encodes from `PBLink`s, which takes a CID object and a name
 * string per link, so re-writing a 256-link node of a large HAMT for one
 * changed entry decoded 256 CIDs. The bytes are dag-pb's canonical encoding
 * (links in the order given, each Hash, Name and Tsize, then Data), which
 * test/hamt/writer.spec.ts checks against `@ipld/dag-pb`.
 */

import { PB_LINK_HASH_TAG, PB_LINK_NAME_TAG, PB_LINK_TSIZE_TAG, PB_NODE_DATA_TAG, PB_NODE_LINKS_TAG } from './constants.js'
import { readStoredLink } from './stored-link.js'
import { varintLength } from './varint.js'
import type { PackedBlock } from './packed-block.js'

/** A link copied from a stored block, whose PBLink message starts at `offset` */
export interface StoredLinkBytes {
  block: PackedBlock
  offset: number
}

/** A link written from its parts */
export interface FreshLinkBytes {
  hash: Uint8Array
  name: Uint8Array
  tsize: number
}

export type LinkBytes = StoredLinkBytes | FreshLinkBytes

/** The node's bytes, and the Tsize of each link in order */
export function writeNode (links: readonly LinkBytes[], data: Uint8Array): { bytes: Uint8Array, sizes: number[] } {
  const sizes: number[] = []
  const lengths = links.map(link => {
    if ('block' in link) {
      const stored = readStoredLink(link.block, link.offset)
      sizes.push(stored.tsize)
      return stored.end - link.offset
    }
    sizes.push(link.tsize)
    return 1 + varintLength(link.hash.length) + link.hash.length + 1 + varintLength(link.name.length) + link.name.length + 1 + varintLength(link.tsize)
  })

  let total = 1 + varintLength(data.length) + data.length
  for (const length of lengths) {
    total += 1 + varintLength(length) + length
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

  links.forEach((link, i) => {
    bytes[at++] = PB_NODE_LINKS_TAG
    varint(lengths[i])
    if ('block' in link) {
      for (let j = link.offset; j < link.offset + lengths[i]; j++) {
        bytes[at++] = link.block.charCodeAt(j)
      }
    } else {
      field(PB_LINK_HASH_TAG, link.hash)
      field(PB_LINK_NAME_TAG, link.name)
      bytes[at++] = PB_LINK_TSIZE_TAG
      varint(link.tsize)
    }
  })
  field(PB_NODE_DATA_TAG, data)
  return { bytes, sizes }
}
