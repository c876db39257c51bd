/**
 * The basic directory node: one dag-pb node whose links are the entries,
 * sorted by name bytes (as `@ipld/dag-pb` `prepare` sorts them).
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { InvalidDirectoryError } from '../errors.js'
import { invalidNameReason } from '../names.js'
import { exactLinkNames } from '../pb/link-names.js'
import { isTsize } from '../size.js'
import type { EntryLink } from '../entry.js'
import type { Mtime } from 'ipfs-unixfs'

export interface BasicNode {
  entries: EntryLink[]
  mode?: number
  mtime?: Mtime
}

export function encodeBasic (node: BasicNode): Uint8Array {
  const data = new UnixFS({ type: 'directory', mode: node.mode, mtime: node.mtime })
  return dagPb.encode(dagPb.prepare({
    Data: data.marshal(),
    Links: node.entries.map(entry => ({ Name: entry.name, Hash: entry.cid, Tsize: entry.size }))
  }))
}

/** The entries of a decoded basic directory node, after checking its link names and sizes */
export function basicEntries (pb: dagPb.PBNode, bytes: Uint8Array): EntryLink[] {
  const entries: EntryLink[] = []
  const seen = new Set<string>()
  const names = exactLinkNames(bytes)

  for (const [index, link] of pb.Links.entries()) {
    const name = names[index]
    const reason = invalidNameReason(name)
    if (name == null || reason != null) {
      throw new InvalidDirectoryError(`Directory link name ${JSON.stringify(name)} is invalid: ${reason}`)
    }
    if (seen.has(name)) {
      throw new InvalidDirectoryError(`Directory has the name ${JSON.stringify(name)} twice`)
    }
    if (!isTsize(link.Tsize)) {
      throw new InvalidDirectoryError(`Directory link ${JSON.stringify(name)} has no usable Tsize (${link.Tsize})`)
    }
    seen.add(name)
    entries.push({ name, cid: link.Hash, size: link.Tsize })
  }

  return entries
}
