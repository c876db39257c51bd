/** `touch`: see `metadata.ts`; the mtime is now unless `mtime` is given */

import { now } from '../drop-in/mtime.js'
import { setMetadata } from './metadata.js'
import type { MfsCore } from './core.js'
import type { MFSTouchOptions } from './interface.js'

export async function touch (core: MfsCore, path: string, options: Partial<MFSTouchOptions> = {}): Promise<void> {
  const mtime = options.mtime ?? now()
  await setMetadata(core, path, {
    mtime,
    peer: async (cid, recursive) => core.unixfs.touch(cid, { signal: options.signal, recursive, mtime })
  }, options)
}
