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

/** A background prefetch's progress, sent as each node lands and once when it ends */
export interface PrefetchProgress {
  /** Nodes fetched so far */
  fetched: number
  /** The most it may fetch */
  bound: number
  /** True once it has ended: everything loaded, bound reached, stopped, closed or aborted */
  done: boolean
}

/** The progress events Directory operations send to `onProgress` */
export type DirectoryProgressEvents =
  ProgressEvent<'dynamic-directory:burst', BurstProgress>

/** What a prefetch reports, to `open(cid, { prefetch: { onProgress } })` */
export type PrefetchProgressEvents =
  ProgressEvent<'dynamic-directory:prefetch', PrefetchProgress>
