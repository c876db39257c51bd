/**
 * `mkdir`: an empty directory (with the call's `mode`, `mtime` and
 * `cidVersion`, as `@helia/unixfs` writes it) linked at the path. As
 * `@helia/mfs`: the path must not exist unless `force`, which also creates
 * missing parents and replaces what is there. `parents` is kubo's `-p`:
 * missing parents are created, and an existing directory is left as it is.
 */

import { AlreadyExistsError } from '../errors.js'
import { segments } from './core.js'
import type { MfsCore } from './core.js'
import type { MkdirOptions } from './interface.js'

export async function mkdir (core: MfsCore, path: string, options: Partial<MkdirOptions> = {}): Promise<void> {
  const names = segments(path)
  const parents = options.parents === true
  const force = options.force === true
  if (names.length === 0) {
    if (parents) {
      // changes nothing, but flushes what earlier `flush: false` calls left, as every call that flushes does
      await core.change(options, async () => {})
      return
    }
    throw new AlreadyExistsError('/ already exists')
  }
  await core.change(options, async (tx) => {
    const { trail, target } = await core.resolve(tx.root, names, options, parents || force ? tx : undefined)
    if (target != null && !force) {
      if (parents && target.kind === 'directory') {
        return
      }
      throw new AlreadyExistsError(`${path} already exists`)
    }
    const node = await core.newDirectory(core.editKey(options), options)
    const steps = await core.editable(tx, trail, options)
    await core.link(steps, names[names.length - 1], node, options)
  })
}
