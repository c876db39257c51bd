/**
 * The errors only the MFS throws. `DoesNotExistError` has the `name` (and
 * `code`) of `@helia/unixfs`'s, which `@helia/mfs` throws for a missing path;
 * the others are for what `@helia/mfs` does not have (a refused
 * non-recursive `rm`, the bound on unflushed operations).
 */

/** A path that should exist does not (`@helia/unixfs`'s and `@helia/mfs`'s name) */
export class DoesNotExistError extends Error {
  static name = 'DoesNotExistError'
  /** Always `'DoesNotExistError'`: match on it, not on the message */
  name = 'DoesNotExistError'
  /** `@helia/unixfs`'s code for it */
  code = 'ERR_DOES_NOT_EXIST'

  constructor (message = 'path does not exist', options?: ErrorOptions) {
    super(message, options)
  }
}

/** `rm` of a directory that has entries, without `recursive` */
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
