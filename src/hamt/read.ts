/**
 * Reading one version of a retained tree: the link a name's path still
 * needs, what a path leads to, an entry by name, and entries in slot order.
 */

import { slotAt } from './hash.js'
import { Shard, ShardLink } from './shard.js'
import type { Entry, SlotValue } from './shard.js'

/** An unloaded link and the slots that lead to it from the root */
export interface LinkRef {
  path: number[]
  link: ShardLink
}

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

/** The entries a node holds itself, in slot order */
export function * ownEntries (shard: Shard): Generator<Entry> {
  for (const value of shard.values) {
    if (!(value instanceof Shard) && !(value instanceof ShardLink)) {
      yield shard.entryOf(value)
    }
  }
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

/** What a read or an edit throws when it meets a link its caller should have loaded */
export function notLoaded (): Error {
  return new Error('internal: the path to an entry must be loaded before it is read or edited')
}
