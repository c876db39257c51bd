/**
 * A bounded cache of retained trees keyed by root CID (and the options that
 * shape edits), least recently used first out. Its bound is the total of
 * retained shard nodes, the memory a tree holds on to; an entry's weight is
 * read again on every touch, since reads can load more of a tree.
 *
 * A cached tree is never edited: an edit works on a clone and the result is
 * cached under its own new CID, so an entry is never stale.
 */

export interface Weighed {
  readonly weight: number
}

export class TreeCache<T extends Weighed> {
  private readonly budget: number
  private readonly entries = new Map<string, T>()

  constructor (budget: number) {
    this.budget = budget
  }

  get size (): number {
    return this.entries.size
  }

  get weight (): number {
    let total = 0
    for (const value of this.entries.values()) {
      total += value.weight
    }
    return total
  }

  /** The entry, now the most recently used */
  get (key: string): T | undefined {
    const value = this.entries.get(key)
    if (value != null) {
      this.touch(key, value)
    }
    return value
  }

  /** Adds or refreshes an entry, then evicts the least recently used ones over the budget (never this one) */
  touch (key: string, value: T): void {
    this.entries.delete(key)
    this.entries.set(key, value)
    let total = this.weight
    for (const [oldest, entry] of this.entries) {
      if (total <= this.budget || oldest === key) {
        break
      }
      this.entries.delete(oldest)
      total -= entry.weight
    }
  }

  clear (): void {
    this.entries.clear()
  }
}
