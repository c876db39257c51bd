import type { ProgressEvent } from 'progress-events'

/** One fetch burst's outcome, sent once the burst has stopped waiting */
export interface BurstProgress {
  /** Why the burst ran: opening a directory (its root), a size check, a listing, or a lookup on the path to a name */
  reason: 'open' | 'size-check' | 'list' | 'lookup'
  /** Blocks this burst requested */
  requested: number
  /** Of those, blocks that arrived before the burst stopped waiting */
  arrived: number
  /** Entry bytes counted over every loaded node, after the burst */
  knownBytes: number
  /** True when nothing is left unloaded */
  sizeExact: boolean
}

/** The progress events Directory operations send to `onProgress` */
export type DirectoryProgressEvents =
  ProgressEvent<'dynamic-directory:burst', BurstProgress>
