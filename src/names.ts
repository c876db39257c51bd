import { InvalidParametersError } from './errors.js'

/**
 * Why a name cannot be a directory entry, or undefined when it can. Empty
 * names, path separators, `.` and `..` would make paths through the
 * directory ambiguous; lone surrogates have no UTF-8 form, so they cannot be
 * written to a link name and read back as the same string.
 */
export function invalidNameReason (name: unknown): string | undefined {
  if (typeof name !== 'string') {
    return 'a name must be a string'
  }
  if (name === '') {
    return 'a name must not be empty'
  }
  if (name === '.' || name === '..') {
    return `a name must not be "${name}"`
  }
  if (name.includes('/')) {
    return 'a name must not contain "/"'
  }
  if (!name.isWellFormed()) {
    return 'a name must be well-formed UTF-16 (no lone surrogates)'
  }
  return undefined
}

export function assertValidName (name: unknown): asserts name is string {
  const reason = invalidNameReason(name)
  if (reason != null) {
    throw new InvalidParametersError(`Invalid entry name ${JSON.stringify(name)}: ${reason}`)
  }
}
