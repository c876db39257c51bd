/**
 * Checks a block's bytes against the multihash of the CID that named it,
 * before anything decodes them. Helia's Bitswap verifies what comes from the
 * network; a local or custom blockstore (a disk, a cache, a test double) is
 * verified by no one else, and a wrong block taken into a shared tree would
 * poison every later call on that version.
 *
 * The hash functions are those `multiformats` ships: sha2-256, sha2-512 and
 * identity. Any other is refused with a BlockVerificationError rather than
 * trusted.
 */

import { identity } from 'multiformats/hashes/identity'
import { sha256, sha512 } from 'multiformats/hashes/sha2'
import { equals } from 'uint8arrays/equals'
import { BlockVerificationError } from './errors.js'
import type { CID } from 'multiformats/cid'
import type { MultihashHasher } from 'multiformats/hashes/interface'

const HASHERS = new Map<number, MultihashHasher>([sha256, sha512, identity].map(hasher => [hasher.code, hasher]))

/** Throws a BlockVerificationError unless `cid`'s hash function is one this package can check: asked before a block is read */
export function assertVerifiable (cid: CID): MultihashHasher {
  const hasher = HASHERS.get(cid.multihash.code)
  if (hasher == null) {
    throw new BlockVerificationError(`Cannot verify block ${cid}: hash function 0x${cid.multihash.code.toString(16)} is not one of sha2-256, sha2-512, identity`)
  }
  return hasher
}

/** The bytes an identity CID holds in its multihash (no blockstore has to hold them), or undefined for any other CID */
export function inlineBytes (cid: CID): Uint8Array | undefined {
  return cid.multihash.code === identity.code ? cid.multihash.digest : undefined
}

/** Throws a BlockVerificationError unless `bytes` hash to `cid`'s multihash */
export async function verifyBlock (cid: CID, bytes: Uint8Array): Promise<void> {
  const hasher = assertVerifiable(cid)
  // sync in Node (node:crypto), a promise in browsers (WebCrypto)
  const result = hasher.digest(bytes)
  const digest = result instanceof Promise ? await result : result
  if (!equals(digest.digest, cid.multihash.digest)) {
    throw new BlockVerificationError(`Block ${cid}: its ${bytes.length} bytes do not hash to the CID's multihash`)
  }
}
