/**
 * One HAMT shard node of a retained tree: a value shared by every version of
 * the directory that reaches it (Clojure's and Scala's CHAMP technique).
 *
 * A node holds its occupied slots in ascending order. A slot is an entry, a
 * loaded child shard, or a link to a child not loaded by this version. Entries
 * read from a block stay in the block's bytes (the slot holds the offset of
 * their link); only entries an edit wrote or moved are objects. Each node
 * keeps totals over the loaded part of its own subtree (entry bytes, entries,
 * unloaded links, shards), so a version's size check reads its root in O(1),
 * and a copied path recomputes them only along itself.
 *
 * A node is changed in place only by the version that owns it (the one that
 * made it, until that version is cloned or cached); any other edit copies it.
 */

import { CID } from 'multiformats/cid'
import { unpack } from '../pb/packed-block.js'
import { childLinkOffsets, hexSlot, readStoredLink, readStoredName, storedLinkCost } from '../pb/stored-link.js'
import { utf8Length } from '../size.js'
import type { PackedBlock } from '../pb/packed-block.js'
import type { SizeStrategy } from '../size.js'

/** What every node of one tree shares */
export interface TreeContext {
  fanout: number
  bits: number
  /** Hex digits of a link-name prefix */
  width: number
  sizes: SizeStrategy
}

/** A stored node: its CID and cumulative size (block length plus every link's Tsize) */
export interface Persisted {
  readonly cid: CID
  readonly size: number
}

/**
 * The stored form of a node loaded through a link in its parent's block: the
 * link there holds its CID and size, so the node keeps no copy (a parent and
 * its copies share one block).
 */
export const LINKED = Symbol('linked from the parent block')

/** An entry that an edit wrote or moved, at its slot in the node that holds it */
export class Entry {
  readonly name: string
  readonly cid: CID
  /** The link's Tsize */
  readonly size: number
  readonly slot: number

  constructor (name: string, cid: CID, size: number, slot: number) {
    this.name = name
    this.cid = cid
    this.size = size
    this.slot = slot
  }
}

/**
 * A link to a child shard as a stored block holds it. Every version whose
 * node holds this link shares it: loading the child fills `loaded` once for
 * all of them (a load memoizes, it changes no value), and each version swaps
 * the child in when it next passes by.
 */
export class ShardLink implements Persisted {
  readonly block: PackedBlock
  readonly offset: number
  readonly slot: number
  /** The child, once any version has loaded it */
  loaded?: Shard
  /** Cached trees holding this link (see `RetainedNodes`) */
  refs = 0

  constructor (block: PackedBlock, offset: number, slot: number) {
    this.block = block
    this.offset = offset
    this.slot = slot
  }

  get cid (): CID {
    const link = readStoredLink(this.block, this.offset)
    return CID.decode(unpack(this.block, link.hashStart, link.hashEnd))
  }

  get size (): number {
    return readStoredLink(this.block, this.offset).tsize
  }
}

/** A slot's content: the offset of an entry's link in the node's block, an entry object, an unloaded link or a loaded child */
export type SlotValue = number | Entry | ShardLink | Shard

export interface Totals {
  /** Entry bytes, by the size strategy */
  bytes: number
  entries: number
  /** Links to shards not loaded */
  unloaded: number
  /** Loaded shards, this one included */
  shards: number
}

/** The totals of an empty slot */
export const NO_TOTALS: Totals = Object.freeze({ bytes: 0, entries: 0, unloaded: 0, shards: 0 })
const ONE_UNLOADED: Totals = { bytes: 0, entries: 0, unloaded: 1, shards: 0 }

export class Shard implements Totals {
  readonly context: TreeContext
  readonly depth: number
  /** Its slot in its parent; -1 for a root */
  readonly slot: number
  /** The stored block that numeric slot values point into */
  readonly block?: PackedBlock
  /** Occupied slots in ascending slot order */
  values: SlotValue[]
  /** The stored form this node equals; undefined once an edit changed it */
  origin?: Persisted | typeof LINKED
  /** The version that may change this node in place */
  owner?: object
  bytes = 0
  entries = 0
  unloaded = 0
  shards = 1
  /** Cached trees holding this node (see `RetainedNodes`) */
  refs = 0

  constructor (context: TreeContext, depth: number, slot: number, block?: PackedBlock, values: SlotValue[] = []) {
    this.context = context
    this.depth = depth
    this.slot = slot
    this.block = block
    this.values = values
  }

  /** This node if `owner` may change it, else a copy that `owner` may. An edit (`changed`) forgets the stored form. */
  writable (owner: object, changed: boolean): Shard {
    const node = this.owner === owner ? this : this.copy(owner)
    if (changed) {
      node.origin = undefined
    }
    return node
  }

  /** Position of `slot` in `values`, or the ones' complement of where it would go */
  find (slot: number): number {
    let low = 0
    let high = this.values.length - 1
    while (low <= high) {
      const middle = (low + high) >>> 1
      const found = this.slotOf(this.values[middle])
      if (found < slot) {
        low = middle + 1
      } else if (found > slot) {
        high = middle - 1
      } else {
        return middle
      }
    }
    return ~low
  }

  /** The content of `slot`, if occupied */
  at (slot: number): SlotValue | undefined {
    const position = this.find(slot)
    return position < 0 ? undefined : this.values[position]
  }

  /**
   * Puts `value` at `position` (replacing what is there, or inserting when
   * `insert`), or removes the slot when `value` is undefined. `before` is
   * what the replaced content counted, taken before any change below it.
   */
  put (position: number, value: SlotValue | undefined, before: Totals, insert = false): void {
    if (value == null) {
      this.values.splice(position, 1)
    } else if (insert) {
      this.values.splice(position, 0, value)
    } else {
      this.values[position] = value
    }
    const after = value == null ? NO_TOTALS : this.totalsOf(value)
    this.bytes += after.bytes - before.bytes
    this.entries += after.entries - before.entries
    this.unloaded += after.unloaded - before.unloaded
    this.shards += after.shards - before.shards
  }

  /** What one slot's content adds to this node's totals (a copy: safe to keep while the content changes) */
  totalsOf (value: SlotValue): Totals {
    if (value instanceof Shard) {
      return { bytes: value.bytes, entries: value.entries, unloaded: value.unloaded, shards: value.shards }
    }
    if (value instanceof ShardLink) {
      return ONE_UNLOADED
    }
    return { bytes: this.entryBytes(value), entries: 1, unloaded: 0, shards: 0 }
  }

  entryBytes (value: number | Entry): number {
    const { sizes, width } = this.context
    if (value instanceof Entry) {
      return sizes.entryBytes(utf8Length(value.name), value.cid.byteLength, value.size)
    }
    const link = readStoredLink(this.storage(), value)
    return sizes.entryBytes(link.nameEnd - link.nameStart - width, link.hashEnd - link.hashStart, link.tsize)
  }

  /** What a stored entry adds to this node's cumulative size: its link in the block, and its Tsize */
  entryCost (value: number): number {
    return storedLinkCost(this.storage(), value)
  }

  slotOf (value: SlotValue): number {
    if (typeof value !== 'number') {
      return value.slot
    }
    return hexSlot(this.storage(), readStoredLink(this.storage(), value).nameStart, this.context.width)
  }

  /** Where this node's block holds its links to children, by slot: the stored forms of its `LINKED` children */
  childLinkOffsets (): Map<number, number> {
    return childLinkOffsets(this.storage(), this.context.width)
  }

  nameOf (value: number | Entry): string {
    if (value instanceof Entry) {
      return value.name
    }
    const link = readStoredLink(this.storage(), value)
    return readStoredName(this.storage(), link.nameStart + this.context.width, link.nameEnd)
  }

  /** An entry slot as an object, at `slot` (its slot here, unless it is moving) */
  entryOf (value: number | Entry, slot = this.slotOf(value)): Entry {
    if (value instanceof Entry) {
      return value.slot === slot ? value : new Entry(value.name, value.cid, value.size, slot)
    }
    const block = this.storage()
    const link = readStoredLink(block, value)
    const name = readStoredName(block, link.nameStart + this.context.width, link.nameEnd)
    return new Entry(name, CID.decode(unpack(block, link.hashStart, link.hashEnd)), link.tsize, slot)
  }

  private storage (): PackedBlock {
    if (this.block == null) {
      throw new Error('internal: a slot points into a block this node does not have')
    }
    return this.block
  }

  private copy (owner: object): Shard {
    const copy = new Shard(this.context, this.depth, this.slot, this.block, this.values.slice())
    copy.origin = this.origin
    copy.owner = owner
    copy.bytes = this.bytes
    copy.entries = this.entries
    copy.unloaded = this.unloaded
    copy.shards = this.shards
    return copy
  }
}
