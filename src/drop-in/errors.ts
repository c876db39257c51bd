/**
 * The drop-in's errors are `@helia/unixfs`'s own classes (from
 * `@helia/unixfs/errors`, with their `name` and `code`), so code that checks
 * `err.code` or `instanceof` keeps working on the swap. The engine throws
 * its own classes (`src/errors.ts`); `peerError` turns them into
 * `@helia/unixfs`'s at the drop-in's edge, once, for every method (see
 * `unixfs.ts`), keeping the engine's error as the `cause`:
 *
 * | engine | drop-in |
 * | --- | --- |
 * | InvalidParametersError | `@helia/unixfs`'s InvalidParametersError (`ERR_INVALID_PARAMETERS`) |
 * | NotADirectoryError | `@helia/unixfs`'s NotADirectoryError (`ERR_NOT_A_DIRECTORY`) |
 * | AlreadyExistsError | `@helia/unixfs`'s AlreadyExistsError (`ERR_ALREADY_EXISTS`) |
 * | NotFoundError (a name or path segment absent) | NotFoundError with `code` `ERR_NOT_FOUND`, as the exporter's that `@helia/unixfs` lets through |
 * | BlockFetchError caused by a missing block | that cause: the blockstore's NotFoundError, or Helia's offline error, as `@helia/unixfs` lets them through |
 *
 * Anything else (the engine's BlockFetchError, InvalidShardError,
 * InvalidDirectoryError, ..., which `@helia/unixfs` has no class for) is
 * thrown as it is.
 */

import { AlreadyExistsError, InvalidParametersError, NotADirectoryError, UnixFSError } from '@helia/unixfs/errors'
import * as engine from '../errors.js'

export { AlreadyExistsError, DoesNotExistError, InvalidParametersError, InvalidPBNodeError, NoContentError, NotADirectoryError, NotAFileError, NotUnixFSError, UnixFSError, UnknownError } from '@helia/unixfs/errors'

/**
 * A name or path segment that is absent: the engine's NotFoundError with
 * the `code` of the exporter's (`ERR_NOT_FOUND`), which `@helia/unixfs`
 * throws for a path it cannot walk
 */
export class NotFoundError extends engine.NotFoundError {
  static code = 'ERR_NOT_FOUND'
  /** `ipfs-unixfs-exporter`'s and `interface-store`'s code for it */
  code = 'ERR_NOT_FOUND'
}

/** The engine's classes that `@helia/unixfs` has one of its own for, and that one */
const PEER_CLASSES: Array<[new (...args: any[]) => Error, new (message?: string) => Error]> = [
  [engine.InvalidParametersError, InvalidParametersError],
  [engine.NotADirectoryError, NotADirectoryError],
  [engine.AlreadyExistsError, AlreadyExistsError]
]

/** Names a blockstore gives a block it does not have */
const MISSING = new Set(['NotFoundError', 'BlockNotFoundWhileOfflineError'])

/** True when `err` is a blockstore's "this block is not here" */
export function isMissingBlock (err: unknown): boolean {
  return MISSING.has((err as Error | undefined)?.name ?? '')
}

/** The error `@helia/unixfs` would throw for what the drop-in or the engine threw */
export function peerError (err: unknown): unknown {
  if (!(err instanceof Error) || err instanceof UnixFSError) {
    return err
  }
  if (err.name === 'BlockFetchError' && isMissingBlock(err.cause)) {
    return err.cause
  }
  if (err instanceof engine.NotFoundError) {
    return err instanceof NotFoundError ? err : withCause(new NotFoundError(err.message), err)
  }
  const Peer = PEER_CLASSES.find(([Engine]) => err instanceof Engine)?.[1]
  return Peer == null ? err : withCause(new Peer(err.message), err)
}

/** Runs `fn`, throwing what `map` makes of whatever it throws: a drop-in's edge */
export async function mapErrors <T> (map: (err: unknown) => unknown, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw map(err)
  }
}

/** What `source()` yields, throwing what `map` makes of whatever it throws */
export async function * mapStreamErrors <T> (map: (err: unknown) => unknown, source: () => AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield * source()
  } catch (err) {
    throw map(err)
  }
}

/** Runs `fn`, throwing `@helia/unixfs`'s error for whatever it throws */
export async function asPeer <T> (fn: () => Promise<T>): Promise<T> {
  return mapErrors(peerError, fn)
}

/** What `source()` yields, throwing `@helia/unixfs`'s error for whatever it throws */
export function asPeerStream <T> (source: () => AsyncIterable<T>): AsyncGenerator<T> {
  return mapStreamErrors(peerError, source)
}

/** `@helia/unixfs`'s classes take no `{ cause }`: the engine's error is set after */
export function withCause <E extends Error> (peer: E, cause: Error): E {
  Object.defineProperty(peer, 'cause', { value: cause, writable: true, configurable: true, enumerable: false })
  return peer
}
