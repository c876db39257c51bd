/**
 * `mfs(helia)`: a drop-in for `@helia/mfs` 8.0.5's `mfs(helia)`, with its
 * `MFS` interface, options and errors (`@helia/unixfs/errors`' classes), on
 * this package's engine, plus what kubo's `ipfs files` has and `@helia/mfs`
 * lacks: `mv`, `mkdir` with `parents`, `rm` with `recursive: false` (kubo's
 * refusal of a directory with entries) and a `force` that ignores a missing path,
 * `flush()` and deferred writes (`flush: false`), one lock so concurrent
 * calls never lose an edit, and `ls` with long entries.
 *
 * Every directory a path goes through is opened on the engine and kept (see
 * `tree.ts`): a second edit under the same parent fetches and decodes no
 * directory block again, and a HAMT is edited by its retained shard tree,
 * fetching only the shards on the name's path and what proves its size.
 * File content is `@helia/unixfs`'s (adding, `cat`, `chmod`/`touch` of
 * files, `stat` of files).
 *
 * @example
 *
 * ```TypeScript
 * import { mfs } from 'helia-dynamic-directory/mfs'
 *
 * const fs = mfs(helia)
 * await fs.mkdir('/photos/2026', { parents: true })
 * await fs.writeBytes(bytes, '/photos/2026/a.jpg', { flush: false })
 * await fs.mv('/photos/2026/a.jpg', '/photos/a.jpg', { flush: false })
 * const root = await fs.flush()
 * ```
 */

import { DynamicMFS } from './mfs.js'
import type { MFS, MFSComponents, MFSInit } from './interface.js'

export * from './interface.js'
export { DoesNotExistError, DirectoryNotEmptyError, NoFlushLimitError } from './errors.js'
export { LostBlockError, MoveOntoAncestorError } from './errors.js'
export { DEFAULT_ROOT_KEY, DEFAULT_NO_FLUSH_LIMIT } from './constants.js'
export { MFS_PIN_CODEC } from './protect.js'

/**
 * A `@helia/mfs` drop-in on this package's engine: swap
 * `import { mfs } from '@helia/mfs'` for
 * `import { mfs } from 'helia-dynamic-directory/mfs'`.
 *
 * Every `mfs()` of a node (the same blockstore and datastore) and `key` is
 * one MFS: one root, one lock, one set of unflushed edits. Given a Helia
 * node (its `pins` and `gc`), the root and the local blocks it references
 * are kept through `helia.gc()`, and what it no longer references is
 * collected (see "What is kept" in docs/mfs.md).
 */
export function mfs (helia: MFSComponents, init: MFSInit = {}): MFS {
  return new DynamicMFS(helia, init)
}
