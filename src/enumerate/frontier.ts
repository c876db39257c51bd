import { ShardLink, Shard } from '../hamt/shard.js'
import type { LinkRef } from '../hamt/read.js'

/**
 * The unloaded links of one version's tree, in breadth-first order: shallow
 * nodes first, since each one reveals more of the tree (and more links to
 * fetch in the next burst) than a deep one.
 *
 * Kept as a queue that grows as nodes are swapped in, so picking the next
 * burst costs only what it takes, not a walk of the loaded tree (a walk per
 * burst would make many small bursts quadratic in the tree's size). It may
 * hold links the version has since loaded or dropped: the loader checks each
 * against the tree as it takes it.
 */
export class Frontier {
  private queue: LinkRef[] = []
  private head = 0
  private built = false

  /** The next link, oldest first; builds the queue from `root` on first use */
  next (root: Shard): LinkRef | undefined {
    if (!this.built) {
      this.rebuild(root)
    }
    const ref = this.queue[this.head]
    if (ref == null) {
      // let go of the links taken: they hold their blocks
      this.queue = []
      this.head = 0
      return undefined
    }
    this.head++
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
    return ref
  }

  /** The depth of the next link's node, if any */
  peekDepth (): number | undefined {
    return this.queue[this.head]?.path.length
  }

  /** A node at `path` joined the version: its links join the back of the queue */
  add (shard: Shard, path: readonly number[]): void {
    if (!this.built) {
      return
    }
    for (const value of shard.values) {
      if (value instanceof ShardLink) {
        this.queue.push({ path: [...path, value.slot], link: value })
      }
    }
  }

  /** A taken link that was not swapped in goes back to the front */
  putBack (ref: LinkRef): void {
    if (this.head > 0) {
      this.queue[--this.head] = ref
    } else {
      this.queue.unshift(ref)
    }
  }

  /** Starts over from a walk of the loaded tree under `root` */
  rebuild (root: Shard): void {
    this.built = true
    this.queue = []
    this.head = 0
    const level: Array<{ shard: Shard, path: number[] }> = [{ shard: root, path: [] }]
    for (let i = 0; i < level.length; i++) {
      const { shard, path } = level[i]
      this.add(shard, path)
      for (const value of shard.values) {
        if (value instanceof Shard && value.unloaded > 0) {
          level.push({ shard: value, path: [...path, value.slot] })
        }
      }
    }
  }
}
