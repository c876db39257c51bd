/**
 * `writeBytes` and `writeByteStream`: the content is added by
 * `@helia/unixfs` (its importer defaults: CIDv1, raw leaves, 1 MiB chunks;
 * `mode` and `mtime` go into the file), outside the lock, then linked at the
 * path as `cp` links a CID.
 */

import { InvalidParametersError } from '../errors.js'
import { segments } from './core.js'
import { linkAt } from './cp.js'
import type { MfsCore } from './core.js'
import type { ByteStream, WriteOptions } from './interface.js'
import type { CID } from 'multiformats/cid'

export async function writeBytes (core: MfsCore, bytes: Uint8Array, path: string, options: Partial<WriteOptions> = {}): Promise<void> {
  const names = target(path)
  const cid = await core.unixfs.addBytes(bytes, options)
  await write(core, cid, names, path, options)
}

export async function writeByteStream (core: MfsCore, bytes: ByteStream, path: string, options: Partial<WriteOptions> = {}): Promise<void> {
  const names = target(path)
  const cid = await core.unixfs.addByteStream(bytes, options)
  await write(core, cid, names, path, options)
}

function target (path: string): string[] {
  const names = segments(path)
  if (names.length === 0) {
    throw new InvalidParametersError('write: the path cannot be the root')
  }
  return names
}

async function write (core: MfsCore, cid: CID, names: string[], path: string, options: Partial<WriteOptions>): Promise<void> {
  await core.change(options, async (tx) => {
    await linkAt(core, tx, names, cid, undefined, path, options)
  })
}
