import { murmur3128 } from '@multiformats/murmur3'

/** The multihash code written in every shard node's `hashType` */
export const HASH_TYPE_MURMUR3_X64_64 = 0x22

/** Fanout bounds, as log2 (the bits of hash one level takes): a multiple of 8 (whole bitfield bytes) and at most 1024, as Go refuses wider */
export const MIN_FANOUT_BITS = 3
export const MAX_FANOUT_BITS = 10

/** Bits of hash that one name yields: the 64-bit murmur3-x64-64 value */
const HASH_BITS = 64

const textEncoder = new TextEncoder()

/**
 * The 64-bit HAMT hash of an entry name: the first 8 bytes of murmur3-x64-128
 * over the UTF-8 name, consumed from byte 0, most significant bit first. (The
 * importer reverses these bytes and then reads them from the last one, which
 * comes to the same order.)
 */
export function hashName (name: string): Uint8Array {
  const digest = murmur3128.encode(textEncoder.encode(name))
  if (digest instanceof Promise) {
    // the hasher is synchronous; its type allows a promise for hashers in general
    throw new Error('murmur3-x64-128 must hash synchronously')
  }
  return digest.slice(0, 8)
}

/** How many levels a tree of this width can have before the hash runs out */
export function maxDepth (bitsPerLevel: number): number {
  return Math.floor(HASH_BITS / bitsPerLevel)
}

/**
 * The slot a hash falls in at `depth`: `bitsPerLevel` bits, most significant
 * first, starting at bit `depth * bitsPerLevel`.
 */
export function slotAt (hash: Uint8Array, depth: number, bitsPerLevel: number): number {
  let offset = depth * bitsPerLevel
  if (offset + bitsPerLevel > HASH_BITS) {
    throw new RangeError(`hash exhausted at depth ${depth}`)
  }

  let slot = 0
  for (let remaining = bitsPerLevel; remaining > 0;) {
    const byte = hash[offset >> 3]
    const used = offset & 7
    const take = Math.min(8 - used, remaining)
    const bits = (byte >> (8 - used - take)) & ((1 << take) - 1)
    slot = (slot << take) | bits
    remaining -= take
    offset += take
  }
  return slot
}
