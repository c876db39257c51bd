/**
 * `cat`: the path is walked on the engine, the content is read by
 * `@helia/unixfs` (a directory gives its NotAFileError), after the lock is
 * released.
 */

import { cidAt } from './stat.js'
import type { MfsCore } from './core.js'
import type { CatOptions } from '@helia/unixfs'

export async function * cat (core: MfsCore, path: string, options: Partial<CatOptions> = {}): AsyncGenerator<Uint8Array> {
  const cid = await cidAt(core, path, options)
  const { path: _, ...rest } = options
  yield * core.peer.cat(cid, rest)
}
