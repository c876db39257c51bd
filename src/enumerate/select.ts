/**
 * Choosing what a size check fetches: the unloaded nodes that most likely
 * bring entry bytes per fetch, not what breadth-first order reaches first.
 *
 * What a node holds follows from how many entries its subtree has, by the
 * layout rule: names hash uniformly, a slot hit once holds its entry, a slot
 * hit twice or more holds a sub-shard of those entries. So a node whose
 * subtree has n entries holds about n (1 - 1/F)^(n-1) of them itself, and
 * its sub-shards' entry counts are about Poisson(n / F). The entries of an
 * unloaded subtree are read from its link's cumulative size (Tsize) over the
 * Tsize one entry adds, learnt from the entries loaded so far (or, before
 * any, from the spread of sibling sub-shards' sizes: counts of hashed names
 * are Poisson, so their variance over their mean is one entry's Tsize). What
 * each depth's loaded nodes really held corrects the rule's prediction there.
 *
 * A burst is then planned as a tree knapsack, relaxed with a price per fetch:
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

/** Nodes a burst asks for while nothing tells one node from another */
export const PROBE_NODES = 16
/** Plans for this much more than is missing, so that a slightly light burst does not cost another round trip */
const MARGIN = 1.05
/** Candidates per depth that a plan weighs, the largest first: a plan past them needs more rounds anyway */
export const PLAN_CANDIDATES = 1024
/** Price steps of a plan's search */
const STEPS = 24
/** Points that stand for a Poisson distribution of a large mean */
const POINTS = 48

/** An unloaded node the plan may ask for */
export interface Candidate {
  readonly depth: number
  /** Its link's cumulative size */
  readonly tsize: number
}

/** What a node showed once loaded */
export interface Observation {
  depth: number
  /** Its cumulative size from its parent's link; undefined for a root */
  tsize?: number
  ownBytes: number
  ownEntries: number
  /** What its own entries add to its cumulative size: their links in its block and their Tsizes */
  entryCost: number
  /** The cumulative sizes of its links to sub-shards */
  childSizes: readonly number[]
}

/** The shape of the tree a plan is for */
export interface Layout {
  fanout: number
  bits: number
}

export interface Want {
  /** Entry bytes still missing */
  missing: number
  /** The most nodes this burst may ask for */
  room: number
  /** Entry bytes of a typical entry, before any is seen (the name the check is for) */
  entryBytes?: number
}

/** What the loaded nodes show: per entry, and at each depth */
export class ValueSamples {
  private entries = 0
  private entryBytes = 0
  private entryCost = 0
  /** Sizes of sibling sub-shards under parents that hold (nearly) nothing but sub-shards */
  private siblings = 0
  private siblingSum = 0
  private siblingSquares = 0
  private siblingDof = 0
  private sets = 0
  private readonly actual: number[] = []
  private readonly predicted: number[] = []

  copy (): ValueSamples {
    const copy = new ValueSamples()
    Object.assign(copy, this, { actual: [...this.actual], predicted: [...this.predicted] })
    return copy
  }

  observe (node: Observation, layout: Layout, prior?: number): void {
    if (node.tsize != null) {
      const b = this.meanEntryBytes(prior ?? 0)
      const expected = this.ownBytes(node.depth, node.tsize, layout, b, false)
      if (expected != null) {
        this.actual[node.depth] = (this.actual[node.depth] ?? 0) + node.ownBytes
        this.predicted[node.depth] = (this.predicted[node.depth] ?? 0) + expected
      }
    }
    this.entries += node.ownEntries
    this.entryBytes += node.ownBytes
    this.entryCost += node.entryCost
    const sizes = node.childSizes
    if (sizes.length >= 8 && sizes.length >= 0.9 * (sizes.length + node.ownEntries) && sizes.length * 4 >= layout.fanout) {
      let sum = 0
      for (const size of sizes) {
        sum += size
      }
      const mean = sum / sizes.length
      let squares = 0
      for (const size of sizes) {
        squares += (size - mean) ** 2
      }
      this.siblings += sizes.length
      this.siblingSum += sum
      this.siblingSquares += squares
      this.siblingDof += sizes.length - 1
      this.sets++
    }
  }

  /** The cumulative size one entry adds, if anything shows it yet */
  perEntry (): number | undefined {
    if (this.entries >= 16 || (this.entries > 0 && this.siblingDof < 16)) {
      return this.entryCost / this.entries
    }
    if (this.siblingDof >= 16 && this.siblingSum > 0) {
      const variance = this.siblingSquares / this.siblingDof
      const mean = this.siblingSum / this.siblings
      return variance > 0 ? variance / mean : undefined
    }
    return undefined
  }

  /** Nodes whose sub-shards' sizes were read for what an entry adds */
  get siblingSets (): number {
    return this.sets
  }

  /** Entries seen in loaded nodes */
  get entriesSeen (): number {
    return this.entries
  }

  meanEntryBytes (prior: number): number {
    return this.entries > 0 ? this.entryBytes / this.entries : prior
  }

  /** How far what nodes at `depth` held differs from the layout rule's prediction */
  correction (depth: number, b: number): number {
    return ((this.actual[depth] ?? 0) + b) / ((this.predicted[depth] ?? 0) + b)
  }

  /** Expected own entry bytes of an unloaded node; undefined while nothing shows what an entry costs */
  ownBytes (depth: number, tsize: number, layout: Layout, b: number, corrected = true): number | undefined {
    const tau = this.perEntry()
    if (tau == null) {
      return undefined
    }
    const n = entriesUnder(tsize, tau)
    return (corrected ? this.correction(depth, b) : 1) * b * ownShare(n, layout.fanout)
  }
}

/** Entries under a link of this Tsize */
function entriesUnder (tsize: number, perEntry: number): number {
  return tsize / perEntry
}

/** Entries a node whose subtree holds `n` holds itself: those alone in their slot */
function ownShare (n: number, fanout: number): number {
  return n <= 1 ? n : n * Math.pow(1 - 1 / fanout, n - 1)
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
    private readonly layout: Layout,
    private readonly own: (depth: number, entries: number) => number
  ) {
    this.limit = maxDepth(layout.bits)
  }

  /** The best of fetching a node at `depth` whose subtree holds `n` entries */
  node (depth: number, n: number, own = this.own(depth, n)): Outcome {
    const below = this.children(depth + 1, n / this.layout.fanout)
    return { net: own - this.price + below.net, value: own + below.value, count: 1 + below.count }
  }

  /** What the sub-shards at `depth` of a node with `lambda` entries per slot are worth, those worth their price */
  private children (depth: number, lambda: number): Outcome {
    const { fanout } = this.layout
    // expected sub-shards: too few to weigh
    if (depth >= this.limit || fanout * lambda * lambda < 1e-3) {
      return NONE
    }
    const key = depth * 1e7 + Math.round(lambda * 64)
    let found = this.below.get(key)
    if (found != null) {
      return found
    }
    found = { net: 0, value: 0, count: 0 }
    const add = (k: number, weight: number): void => {
      const outcome = this.cached(depth, k)
      if (outcome.net > 0) {
        found = { net: found!.net + weight * outcome.net, value: found!.value + weight * outcome.value, count: found!.count + weight * outcome.count }
      }
    }
    if (lambda <= 40) {
      let p = Math.exp(-lambda) * lambda
      const last = Math.ceil(lambda + 10 * Math.sqrt(lambda) + 10)
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

/** Acklam's rational approximation of the standard normal quantile */
function normalQuantile (p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239]
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572]
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low || p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(p < low ? p : 1 - p))
    const x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    return p < low ? x : -x
  }
  const q = p - 0.5
  const r = q * q
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
}

/**
 * The candidates one burst asks for, at most `want.room`, in the order to
 * ask: the part of the plan that can be fetched now.
 */
export function plan <C extends Candidate> (candidates: readonly C[], samples: ValueSamples, layout: Layout, want: Want): C[] {
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
    return corrections[depth] * b * ownShare(n, layout.fanout)
  }
  const owns = candidates.map(c => own(c.depth, entriesUnder(c.tsize, tau)))
  const evaluate = (price: number): { chosen: number[], value: number, outcomes: Map<number, Outcome> } => {
    const priced = new Priced(price, layout, own)
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
    let high = Math.max(...owns, b * layout.fanout)
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
export function chooseBurst <C extends Candidate> (candidates: readonly C[], forced: readonly Candidate[], samples: ValueSamples, layout: Layout, want: Want): C[] {
  const b = samples.meanEntryBytes(want.entryBytes ?? 0)
  let missing = want.missing
  for (const node of forced) {
    missing -= samples.ownBytes(node.depth, node.tsize, layout, b) ?? 0
  }
  const chosen = plan(candidates, samples, layout, { ...want, missing, room: want.room - forced.length })
  if (forced.length === 0 && chosen.length === 0 && candidates.length > 0) {
    return [candidates.reduce((best, c) => c.tsize > best.tsize ? c : best)]
  }
  return chosen
}

/** Unloaded candidates, by depth, the largest first */
export class CandidatePool<C extends Candidate> {
  private readonly heaps: C[][] = []

  get size (): number {
    return this.heaps.reduce((total, heap) => total + heap.length, 0)
  }

  add (candidate: C): void {
    const heap = (this.heaps[candidate.depth] ??= [])
    heap.push(candidate)
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1
      if (heap[parent].tsize >= heap[i].tsize) {
        break
      }
      const swap = heap[parent]
      heap[parent] = heap[i]
      heap[i] = swap
      i = parent
    }
  }

  /** Takes out up to `limit` of the largest at each depth; those `keep` rejects are dropped */
  take (limit: number, keep: (candidate: C) => boolean): C[] {
    const taken: C[] = []
    for (const heap of this.heaps) {
      if (heap == null) {
        continue
      }
      for (let count = 0; count < limit && heap.length > 0;) {
        const top = pop(heap)
        if (keep(top)) {
          taken.push(top)
          count++
        }
      }
    }
    return taken
  }

  clear (): void {
    this.heaps.length = 0
  }
}

function pop <C extends Candidate> (heap: C[]): C {
  const top = heap[0]
  const last = heap.pop() as C
  if (heap.length > 0) {
    heap[0] = last
    for (let i = 0; ;) {
      const left = 2 * i + 1
      const right = left + 1
      let largest = i
      if (left < heap.length && heap[left].tsize > heap[largest].tsize) {
        largest = left
      }
      if (right < heap.length && heap[right].tsize > heap[largest].tsize) {
        largest = right
      }
      if (largest === i) {
        break
      }
      const swap = heap[largest]
      heap[largest] = heap[i]
      heap[i] = swap
      i = largest
    }
  }
  return top
}
