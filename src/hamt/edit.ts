/**
 * The one edit path over a retained tree as a persistent value: set,
 * overwrite and delete with canonical collapse, and a build from entries. An
 * edit copies the nodes on its path that its version does not own and
 * nothing else, and returns the new root.
 *
 * The tree's shape depends only on its set of entries: a slot with one entry
 * holds it; a slot where two or more entries collide holds a sub-shard; after
 * a removal, a sub-shard left with a single entry is pulled up into its parent
 * (recursively), and a sub-shard whose only child is a sub-shard is kept.
 */

import { InvalidParametersError } from '../errors.js'
import { hashName, maxDepth, slotAt } from './hash.js'
import { notLoaded } from './read.js'
import { Entry, NO_TOTALS, Shard, ShardLink } from './shard.js'
import type { SlotValue, TreeContext } from './shard.js'
import type { EntryLink } from '../entry.js'

export interface Swap {
  root: Shard
  /** The entry that was under the name before */
  previous?: Entry
}

/**
 * The one edit path: puts `value` under `name`, or removes `name` when
 * `value` is undefined, keeping the tree canonical. The path must be loaded.
 */
export function swapEntry (root: Shard, name: string, hash: Uint8Array, value: Pick<EntryLink, 'cid' | 'size'> | undefined, owner: object): Swap {
  const swapped = editUnder(root, name, hash, value, owner)
  return swapped == null ? { root } : { root: swapped.node, previous: swapped.previous }
}

interface Swapped {
  node: Shard
  previous?: Entry
}

/** The edit under `shard`: its replacement node, or undefined when nothing changes */
function editUnder (shard: Shard, name: string, hash: Uint8Array, value: Pick<EntryLink, 'cid' | 'size'> | undefined, owner: object): Swapped | undefined {
  const { bits } = shard.context
  const slot = slotAt(hash, shard.depth, bits)
  const position = shard.find(slot)

  if (position < 0) {
    if (value == null) {
      return undefined
    }
    const node = shard.writable(owner, true)
    node.put(~position, new Entry(name, value.cid, value.size, slot), NO_TOTALS, true)
    return { node }
  }

  const current = shard.values[position]
  if (current instanceof ShardLink) {
    throw notLoaded()
  }
  const before = shard.totalsOf(current)

  if (current instanceof Shard) {
    const below = editUnder(current, name, hash, value, owner)
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
  const withExisting = editUnder(empty, existing.name, existingHash, existing, owner)?.node ?? empty
  const child = editUnder(withExisting, name, hash, value, owner)?.node ?? withExisting
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

/** A fresh root holding these entries, owned by `owner` */
export function buildTree (context: TreeContext, entries: Iterable<EntryLink>, owner: object): Shard {
  let root = new Shard(context, 0, -1)
  root.owner = owner
  for (const entry of entries) {
    root = swapEntry(root, entry.name, hashName(entry.name), entry, owner).root
  }
  return root
}
