/**
 * The empty directory `mkdir` links: UnixFS `directory` data with the
 * caller's mode and mtime and no links, put in the blockstore. Its CID
 * version is the `cidVersion` option, else the one the importer takes from
 * `profile` (`unixfs-v0-2015`: 0), else 1.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { writeDagPb } from '../blocks.js'
import { InvalidParametersError } from '../errors.js'
import type { MkdirOptions } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export interface EmptyDirectory {
  cid: CID
  /** Its Tsize: the block's length */
  size: bigint
}

export async function putEmptyDirectory (blockstore: Pick<Blockstore, 'put'>, options: MkdirOptions): Promise<EmptyDirectory> {
  const version = options.cidVersion ?? (options.profile === 'unixfs-v0-2015' ? 0 : 1)
  if (version !== 0 && version !== 1) {
    throw new InvalidParametersError(`mkdir: cidVersion must be 0 or 1, got ${String(version)}`)
  }
  const data = new UnixFS({ type: 'directory', mode: options.mode, mtime: options.mtime })
  const bytes = dagPb.encode({ Data: data.marshal(), Links: [] })
  const cid = await writeDagPb(blockstore, bytes, version, { signal: options.signal })
  return { cid, size: BigInt(bytes.byteLength) }
}
