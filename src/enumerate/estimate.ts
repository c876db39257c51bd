/**
 * How many nodes a size-check burst asks for: as many as the missing entry
 * bytes likely need, judged from the nodes loaded so far at the depth the
 * breadth-first frontier is at, with a margin. Asking for fewer costs a round
 * trip; asking for more fetches nodes the decision did not need.
 */

/** Nodes a first burst asks for before any node below the root has been seen */
export const PROBE_NODES = 16
/** Over-asks by this much, so that a slightly light burst does not cost another round trip */
const MARGIN = 1.1

/** Own entry bytes of loaded nodes, per depth */
export class DepthSamples {
  private readonly bytes: number[] = []
  private readonly nodes: number[] = []

  add (depth: number, ownBytes: number): void {
    this.bytes[depth] = (this.bytes[depth] ?? 0) + ownBytes
    this.nodes[depth] = (this.nodes[depth] ?? 0) + 1
  }

  copy (): DepthSamples {
    const copy = new DepthSamples()
    copy.bytes.push(...this.bytes)
    copy.nodes.push(...this.nodes)
    return copy
  }

  /** Mean own entry bytes of a node at `depth`; at an unseen depth, of any node below the root */
  mean (depth: number): number | undefined {
    const nodes = this.nodes[depth] ?? 0
    if (nodes > 0) {
      return (this.bytes[depth] ?? 0) / nodes
    }
    let bytes = 0
    let seen = 0
    for (let d = 1; d < this.nodes.length; d++) {
      bytes += this.bytes[d] ?? 0
      seen += this.nodes[d] ?? 0
    }
    return seen > 0 ? bytes / seen : undefined
  }
}

/** Nodes at `depth` likely needed to find `missingBytes` more entry bytes */
export function nodesLikelyNeeded (missingBytes: number, samples: DepthSamples, depth: number): number {
  if (missingBytes <= 0) {
    return 0
  }
  const mean = samples.mean(depth)
  if (mean == null) {
    return PROBE_NODES
  }
  if (mean === 0) {
    // nodes at this depth hold sub-shards only: each is needed for what it reveals
    return Infinity
  }
  return Math.ceil(missingBytes / mean * MARGIN)
}
