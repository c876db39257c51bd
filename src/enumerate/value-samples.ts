/**
 * What a size check has learnt from the shard nodes loaded so far: what one
 * entry adds to a cumulative size (Tsize), the mean bytes of an entry, and
 * how far each depth's nodes held more or less than the layout rule says.
 *
 * The layout rule: names hash uniformly, a slot hit once holds its entry, a
 * slot hit twice or more holds a sub-shard of those entries. So a node whose
 * subtree has n entries holds about n (1 - 1/F)^(n-1) of them itself, and
 * its sub-shards' entry counts are about Poisson(n / F). The entries of an
 * unloaded subtree are read from its link's Tsize over the Tsize one entry
 * adds, learnt from the entries loaded so far or, before any, from the
 * spread of sibling sub-shards' sizes: counts of hashed names are Poisson,
 * so their variance over their mean is one entry's Tsize.
 */

/** The shard widths a plan is for */
export interface ShardGeometry {
  fanout: number
  bits: number
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

/** Entries seen (or degrees of freedom of sibling sizes) before their mean is trusted over the other source */
const TRUSTED_SAMPLES = 16
/** A node's sub-shard sizes are read for their spread only if it has at least this many */
const MIN_SIBLINGS = 8
/** ...and they are at least this share of its slots in use (it holds next to no entries itself: its sub-shards are alike)... */
const SIBLING_SHARE = 0.9
/** ...and they fill at least this share of its slots (a sparse node's few sub-shards tell little) */
const SIBLING_FILL = 1 / 4

/** Entries under a link of this Tsize */
export function entriesUnder (tsize: number, perEntry: number): number {
  return tsize / perEntry
}

/** Entries a node whose subtree holds `n` holds itself: those alone in their slot */
export function ownShare (n: number, fanout: number): number {
  return n <= 1 ? n : n * Math.pow(1 - 1 / fanout, n - 1)
}

/**
 * The entry bytes a node whose subtree holds `n` entries of `entryBytes`
 * each holds itself, scaled by what its depth's loaded nodes really held
 */
export function expectedOwnBytes (n: number, entryBytes: number, fanout: number, correction: number): number {
  return correction * entryBytes * ownShare(n, fanout)
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

  observe (node: Observation, geometry: ShardGeometry, prior?: number): void {
    if (node.tsize != null) {
      const b = this.meanEntryBytes(prior ?? 0)
      const expected = this.ownBytes(node.depth, node.tsize, geometry, b, false)
      if (expected != null) {
        this.actual[node.depth] = (this.actual[node.depth] ?? 0) + node.ownBytes
        this.predicted[node.depth] = (this.predicted[node.depth] ?? 0) + expected
      }
    }
    this.entries += node.ownEntries
    this.entryBytes += node.ownBytes
    this.entryCost += node.entryCost
    const sizes = node.childSizes
    if (sizes.length >= MIN_SIBLINGS && sizes.length >= SIBLING_SHARE * (sizes.length + node.ownEntries) && sizes.length >= SIBLING_FILL * geometry.fanout) {
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
    if (this.entries >= TRUSTED_SAMPLES || (this.entries > 0 && this.siblingDof < TRUSTED_SAMPLES)) {
      return this.entryCost / this.entries
    }
    if (this.siblingDof >= TRUSTED_SAMPLES && this.siblingSum > 0) {
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
  ownBytes (depth: number, tsize: number, geometry: ShardGeometry, b: number, corrected = true): number | undefined {
    const tau = this.perEntry()
    if (tau == null) {
      return undefined
    }
    return expectedOwnBytes(entriesUnder(tsize, tau), b, geometry.fanout, corrected ? this.correction(depth, b) : 1)
  }
}
