/**
 * An entry's link as the engine holds it: a basic directory's entries, what
 * an edit puts, what a build takes. Its Tsize is a number (dag-pb writes
 * Tsize from a JS number); the public `DirectoryEntry` carries it as a bigint.
 */

import type { CID } from 'multiformats/cid'

export interface EntryLink {
  name: string
  cid: CID
  /** Tsize */
  size: number
}
