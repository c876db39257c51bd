import type { Shard, UnloadedSlot } from '../hamt/shard.js'
import type { UnloadedRef } from '../hamt/tree.js'

/**
 * The unloaded links of a retained tree, in breadth-first order: shallow
 * nodes first, since each one reveals more of the tree (and more links to
 * fetch in the next burst) than a deep one.
 *
 * Kept as a queue that grows as nodes are attached, so picking the next burst
 * costs only what it takes, not a walk of the loaded tree (a walk per burst
 * made a 12,000-node listing at budget 1 quadratic: 6 s of CPU).
 */
export class Frontier {
  private root?: Shard
  private queue: UnloadedRef[] = []
  private head = 0

  /** Up to `limit` links that are still unloaded and not skipped, in breadth-first order */
  take (root: Shard, limit: number, skip: (slot: UnloadedSlot) => boolean): UnloadedRef[] {
    if (root !== this.root) {
      this.rebuild(root)
    }

    const found: UnloadedRef[] = []
    while (found.length < limit && this.head < this.queue.length) {
      const ref = this.queue[this.head++]
      // a link that was loaded another way, or that is already on the wire (it returns through `failed` if its request fails)
      if (ref.parent.slot(ref.index) === ref.slot && !skip(ref.slot)) {
        found.push(ref)
      }
    }

    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
    return found
  }

  /** A node joined the tree under `root`: its unloaded links join the back of the queue */
  attached (root: Shard, shard: Shard): void {
    if (root === this.root) {
      this.enqueue(shard)
    }
  }

  /** A request failed: its link goes back to the front */
  failed (root: Shard, ref: UnloadedRef): void {
    if (root !== this.root) {
      return
    }
    if (this.head > 0) {
      this.queue[--this.head] = ref
    } else {
      this.queue.unshift(ref)
    }
  }

  /** Starts over from a walk of the tree under `root` */
  rebuild (root: Shard): void {
    this.root = root
    this.queue = []
    this.head = 0
    const shards = [root]
    for (let i = 0; i < shards.length; i++) {
      this.enqueue(shards[i])
      for (const [, slot] of shards[i].occupiedSlots()) {
        if (slot.kind === 'shard' && slot.shard.totals.unloaded > 0) {
          shards.push(slot.shard)
        }
      }
    }
  }

  private enqueue (parent: Shard): void {
    for (const [index, slot] of parent.occupiedSlots()) {
      if (slot.kind === 'unloaded') {
        this.queue.push({ parent, index, slot })
      }
    }
  }
}
