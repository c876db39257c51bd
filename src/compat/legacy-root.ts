/**
 * HAMT roots that `@helia/unixfs` (8.0.5 and earlier) `chmod` and `touch`
 * wrote without `hashType`: they re-marshal the root's Data through
 * `ipfs-unixfs` 13, whose `UnixFS.unmarshal` drops the field, and write
 * everything else as it was (the sub-shards keep theirs). The engine refuses
 * such a root (`InvalidShardError`: kubo and boxo refuse it too, "only
 * murmur3 supported"), so the MFS reads it the only way it can have been
 * meant: every UnixFS HAMT is murmur3-x64-64, the hash `@helia/unixfs`
 * itself used to build it. It writes the root back with hashType 0x22 and
 * nothing else changed, and opens that.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { readBlock, writeDagPb } from '../blocks.js'
import { HASH_TYPE_MURMUR3_X64_64 } from '../hamt/hash.js'
import { decodeUnixFSData } from '../pb/unixfs-data.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/**
 * The CID of `cid`'s root rewritten with hashType 0x22 (the block is put),
 * when it is a HAMT root whose only fault may be a missing hashType;
 * undefined for anything else
 */
export async function repairHashType (blockstore: Pick<Blockstore, 'get' | 'put'>, cid: CID, options: AbortOptions = {}): Promise<CID | undefined> {
  const bytes = await readBlock(blockstore, cid, { signal: options.signal })
  let pb: dagPb.PBNode
  let data
  try {
    pb = dagPb.decode(bytes)
    if (pb.Data == null) {
      return undefined
    }
    data = decodeUnixFSData(pb.Data)
  } catch {
    return undefined
  }
  const { unixfs, hashType } = data
  if (unixfs.type !== 'hamt-sharded-directory' || hashType != null || unixfs.fanout == null) {
    return undefined
  }
  const fixed = new UnixFS({
    type: 'hamt-sharded-directory',
    data: unixfs.data,
    fanout: unixfs.fanout,
    hashType: BigInt(HASH_TYPE_MURMUR3_X64_64),
    mode: unixfs.mode,
    mtime: unixfs.mtime
  })
  const version = cid.version === 0 ? 0 : 1
  return writeDagPb(blockstore, dagPb.encode({ Data: fixed.marshal(), Links: pb.Links }), version, options)
}
