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
  bytes: number
  entries: number
  unloaded: number
}

export class Shard {
  readonly context: TreeContext
  readonly depth: number
  parent?: Shard
  /** This shard's slot in its parent */
  parentSlot: number
  /** Undefined while the shard differs from any stored block */
  persisted?: Persisted
  /** Occupied slots */
  occupied: number
  /** Running totals over the loaded part of the subtree */
  readonly totals: Totals
  private readonly slots: Array<Slot | undefined>

  constructor (context: TreeContext, depth: number) {
    this.context = context
    this.depth = depth
    this.parentSlot = -1
    this.occupied = 0
    this.totals = { bytes: 0, entries: 0, unloaded: 0 }
    this.slots = new Array(context.fanout)
  }

  slot (index: number): Slot | undefined {
    return this.slots[index]
  }

  /** Occupied slots in ascending order */
  * occupiedSlots (): Generator<[number, Slot]> {
    for (let index = 0; index < this.slots.length; index++) {
      const slot = this.slots[index]
      if (slot != null) {
        yield [index, slot]
      }
    }
  }

  /**
   * Puts `slot` (or nothing) at `index`, adjusting the totals of this shard
   * and its ancestors and marking the path to the root changed. A child shard
   * put here is adopted: its parent pointer is set.
   */
  setSlot (index: number, slot: Slot | undefined, options: { changed: boolean } = { changed: true }): void {
    const before = this.slots[index]
    const delta = subtract(contribution(slot, this.context), contribution(before, this.context))

    if (before == null && slot != null) {
      this.occupied++
    } else if (before != null && slot == null) {
      this.occupied--
    }

    this.slots[index] = slot
    if (slot?.kind === 'shard') {
      slot.shard.parent = this
      slot.shard.parentSlot = index
    }

    for (let shard: Shard | undefined = this; shard != null; shard = shard.parent) {
      shard.totals.bytes += delta.bytes
      shard.totals.entries += delta.entries
      shard.totals.unloaded += delta.unloaded
      if (options.changed) {
        shard.persisted = undefined
      }
    }
  }

  /** The only occupied slot, if exactly one is */
  onlySlot (): Slot | undefined {
    if (this.occupied !== 1) {
      return undefined
    }
    return this.slots.find(slot => slot != null)
  }
}

function contribution (slot: Slot | undefined, context: TreeContext): Totals {
  if (slot == null) {
    return { bytes: 0, entries: 0, unloaded: 0 }
  }
  if (slot.kind === 'entry') {
    return { bytes: context.sizes.entryBytes(slot), entries: 1, unloaded: 0 }
  }
  if (slot.kind === 'unloaded') {
    return { bytes: 0, entries: 0, unloaded: 1 }
  }
  return { ...slot.shard.totals }
}

function subtract (a: Totals, b: Totals): Totals {
  return { bytes: a.bytes - b.bytes, entries: a.entries - b.entries, unloaded: a.unloaded - b.unloaded }
}
