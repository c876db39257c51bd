/**
 * What `cp` may link, decided as `@helia/unixfs` decides it: a raw block, or
 * a dag-pb node with UnixFS data (file, directory, HAMT, symlink...).
 * Anything else (dag-cbor, dag-json, identity, dag-pb without UnixFS data)
 * is refused with NotUnixFSError instead of being linked. Reading the root
 * block here also gives the link's Tsize, handed to the engine so it does
 * not read the block again.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import * as raw from 'multiformats/codecs/raw'
import { readBlock } from '../blocks.js'
import { NotUnixFSError } from './errors.js'
import type { ReadOptions } from './options.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The Tsize of a link to `source`, after checking that it is UnixFS */
export async function sourceSize (blockstore: Pick<Blockstore, 'get'>, source: CID, options: ReadOptions): Promise<bigint> {
  if (source.code !== dagPb.code && source.code !== raw.code) {
    throw new NotUnixFSError(`${source} was not a UnixFS node`)
  }

  const bytes = await readBlock(blockstore, source, options)
  if (source.code === raw.code) {
    return BigInt(bytes.byteLength)
  }

  let node: dagPb.PBNode
  try {
    node = dagPb.decode(bytes)
  } catch (err: any) {
    throw new NotUnixFSError(`${source} was not a UnixFS node: ${err.message}`)
  }
  if (node.Data == null) {
    throw new NotUnixFSError(`${source} was not a UnixFS node: no data in PBNode`)
  }
  try {
    UnixFS.unmarshal(node.Data)
  } catch (err: any) {
    throw new NotUnixFSError(`${source} was not a UnixFS node: ${err.message}`)
  }

  // the importer's (and @helia/unixfs's) Tsize: the block's length plus its links' Tsize
  return node.Links.reduce((total, link) => total + BigInt(link.Tsize ?? 0), BigInt(bytes.byteLength))
}
