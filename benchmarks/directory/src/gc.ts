/**
 * Garbage collection for measurements: needs `node --expose-gc` (as
 * `npm run bench` runs it); without it, measurements that need a collection
 * say so.
 */

export function canCollect (): boolean {
  return typeof globalThis.gc === 'function'
}

/** Runs a full collection a few times, so finalizers and weak references settle */
export async function collectGarbage (): Promise<void> {
  if (typeof globalThis.gc !== 'function') {
    return
  }
  for (let i = 0; i < 3; i++) {
    globalThis.gc()
    await new Promise(resolve => setImmediate(resolve))
  }
}

/** What a Directory loaded whole holds in memory */
export interface LoadedHeap {
  /** Entries listed */
  listed: number
  /** Shard nodes the Directory holds */
  retained: number
  /** Heap growth, after a collection, over entries */
  heapPerEntry: number
  /** arrayBuffers growth (blocks the tree keeps) over entries */
  buffersPerEntry: number
}

/**
 * Opens a directory, lists it to the end (which loads the tree whole), and
 * measures the growth from before the open, the Directory still referenced
 */
export async function loadedHeap (open: () => Promise<{ entries(): AsyncIterable<unknown>, readonly stats: { retainedNodes: number } }>): Promise<LoadedHeap> {
  await collectGarbage()
  const before = process.memoryUsage()
  let directory: Awaited<ReturnType<typeof open>> | undefined = await open()
  let listed = 0
  for await (const entry of directory.entries()) {
    listed += entry != null ? 1 : 0
  }
  await collectGarbage()
  const after = process.memoryUsage()
  const retained = directory.stats.retainedNodes
  directory = undefined
  return {
    listed,
    retained,
    heapPerEntry: (after.heapUsed - before.heapUsed) / listed,
    buffersPerEntry: (after.arrayBuffers - before.arrayBuffers) / listed
  }
}
