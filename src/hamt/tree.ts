/**
 * Operations over a retained shard tree as a persistent value: the one edit
 * path (set, overwrite and delete with canonical collapse), building a tree,
 * reading entries, making a node from a stored block, swapping a loaded child
 * in, and writing changed nodes. An edit copies the nodes on its path that
 * its version does not own and nothing else, and returns the new root.
 *
 * The tree's shape depends only on its set of entries: a slot with one entry
 * holds it; a slot where two or more entries collide holds a sub-shard; after
 * a removal, a sub-shard left with a single entry is pulled up into its parent
 * (recursively), and a sub-shard whose only child is a sub-shard is kept.
 */

import { InvalidParametersError } from '../errors.js'
import { pack } from '../pb/packed-block.js'
import { linkOffsets } from '../pb/stored-link.js'
import { cumulativeSize, utf8Length } from '../size.js'
import { hashName, maxDepth, slotAt } from './hash.js'
import { Entry, LINKED, Shard, ShardLink } from './shard.js'
import { writeShard } from './writer.js'
import type { ShardNode } from './codec.js'
import type { Persisted, SlotValue, TreeContext, Totals } from './shard.js'
import type { LinkSource } from './writer.js'
import type { Mtime } from 'ipfs-unixfs'
import type { CID } from 'multiformats/cid'

/** An entry's link as an edit gives it */
export interface EntryValue {
  cid: CID
  /** Tsize */
  size: number
}

/** An entry with its name, as a basic directory holds it and a build takes it */
export interface NamedEntry extends EntryValue {
  name: string
}

/** An unloaded link and the slots that lead to it from the root */
export interface LinkRef {
  path: number[]
  link: ShardLink
}

const NOTHING: Totals = { bytes: 0, entries: 0, unloaded: 0, shards: 0 }

/** The first link on a hash's path that this version has not loaded, if any */
export function unloadedOnPath (root: Shard, hash: Uint8Array): LinkRef | undefined {
  const path: number[] = []
  for (let shard = root; ;) {
    const slot = slotAt(hash, shard.depth, shard.context.bits)
    const value = shard.at(slot)
    path.push(slot)
    if (value instanceof ShardLink) {
      return { path, link: value }
    }
    if (!(value instanceof Shard)) {
      return undefined
    }
    shard = value
  }
}

/** The content at the end of `path`, if the path leads anywhere */
export function valueAt (root: Shard, path: readonly number[]): SlotValue | undefined {
  let value: SlotValue | undefined = root
  for (const slot of path) {
    if (!(value instanceof Shard)) {
      return undefined
    }
    value = value.at(slot)
  }
  return value
}

/** The entry stored under `name`; the path must be loaded */
export function findEntry (root: Shard, name: string, hash: Uint8Array): Entry | undefined {
  for (let shard = root; ;) {
    const value = shard.at(slotAt(hash, shard.depth, shard.context.bits))
    if (value instanceof Shard) {
      shard = value
    } else if (value instanceof ShardLink) {
      throw notLoaded()
    } else {
      return value != null && shard.nameOf(value) === name ? shard.entryOf(value) : undefined
    }
  }
}

export interface Swap {
  root: Shard
  /** The entry that was under the name before */
  previous?: Entry
}

/**
 * The one edit path: puts `value` under `name`, or removes `name` when
 * `value` is undefined, keeping the tree canonical. The path must be loaded.
 */
export function swapEntry (root: Shard, name: string, hash: Uint8Array, value: EntryValue | undefined, owner: object): Swap {
  const swapped = swapIn(root, name, hash, value, owner)
  return swapped == null ? { root } : { root: swapped.node, previous: swapped.previous }
}

interface Swapped {
  node: Shard
  previous?: Entry
}

/** The edit under `shard`: its replacement node, or undefined when nothing changes */
function swapIn (shard: Shard, name: string, hash: Uint8Array, value: EntryValue | undefined, owner: object): Swapped | undefined {
  const { bits } = shard.context
  const slot = slotAt(hash, shard.depth, bits)
  const position = shard.find(slot)

  if (position < 0) {
    if (value == null) {
      return undefined
    }
    const node = shard.writable(owner, true)
    node.put(~position, new Entry(name, value.cid, value.size, slot), NOTHING, true)
    return { node }
  }

  const current = shard.values[position]
  if (current instanceof ShardLink) {
    throw notLoaded()
  }
  const before = shard.totalsOf(current)

  if (current instanceof Shard) {
    const below = swapIn(current, name, hash, value, owner)
    if (below == null) {
      return undefined
    }
    const node = shard.writable(owner, true)
    node.put(position, value == null ? collapsed(below.node) : below.node, before)
    return { node, previous: below.previous }
  }

  if (shard.nameOf(current) === name) {
    const previous = shard.entryOf(current, slot)
    const node = shard.writable(owner, true)
    node.put(position, value == null ? undefined : new Entry(name, value.cid, value.size, slot), before)
    return { node, previous }
  }

  if (value == null) {
    return undefined
  }

  // two names share this slot: both move into a new sub-shard
  const existing = shard.entryOf(current, slot)
  const existingHash = hashName(existing.name)
  if (!divergeBelow(shard.depth + 1, hash, existingHash, bits)) {
    throw new InvalidParametersError(`Names ${JSON.stringify(name)} and ${JSON.stringify(existing.name)} collide on every hash level`)
  }
  const empty = new Shard(shard.context, shard.depth + 1, slot)
  empty.owner = owner
  const child = swapIn(swapIn(empty, existing.name, existingHash, existing, owner)?.node ?? empty, name, hash, value, owner)?.node ?? empty
  const node = shard.writable(owner, true)
  node.put(position, child, before)
  return { node }
}

/** What a sub-shard's slot holds after a removal beneath it: nothing if it is empty, its entry if that is all it holds */
function collapsed (child: Shard): SlotValue | undefined {
  if (child.values.length === 0) {
    return undefined
  }
  const only = child.values.length === 1 ? child.values[0] : undefined
  if (only != null && !(only instanceof Shard) && !(only instanceof ShardLink)) {
    return child.entryOf(only, child.slot)
  }
  return child
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

/** A fresh root holding these entries, owned by `owner` */
export function buildTree (context: TreeContext, entries: Iterable<NamedEntry>, owner: object): Shard {
  let root = new Shard(context, 0, -1)
  root.owner = owner
  for (const entry of entries) {
    root = swapEntry(root, entry.name, hashName(entry.name), entry, owner).root
  }
  return root
}

/** The entries a node holds itself, in slot order */
export function * ownEntries (shard: Shard): Generator<Entry> {
  for (const value of shard.values) {
    if (!(value instanceof Shard) && !(value instanceof ShardLink)) {
      yield shard.entryOf(value)
    }
  }
}

/**
 * Swaps in, through the whole version rooted at `shard`, every child that
 * some version loaded through a shared link. Returns the new root. Loading
 * changes no value: the stored forms stay.
 */
export function adoptLoaded (shard: Shard, owner: object): Shard {
  let node = shard
  for (let position = 0; position < node.values.length; position++) {
    const value = node.values[position]
    const before = node.totalsOf(value)
    let replacement: Shard | undefined
    if (value instanceof ShardLink && value.loaded != null) {
      replacement = adoptLoaded(value.loaded, owner)
    } else if (value instanceof Shard && value.unloaded > 0) {
      const adopted = adoptLoaded(value, owner)
      replacement = adopted === value && adopted.owner !== owner ? undefined : adopted
    }
    if (replacement != null) {
      node = node.writable(owner, false)
      node.put(position, replacement, before)
    }
  }
  return node
}

/** Every entry, in slot order; a link must be loaded, by this version or another */
export function * loadedEntries (shard: Shard): Generator<Entry> {
  for (const value of shard.values) {
    if (value instanceof Shard) {
      yield * loadedEntries(value)
    } else if (value instanceof ShardLink) {
      if (value.loaded == null) {
        throw notLoaded()
      }
      yield * loadedEntries(value.loaded)
    } else {
      yield shard.entryOf(value)
    }
  }
}

/**
 * A node made from a checked stored block: entries stay in the block's bytes,
 * sub-shard links become `ShardLink`s. `node` is the codec's reading of `bytes`.
 */
export function shardFromBlock (context: TreeContext, depth: number, slot: number, bytes: Uint8Array, node: ShardNode, origin: Persisted | typeof LINKED): Shard {
  const { offsets, linksEnd } = linkOffsets(bytes)
  // the links come first in a dag-pb block: what follows (Data) is not needed again
  const block = pack(bytes.subarray(0, linksEnd))
  const shard = new Shard(context, depth, slot, block)
  // built at its final length: an array grown by push keeps spare capacity
  shard.values = node.links.map((link, index) => {
    if (link.kind === 'entry') {
      shard.bytes += context.sizes.entryBytes(utf8Length(link.name), link.cid.byteLength, link.size)
      shard.entries++
      return offsets[index]
    }
    shard.unloaded++
    return new ShardLink(block, offsets[index], link.slot)
  })
  shard.origin = origin
  return shard
}

/**
 * Swaps the child that `ref.link` loaded into the version rooted at `root`,
 * if the link is still there. Returns the new root, or undefined when the
 * link is not in this version. Loading changes no value: the stored forms
 * on the path stay.
 */
export function adopt (root: Shard, ref: LinkRef, owner: object): Shard | undefined {
  const { path, link } = ref
  const swapIn = (shard: Shard, depth: number): Shard | undefined => {
    const position = shard.find(path[depth])
    if (position < 0) {
      return undefined
    }
    const value = shard.values[position]
    const before = shard.totalsOf(value)
    let replacement: Shard | undefined
    if (depth === path.length - 1) {
      replacement = value === link ? link.loaded : undefined
    } else if (value instanceof Shard) {
      replacement = swapIn(value, depth + 1)
    }
    if (replacement == null) {
      return undefined
    }
    const node = shard.writable(owner, false)
    node.put(position, replacement, before)
    return node
  }
  return swapIn(root, 0)
}

export interface RootMetadata {
  mode?: number
  mtime?: Mtime
}

/**
 * Encodes and puts every changed node, children first, and returns the
 * root's stored form. A node is marked stored only once its block is put, so
 * a failed put leaves the rest to write on the next call.
 */
export async function persistTree (shard: Shard, put: (bytes: Uint8Array) => Promise<CID>, root: RootMetadata = {}): Promise<Persisted> {
  if (shard.origin === LINKED) {
    throw new Error('internal: a node stored through its parent\'s link is persisted by its parent')
  }
  if (shard.origin != null) {
    return shard.origin
  }

  let childLinks: Map<number, number> | undefined
  const links: LinkSource[] = []
  for (const value of shard.values) {
    if (value instanceof ShardLink) {
      links.push({ kind: 'stored', slot: value.slot, block: value.block, offset: value.offset })
    } else if (value instanceof Shard && value.origin === LINKED) {
      // a child loaded and unchanged: its link in this node's block is as it was
      childLinks ??= shard.childLinkOffsets()
      const offset = childLinks.get(value.slot)
      if (offset == null || shard.block == null) {
        throw new Error('internal: a loaded child has no link in its parent\'s block')
      }
      links.push({ kind: 'stored', slot: value.slot, block: shard.block, offset })
    } else if (value instanceof Shard) {
      const child = await persistTree(value, put)
      links.push({ kind: 'shard', slot: value.slot, cid: child.cid, size: child.size })
    } else if (typeof value === 'number') {
      links.push({ kind: 'stored', slot: shard.slotOf(value), block: shard.block as string, offset: value })
    } else {
      links.push({ kind: 'entry', slot: value.slot, name: value.name, cid: value.cid, size: value.size })
    }
  }

  const { bytes, sizes } = writeShard({ fanout: shard.context.fanout, links, ...(shard.depth === 0 ? root : {}) })
  const size = cumulativeSize(bytes.length, sizes)
  shard.origin = { cid: await put(bytes), size }
  return shard.origin
}
