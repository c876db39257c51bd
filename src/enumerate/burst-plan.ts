/**
 * Choosing what a size check fetches: the unloaded nodes that most likely
 * bring entry bytes per fetch, not what breadth-first order reaches first
 * (`value-samples.ts` says what a node is expected to hold).
 *
 * A burst is planned as a tree knapsack, relaxed with a price per fetch:
 * a node is worth fetching if its expected entry bytes, plus what its
 * sub-shards are worth at that price, exceed the price; the price is the
 * highest at which the planned nodes still bring the missing bytes. Link-only
 * nodes are opened only as far as the entry-rich nodes under them pay for.
 * The plan's nodes that can be fetched now (their parent is loaded) make the
 * burst: openers first, since what they reveal needs another round, then the
 * richest.
 *
 * The same code plans for the loader's real tree and for the shape-only
 * model of trees this machine cannot hold (test/fixtures/shape-model.ts).
 */

import { maxDepth } from '../hamt/hash.js'
import { normalQuantile } from './normal-quantile.js'
import { entriesUnder, expectedOwnBytes } from './value-samples.js'
import type { Candidate } from './candidate-pool.js'
import type { ShardGeometry, ValueSamples } from './value-samples.js'

/** Nodes a burst asks for while nothing tells one node from another */
export const PROBE_NODES = 16
/** Plans for this much more than is missing, so that a slightly light burst does not cost another round trip */
const MARGIN = 1.05
/** Candidates per depth that a plan weighs, the largest first: a plan past them needs more rounds anyway */
export const PLAN_CANDIDATES = 1024
/** Price steps of a plan's search: a bisection, so the price is found to 2^-24 of its range */
const STEPS = 24
/** Below this many expected sub-shards under a node (F λ², λ entries per slot), its sub-shards are not weighed */
const NEGLIGIBLE_SUB_SHARDS = 1e-3
/** Up to this mean, a slot's entry count is summed term by term as Poisson; above it, as normal points */
const EXACT_POISSON_MEAN = 40
/** The Poisson sum stops this many standard deviations (plus as many entries) past the mean */
const POISSON_TAIL_SIGMAS = 10
/** Points that stand for a Poisson distribution of a large mean */
const POINTS = 48
/** Means per slot that share a memo entry: 1/64 of an entry apart */
const MEAN_STEPS = 64

export interface Want {
  /** Entry bytes still missing */
  missing: number
  /** The most nodes this burst may ask for */
  room: number
  /** Entry bytes of a typical entry, before any is seen (the name the check is for) */
  entryBytes?: number
}

interface Outcome {
  /** Entry bytes less the price of every fetch */
  net: number
  value: number
  count: number
}

const NONE: Outcome = { net: 0, value: 0, count: 0 }

/** The relaxed tree knapsack at one price per fetch */
class Priced {
  private readonly nodes = new Map<number, Outcome>()
  private readonly below = new Map<number, Outcome>()
  private readonly limit: number

  constructor (
    private readonly price: number,
    private readonly geometry: ShardGeometry,
    private readonly own: (depth: number, entries: number) => number
  ) {
    this.limit = maxDepth(geometry.bits)
  }

  /** The best of fetching a node at `depth` whose subtree holds `n` entries */
  node (depth: number, n: number, own = this.own(depth, n)): Outcome {
    const below = this.children(depth + 1, n / this.geometry.fanout)
    return { net: own - this.price + below.net, value: own + below.value, count: 1 + below.count }
  }

  /** What the sub-shards at `depth` of a node with `lambda` entries per slot are worth, those worth their price */
  private children (depth: number, lambda: number): Outcome {
    const { fanout } = this.geometry
    if (depth >= this.limit || fanout * lambda * lambda < NEGLIGIBLE_SUB_SHARDS) {
      return NONE
    }
    const key = depth * 1e7 + Math.round(lambda * MEAN_STEPS)
    let found = this.below.get(key)
    if (found != null) {
      return found
    }
    let sum = { net: 0, value: 0, count: 0 }
    const add = (k: number, weight: number): void => {
      const outcome = this.cached(depth, k)
      if (outcome.net > 0) {
        sum = { net: sum.net + weight * outcome.net, value: sum.value + weight * outcome.value, count: sum.count + weight * outcome.count }
      }
    }
    if (lambda <= EXACT_POISSON_MEAN) {
      // a slot with k >= 2 entries holds a sub-shard of them
      let p = Math.exp(-lambda) * lambda
      const last = Math.ceil(lambda + POISSON_TAIL_SIGMAS * (Math.sqrt(lambda) + 1))
      for (let k = 2; k <= last; k++) {
        p *= lambda / k
        add(k, fanout * p)
      }
    } else {
      for (let i = 0; i < POINTS; i++) {
        const k = Math.max(2, Math.round(lambda + normalQuantile((i + 0.5) / POINTS) * Math.sqrt(lambda)))
        add(k, fanout / POINTS)
      }
    }
    found = sum
    this.below.set(key, found)
    return found
  }

  private cached (depth: number, k: number): Outcome {
    const key = depth * 1e9 + k
    let found = this.nodes.get(key)
    if (found == null) {
      found = this.node(depth, k)
      this.nodes.set(key, found)
    }
    return found
  }
}

/**
 * The candidates one burst asks for, at most `want.room`, in the order to
 * ask: the part of the plan that can be fetched now.
 */
export function plan <C extends Candidate> (candidates: readonly C[], samples: ValueSamples, geometry: ShardGeometry, want: Want): C[] {
  if (want.missing <= 0 || want.room <= 0 || candidates.length === 0) {
    return []
  }
  const tau = samples.perEntry()
  if (tau == null) {
    // nothing yet tells what an entry costs: probe the largest at the shallowest depth
    const shallowest = Math.min(...candidates.map(c => c.depth))
    return candidates.filter(c => c.depth === shallowest).sort((a, b) => b.tsize - a.tsize).slice(0, Math.min(want.room, PROBE_NODES))
  }
  const b = samples.meanEntryBytes(want.entryBytes ?? tau / 2)
  const corrections: number[] = []
  const own = (depth: number, n: number): number => {
    corrections[depth] ??= samples.correction(depth, b)
    return expectedOwnBytes(n, b, geometry.fanout, corrections[depth])
  }
  const owns = candidates.map(c => own(c.depth, entriesUnder(c.tsize, tau)))
  const evaluate = (price: number): { chosen: number[], value: number, outcomes: Map<number, Outcome> } => {
    const priced = new Priced(price, geometry, own)
    const chosen: number[] = []
    const outcomes = new Map<number, Outcome>()
    let value = 0
    candidates.forEach((c, i) => {
      const outcome = priced.node(c.depth, entriesUnder(c.tsize, tau), owns[i])
      if (outcome.net > 0) {
        chosen.push(i)
        outcomes.set(i, outcome)
        value += outcome.value
      }
    })
    return { chosen, value, outcomes }
  }

  const target = want.missing * MARGIN
  let best = evaluate(0)
  if (best.value >= target) {
    // the highest price at which the plan still brings what is missing
    let low = 0
    // no node holds more than fanout entries
    let high = Math.max(...owns, b * geometry.fanout)
    for (let step = 0; step < STEPS; step++) {
      const middle = (low + high) / 2
      const tried = evaluate(middle)
      if (tried.value >= target) {
        low = middle
        best = tried
      } else {
        high = middle
      }
    }
  }
  if (best.value >= target) {
    // alike candidates are all worth their price or none is: keep the densest until they bring what is missing
    const density = (i: number): number => {
      const outcome = best.outcomes.get(i) as Outcome
      return outcome.value / outcome.count
    }
    const sorted = [...best.chosen].sort((x, y) => density(y) - density(x))
    let value = 0
    let kept = 0
    while (kept < sorted.length && value < target) {
      value += (best.outcomes.get(sorted[kept]) as Outcome).value
      kept++
    }
    best = { ...best, chosen: sorted.slice(0, kept), value }
  }
  if (best.chosen.length === 0) {
    // the rule sees nothing worth a fetch: the largest, so that loading goes on
    return [...candidates].sort((x, y) => y.tsize - x.tsize).slice(0, want.room)
  }
  // the densest first (an opener by what it and the nodes it reveals bring per fetch): with room for
  // only part of the plan, revealing more is worth it only while it beats what is already in reach.
  // A plan that cannot bring what is missing takes everything: the richest first, link-only nodes last
  const ordered = best.value >= target ? best.chosen : [...best.chosen].sort((x, y) => owns[y] - owns[x])
  // with no entry seen yet and only the root's links to read the spread of sizes from, what an
  // entry adds to a Tsize is a rough guess: half the plan, then look again
  const asked = samples.entriesSeen > 0 || samples.siblingSets > 1 ? ordered.length : Math.max(PROBE_NODES, Math.ceil(ordered.length / 2))
  return ordered.slice(0, Math.min(asked, want.room)).map(i => candidates[i])
}

/**
 * The candidates a burst asks for besides `forced` (the path's node, which
 * comes anyway: what it likely brings is not asked of the others); at least
 * one when nothing is forced, so that loading goes on while the goal does
 * not hold.
 */
export function chooseBurst <C extends Candidate> (candidates: readonly C[], forced: readonly Candidate[], samples: ValueSamples, geometry: ShardGeometry, want: Want): C[] {
  const b = samples.meanEntryBytes(want.entryBytes ?? 0)
  let missing = want.missing
  for (const node of forced) {
    missing -= samples.ownBytes(node.depth, node.tsize, geometry, b) ?? 0
  }
  const chosen = plan(candidates, samples, geometry, { ...want, missing, room: want.room - forced.length })
  if (forced.length === 0 && chosen.length === 0 && candidates.length > 0) {
    return [candidates.reduce((best, c) => c.tsize > best.tsize ? c : best)]
  }
  return chosen
}
