/**
 * One in-memory HAMT shard node of the retained shard tree.
 *
 * Each slot is an entry, a loaded child shard, or a link to a child shard that
 * has not been fetched. Every node keeps running totals over the loaded part
 * of its subtree (entry bytes, entries, unloaded links); a change to a slot
 * adjusts them on the node and its ancestors, so the size check reads them in
 * O(1) and never walks the tree.
 */

import type { SizeStrategy } from '../size.js'
import type { CID } from 'multiformats/cid'

export interface EntrySlot {
  kind: 'entry'
  name: string
  cid: CID
  size: bigint
}

export interface ChildSlot {
  kind: 'shard'
  shard: Shard
}

export interface UnloadedSlot {
  kind: 'unloaded'
  cid: CID
  /** The link's Tsize */
  size: bigint
}

export type Slot = EntrySlot | ChildSlot | UnloadedSlot

/** What every shard of one tree shares */
export interface TreeContext {
  fanout: number
  bits: number
  sizes: SizeStrategy
}

/** The form a clean shard was read from or written as */
export interface Persisted {
  cid: CID
  /** Cumulative size: block length plus the Tsize of every link */
  size: bigint
}

export interface Totals {
  /** Entry bytes, by the size strategy */
  bytes: number
  entries: number
  /** Links to shards not fetched yet */
  unloaded: number
  /** Loaded shards, this one included */
  shards: number
}

export class Shard {
  readonly context: TreeContext
  readonly depth: number
  parent?: Shard
  /** This shard's slot in its parent */
  parentSlot: number
  /** Undefined while the shard differs from any stored block */
  persisted?: Persisted
  /** Running totals over the loaded part of the subtree */
  readonly totals: Totals
  /**
   * Which slots are occupied, one bit each, and their contents in slot
   * order (a CHAMP-style layout): most shards of a large HAMT hold a few
   * slots of 256, and a dense array of `fanout` slots would cost 2 KiB each.
   */
  private bitmap: Uint32Array
  private dense: Slot[]

  constructor (context: TreeContext, depth: number) {
    this.context = context
    this.depth = depth
    this.parentSlot = -1
    this.totals = { bytes: 0, entries: 0, unloaded: 0, shards: 1 }
    this.bitmap = new Uint32Array(Math.ceil(context.fanout / 32))
    this.dense = []
  }

  /** Occupied slots */
  get occupied (): number {
    return this.dense.length
  }

  slot (index: number): Slot | undefined {
    return this.has(index) ? this.dense[this.rank(index)] : undefined
  }

  /** Occupied slots in ascending order */
  * occupiedSlots (): Generator<[number, Slot]> {
    let position = 0
    for (let word = 0; word < this.bitmap.length; word++) {
      for (let bits = this.bitmap[word]; bits !== 0; bits &= bits - 1) {
        yield [word * 32 + (31 - Math.clz32(bits & -bits)), this.dense[position++]]
      }
    }
  }

  /**
   * Puts `slot` (or nothing) at `index`, adjusting the totals of this shard
   * and its ancestors and marking the path to the root changed. A child shard
   * put here is adopted: its parent pointer is set.
   */
  setSlot (index: number, slot: Slot | undefined, options: { changed: boolean } = { changed: true }): void {
    const before = this.slot(index)
    const delta = subtract(contribution(slot, this.context), contribution(before, this.context))
    const position = this.rank(index)

    if (before == null && slot != null) {
      this.dense.splice(position, 0, slot)
      this.bitmap[index >>> 5] |= 1 << (index & 31)
    } else if (before != null && slot == null) {
      this.dense.splice(position, 1)
      this.bitmap[index >>> 5] &= ~(1 << (index & 31))
    } else if (slot != null) {
      this.dense[position] = slot
    }

    if (slot?.kind === 'shard') {
      slot.shard.parent = this
      slot.shard.parentSlot = index
    }

    for (let shard: Shard | undefined = this; shard != null; shard = shard.parent) {
      shard.totals.bytes += delta.bytes
      shard.totals.entries += delta.entries
      shard.totals.unloaded += delta.unloaded
      shard.totals.shards += delta.shards
      if (options.changed) {
        shard.persisted = undefined
      }
    }
  }

  /**
   * A copy of the loaded tree under this shard. Entry and unloaded slots are
   * shared: they are values, replaced rather than changed.
   */
  cloneTree (): Shard {
    const copy = new Shard(this.context, this.depth)
    copy.parentSlot = this.parentSlot
    copy.persisted = this.persisted
    Object.assign(copy.totals, this.totals)
    copy.bitmap = this.bitmap.slice()
    copy.dense = this.dense.map(slot => {
      if (slot.kind !== 'shard') {
        return slot
      }
      const child = slot.shard.cloneTree()
      child.parent = copy
      return { kind: 'shard', shard: child }
    })
    return copy
  }

  /** The only occupied slot, if exactly one is */
  onlySlot (): Slot | undefined {
    return this.dense.length === 1 ? this.dense[0] : undefined
  }

  private has (index: number): boolean {
    return (this.bitmap[index >>> 5] & (1 << (index & 31))) !== 0
  }

  /** How many occupied slots come before `index`: its place in `dense` */
  private rank (index: number): number {
    const word = index >>> 5
    let rank = 0
    for (let w = 0; w < word; w++) {
      rank += popcount(this.bitmap[w])
    }
    return rank + popcount(this.bitmap[word] & ((1 << (index & 31)) - 1))
  }
}

function popcount (bits: number): number {
  bits -= (bits >>> 1) & 0x55555555
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333)
  return (((bits + (bits >>> 4)) & 0x0F0F0F0F) * 0x01010101) >>> 24
}

function contribution (slot: Slot | undefined, context: TreeContext): Totals {
  if (slot == null) {
    return { bytes: 0, entries: 0, unloaded: 0, shards: 0 }
  }
  if (slot.kind === 'entry') {
    return { bytes: context.sizes.entryBytes(slot), entries: 1, unloaded: 0, shards: 0 }
  }
  if (slot.kind === 'unloaded') {
    return { bytes: 0, entries: 0, unloaded: 1, shards: 0 }
  }
  return { ...slot.shard.totals }
}

function subtract (a: Totals, b: Totals): Totals {
  return { bytes: a.bytes - b.bytes, entries: a.entries - b.entries, unloaded: a.unloaded - b.unloaded, shards: a.shards - b.shards }
}
