/**
 * The dag-pb field numbers and wire types (`@ipld/dag-pb`'s schema), named
 * once for every reader and writer of raw bytes in this package.
 *
 * ```protobuf
 * message PBLink { optional bytes Hash = 1; optional string Name = 2; optional uint64 Tsize = 3; }
 * message PBNode { repeated PBLink Links = 2; optional bytes Data = 1; }
 * ```
 */

export const WIRE_VARINT = 0
export const WIRE_FIXED64 = 1
export const WIRE_BYTES = 2
export const WIRE_FIXED32 = 5

export const PB_LINK_HASH = 1
export const PB_LINK_NAME = 2
export const PB_LINK_TSIZE = 3
export const PB_NODE_DATA = 1
export const PB_NODE_LINKS = 2

/** A field's one-byte tag: field number and wire type (every dag-pb field number is under 16) */
export function tag (field: number, wire: number): number {
  return (field << 3) | wire
}

export const PB_LINK_HASH_TAG = tag(PB_LINK_HASH, WIRE_BYTES)
export const PB_LINK_NAME_TAG = tag(PB_LINK_NAME, WIRE_BYTES)
export const PB_LINK_TSIZE_TAG = tag(PB_LINK_TSIZE, WIRE_VARINT)
export const PB_NODE_DATA_TAG = tag(PB_NODE_DATA, WIRE_BYTES)
export const PB_NODE_LINKS_TAG = tag(PB_NODE_LINKS, WIRE_BYTES)
