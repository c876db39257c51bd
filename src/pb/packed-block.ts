/**
 * A stored shard block kept as a one-byte string.
 *
 * Written by hand because no library covers it: most shard nodes of a large
 * HAMT hold three or four entries in about 250 bytes, and a `Uint8Array` costs
 * about 200 bytes of V8 bookkeeping besides its bytes, while a one-byte string
 * costs 16. Every byte below 256 is one char, so `charCodeAt` reads it back.
 */

export type PackedBlock = string

/** Larger argument lists to `String.fromCharCode` can overflow the stack */
const CHUNK = 8192

export function pack (bytes: Uint8Array): PackedBlock {
  if (bytes.length <= CHUNK) {
    return String.fromCharCode.apply(null, bytes as unknown as number[])
  }
  const chunks: string[] = []
  for (let start = 0; start < bytes.length; start += CHUNK) {
    chunks.push(String.fromCharCode.apply(null, bytes.subarray(start, start + CHUNK) as unknown as number[]))
  }
  // join makes one flat string; `+` would make a rope that is flattened on first read
  return chunks.join('')
}

/** A copy of `block[start, end)` as bytes */
export function unpack (block: PackedBlock, start: number, end: number): Uint8Array {
  const bytes = new Uint8Array(end - start)
  for (let i = start; i < end; i++) {
    bytes[i - start] = block.charCodeAt(i)
  }
  return bytes
}
