/**
 * One delete on a directory this node has not loaded: `open` then `delete`,
 * and the new root written, timed together (the root fetch included).
 */

import { dynamicDirectory } from 'helia-dynamic-directory'
import type { DirectoryStats, DynamicDirectoryInit } from 'helia-dynamic-directory'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export interface ColdDelete {
  /** From before `open` to the new root */
  ms: number
  root: string
  stats: DirectoryStats
}

export interface ColdDeleteOptions {
  init?: DynamicDirectoryInit
  /** `open(cid, { prefetch })` */
  prefetch?: boolean
}

export async function coldDelete (blockstore: Blockstore, cid: CID, name: string, options: ColdDeleteOptions = {}): Promise<ColdDelete> {
  const start = performance.now()
  const directory = await dynamicDirectory({ blockstore }, options.init).open(cid, { prefetch: options.prefetch })
  if (!await directory.delete(name)) {
    throw new Error(`${name} was not found`)
  }
  const root = await directory.flush()
  const ms = performance.now() - start
  const stats = { ...directory.stats }
  directory.close()
  return { ms, root: root.toString(), stats }
}
