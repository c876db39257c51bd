import type { Shard, UnloadedSlot } from '../hamt/shard.js'
import type { UnloadedRef } from '../hamt/tree.js'

/**
 * Up to `limit` unloaded links, breadth-first from `root`: shallow nodes
 * first, since each one reveals more of the tree (and more links to fetch in
 * the next burst) than a deep one. Subtrees with nothing unloaded are skipped.
 */
export function frontier (root: Shard, limit: number, skip: (slot: UnloadedSlot) => boolean): UnloadedRef[] {
  const found: UnloadedRef[] = []
  const queue: Shard[] = [root]

  for (let i = 0; i < queue.length && found.length < limit; i++) {
    const parent = queue[i]
    for (const [index, slot] of parent.occupiedSlots()) {
      if (slot.kind === 'unloaded' && !skip(slot)) {
        found.push({ parent, index, slot })
        if (found.length === limit) {
          break
        }
      } else if (slot.kind === 'shard' && slot.shard.totals.unloaded > 0) {
        queue.push(slot.shard)
      }
    }
  }

  return found
}
