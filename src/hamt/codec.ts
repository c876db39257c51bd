/**
 * HAMT shard node <-> dag-pb bytes, with every layout rule checked on decode.
 *
 * A decoded node is accepted only if it re-encodes to exactly the bytes it
 * came from: the layout is canonical (one encoding per set of links), so any
 * block that passes every named check yet differs on re-encode carries
 * something this reader would silently drop, and is refused.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { equals } from 'uint8arrays/equals'
import { InvalidShardError, NotADirectoryError } from '../errors.js'
import { invalidNameReason } from '../names.js'
import { decodeDagPb } from '../pb/decode.js'
import { decodeUnixFSData } from '../pb/unixfs-data.js'
import { isTsize } from '../size.js'
import { HASH_TYPE_MURMUR3_X64_64, hashName, MAX_FANOUT_BITS, maxDepth, MIN_FANOUT_BITS, slotAt } from './hash.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

/** A link of a shard node: to an entry (`prefix + name`) or to a sub-shard (the prefix alone) */
export type NodeLink =
  | { kind: 'entry', slot: number, name: string, cid: CID, size: number }
  | { kind: 'shard', slot: number, cid: CID, size: number }

export interface ShardNode {
  fanout: number
  /** In ascending slot order */
  links: NodeLink[]
  /** Only on the root */
  mode?: number
  mtime?: Mtime
}

/** Where a node sits: its depth, the slots leading to it, and the fanout its parent declared */
export interface ShardPosition {
  path: readonly number[]
  parentFanout?: number
}

const MIN_FANOUT = 2 ** MIN_FANOUT_BITS
const MAX_FANOUT = 2 ** MAX_FANOUT_BITS

/** log2 of a fanout, after checking it is a power of two, a multiple of 8 and at most 1024 */
export function fanoutBits (fanout: number): number {
  if (!Number.isSafeInteger(fanout) || fanout < MIN_FANOUT || fanout > MAX_FANOUT || (fanout & (fanout - 1)) !== 0) {
    throw new InvalidShardError(`HAMT: fanout ${fanout} is not a power of two from ${MIN_FANOUT} to ${MAX_FANOUT}`)
  }
  return Math.log2(fanout)
}

/** Width of a link-name prefix: the hex digits of `fanout - 1` */
export function prefixWidth (fanout: number): number {
  return (fanout - 1).toString(16).length
}

export function slotPrefix (slot: number, width: number): string {
  return slot.toString(16).toUpperCase().padStart(width, '0')
}

/** The bitfield as a big-endian integer whose bit i is slot i, leading zero bytes stripped */
export function encodeBitfield (slots: Iterable<number>): Uint8Array {
  let highest = -1
  const list = [...slots]
  for (const slot of list) {
    highest = Math.max(highest, slot)
  }
  const bytes = new Uint8Array(highest < 0 ? 0 : (highest >> 3) + 1)
  for (const slot of list) {
    bytes[bytes.length - 1 - (slot >> 3)] |= 1 << (slot & 7)
  }
  return bytes
}

/** The UnixFS Data of a shard node holding these slots */
export function shardData (fanout: number, slots: Iterable<number>, mode?: number, mtime?: Mtime): Uint8Array {
  return new UnixFS({
    type: 'hamt-sharded-directory',
    data: encodeBitfield(slots),
    fanout: BigInt(fanout),
    hashType: BigInt(HASH_TYPE_MURMUR3_X64_64),
    mode,
    mtime
  }).marshal()
}

export function encodeShard (node: ShardNode): Uint8Array {
  const width = prefixWidth(node.fanout)
  return dagPb.encode({
    Data: shardData(node.fanout, node.links.map(link => link.slot), node.mode, node.mtime),
    Links: node.links.map(link => ({
      Name: slotPrefix(link.slot, width) + (link.kind === 'entry' ? link.name : ''),
      Hash: link.cid,
      Tsize: link.size
    }))
  })
}

const UPPER_HEX = /^[0-9A-F]+$/

/** Decodes and checks a shard node found at `position`. Throws a typed error for any rule it breaks. */
export function decodeShard (bytes: Uint8Array, position: ShardPosition): ShardNode {
  const isRoot = position.path.length === 0
  const header = decodeHeader(bytes, position)
  const { pb, fanout } = header

  if (pb.Links.length > fanout) {
    throw new InvalidShardError(`HAMT: ${pb.Links.length} links exceed the fanout ${fanout}`)
  }
  if (!isRoot && pb.Links.length === 0) {
    throw new InvalidShardError('HAMT: empty sub-shard')
  }

  const links: NodeLink[] = []
  const childCids = new Set<string>()
  for (const link of pb.Links) {
    const decoded = decodeLink(link, header, position)
    const previous = links.at(-1)
    if (previous != null && previous.slot >= decoded.slot) {
      throw new InvalidShardError(`HAMT: link ${JSON.stringify(link.Name)} is out of order or repeats a slot`)
    }
    if (decoded.kind === 'shard') {
      const key = decoded.cid.multihash.bytes.join()
      if (childCids.has(key)) {
        throw new InvalidShardError(`HAMT: sub-shard ${decoded.cid} is linked from more than one slot`)
      }
      childCids.add(key)
    }
    links.push(decoded)
  }

  const node: ShardNode = { fanout, links }
  if (isRoot) {
    node.mode = header.mode
    node.mtime = header.mtime
  }

  if (!equals(encodeBitfield(links.map(link => link.slot)), header.bitfield)) {
    throw new InvalidShardError('HAMT: bitfield disagrees with the links')
  }
  let encoded: Uint8Array
  try {
    encoded = encodeShard(node)
  } catch (err: any) {
    throw new InvalidShardError('HAMT: node cannot be re-encoded', { cause: err })
  }
  if (!equals(encoded, bytes)) {
    throw new InvalidShardError('HAMT: node is not canonically encoded (it carries fields this reader would drop)')
  }

  return node
}

interface ShardHeader {
  pb: dagPb.PBNode
  fanout: number
  bits: number
  width: number
  bitfield: Uint8Array
  mode?: number
  mtime?: Mtime
}

/** The dag-pb node and its UnixFS Data: type, hash type, fanout, depth and bitfield checks */
function decodeHeader (bytes: Uint8Array, position: ShardPosition): ShardHeader {
  const isRoot = position.path.length === 0
  const pb = decodeDagPb(bytes)

  if (pb.Data == null) {
    throw isRoot ? new NotADirectoryError('Node has no UnixFS data') : new InvalidShardError('HAMT: sub-shard has no UnixFS data')
  }

  const { unixfs, hashType } = decodeUnixFSData(pb.Data)

  if (unixfs.type !== 'hamt-sharded-directory') {
    const message = `HAMT: expected a shard node, found UnixFS type ${unixfs.type}`
    throw isRoot ? new NotADirectoryError(message) : new InvalidShardError(message)
  }
  if (hashType !== HASH_TYPE_MURMUR3_X64_64) {
    throw new InvalidShardError(`HAMT: hashType ${hashType ?? 'absent'} is not murmur3-x64-64 (0x22)`)
  }
  if (unixfs.fanout == null) {
    throw new InvalidShardError('HAMT: fanout absent')
  }

  const fanout = Number(unixfs.fanout)
  const bits = fanoutBits(fanout)
  if (position.parentFanout != null && fanout !== position.parentFanout) {
    throw new InvalidShardError(`HAMT: sub-shard fanout ${fanout} differs from its parent's ${position.parentFanout}`)
  }
  if (position.path.length >= maxDepth(bits)) {
    throw new InvalidShardError(`HAMT: node at depth ${position.path.length} is deeper than a 64-bit hash allows at fanout ${fanout}`)
  }

  const bitfield = unixfs.data ?? new Uint8Array(0)
  if (bitfield.length > fanout / 8) {
    throw new InvalidShardError(`HAMT: bitfield of ${bitfield.length} bytes is longer than fanout/8`)
  }

  return { pb, fanout, bits, width: prefixWidth(fanout), bitfield, mode: unixfs.mode, mtime: unixfs.mtime }
}

/** One link: its prefix, its kind, and for an entry, that the name hashes to where the link sits */
function decodeLink (link: dagPb.PBLink, header: ShardHeader, position: ShardPosition): NodeLink {
  const { fanout, bits, width } = header
  const label = link.Name
  if (label == null || label.length < width) {
    throw new InvalidShardError(`HAMT: link name ${JSON.stringify(label)} is shorter than the ${width}-character prefix`)
  }
  const prefix = label.slice(0, width)
  if (!UPPER_HEX.test(prefix)) {
    throw new InvalidShardError(`HAMT: link prefix ${JSON.stringify(prefix)} is not upper-case hex`)
  }
  const slot = parseInt(prefix, 16)
  if (slot >= fanout) {
    throw new InvalidShardError(`HAMT: link prefix ${prefix} is not below the fanout ${fanout}`)
  }
  if (!isTsize(link.Tsize)) {
    throw new InvalidShardError(`HAMT: link ${JSON.stringify(label)} has no usable Tsize (${link.Tsize})`)
  }
  const size = link.Tsize

  if (label.length === width) {
    if (link.Hash.code !== dagPb.code) {
      throw new InvalidShardError(`HAMT: sub-shard link ${link.Hash} is not a dag-pb CID`)
    }
    return { kind: 'shard', slot, cid: link.Hash, size }
  }

  const name = label.slice(width)
  const reason = invalidNameReason(name)
  if (reason != null) {
    throw new InvalidShardError(`HAMT: entry name ${JSON.stringify(name)} is invalid: ${reason}`)
  }
  const hash = hashName(name)
  const depth = position.path.length
  for (let d = 0; d <= depth; d++) {
    const expected = d < depth ? position.path[d] : slot
    if (slotAt(hash, d, bits) !== expected) {
      throw new InvalidShardError(`HAMT: entry ${JSON.stringify(name)} does not hash to its position (depth ${d})`)
    }
  }
  return { kind: 'entry', slot, name, cid: link.Hash, size }
}
