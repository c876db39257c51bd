/**
 * The drop-ins read a HAMT root that `@helia/unixfs` chmod/touch wrote
 * without `hashType` as murmur3 (see `legacy-root.ts`). This wraps the
 * node's directories so that a call the engine refuses for such a root runs
 * again on the root rewritten with hashType 0x22 (its block put once,
 * remembered). `ls` and `stat` then list and count the same
 * entries (`stat` still reports the CID it was given, from its own block); an
 * edit's result links the repaired root, so it carries hashType from then on.
 */

import { repairHashType } from './legacy-root.js'
import type { CidOptions, CreateOptions, CpOptions, Directory, DirectoryEntry, DirectoryStat, DynamicDirectories, OpenOptions, RmOptions } from '../interface.js'
import type { CID } from 'multiformats/cid'

export function repairing (service: DynamicDirectories): DynamicDirectories {
  const blockstore = service.blockstore
  const repaired = new Map<string, CID>()

  /** Runs `fn` on `cid`, and again on its repair when the engine refuses a hashType-less root */
  const retry = async <T>(cid: CID, options: { signal?: AbortSignal }, fn: (cid: CID) => Promise<T>): Promise<T> => {
    const known = repaired.get(cid.toString())
    if (known != null) {
      return fn(known)
    }
    try {
      return await fn(cid)
    } catch (err: any) {
      if (err.name !== 'InvalidShardError') {
        throw err
      }
      const fixed = await repairHashType(blockstore, cid, { signal: options.signal })
      if (fixed == null) {
        throw err
      }
      repaired.set(cid.toString(), fixed)
      return fn(fixed)
    }
  }

  return {
    blockstore,
    create: (options?: CreateOptions): Directory => service.create(options),
    open: async (cid: CID, options: OpenOptions = {}) => retry(cid, options, async (at) => service.open(at, options)),
    cp: async (source: CID, target: CID, name: string, options: CpOptions = {}) => retry(target, options, async (at) => service.cp(source, at, name, options)),
    rm: async (target: CID, name: string, options: RmOptions = {}) => retry(target, options, async (at) => service.rm(at, name, options)),
    stat: async (cid: CID, options: CidOptions = {}): Promise<DirectoryStat> => retry(cid, options, async (at) => service.stat(at, options)),
    ls: async function * (cid: CID, options: CidOptions = {}): AsyncGenerator<DirectoryEntry> {
      // the first entry tells whether the engine reads this root; the rest follow
      const entries = await retry(cid, options, async (at) => {
        const listing = service.ls(at, options)
        const first = await listing.next()
        return { listing, first }
      })
      if (entries.first.done === true) {
        return
      }
      yield entries.first.value
      yield * entries.listing
    }
  }
}
