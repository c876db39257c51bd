/**
 * `cp` on the engine: `@helia/unixfs`'s checks, then the engine's `cp` with
 * the source's Tsize read the way `@helia/unixfs` reads it.
 */

import { engineEdit } from '../../drop-in/edit-options.js'
import { checkFlag, readOptions, refuseProviders } from '../../drop-in/options.js'
import { sourceSize } from '../../drop-in/source.js'
import { readRawTarget } from '../utils/target.js'
import type { DynamicDirectories } from '../../interface.js'
import type { CpOptions } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export async function cp (directories: DynamicDirectories, blockstore: Pick<Blockstore, 'get'>, source: CID, target: CID, name: string, options: CpOptions = {}): Promise<CID> {
  refuseProviders('cp', options)
  const force = checkFlag('cp', 'force', options.force)
  await readRawTarget(blockstore, target, readOptions(options))
  const size = await sourceSize(blockstore, source, readOptions(options))
  return directories.cp(source, target, name, { ...engineEdit(options), force, size })
}
