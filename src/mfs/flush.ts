/**
 * `flush` (kubo's `files flush`): writes every directory changed since the
 * last flush, children first and each once, and the root CID to the
 * datastore; returns the CID of `path`.
 */

import { segments } from './core.js'
import { DoesNotExistError } from './errors.js'
import type { MfsCore } from './core.js'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export async function flush (core: MfsCore, path: string = '/', options: AbortOptions = {}): Promise<CID> {
  const names = segments(path)
  return core.read(options, async (root) => {
    const cid = await core.flushRoot(root, options)
    if (names.length === 0) {
      return cid
    }
    const { target } = await core.resolve(root, names, options)
    if (target == null) {
      throw new DoesNotExistError(`${path} does not exist`)
    }
    return core.cidOf(target, options)
  })
}
