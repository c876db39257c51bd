/**
 * @packageDocumentation
 *
 * `unixfs(helia)`: a drop-in for `@helia/unixfs` 8.0.5's `unixfs(helia)`,
 * whose directory operations run on this package's engine. Swap one import:
 *
 * @example
 *
 * ```TypeScript
 * // import { unixfs } from '@helia/unixfs'
 * import { unixfs } from 'helia-dynamic-directory/unixfs'
 *
 * const fs = unixfs(helia)
 * const newRoot = await fs.rm(rootCid, 'old-file.txt')
 * ```
 */

import { DynamicUnixFS } from './unixfs.js'
import type { UnixFSComponents, UnixFSInit } from './unixfs.js'
import type { UnixFS } from '@helia/unixfs'

/**
 * `@helia/unixfs`'s own error classes (from `@helia/unixfs/errors`, with
 * their `code`): every error the drop-in throws that `@helia/unixfs` has a
 * class for is one of them
 */
export { NotUnixFSError, InvalidPBNodeError } from '../drop-in/errors.js'
/** `@helia/unixfs`'s import sources, so that swapping the import keeps them */
export { globSource, urlSource } from '@helia/unixfs'
export type { GlobSourceResult, GlobSourceOptions } from '@helia/unixfs'
export type { LsEntry } from './commands/ls.js'
export type { UnixFSComponents, UnixFSInit } from './unixfs.js'

/**
 * A `@helia/unixfs` drop-in whose directory operations run on this package's
 * engine: swap `import { unixfs } from '@helia/unixfs'` for
 * `import { unixfs } from 'helia-dynamic-directory/unixfs'`.
 */
export function unixfs (helia: UnixFSComponents, init: UnixFSInit = {}): UnixFS {
  return new DynamicUnixFS(helia, init)
}
