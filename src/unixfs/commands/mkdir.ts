/**
 * `mkdir` on the engine: the parent is read first, so a parent that is not a
 * directory, or is missing, refuses before anything is written; then an
 * empty directory is put and linked as `dirname`.
 */

import { engineEdit } from '../../drop-in/edit-options.js'
import { putEmptyDirectory } from '../../drop-in/empty-directory.js'
import { checkFlag, readOptions, refuseProviders } from '../../drop-in/options.js'
import { readRawTarget } from '../utils/target.js'
import type { DynamicDirectories } from '../../interface.js'
import type { MkdirOptions } from '@helia/unixfs'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export async function mkdir (directories: DynamicDirectories, blockstore: Pick<Blockstore, 'get' | 'put'>, parent: CID, dirname: string, options: MkdirOptions = {}): Promise<CID> {
  refuseProviders('mkdir', options)
  const force = checkFlag('mkdir', 'force', options.force)
  const edit = engineEdit(options)
  await readRawTarget(blockstore, parent, readOptions(options))
  await directories.stat(parent, edit)
  const empty = await putEmptyDirectory(blockstore, options)
  return directories.cp(empty.cid, parent, dirname, { ...edit, force, size: empty.size })
}
