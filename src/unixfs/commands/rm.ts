/**
 * `rm` on the engine. A name absent from a basic directory is no error in
 * `@helia/unixfs` (it writes the directory back unchanged), so the drop-in
 * returns the target as it was; absent from a HAMT, it is NotFoundError.
 */

import { engineEdit } from '../../drop-in/edit-options.js'
import { readOptions, refuseProviders } from '../../drop-in/options.js'
import { readRawTarget } from '../utils/target.js'
import type { DynamicDirectories } from '../../interface.js'
import type { RmOptions } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export async function rm (directories: DynamicDirectories, blockstore: Pick<Blockstore, 'get'>, target: CID, name: string, options: RmOptions = {}): Promise<CID> {
  refuseProviders('rm', options)
  const edit = engineEdit(options)
  await readRawTarget(blockstore, target, readOptions(options))
  try {
    return await directories.rm(target, name, edit)
  } catch (err: any) {
    if (err.name === 'NotFoundError' && (await directories.stat(target, edit)).shape === 'basic') {
      return target
    }
    throw err
  }
}
