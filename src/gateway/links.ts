/**
 * Which blocks a verified block vouches for: the sub-shards a HAMT shard node
 * links to (a link whose name is the slot prefix alone). Entry links are left
 * out, so a CAR may send an entry's root block and it is dropped, not stored.
 * Any block that is not a HAMT shard node vouches for nothing.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

/** The CIDs of the sub-shards `bytes` (a block named `cid`, already verified) links to */
export function shardLinks (cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code !== dagPb.code) {
    return []
  }
  try {
    const node = dagPb.decode(bytes)
    if (node.Data == null) {
      return []
    }
    const data = UnixFS.unmarshal(node.Data)
    if (data.type !== 'hamt-sharded-directory' || data.fanout == null || data.fanout < 2n) {
      return []
    }
    const width = (data.fanout - 1n).toString(16).length
    return node.Links.filter(link => link.Name?.length === width).map(link => link.Hash)
  } catch {
    return []
  }
}
