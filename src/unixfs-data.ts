import { UnixFS } from 'ipfs-unixfs'
import { InvalidBlockError } from './errors.js'

/**
 * The UnixFS Data field of a dag-pb node, decoded. `hashType` is read here
 * from the protobuf because `ipfs-unixfs` 13 `UnixFS.unmarshal` does not keep
 * it, and a shard reader must check it.
 */
export interface UnixFSData {
  unixfs: UnixFS
  hashType?: number
}

export function decodeUnixFSData (data: Uint8Array): UnixFSData {
  let unixfs: UnixFS
  try {
    unixfs = UnixFS.unmarshal(data)
  } catch (err: any) {
    throw new InvalidBlockError('UnixFS: could not decode the Data field', { cause: err })
  }
  return { unixfs, hashType: readVarintField(data, HASH_TYPE_FIELD) }
}

const HASH_TYPE_FIELD = 5
const WIRE_VARINT = 0
const WIRE_FIXED64 = 1
const WIRE_BYTES = 2
const WIRE_FIXED32 = 5

/** The last value of a varint field in a protobuf message, or undefined if absent */
function readVarintField (message: Uint8Array, field: number): number | undefined {
  let found: number | undefined
  let offset = 0

  const varint = (): number => {
    let value = 0
    let scale = 1
    for (;;) {
      if (offset >= message.length) {
        throw new InvalidBlockError('UnixFS: truncated varint in the Data field')
      }
      const byte = message[offset++]
      value += (byte & 0x7F) * scale
      if (byte < 0x80) {
        return value
      }
      scale *= 0x80
    }
  }

  while (offset < message.length) {
    const key = varint()
    const wire = key % 8
    if (wire === WIRE_VARINT) {
      const value = varint()
      if (Math.floor(key / 8) === field) {
        found = value
      }
    } else if (wire === WIRE_BYTES) {
      const length = varint()
      offset += length
    } else if (wire === WIRE_FIXED32) {
      offset += 4
    } else if (wire === WIRE_FIXED64) {
      offset += 8
    } else {
      throw new InvalidBlockError(`UnixFS: unsupported wire type ${wire} in the Data field`)
    }
  }

  return found
}
