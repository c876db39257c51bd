/**
 * The unloaded nodes a size check may ask for, kept as one max-heap per
 * depth by cumulative size, so a burst weighs only the largest few at each
 * depth.
 */

/** An unloaded node a plan may ask for */
export interface Candidate {
  readonly depth: number
  /** Its link's cumulative size */
  readonly tsize: number
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
