/** `chmod`: see `metadata.ts` */

import { setMetadata } from './metadata.js'
import type { MfsCore } from './core.js'
import type { MFSChmodOptions } from './interface.js'

export async function chmod (core: MfsCore, path: string, mode: number, options: Partial<MFSChmodOptions> = {}): Promise<void> {
  await setMetadata(core, path, {
    mode,
    peer: async (cid, recursive) => core.unixfs.chmod(cid, mode, { signal: options.signal, recursive })
  }, options)
}
