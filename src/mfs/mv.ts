/**
 * `mv` (kubo's `files mv`, which `@helia/mfs` lacks): one transaction links
 * the source at the destination and removes it from its parent. A directory
 * moves as its opened node, unflushed edits and loaded tree included. The
 * destination must not exist unless `force` (which replaces it and, as in
 * `cp`, creates missing parents; `parents` creates them only). A directory
 * cannot move into itself, and nothing moves onto a directory that contains
 * it (MoveOntoAncestorError): either would lose the entry.
 */

import { InvalidParametersError } from '../errors.js'
import { segments } from './core.js'
import { DoesNotExistError, MoveOntoAncestorError } from './errors.js'
import type { MfsCore } from './core.js'
import type { MFSCpOptions } from './interface.js'

export async function mv (core: MfsCore, from: string, to: string, options: Partial<MFSCpOptions> = {}): Promise<void> {
  const source = segments(from)
  const destination = segments(to)
  if (source.length === 0 || destination.length === 0) {
    throw new InvalidParametersError('mv: the root cannot be moved or replaced')
  }
  const same = source.length === destination.length && source.every((name, i) => name === destination[i])
  if (!same && source.length < destination.length && source.every((name, i) => name === destination[i])) {
    throw new InvalidParametersError(`mv: ${from} cannot move into itself`)
  }
  if (destination.length < source.length && destination.every((name, i) => name === source[i])) {
    // replacing `to` would remove `from` with it: the moved entry would be lost (kubo's mv refuses it too, or moves into it)
    throw new MoveOntoAncestorError(`mv: ${to} contains ${from}: it cannot be replaced by it`)
  }
  await core.change(options, async (tx) => {
    const found = await core.resolve(tx.root, source, options)
    if (found.target == null) {
      throw new DoesNotExistError(`${from} does not exist`)
    }
    if (same) {
      return
    }
    const create = options.force === true || options.parents === true
    const place = await core.resolve(tx.root, destination, options, create ? tx : undefined)
    core.refuseExisting(place.target, to, options.force)

    const name = destination[destination.length - 1]
    const into = await core.editable(tx, place.trail, options)
    if (found.target.kind === 'directory') {
      await core.link(into, name, found.target.node, options)
    } else {
      await core.linkCid(into, name, found.target.entry.cid, found.target.entry.size, options)
    }
    const out = await core.editable(tx, found.trail, options)
    await core.unlink(out, source[source.length - 1], options)
  })
}
