/**
 * A directory's root block read into the state a Directory starts from: a
 * basic directory's entries, or a HAMT's root node (its children unloaded),
 * with the layout its edits keep (CID version, mode, mtime).
 */

import * as dagPb from '@ipld/dag-pb'
import { basicEntries } from './basic/codec.js'
import { NotADirectoryError } from './errors.js'
import { decodeShard, fanoutBits, prefixWidth } from './hamt/codec.js'
import { shardFromBlock } from './hamt/from-block.js'
import { decodeDagPb } from './pb/decode.js'
import { decodeUnixFSData } from './pb/unixfs-data.js'
import { entryBytes, sizeStrategy } from './size.js'
import type { EntryLink } from './entry.js'
import type { Shard, TreeContext } from './hamt/shard.js'
import type { ShardSplitStrategy } from './interface.js'
import type { SizeStrategy } from './size.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

export interface BasicState {
  shape: 'basic'
  entries: Map<string, EntryLink>
  /** Entry bytes, by the size strategy */
  bytes: number
  /** The CID this state was read from or last written as, until an edit */
  persisted?: CID
}

export interface HamtState {
  shape: 'hamt'
  root: Shard
  /** The version that may change its nodes in place (see hamt/shard.ts) */
  owner: object
}

export type State = BasicState | HamtState

/** What an opened directory keeps from its root block */
export interface Layout {
  cidVersion: 0 | 1
  mode?: number
  mtime?: Mtime
}

/** The root's layout and state, from its block as `fetch` returns it */
export async function readRoot (root: CID, strategy: ShardSplitStrategy, fetch: (cid: CID) => Promise<Uint8Array>): Promise<{ layout: Layout, state: State }> {
  if (root.code !== dagPb.code) {
    throw new NotADirectoryError(`${root} is not dag-pb, so not a UnixFS directory`)
  }
  const bytes = await fetch(root)
  const pb = decodeDagPb(bytes)
  if (pb.Data == null) {
    throw new NotADirectoryError(`${root} has no UnixFS data`)
  }
  const { unixfs } = decodeUnixFSData(pb.Data)
  const layout: Layout = { cidVersion: root.version, mode: unixfs.mode, mtime: unixfs.mtime }
  const sizes = sizeStrategy(strategy, layout.mode, layout.mtime)
  return { layout, state: openedState(root, bytes, pb, unixfs.type, sizes) }
}

/** What every node of a tree with this fanout and size strategy shares */
export function treeContext (bits: number, sizes: SizeStrategy): TreeContext {
  const fanout = 2 ** bits
  return { fanout, bits, width: prefixWidth(fanout), sizes }
}

function openedState (root: CID, bytes: Uint8Array, pb: dagPb.PBNode, type: string, sizes: SizeStrategy): State {
  if (type === 'directory') {
    // kept as it is until an edit: an unchanged directory flushes to its own CID
    const state: BasicState = { shape: 'basic', entries: new Map(), bytes: 0, persisted: root }
    for (const entry of basicEntries(pb, bytes)) {
      state.entries.set(entry.name, entry)
      state.bytes += entryBytes(sizes, entry.name, entry)
    }
    return state
  }

  if (type === 'hamt-sharded-directory') {
    const node = decodeShard(bytes, { path: [] })
    const context = treeContext(fanoutBits(node.fanout), sizes)
    // a root has no parent link, so its cumulative size is never written: no overflow check
    const origin = { cid: root, size: node.links.reduce((total, link) => total + link.size, bytes.length) }
    return { shape: 'hamt', root: shardFromBlock(context, 0, -1, bytes, node, origin), owner: {} }
  }

  throw new NotADirectoryError(`${root} is a UnixFS ${type}, not a directory`)
}
