/**
 * Reads the blocks of a CARv1 stream, as trustless gateways send them: a
 * varint-framed header, then varint-framed sections of a CID and its bytes.
 *
 * Written by hand because `@ipld/car`'s readers decode the header with a
 * whole CBOR library (cborg: about a fifth of a browser bundle of this
 * package) for what a gateway client does not use: the header's roots. The
 * header is checked only for the `version: 1` a CARv1 holds; everything
 * else a gateway sends is checked where it matters, block by block (each
 * block hashed against its CID and taken only when a verified block links
 * to it), so a lying header gains nothing.
 */

import { CID } from 'multiformats/cid'
import { GatewayError } from '../errors.js'

/** A CARv1 header is a few CIDs: anything this large is not one */
const MAX_HEADER_BYTES = 64 * 1024
/** A section is a CID and one block: at most the largest block a gateway may send, and room for the CID */
const MAX_SECTION_BYTES = 4 * 1024 * 1024 + 1024
/** The header's `version` key and the value 1, as dag-cbor writes them: text(7) "version", then 1 */
const VERSION_1 = Uint8Array.from([0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x01])

export interface CarBlock {
  cid: CID
  bytes: Uint8Array
}

/** Bytes as they arrive, read from the front */
class Buffered {
  private chunks: Uint8Array[] = []
  private offset = 0
  length = 0

  push (chunk: Uint8Array): void {
    this.chunks.push(chunk)
    this.length += chunk.byteLength
  }

  /** An unsigned varint at the front, and its length in bytes; undefined until it has all arrived */
  varint (): [number, number] | undefined {
    let value = 0
    for (let i = 0; i < 8; i++) {
      const byte = this.at(i)
      if (byte == null) {
        return undefined
      }
      value += (byte & 0x7f) * 2 ** (7 * i)
      if (byte < 0x80) {
        return [value, i + 1]
      }
    }
    throw new GatewayError('CAR: a section length of more than 8 bytes')
  }

  /** Takes `length` bytes off the front (they must have arrived) */
  take (length: number): Uint8Array {
    const out = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const chunk = this.chunks[0]
      const part = Math.min(length - filled, chunk.byteLength - this.offset)
      out.set(chunk.subarray(this.offset, this.offset + part), filled)
      filled += part
      this.offset += part
      if (this.offset === chunk.byteLength) {
        this.chunks.shift()
        this.offset = 0
      }
    }
    this.length -= length
    return out
  }

  private at (index: number): number | undefined {
    let i = index + this.offset
    for (const chunk of this.chunks) {
      if (i < chunk.byteLength) {
        return chunk[i]
      }
      i -= chunk.byteLength
    }
    return undefined
  }
}

/**
 * The blocks of the CARv1 in `source`, in the order they come. Throws a
 * GatewayError for bytes that are not a CARv1, a section too large, or a
 * stream that ends inside a section (a truncated response).
 */
export async function * readCarBlocks (source: AsyncIterable<Uint8Array>): AsyncGenerator<CarBlock> {
  const buffered = new Buffered()
  let header = true
  for await (const chunk of source) {
    buffered.push(chunk)
    for (;;) {
      const frame = buffered.varint()
      if (frame == null) {
        break
      }
      const [length, prefix] = frame
      const limit = header ? MAX_HEADER_BYTES : MAX_SECTION_BYTES
      if (length === 0 || length > limit) {
        throw new GatewayError(`CAR: a ${header ? 'header' : 'section'} of ${length} bytes`)
      }
      if (buffered.length < prefix + length) {
        break
      }
      buffered.take(prefix)
      const bytes = buffered.take(length)
      if (header) {
        if (!contains(bytes, VERSION_1)) {
          throw new GatewayError('CAR: the header is not a CARv1 header')
        }
        header = false
        continue
      }
      let cid: CID
      let rest: Uint8Array
      try {
        [cid, rest] = CID.decodeFirst(bytes)
      } catch (err) {
        throw new GatewayError('CAR: a section that does not start with a CID', { cause: err })
      }
      yield { cid, bytes: rest }
    }
  }
  if (header || buffered.length > 0) {
    throw new GatewayError('CAR: the stream ended inside a section')
  }
}

function contains (bytes: Uint8Array, part: Uint8Array): boolean {
  for (let i = 0; i + part.length <= bytes.length; i++) {
    if (part.every((byte, j) => bytes[i + j] === byte)) {
      return true
    }
  }
  return false
}
