import { Shard, ShardLink } from './hamt/shard.js'

/**
 * Counts the distinct shard nodes that a cache's trees hold. Versions share
 * most of their nodes, so a tree's node count says little about what the
 * cache keeps: each node and link keeps a count of the cached trees (through
 * parents) that hold it, and a node is counted once, when its count leaves 0.
 * Holding a tree that shares all but its edited path with one already held
 * walks only that path.
 *
 * A link counts the child any version loaded through it, loaded now or later:
 * that child is kept in memory by the link.
 *
 * Only nodes no one changes in place may be held (a cache holds snapshots).
 */
export class RetainedNodes {
  /** Distinct nodes held */
  count = 0

  hold (node: Shard): void {
    if (node.refs++ > 0) {
      return
    }
    this.count++
    for (const value of node.values) {
      if (value instanceof Shard) {
        this.hold(value)
      } else if (value instanceof ShardLink && value.refs++ === 0 && value.loaded != null) {
        this.hold(value.loaded)
      }
    }
  }

  release (node: Shard): void {
    if (--node.refs > 0) {
      return
    }
    this.count--
    for (const value of node.values) {
      if (value instanceof Shard) {
        this.release(value)
      } else if (value instanceof ShardLink && --value.refs === 0 && value.loaded != null) {
        this.release(value.loaded)
      }
    }
  }

  /** A load filled `link`: if held trees reach the link, they now hold its child too */
  loaded (link: ShardLink): void {
    if (link.refs > 0 && link.loaded != null) {
      this.hold(link.loaded)
    }
  }
}
