/**
 * The one builder of `dynamic-directory:burst` progress events: every fetch
 * round (an open, a size check, a lookup, a listing) reports through it.
 */

import { CustomProgressEvent } from 'progress-events'
import type { Totals } from '../hamt/shard.js'
import type { BurstProgress, DirectoryProgressEvents } from '../interface.js'
import type { ProgressOptions } from 'progress-events'

/** Sends one burst's outcome: how many blocks it asked for and got, and what the version now knows */
export function reportBurst (options: ProgressOptions<DirectoryProgressEvents>, reason: BurstProgress['reason'], requested: number, arrived: number, known: Pick<Totals, 'bytes' | 'unloaded'>): void {
  options.onProgress?.(new CustomProgressEvent<BurstProgress>('dynamic-directory:burst', {
    reason,
    requested,
    arrived,
    knownBytes: known.bytes,
    sizeExact: known.unloaded === 0
  }))
}
