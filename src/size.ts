/**
 * Size strategies: how much one entry adds to a directory's estimated size,
 * and what a basic node costs beyond its entries.
 *
 * The arithmetic mirrors `ipfs-unixfs-importer`'s `utils/pb-size` and boxo's
 * `estimatedSize`. It is written here rather than imported because that module
 * is only reachable through the importer, which would bring its chunkers and
 * HAMT builder into every app; `test/size.spec.ts` checks it byte for byte
 * against `@ipld/dag-pb` encodings and the importer's own helpers.
 */

import { InvalidParametersError } from './errors.js'
import { directoryDataBytes, linkBlockBytes } from './pb/encoded-size.js'
import type { ShardSplitStrategy } from './interface.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

export interface SizeStrategy {
  /** What an entry adds to the estimate, from its name's UTF-8 length, its CID's length and its Tsize */
  entryBytes(nameBytes: number, cidBytes: number, tsize: number): number
  /** What a basic node of this directory costs with no entries */
  baseBytes: number
}

/**
 * A usable link Tsize: a non-negative safe integer. dag-pb writes Tsize as a
 * varint taken from a JS number, so a larger one cannot be written exactly.
 */
export function isTsize (value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}

/**
 * A node's cumulative DAG size, as a link's Tsize holds it: its block's
 * length plus its links' Tsize. Throws when the sum cannot be written.
 */
export function cumulativeSize (blockLength: number, linkSizes: Iterable<number>): number {
  let size = blockLength
  for (const linked of linkSizes) {
    size += linked
  }
  if (!isTsize(size)) {
    throw new InvalidParametersError('A cumulative size (Tsize) would exceed 2^53 - 1: the sizes given to set() are too large')
  }
  return size
}

/** UTF-8 length of a well-formed string without encoding it */
export function utf8Length (text: string): number {
  let length = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80) {
      length += 1
    } else if (code < 0x800) {
      length += 2
    } else if (code >= 0xD800 && code <= 0xDBFF) {
      // a surrogate pair: one astral code point, four bytes (names are checked well-formed)
      length += 4
      i++
    } else {
      length += 3
    }
  }
  return length
}

export function sizeStrategy (strategy: ShardSplitStrategy, mode?: number, mtime?: Mtime): SizeStrategy {
  if (strategy === 'links-bytes') {
    // name bytes + CID bytes, as kubo and the importer estimate
    return {
      entryBytes: (nameBytes, cidBytes) => nameBytes + cidBytes,
      baseBytes: 0
    }
  }

  return {
    entryBytes: (nameBytes, cidBytes, tsize) => linkBlockBytes(nameBytes, cidBytes, tsize),
    baseBytes: directoryDataBytes(mode, mtime)
  }
}

/** What one entry adds to its directory's estimate */
export function entryBytes (sizes: SizeStrategy, name: string, link: { cid: CID, size: number }): number {
  return sizes.entryBytes(utf8Length(name), link.cid.byteLength, link.size)
}
