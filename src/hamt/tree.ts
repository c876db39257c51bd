/**
 * Operations over a retained shard tree: the one edit path (set, overwrite
 * and delete with canonical collapse), building a tree from entries, reading
 * its entries back, attaching fetched nodes, and writing changed nodes.
 *
 * The tree's shape depends only on its set of entries: a slot with one entry
 * holds it; a slot where two or more entries collide holds a sub-shard; after
 * a removal, a sub-shard left with a single entry is pulled up into its parent
 * (recursively), and a sub-shard whose only child is a sub-shard is kept.
 */

import { InvalidParametersError } from '../errors.js'
import { encodeShard } from './codec.js'
import { hashName, maxDepth, slotAt } from './hash.js'
import { Shard } from './shard.js'
import type { ShardLink, ShardNode } from './codec.js'
import type { EntrySlot, Persisted, TreeContext, UnloadedSlot } from './shard.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

/** An unloaded slot and where it sits */
export interface UnloadedRef {
  parent: Shard
  index: number
  slot: UnloadedSlot
}

/** The first unloaded slot on the path a hash takes from `root`, if any */
export function unloadedOnPath (root: Shard, hash: Uint8Array): UnloadedRef | undefined {
  for (let shard = root; ;) {
    const index = slotAt(hash, shard.depth, shard.context.bits)
    const slot = shard.slot(index)
    if (slot?.kind === 'unloaded') {
      return { parent: shard, index, slot }
    }
    if (slot?.kind !== 'shard') {
      return undefined
    }
    shard = slot.shard
  }
}

/** The entry stored under `name`; the path must be loaded */
export function findEntry (root: Shard, name: string, hash: Uint8Array): EntrySlot | undefined {
  for (let shard = root; ;) {
    const slot = shard.slot(slotAt(hash, shard.depth, shard.context.bits))
    if (slot?.kind === 'shard') {
      shard = slot.shard
    } else if (slot?.kind === 'unloaded') {
      throw notLoaded()
    } else {
      return slot?.name === name ? slot : undefined
    }
  }
}

/**
 * The one edit path: puts `value` under `name`, or removes `name` when
 * `value` is undefined, keeping the tree canonical. Returns the entry that was
 * there before. The path must be loaded.
 */
export function swapEntry (shard: Shard, name: string, hash: Uint8Array, value: EntrySlot | undefined): EntrySlot | undefined {
  const { bits } = shard.context
  const index = slotAt(hash, shard.depth, bits)
  const current = shard.slot(index)

  if (current == null) {
    if (value != null) {
      shard.setSlot(index, value)
    }
    return undefined
  }

  if (current.kind === 'unloaded') {
    throw notLoaded()
  }

  if (current.kind === 'shard') {
    const previous = swapEntry(current.shard, name, hash, value)
    if (previous != null && value == null) {
      collapse(current.shard)
    }
    return previous
  }

  if (current.name === name) {
    shard.setSlot(index, value)
    return current
  }

  if (value == null) {
    return undefined
  }

  // two names share this slot: both move into a new sub-shard
  const currentHash = hashName(current.name)
  if (!divergeBelow(shard.depth + 1, hash, currentHash, bits)) {
    throw new InvalidParametersError(`Names ${JSON.stringify(name)} and ${JSON.stringify(current.name)} collide on every hash level`)
  }
  const child = new Shard(shard.context, shard.depth + 1)
  shard.setSlot(index, { kind: 'shard', shard: child })
  swapEntry(child, current.name, currentHash, current)
  swapEntry(child, name, hash, value)
  return undefined
}

/** After a removal beneath `shard`: drop it if empty, pull up its entry if that is all it holds */
function collapse (shard: Shard): void {
  const parent = shard.parent
  if (parent == null) {
    return
  }
  if (shard.occupied === 0) {
    parent.setSlot(shard.parentSlot, undefined)
    return
  }
  const only = shard.onlySlot()
  if (only?.kind === 'entry') {
    parent.setSlot(shard.parentSlot, only)
  }
}

function divergeBelow (depth: number, a: Uint8Array, b: Uint8Array, bits: number): boolean {
  for (let d = depth; d < maxDepth(bits); d++) {
    if (slotAt(a, d, bits) !== slotAt(b, d, bits)) {
      return true
    }
  }
  return false
}

function notLoaded (): Error {
  return new Error('internal: the path to an entry must be loaded before it is read or edited')
}

/** A fresh root holding these entries */
export function buildTree (context: TreeContext, entries: Iterable<EntrySlot>): Shard {
  const root = new Shard(context, 0)
  for (const entry of entries) {
    swapEntry(root, entry.name, hashName(entry.name), { ...entry, kind: 'entry' })
  }
  return root
}

/** Every loaded entry, in slot order */
export function * loadedEntries (shard: Shard): Generator<EntrySlot> {
  for (const [, slot] of shard.occupiedSlots()) {
    if (slot.kind === 'entry') {
      yield slot
    } else if (slot.kind === 'shard') {
      yield * loadedEntries(slot.shard)
    }
  }
}

/** A shard made from a decoded node; it is clean, as `persisted` says */
export function shardFromNode (context: TreeContext, depth: number, node: ShardNode, persisted: Persisted): Shard {
  const shard = new Shard(context, depth)
  for (const link of node.links) {
    shard.setSlot(link.slot, link.kind === 'entry'
      ? { kind: 'entry', name: link.name, cid: link.cid, size: link.size }
      : { kind: 'unloaded', cid: link.cid, size: link.size }, { changed: false })
  }
  shard.persisted = persisted
  return shard
}

/**
 * Attaches a fetched node in place of its unloaded link and returns it.
 * Attaches nothing, and returns undefined, when the link is no longer in the
 * tree (the tree was replaced while the block was on its way).
 */
export function attach (ref: UnloadedRef, node: ShardNode): Shard | undefined {
  if (ref.parent.slot(ref.index) !== ref.slot) {
    return undefined
  }
  const child = shardFromNode(ref.parent.context, ref.parent.depth + 1, node, { cid: ref.slot.cid, size: ref.slot.size })
  ref.parent.setSlot(ref.index, { kind: 'shard', shard: child }, { changed: false })
  return child
}

export interface RootMetadata {
  mode?: number
  mtime?: Mtime
}

/**
 * Encodes and puts every changed shard, children first, and returns the
 * root's CID and cumulative size. A shard is marked clean only once its block
 * is stored, so a failed put leaves the rest to write on the next call.
 */
export async function persistTree (shard: Shard, put: (bytes: Uint8Array) => Promise<CID>, root: RootMetadata = {}): Promise<Persisted> {
  if (shard.persisted != null) {
    return shard.persisted
  }

  const links: ShardLink[] = []
  let linked = 0n
  for (const [index, slot] of shard.occupiedSlots()) {
    if (slot.kind === 'entry') {
      links.push({ kind: 'entry', slot: index, name: slot.name, cid: slot.cid, size: slot.size })
      linked += slot.size
    } else {
      const child = slot.kind === 'shard' ? await persistTree(slot.shard, put) : slot
      links.push({ kind: 'shard', slot: index, cid: child.cid, size: child.size })
      linked += child.size
    }
  }

  const bytes = encodeShard({ fanout: shard.context.fanout, links, ...(shard.parent == null ? root : {}) })
  const cid = await put(bytes)
  shard.persisted = { cid, size: BigInt(bytes.length) + linked }
  return shard.persisted
}
