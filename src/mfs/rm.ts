/**
 * `rm`: removes the entry at the path from its parent, on the engine (a
 * HAMT parent fetches the name's shard path and what proves its size, not
 * the directory). A directory goes with its entries, as `@helia/mfs` removes
 * it; `recursive: false` asks for kubo's refusal instead (`files rm`
 * without `-r`): a directory with entries is then refused with
 * DirectoryNotEmptyError (an empty one still goes). `force` succeeds when
 * the path, or a directory on it, does not exist (`@helia/mfs` 8.0.5 still
 * throws there).
 */

import { InvalidParametersError } from '../errors.js'
import { segments } from './core.js'
import { DirectoryNotEmptyError, DoesNotExistError } from './errors.js'
import type { MfsCore } from './core.js'
import type { RmOptions } from './interface.js'
import type { DirNode } from './tree.js'

export async function rm (core: MfsCore, path: string, options: Partial<RmOptions> = {}): Promise<void> {
  const names = segments(path)
  if (names.length === 0) {
    throw new InvalidParametersError('rm: the root cannot be removed')
  }
  const force = options.force === true
  await core.change(options, async (tx) => {
    let found
    try {
      found = await core.resolve(tx.root, names, options)
    } catch (err: any) {
      if (force && (err.name === DoesNotExistError.name || err.name === 'NotADirectoryError')) {
        return
      }
      throw err
    }
    const { trail, target } = found
    if (target == null) {
      if (force) {
        return
      }
      throw new DoesNotExistError(`${path} does not exist`)
    }
    if (target.kind === 'directory' && options.recursive === false && !isEmpty(target.node)) {
      throw new DirectoryNotEmptyError(`${path} is a directory with entries, and recursive is false`)
    }
    const steps = await core.editable(tx, trail, options)
    await core.unlink(steps, names[names.length - 1], options)
  })
}

/** An empty directory: a basic one with no entries (a HAMT always has entries once the engine has edited it) */
function isEmpty (node: DirNode): boolean {
  const { knownEntries, sizeExact } = node.directory.stats
  return knownEntries === 0 && sizeExact
}
