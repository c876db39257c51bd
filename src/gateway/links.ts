/**
 * Which blocks a verified block vouches for: the sub-shards a HAMT shard node
 * links to (a link whose name is the slot prefix alone). Entry links are left
 * out, so a CAR may send an entry's root block and it is dropped, not stored.
 * Any block that is not a HAMT shard node vouches for nothing.
 *
 * Read with the package's protobuf field reader rather than `@ipld/dag-pb`,
 * which would make a CID and a name string of every link: the engine decodes
 * (and checks) each node again when it takes it, and a shard node holds up
 * to 1,024 links, of which only the sub-shards matter here.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { PB_LINK_HASH, PB_LINK_NAME, PB_NODE_DATA, PB_NODE_LINKS } from '../pb/constants.js'
import { readFields } from '../pb/fields.js'

/** The CIDs of the sub-shards `bytes` (a block named `cid`, already verified) links to */
export function shardLinks (cid: CID, bytes: Uint8Array): CID[] {
  if (cid.code !== dagPb.code) {
    return []
  }
  try {
    let data: Uint8Array | undefined
    const links: Array<{ hash?: Uint8Array, nameLength: number }> = []
    for (const field of readFields(bytes)) {
      if (field.wire !== 'bytes') {
        continue
      }
      if (field.field === PB_NODE_DATA) {
        data = field.value
      } else if (field.field === PB_NODE_LINKS) {
        links.push(readLink(field.value))
      }
    }
    if (data == null) {
      return []
    }
    const unixfs = UnixFS.unmarshal(data)
    if (unixfs.type !== 'hamt-sharded-directory' || unixfs.fanout == null || unixfs.fanout < 2n) {
      return []
    }
    const width = (unixfs.fanout - 1n).toString(16).length
    return links.filter(link => link.hash != null && link.nameLength === width).map(link => CID.decode(link.hash as Uint8Array))
  } catch {
    return []
  }
}

/** A PBLink's hash bytes and name length (-1 with no name) */
function readLink (message: Uint8Array): { hash?: Uint8Array, nameLength: number } {
  let hash: Uint8Array | undefined
  let nameLength = -1
  for (const part of readFields(message)) {
    if (part.wire === 'bytes' && part.field === PB_LINK_HASH) {
      hash = part.value
    } else if (part.wire === 'bytes' && part.field === PB_LINK_NAME) {
      nameLength = part.value.byteLength
    }
  }
  return { hash, nameLength }
}
