/**
 * The MFS throws `@helia/unixfs`'s error classes (from
 * `@helia/unixfs/errors`, with their `code`), as `@helia/mfs` does:
 * `DoesNotExistError` for a missing path is that class, and `mfsError`
 * turns the engine's errors into them at the MFS's edge (`mfs.ts`), once,
 * keeping the engine's error as the `cause`:
 *
 * | engine | mfs() |
 * | --- | --- |
 * | InvalidParametersError | `@helia/unixfs`'s InvalidParametersError (`ERR_INVALID_PARAMETERS`) |
 * | NotADirectoryError | `@helia/unixfs`'s NotADirectoryError (`ERR_NOT_A_DIRECTORY`) |
 * | AlreadyExistsError | `@helia/unixfs`'s AlreadyExistsError (`ERR_ALREADY_EXISTS`) |
 * | NotFoundError (a name absent) | DoesNotExistError (`ERR_DOES_NOT_EXIST`) |
 *
 * The others are for what `@helia/mfs` does not have (a refused
 * `recursive: false` rm, a move onto its own ancestor, the bound on
 * unflushed operations) or what it has
 * no class for (the engine's BlockFetchError, InvalidShardError, ...), and
 * are thrown as they are.
 */

import { AlreadyExistsError, DoesNotExistError, InvalidParametersError, NotADirectoryError, UnixFSError } from '@helia/unixfs/errors'
import { mapErrors, mapStreamErrors, withCause } from '../drop-in/errors.js'
import * as engine from '../errors.js'

/** A path that should exist does not: `@helia/unixfs`'s class, which `@helia/mfs` throws (`code` `ERR_DOES_NOT_EXIST`) */
export { DoesNotExistError }

/** `rm` with `recursive: false` of a directory that has entries, as kubo's `files rm` without `-r` */
export class DirectoryNotEmptyError extends Error {
  static name = 'DirectoryNotEmptyError'
  /** Always `'DirectoryNotEmptyError'`: match on it, not on the message */
  name = 'DirectoryNotEmptyError'

  constructor (message = 'directory is not empty', options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * A call with `flush: false` when `noFlushLimit` unflushed operations are
 * already held, as kubo refuses the next one at `Internal.MFSNoFlushLimit`
 */
export class NoFlushLimitError extends Error {
  static name = 'NoFlushLimitError'
  /** Always `'NoFlushLimitError'`: match on it, not on the message */
  name = 'NoFlushLimitError'

  constructor (message = 'too many unflushed operations', options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * `mv` onto a directory that holds its source (`mv('/a/b', '/a', { force:
 * true })`): replacing the destination would remove the source with it, so
 * the entry would be lost
 */
export class MoveOntoAncestorError extends Error {
  static name = 'MoveOntoAncestorError'
  /** Always `'MoveOntoAncestorError'`: match on it, not on the message */
  name = 'MoveOntoAncestorError'

  constructor (message = 'cannot move an entry onto a directory that contains it', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A block this node's MFS wrote is no longer in the blockstore: no other node is asked for it */
export class LostBlockError extends Error {
  static name = 'LostBlockError'
  /** Always `'LostBlockError'`: match on it, not on the message */
  name = 'LostBlockError'

  constructor (message = 'A block this MFS wrote is no longer in the blockstore', options?: ErrorOptions) {
    super(message, options)
  }
}

/** The engine's classes that `@helia/mfs` throws a `@helia/unixfs` class for, and that class */
const PEER_CLASSES: Array<[new (...args: any[]) => Error, new (message?: string) => Error]> = [
  [engine.InvalidParametersError, InvalidParametersError],
  [engine.NotADirectoryError, NotADirectoryError],
  [engine.AlreadyExistsError, AlreadyExistsError],
  [engine.NotFoundError, DoesNotExistError]
]

/** The error `@helia/mfs` would throw for what the MFS or the engine threw */
export function mfsError (err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof UnixFSError) {
    return err
  }
  const Peer = PEER_CLASSES.find(([Engine]) => err instanceof Engine)?.[1]
  if (Peer == null) {
    return err
  }
  return withCause(new Peer(err.message), err)
}

/** Runs `fn`, throwing `@helia/mfs`'s error for whatever it throws */
export async function asMfs <T> (fn: () => Promise<T>): Promise<T> {
  return mapErrors(mfsError, fn)
}

/** What `source()` yields, throwing `@helia/mfs`'s error for whatever it throws */
export function asMfsStream <T> (source: () => AsyncIterable<T>): AsyncGenerator<T> {
  return mapStreamErrors(mfsError, source)
}
