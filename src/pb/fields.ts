/**
 * A minimal protobuf field reader, for the two places where the field's
 * libraries lose information: `ipfs-unixfs` 13 drops `hashType` on
 * unmarshal, and `@ipld/dag-pb` decodes link names with a default
 * `TextDecoder`, which strips a leading U+FEFF and replaces invalid UTF-8.
 * Callers run it only on bytes the library's own decoder has accepted.
 */

import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from './constants.js'

export type Field =
  | { field: number, wire: 'varint', value: number }
  | { field: number, wire: 'bytes', value: Uint8Array }
  | { field: number, wire: 'fixed' }

export class ProtobufError extends Error {
  static name = 'ProtobufError'
  name = 'ProtobufError'
}

export function * readFields (message: Uint8Array): Generator<Field> {
  let offset = 0

  const varint = (): number => {
    let value = 0
    let scale = 1
    for (;;) {
      if (offset >= message.length) {
        throw new ProtobufError('truncated varint')
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
    const field = Math.floor(key / 8)
    const wire = key % 8
    if (wire === WIRE_VARINT) {
      yield { field, wire: 'varint', value: varint() }
    } else if (wire === WIRE_BYTES) {
      const length = varint()
      if (offset + length > message.length) {
        throw new ProtobufError('truncated bytes field')
      }
      yield { field, wire: 'bytes', value: message.subarray(offset, offset + length) }
      offset += length
    } else if (wire === WIRE_FIXED32 || wire === WIRE_FIXED64) {
      offset += wire === WIRE_FIXED32 ? 4 : 8
      yield { field, wire: 'fixed' }
    } else {
      throw new ProtobufError(`unsupported wire type ${wire}`)
    }
  }
}
