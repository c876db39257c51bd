/**
 * Typed errors in Helia's style: one class per failure, a stable `name` that
 * callers and tests match on (never the message), and `{ cause }` when wrapping.
 */

/** An argument is out of range or malformed: a bad name, fanout, threshold or option */
export class InvalidParametersError extends Error {
  static name = 'InvalidParametersError'
  /** Always `'InvalidParametersError'`: match on it, not on the message */
  name = 'InvalidParametersError'

  constructor (message = 'Invalid parameters', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A block that should hold a UnixFS directory or HAMT shard holds something else */
export class NotADirectoryError extends Error {
  static name = 'NotADirectoryError'
  /** Always `'NotADirectoryError'`: match on it, not on the message */
  name = 'NotADirectoryError'

  constructor (message = 'Not a UnixFS directory', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A HAMT shard node breaks the layout rules: hash type, fanout, bitfield, link names, depth, duplicates */
export class InvalidShardError extends Error {
  static name = 'InvalidShardError'
  /** Always `'InvalidShardError'`: match on it, not on the message */
  name = 'InvalidShardError'

  constructor (message = 'Invalid HAMT shard', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A block could not be decoded as dag-pb, or a child block as any supported codec */
export class InvalidBlockError extends Error {
  static name = 'InvalidBlockError'
  /** Always `'InvalidBlockError'`: match on it, not on the message */
  name = 'InvalidBlockError'

  constructor (message = 'Invalid block', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A block fetch failed for a reason other than the caller's abort */
export class BlockFetchError extends Error {
  static name = 'BlockFetchError'
  /** Always `'BlockFetchError'`: match on it, not on the message */
  name = 'BlockFetchError'

  constructor (message = 'Could not fetch block', options?: ErrorOptions) {
    super(message, options)
  }
}

/** The directory, or the Helia component that owns it, has been stopped */
export class NotStartedError extends Error {
  static name = 'NotStartedError'
  /** Always `'NotStartedError'`: match on it, not on the message */
  name = 'NotStartedError'

  constructor (message = 'Not started', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A name that should be absent is present (`cp` without `force`) */
export class AlreadyExistsError extends Error {
  static name = 'AlreadyExistsError'
  /** Always `'AlreadyExistsError'`: match on it, not on the message */
  name = 'AlreadyExistsError'

  constructor (message = 'Already exists', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A basic directory node breaks the rules: a bad or repeated link name, a link without Tsize */
export class InvalidDirectoryError extends Error {
  static name = 'InvalidDirectoryError'
  /** Always `'InvalidDirectoryError'`: match on it, not on the message */
  name = 'InvalidDirectoryError'

  constructor (message = 'Invalid directory', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A name that should be present is absent (`rm` of a missing name) */
export class NotFoundError extends Error {
  static name = 'NotFoundError'
  /** Always `'NotFoundError'`: match on it, not on the message */
  name = 'NotFoundError'

  constructor (message = 'Not found', options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * A block's bytes do not hash to the multihash of the CID that named it, or
 * the CID's hash function is not one this package can check (sha2-256,
 * sha2-512, identity): the bytes are not used
 */
export class BlockVerificationError extends Error {
  static name = 'BlockVerificationError'
  /** Always `'BlockVerificationError'`: match on it, not on the message */
  name = 'BlockVerificationError'

  constructor (message = 'Block bytes do not match their CID', options?: ErrorOptions) {
    super(message, options)
  }
}

/** A block could not be stored: the blockstore's `put` failed (its error is the `cause`) */
export class BlockWriteError extends Error {
  static name = 'BlockWriteError'
  /** Always `'BlockWriteError'`: match on it, not on the message */
  name = 'BlockWriteError'

  constructor (message = 'Could not store block', options?: ErrorOptions) {
    super(message, options)
  }
}

/** No block arrived for `stallTimeoutMs` while requests were on the wire: the providers have gone quiet */
export class FetchStalledError extends Error {
  static name = 'FetchStalledError'
  /** Always `'FetchStalledError'`: match on it, not on the message */
  name = 'FetchStalledError'

  constructor (message = 'No block arrived in time', options?: ErrorOptions) {
    super(message, options)
  }
}

/**
 * A trustless gateway's answer could not be used: an HTTP error, a stall, a
 * body that is not what was asked for, or a block that does not hash to its
 * CID. The request moves to the next gateway, then to the blockstore
 * (Bitswap); callers see this error only in logs and as a `cause`.
 */
export class GatewayError extends Error {
  static name = 'GatewayError'
  /** Always `'GatewayError'`: match on it, not on the message */
  name = 'GatewayError'

  constructor (message = 'The gateway failed', options?: ErrorOptions) {
    super(message, options)
  }
}
