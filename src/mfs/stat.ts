/**
 * `stat`: `@helia/unixfs`'s stat of what is at the path. The path is walked
 * on the engine; a directory with unflushed edits is written first (its
 * blocks, not the root in the datastore) so its CID and fields are current.
 * What it ends on is stat'ed by the `unixfs()` drop-in, on the MFS's
 * directories and blocks, as `@helia/mfs` stats through `@helia/unixfs`. With `offline: true` every block is
 * read offline (see `offline.ts`). The call's options go to that stat whole,
 * as `@helia/mfs` passes them: keys it does not use (another call's bag:
 * `flush`, `force`, ...) are ignored there.
 */

import { segments } from './core.js'
import { DoesNotExistError } from './errors.js'
import { offlineTarget } from './offline.js'
import type { MfsCore } from './core.js'
import type { ExtendedStatOptions, StatOptions } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

export async function stat (core: MfsCore, path: string, options: StatOptions | ExtendedStatOptions = {}): Promise<any> {
  const offline = options.offline === true
  // offline: the path and the directory are read with `offline: true` too (see offline.ts)
  const cid = offline ? (await offlineTarget(core, segments(path), path, options)).cid : await cidAt(core, path, options)
  return core.unixfs.stat(cid, options)
}

/** The CID of what is at `path` (a changed directory is written first) */
export async function cidAt (core: MfsCore, path: string, options: { signal?: AbortSignal }): Promise<CID> {
  const names = segments(path)
  return core.read(options, async (root) => {
    const { target } = await core.resolve(root, names, options)
    if (target == null) {
      throw new DoesNotExistError(`${path} does not exist`)
    }
    return core.cidOf(target, options)
  })
}
