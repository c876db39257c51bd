/**
 * `cat`: the path is walked on the engine, the content is read by
 * `@helia/unixfs` (a directory gives its NotAFileError), after the lock is
 * released. With `offline: true` the walk reads offline too.
 */

import { segments } from './core.js'
import { offlineTarget } from './offline.js'
import { cidAt } from './stat.js'
import type { MfsCore } from './core.js'
import type { CatOptions } from '@helia/unixfs'

export async function * cat (core: MfsCore, path: string, options: Partial<CatOptions> = {}): AsyncGenerator<Uint8Array> {
  // offline: the path is walked offline too (see offline.ts)
  const cid = options.offline === true ? (await offlineTarget(core, segments(path), path, options)).cid : await cidAt(core, path, options)
  const { path: _, ...rest } = options
  yield * core.unixfs.cat(cid, rest)
}
