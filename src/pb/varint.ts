/**
 * Protobuf varints: the length of one, and one read from a packed block.
 * (`readFields` reads its own from bytes, with bounds checks.)
 */

import type { PackedBlock } from './packed-block.js'

/** Bytes of a protobuf varint */
export function varintLength (value: number): number {
  let length = 1
  while (value >= 0x80) {
    value = Math.floor(value / 0x80)
    length++
  }
  return length
}

/** A protobuf varint at `offset`: its value and the offset after it */
export function varintAt (block: PackedBlock, offset: number): [value: number, next: number] {
  let value = 0
  let scale = 1
  for (;;) {
    const byte = block.charCodeAt(offset++)
    value += (byte & 0x7F) * scale
    if (byte < 0x80) {
      return [value, offset]
    }
    scale *= 0x80
  }
}
