/**
 * The datastore key of the root CID: the one `@helia/mfs` writes (its code
 * says `/locals/filesroot`, its docs and kubo `/local/filesroot`), so an app
 * that swaps `@helia/mfs` for this finds the files it already has. Pass
 * `init.key: '/local/filesroot'` for kubo's.
 */
export const DEFAULT_ROOT_KEY = '/locals/filesroot'

/** kubo's `Internal.MFSNoFlushLimit` default */
export const DEFAULT_NO_FLUSH_LIMIT = 256
