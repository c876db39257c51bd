/**
 * The errors of `@helia/unixfs` that the engine has no class for, with the
 * same `name`s, and the one translation a drop-in needs: the engine wraps a
 * failed block read in a BlockFetchError, where `@helia/unixfs` lets the
 * blockstore's own NotFoundError (or Helia's offline error) through.
 */

/** A source or node that is not UnixFS (`cp` of a dag-cbor or identity CID, a dag-pb node without UnixFS data) */
export class NotUnixFSError extends Error {
  static name = 'NotUnixFSError'
  /** Always `'NotUnixFSError'`: match on it, not on the message */
  name = 'NotUnixFSError'

  constructor (message = 'Not a UnixFS node', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A dag-pb node that cannot be read as `@helia/unixfs` expects (`stat` with `extended`) */
export class InvalidPBNodeError extends Error {
  static name = 'InvalidPBNodeError'
  /** Always `'InvalidPBNodeError'`: match on it, not on the message */
  name = 'InvalidPBNodeError'

  constructor (message = 'Invalid PBNode', options?: ErrorOptions) {
    super(message, options)
  }
}

/** Names a blockstore gives a block it does not have */
const MISSING = new Set(['NotFoundError', 'BlockNotFoundWhileOfflineError'])

/** True when `err` is a blockstore's "this block is not here" */
export function isMissingBlock (err: unknown): boolean {
  return MISSING.has((err as Error | undefined)?.name ?? '')
}

/**
 * The error `@helia/unixfs` would throw for what the engine threw: a
 * BlockFetchError caused by a missing block becomes that cause.
 */
export function peerError (err: unknown): unknown {
  const cause = (err as Error | undefined)?.cause
  if ((err as Error | undefined)?.name === 'BlockFetchError' && isMissingBlock(cause)) {
    return cause
  }
  return err
}

/** Runs `fn`, throwing `@helia/unixfs`'s error for whatever the engine throws */
export async function asPeer <T> (fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw peerError(err)
  }
}
