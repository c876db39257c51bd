/**
 * `chmod` and `touch`: a directory's mode or mtime is set on the engine
 * (`Directory.withMetadata`), which keeps its loaded tree and rewrites only
 * the root block at the next flush, a HAMT root with its fanout and hashType
 * 0x22 (`@helia/unixfs` 8.0.5 drops hashType there). A file's is set by
 * `@helia/unixfs`, and so is a `recursive` change, which rebuilds the DAG
 * under the path with the importer.
 */

import { segments } from './core.js'
import { DoesNotExistError } from './errors.js'
import type { MfsCore } from './core.js'
import type { Transaction } from './tree.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

export interface MetadataChange {
  /** The new mode, or undefined to keep the directory's */
  mode?: number
  /** The new mtime, or undefined to keep the directory's */
  mtime?: Mtime
  /** What `@helia/unixfs` does to a file, or recursively */
  peer(cid: CID, recursive: boolean): Promise<CID>
}

export async function setMetadata (core: MfsCore, path: string, change: MetadataChange, options: { signal?: AbortSignal, recursive?: boolean, flush?: boolean }): Promise<void> {
  const names = segments(path)
  await core.change(options, async (tx) => {
    const { trail, target } = await core.resolve(tx.root, names, options)
    if (target == null) {
      throw new DoesNotExistError(`${path} does not exist`)
    }
    const name = names[names.length - 1]
    if (target.kind === 'directory' && options.recursive !== true) {
      const steps = await core.editable(tx, [...trail, { node: target.node, name: name ?? '' }], options)
      const node = steps[steps.length - 1].node
      const before = node.directory.metadata
      node.directory = node.directory.withMetadata({ mode: change.mode ?? before.mode, mtime: change.mtime ?? before.mtime })
      return
    }
    const updated = await change.peer(await core.cidOf(target, options), options.recursive === true)
    await replace(core, tx, trail, name, updated, options)
  })
}

/** Puts `cid` where the path was: the root, a directory (opened), or anything else (linked) */
async function replace (core: MfsCore, tx: Transaction, trail: Parameters<MfsCore['editable']>[1], name: string | undefined, cid: CID, options: { signal?: AbortSignal }): Promise<void> {
  if (name == null) {
    const node = await core.openDirectory('', cid, options)
    if (node == null) {
      throw new Error('internal: the root did not reopen as a directory')
    }
    tx.root = node
    node.cid = undefined
    tx.changed = true
    return
  }
  const steps = await core.editable(tx, trail, options)
  await core.linkCid(steps, name, cid, undefined, options)
}
