/**
 * A bounded cache of retained trees keyed by root CID (and the options that
 * shape edits), least recently used first out. Its bound is the number of
 * distinct shard nodes its trees hold (a basic directory counts as one):
 * versions share nodes, so evicting one frees only what no other holds.
 *
 * A cached tree is never edited: an edit works on a clone and the result is
 * cached under its own new CID, so an entry is never stale. Its Directory may
 * still load more nodes; caching it again takes a new snapshot. A Directory
 * that leaves the cache is closed, which ends its background work.
 */

import { RetainedNodes } from './retained.js'
import type { DynamicDirectory } from './directory.js'
import type { Shard } from './hamt/shard.js'

interface Cached {
  directory: DynamicDirectory
  /** The root held, for a HAMT */
  root?: Shard
}

export class TreeCache {
  readonly retained = new RetainedNodes()
  private readonly budget: number
  private readonly entries = new Map<string, Cached>()
  private basic = 0

  constructor (budget: number) {
    this.budget = budget
  }

  /** Trees cached */
  get size (): number {
    return this.entries.size
  }

  /** Distinct shard nodes held, a basic directory counting as one */
  get weight (): number {
    return this.retained.count + this.basic
  }

  /** The directory, now the most recently used */
  get (key: string): DynamicDirectory | undefined {
    const cached = this.entries.get(key)
    if (cached != null) {
      this.entries.delete(key)
      this.entries.set(key, cached)
    }
    return cached?.directory
  }

  /** Caches a snapshot of the directory as it is now, then evicts the least recently used trees over the budget (never this one) */
  set (key: string, directory: DynamicDirectory): void {
    const cached: Cached = { directory, root: directory.shareRoot() }
    this.hold(cached)
    const previous = this.entries.get(key)
    this.entries.delete(key)
    if (previous != null) {
      this.release(previous)
      if (previous.directory !== directory) {
        previous.directory.close()
      }
    }
    this.entries.set(key, cached)

    for (const [oldest, entry] of this.entries) {
      if (this.weight <= this.budget || oldest === key) {
        break
      }
      this.entries.delete(oldest)
      this.release(entry)
      entry.directory.close()
    }
  }

  /**
   * Whether a listing or prefetch may keep one more node: evicts least
   * recently used trees (never the newest, which is the one in use) until the
   * cache is under its budget
   */
  room (): boolean {
    for (const [oldest, entry] of this.entries) {
      if (this.weight < this.budget || this.entries.size <= 1) {
        break
      }
      this.entries.delete(oldest)
      this.release(entry)
      entry.directory.close()
    }
    return this.weight < this.budget
  }

  clear (): void {
    for (const entry of this.entries.values()) {
      this.release(entry)
      entry.directory.close()
    }
    this.entries.clear()
  }

  private hold (cached: Cached): void {
    if (cached.root == null) {
      this.basic++
    } else {
      this.retained.hold(cached.root)
    }
  }

  private release (cached: Cached): void {
    if (cached.root == null) {
      this.basic--
    } else {
      this.retained.release(cached.root)
    }
  }
}
