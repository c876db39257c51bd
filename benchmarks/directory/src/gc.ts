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
