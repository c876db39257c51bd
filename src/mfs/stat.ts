/**
 * `stat`: `@helia/unixfs`'s stat of what is at the path. The path is walked
 * on the engine; a directory with unflushed edits is written first (its
 * blocks, not the root in the datastore) so its CID and fields are current.
 * Directories are stat'ed by the `unixfs()` drop-in's code on this MFS's
 * engine, files by `@helia/unixfs`. With `offline: true` every block is
 * read offline (see `offline.ts`).
 */

import { stat as unixfsStat } from '../unixfs/commands/stat.js'
import { segments } from './core.js'
import { DoesNotExistError } from './errors.js'
import { offlineTarget } from './offline.js'
import type { MfsCore } from './core.js'
import type { AnyStatOptions } from '../unixfs/commands/stat.js'
import type { CID } from 'multiformats/cid'

export async function stat (core: MfsCore, path: string, options: AnyStatOptions = {}): Promise<any> {
  const { signal, onProgress, offline, extended, filter } = options as any
  // offline: the path and the directory are read with `offline: true` too (see offline.ts)
  const cid = offline === true ? (await offlineTarget(core, segments(path), path, options)).cid : await cidAt(core, path, options)
  const passed = Object.fromEntries(Object.entries({ signal, onProgress, offline, extended, filter }).filter(([, value]) => value !== undefined))
  return unixfsStat(offline === true ? core.offlineService() : core.service(''), core.blockstore, core.peer, cid, passed)
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
