/**
 * What the drop-ins take of the engine's own helpers, named in one place:
 * `scripts/check-imports.js` lets `mfs/` and `unixfs/` import the public
 * surface (`interface.ts`, `errors.ts`, `factory.ts`), this room and
 * `compat/`, and nothing else of the engine. Whole-block reads and dag-pb
 * writes, a link's Tsize, a block's map key, UnixFS Data with its HAMT
 * fields, name checks, the read/write lock, and a HAMT's slot-prefix width.
 */

export { blockKey, childSize, readBlock, writeDagPb } from '../blocks.js'
export { prefixWidth } from '../hamt/codec.js'
export { ReadWriteLock } from '../lock.js'
export { invalidNameReason } from '../names.js'
export { decodeUnixFSData } from '../pb/unixfs-data.js'
