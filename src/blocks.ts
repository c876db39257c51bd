import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat } from 'uint8arrays/concat'
import { BlockWriteError, InvalidBlockError } from './errors.js'
import { cumulativeSize, isTsize } from './size.js'
import { assertVerifiable, inlineBytes, verifyBlock } from './verify.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

export type BlockReader = Pick<Blockstore, 'get'>
export type BlockWriter = Pick<Blockstore, 'put'>

/**
 * The blockstore as an offline caller reads it: every `get` and `has` with
 * `offline: true`, which a Helia blockstore answers from its own store alone
 * (a missing block fails at once, no block broker asked); a plain blockstore
 * ignores the flag
 */
export function offlineReads (blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>): Pick<Blockstore, 'get' | 'put' | 'has'> {
  return {
    get: (cid, options) => blockstore.get(cid, { ...options, offline: true } as any),
    put: async (cid, bytes, options) => blockstore.put(cid, bytes, options),
    has: async (cid, options) => blockstore.has(cid, { ...options, offline: true } as any)
  }
}

/** The whole block (interface-blockstore 7 streams it in chunks), checked against its CID's multihash; an identity CID's own bytes */
export async function readBlock (blockstore: BlockReader, cid: CID, options: AbortOptions = {}): Promise<Uint8Array> {
  assertVerifiable(cid)
  const inline = inlineBytes(cid)
  if (inline != null) {
    return inline
  }
  const chunks: Uint8Array[] = []
  for await (const chunk of blockstore.get(cid, options)) {
    chunks.push(chunk)
  }
  const bytes = chunks.length === 1 ? chunks[0] : concat(chunks)
  await verifyBlock(cid, bytes)
  return bytes
}

/** Hashes a dag-pb block, stores it and returns its CID */
export async function writeDagPb (blockstore: BlockWriter, bytes: Uint8Array, version: 0 | 1, options: AbortOptions = {}): Promise<CID> {
  const digest = await sha256.digest(bytes)
  const cid = version === 0 ? CID.createV0(digest) : CID.createV1(dagPb.code, digest)
  try {
    await blockstore.put(cid, bytes, options)
  } catch (err: any) {
    if (options.signal?.aborted === true) {
      throw options.signal.reason ?? err
    }
    throw new BlockWriteError(`Could not store block ${cid}`, { cause: err })
  }
  return cid
}

/**
 * A child's cumulative DAG size, as the importer computes a link's Tsize,
 * from its root block: a dag-pb block's length plus its links' Tsize, or any
 * other block's length.
 */
export function childSize (cid: CID, bytes: Uint8Array): number {
  if (cid.code !== dagPb.code) {
    return bytes.length
  }

  let node: dagPb.PBNode
  try {
    node = dagPb.decode(bytes)
  } catch (err: any) {
    throw new InvalidBlockError(`Child ${cid} is not valid dag-pb`, { cause: err })
  }
  return cumulativeSize(bytes.length, node.Links.map(link => {
    if (!isTsize(link.Tsize)) {
      throw new InvalidBlockError(`Child ${cid} has a link without a usable Tsize (${link.Tsize})`)
    }
    return link.Tsize
  }))
}

/**
 * A block's key in a map: its multihash, whatever the CID version or codec
 * that names it (one char per byte: cheap to make, never shown or stored)
 */
export function blockKey (cid: CID): string {
  return String.fromCharCode(...cid.multihash.bytes)
}
