/**
 * Walking a `path` option (`ls`, `stat`) through directories with the
 * engine: each segment opens the directory it is in (its retained tree, if
 * an earlier call loaded it) and looks the name up, which fetches only the
 * shard nodes on the name's hash path, in both basic and HAMT directories.
 *
 * Segments are split as `ipfs-unixfs-exporter`'s `walkPath` splits them (on
 * unescaped `/`, empty segments dropped). A segment that is absent, or that
 * would have to go through a file or raw block, gives NotFoundError, as
 * `walkPath` does. A segment that reaches a block that is not dag-pb or raw
 * (dag-cbor, dag-json, identity) is left to `@helia/unixfs`: the walk returns
 * the rest of the path for it.
 */

import * as dagPb from '@ipld/dag-pb'
import * as raw from 'multiformats/codecs/raw'
import { invalidNameReason } from '../../drop-in/engine.js'
import { NotFoundError } from '../../errors.js'
import type { DirectoryOptions, DynamicDirectories } from '../../interface.js'
import type { CID } from 'multiformats/cid'

export interface Resolved {
  /** The CID the walk reached */
  cid: CID
  /** Segments left for `@helia/unixfs`, when the walk reached a block that is not dag-pb or raw */
  rest?: string[]
}

export function pathSegments (path: string | undefined): string[] {
  if (path == null) {
    return []
  }
  return String(path).split(/(?<!\\)\//g).filter(Boolean)
}

/** Follows `path` from `root` through directories */
export async function resolvePath (directories: DynamicDirectories, root: CID, path: string | undefined, options: DirectoryOptions = {}): Promise<Resolved> {
  const segments = pathSegments(path)
  let cid = root

  for (let i = 0; i < segments.length; i++) {
    const name = segments[i]
    if (cid.code !== dagPb.code) {
      if (cid.code === raw.code) {
        throw notFound(name, cid)
      }
      return { cid, rest: segments.slice(i) }
    }

    let directory
    try {
      directory = await directories.open(cid, options)
    } catch (err: any) {
      if (err.name === 'NotADirectoryError') {
        // a file has no entries to walk into
        throw notFound(name, cid)
      }
      throw err
    }

    if (invalidNameReason(name) != null) {
      // no directory the engine reads can hold this name
      throw notFound(name, cid)
    }

    const entry = await directory.get(name, options)
    if (entry == null) {
      throw notFound(name, cid)
    }
    cid = entry.cid
  }

  return { cid }
}

function notFound (name: string, under: CID): NotFoundError {
  return new NotFoundError(`No link "${name}" found under ${under}`)
}
