/**
 * `cp`: links a CID, or what is at an MFS path, at a new path. As
 * `@helia/mfs`: the destination must not exist unless `force`, and `force`
 * also creates missing parent directories; `parents` creates them without
 * replacing anything. A directory copied from a path is linked by its CID
 * (written first if it has unflushed edits), and the copy is a clone of its
 * opened node: the two share every loaded shard and sub-directory (each
 * copies what it edits), so the copy fetches nothing.
 */

import { sourceSize } from '../drop-in/source.js'
import { InvalidParametersError } from '../errors.js'
import { segments } from './core.js'
import { DoesNotExistError } from './errors.js'
import { cloneNode } from './tree.js'
import type { MfsCore } from './core.js'
import type { MFSCpOptions } from './interface.js'
import type { DirNode, Transaction } from './tree.js'
import type { CID } from 'multiformats/cid'

export async function cp (core: MfsCore, source: CID | string, destination: string, options: Partial<MFSCpOptions> = {}): Promise<void> {
  if (source == null || typeof destination !== 'string') {
    throw new InvalidParametersError('Please supply at least one source and a destination')
  }
  const names = segments(destination)
  if (names.length === 0) {
    throw new InvalidParametersError('cp: the destination cannot be the root')
  }
  let size: bigint | undefined
  if (typeof source !== 'string') {
    // refuses what is not UnixFS before anything changes, and gives the link's Tsize
    size = await sourceSize(core.blockstore, source, { signal: options.signal })
  }
  await core.change(options, async (tx) => {
    if (typeof source !== 'string') {
      await linkAt(core, tx, names, source, size, destination, options)
      return
    }
    const found = await core.resolve(tx.root, segments(source), options)
    if (found.target == null) {
      throw new DoesNotExistError(`${source} does not exist`)
    }
    if (found.target.kind === 'directory') {
      await linkAt(core, tx, names, cloneNode(found.target.node), undefined, destination, options)
      return
    }
    await linkAt(core, tx, names, found.target.entry.cid, found.target.entry.size, destination, options)
  })
}

/** Links `cid` (or an opened directory) at the path `names` in the transaction, as `cp` does */
export async function linkAt (core: MfsCore, tx: Transaction, names: string[], cid: CID | DirNode, size: bigint | undefined, path: string, options: Partial<MFSCpOptions>): Promise<void> {
  const create = options.force === true || options.parents === true
  const { trail, target } = await core.resolve(tx.root, names, options, create ? tx : undefined)
  core.refuseExisting(target, path, options.force)
  const steps = await core.editable(tx, trail, options)
  const name = names[names.length - 1]
  if ('directory' in cid) {
    await core.link(steps, name, cid, options)
  } else {
    await core.linkCid(steps, name, cid, size, options)
  }
}
