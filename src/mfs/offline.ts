/**
 * Reads with `offline: true` (`ls`, `stat`): nothing may ask a block broker.
 * The path is followed through the directories this MFS holds open as far
 * as they are opened, which reads no block; the deepest of them is written
 * if it changed (its blocks, not the root), and the rest of the path is
 * walked from its CID on directories whose every block read is offline. A
 * block this node does not have fails the call at once with the
 * blockstore's own error (Helia's BlockNotFoundWhileOfflineError), as
 * `@helia/unixfs`'s `cat` fails with `offline: true`.
 */

import * as dagPb from '@ipld/dag-pb'
import { peerError } from '../drop-in/errors.js'
import { NotADirectoryError } from '../errors.js'
import { engine } from './core.js'
import { DoesNotExistError } from './errors.js'
import { persist } from './tree.js'
import type { MfsCore } from './core.js'
import type { Directory, DirectoryEntry, DirectoryOptions } from '../interface.js'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/** What an offline path ends on: a directory (to list), or anything else */
export type OfflineTarget =
  | { kind: 'directory', cid: CID, directory: Pick<Directory, 'entries'> }
  | { kind: 'other', cid: CID }

/** What `names` (of `path`) ends on, read offline */
export async function offlineTarget (core: MfsCore, names: string[], path: string, options: AbortOptions): Promise<OfflineTarget> {
  const start = await core.read(options, async (root) => {
    let node = root
    let at = 0
    for (; at < names.length; at++) {
      const next = node.children.get(names[at])
      if (next == null) {
        break
      }
      node = next
    }
    return { cid: await persist(core, node, engine(options)), at }
  })

  let cid = start.cid
  for (let i = start.at; i < names.length; i++) {
    const directory = await openOffline(core, cid, options)
    if (directory == null) {
      throw new NotADirectoryError(`/${names.slice(0, i).join('/')} is not a directory`)
    }
    let entry: DirectoryEntry | undefined
    try {
      entry = await directory.get(names[i], engine(options))
    } catch (err) {
      throw peerError(err)
    }
    if (entry == null) {
      throw new DoesNotExistError(i === names.length - 1 ? `${path} does not exist` : `/${names.slice(0, i + 1).join('/')} does not exist`)
    }
    cid = entry.cid
  }

  const directory = await openOffline(core, cid, options)
  if (directory == null) {
    return { kind: 'other', cid }
  }
  return { kind: 'directory', cid, directory: { entries: (opts?: DirectoryOptions) => offlineEntries(directory, opts) } }
}

/** `cid` opened as a directory offline; undefined when it is no directory */
async function openOffline (core: MfsCore, cid: CID, options: AbortOptions): Promise<Directory | undefined> {
  if (cid.code !== dagPb.code) {
    return undefined
  }
  try {
    return await core.openOffline(cid, options)
  } catch (err: any) {
    if (err.name === 'NotADirectoryError') {
      return undefined
    }
    throw peerError(err)
  }
}

/** The directory's entries, a missing block failing with the blockstore's own error */
async function * offlineEntries (directory: Directory, options?: DirectoryOptions): AsyncGenerator<DirectoryEntry> {
  try {
    yield * directory.entries(options)
  } catch (err) {
    throw peerError(err)
  }
}
