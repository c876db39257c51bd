/**
 * Encoded sizes of dag-pb parts without encoding them: what the
 * `block-bytes` size strategy counts. Mirrors `ipfs-unixfs-importer`'s
 * `utils/pb-size` (see size.ts for why it is not imported).
 */

import { varintLength } from './varint.js'
import type { Mtime } from 'ipfs-unixfs'

/** Bytes one PBLink adds to an encoded PBNode: the Links field wrapping Hash, Name and Tsize */
export function linkBlockBytes (nameBytes: number, cidBytes: number, tsize: number): number {
  const link = 1 + varintLength(cidBytes) + cidBytes +
    1 + varintLength(nameBytes) + nameBytes +
    1 + varintLength(tsize)
  return 1 + varintLength(link) + link
}

const DEFAULT_DIRECTORY_MODE = 0o755
/** A negative int64 is always ten varint bytes */
const NEGATIVE_VARINT_BYTES = 10

/** Bytes of the PBNode Data field of a basic directory node with this mode and mtime */
export function directoryDataBytes (mode?: number, mtime?: Mtime): number {
  // Type = Directory: tag + value
  let unixfs = 2

  if (mode != null && mode !== DEFAULT_DIRECTORY_MODE) {
    unixfs += 1 + varintLength(mode)
  }

  if (mtime != null) {
    const secs = Number(mtime.secs)
    let time = 1 + (secs < 0 ? NEGATIVE_VARINT_BYTES : varintLength(secs))
    if (mtime.nsecs != null) {
      // fixed32
      time += 1 + 4
    }
    unixfs += 1 + varintLength(time) + time
  }

  return 1 + varintLength(unixfs) + unixfs
}
