/**
 * The unloaded links of one version's tree, as a size check chooses among
 * them (see `burst-plan.ts`): by depth, the largest cumulative size first. Kept
 * as heaps that grow as nodes are swapped in, so a burst weighs only the
 * largest few at each depth, not a walk of the loaded tree. It may hold
 * links the version has since loaded or dropped: each is checked against
 * the tree as it is taken.
 */

import { valueAt } from '../hamt/read.js'
import { ShardLink, Shard } from '../hamt/shard.js'
import { PLAN_CANDIDATES, chooseBurst } from './burst-plan.js'
import { CandidatePool } from './candidate-pool.js'
import { ValueSamples, entriesUnder } from './value-samples.js'
import type { Observation } from './value-samples.js'
import type { LinkRef } from '../hamt/read.js'

/** An unloaded link with what the plan reads of it */
export interface SizedRef extends LinkRef {
  readonly depth: number
  readonly tsize: number
}

export interface SizeGoal {
  missing?(): number
  entryBytes?: number
}

function sized (ref: LinkRef): SizedRef {
  return { ...ref, depth: ref.path.length, tsize: ref.link.size }
}

/** What a node fresh from its block shows the plan */
export function observation (shard: Shard, tsize: number | undefined): Observation {
  let entryCost = 0
  let ownBytes = 0
  let ownEntries = 0
  const childSizes: number[] = []
  for (const value of shard.values) {
    if (value instanceof ShardLink) {
      childSizes.push(value.size)
    } else if (typeof value === 'number' && shard.block != null) {
      entryCost += shard.entryCost(value)
      ownBytes += shard.entryBytes(value)
      ownEntries++
    }
  }
  return { depth: shard.depth, tsize, ownBytes, ownEntries, entryCost, childSizes }
}

export class SizeFrontier {
  private readonly samples: ValueSamples
  private readonly pool = new CandidatePool<SizedRef>()
  private built = false
  private rootSeen = false
  private prior?: number

  constructor (samples = new ValueSamples()) {
    this.samples = samples
  }

  /** A frontier for a copy of the version: what was learnt so far, its own links */
  clone (): SizeFrontier {
    return new SizeFrontier(this.samples.copy())
  }

  /** A node at `ref` joined the version: what it holds is learnt, its links join the pool */
  add (child: Shard, ref: LinkRef): void {
    const { fanout, bits } = child.context
    this.samples.observe(observation(child, ref.link.size), { fanout, bits }, this.prior)
    if (!this.built) {
      return
    }
    for (const value of child.values) {
      if (value instanceof ShardLink) {
        this.pool.add(sized({ path: [...ref.path, value.slot], link: value }))
      }
    }
  }

  /** A taken link that was not swapped in goes back */
  putBack (root: Shard, ref: LinkRef): void {
    if (this.built && valueAt(root, ref.path) === ref.link) {
      this.pool.add(sized(ref))
    }
  }

  /** Starts over from a walk of the loaded tree under `root` */
  rebuild (root: Shard): void {
    if (!this.rootSeen) {
      // the root's links already tell, by their spread, what an entry adds to a Tsize
      this.rootSeen = true
      const { fanout, bits } = root.context
      this.samples.observe(observation(root, undefined), { fanout, bits }, this.prior)
    }
    this.built = true
    this.pool.clear()
    const level: Array<{ shard: Shard, path: number[] }> = [{ shard: root, path: [] }]
    for (let i = 0; i < level.length; i++) {
      const { shard, path } = level[i]
      for (const value of shard.values) {
        if (value instanceof ShardLink) {
          this.pool.add(sized({ path: [...path, value.slot], link: value }))
        } else if (value instanceof Shard && value.unloaded > 0) {
          level.push({ shard: value, path: [...path, value.slot] })
        }
      }
    }
  }

  /**
   * The entry bytes of the whole tree under `root`, as far as what is
   * loaded shows: the bytes counted so far, and for each unloaded link the
   * entries its Tsize holds (over what one entry adds) at the mean entry's
   * bytes. Undefined while nothing shows what an entry adds.
   */
  estimatedBytes (root: Shard): number | undefined {
    const tau = this.samples.perEntry()
    if (tau == null || (this.samples.entriesSeen === 0 && this.prior == null)) {
      return undefined
    }
    const mean = this.samples.meanEntryBytes(this.prior ?? 0)
    let unloadedTsize = 0
    const level: Shard[] = [root]
    for (let i = 0; i < level.length; i++) {
      for (const value of level[i].values) {
        if (value instanceof ShardLink) {
          unloadedTsize += value.size
        } else if (value instanceof Shard && value.unloaded > 0) {
          level.push(value)
        }
      }
    }
    return root.bytes + entriesUnder(unloadedTsize, tau) * mean
  }

  /**
   * Adds to `refs` (which holds the path's node, if any) the links this
   * burst asks for, with room for `room` in all; swaps in, through
   * `swapIn`, links others loaded. True if anything was swapped in.
   */
  choose (version: { root: Shard }, refs: LinkRef[], room: number, goal: SizeGoal, swapIn: (ref: LinkRef) => boolean): boolean {
    if (!this.built) {
      this.rebuild(version.root)
    }
    this.prior = goal.entryBytes ?? this.prior
    const { fanout, bits } = version.root.context
    const layout = { fanout, bits }
    let swapped = false
    for (;;) {
      const loaded: SizedRef[] = []
      const taken = this.pool.take(PLAN_CANDIDATES, ref => {
        if (valueAt(version.root, ref.path) !== ref.link || refs.some(other => other.link === ref.link)) {
          return false
        }
        if (ref.link.loaded != null) {
          loaded.push(ref)
          return false
        }
        return true
      })
      if (loaded.length > 0) {
        taken.forEach(ref => { this.pool.add(ref) })
        for (const ref of loaded) {
          swapped = swapIn(ref) || swapped
        }
        continue
      }

      const forced = refs.map(ref => ({ depth: ref.path.length, tsize: ref.link.size }))
      const chosen = chooseBurst(taken, forced, this.samples, layout, { missing: goal.missing?.() ?? 0, room, entryBytes: this.prior })
      const asked = new Set(chosen)
      for (const ref of taken) {
        if (!asked.has(ref)) {
          this.pool.add(ref)
        }
      }
      refs.push(...chosen)
      return swapped
    }
  }
}
