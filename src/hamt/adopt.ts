/**
 * Swapping loaded children into a version. A load fills a shared link once
 * for every version that holds it (it changes no value); each version swaps
 * the child in when it passes by, copying only the path it does not own.
 */

import { Shard, ShardLink } from './shard.js'
import type { LinkRef } from './read.js'

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

/**
 * Swaps the child that `ref.link` loaded into the version rooted at `root`,
 * if the link is still there. Returns the new root, or undefined when the
 * link is not in this version. Loading changes no value: the stored forms
 * on the path stay.
 */
export function adopt (root: Shard, ref: LinkRef, owner: object): Shard | undefined {
  const { path, link } = ref
  const adoptAt = (shard: Shard, depth: number): Shard | undefined => {
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
      replacement = adoptAt(value, depth + 1)
    }
    if (replacement == null) {
      return undefined
    }
    const node = shard.writable(owner, false)
    node.put(position, replacement, before)
    return node
  }
  return adoptAt(root, 0)
}
