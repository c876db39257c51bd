/**
 * The totals of `stat` with `extended` for a directory: every block of the
 * DAG under it, counted as `@helia/unixfs` counts them (`blocks` and
 * `dagSize` count a block each time the DAG reaches it, `uniqueBlocks` and
 * `deduplicatedDagSize` once, `localSize` the file bytes present, and the
 * directory's `size` the sum of its files' sizes). `@helia/unixfs` reads the
 * blocks one at a time; this walk reads up to `concurrency` at once and
 * counts a sub-DAG reached twice from the totals of its first walk, without
 * reading it again.
 *
 * One difference, deliberate: an entry of a HAMT is told from a sub-shard by
 * the length of the shard's own prefix (from its fanout), where
 * `@helia/unixfs` assumes 2 characters, so at fanouts other than 256 its
 * `size` misses or adds entries.
 */

import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { base58btc } from 'multiformats/bases/base58'
import * as raw from 'multiformats/codecs/raw'
import { readBlock, prefixWidth } from '../../drop-in/engine.js'
import { InvalidPBNodeError, isMissingBlock, UnknownError } from '../../drop-in/errors.js'
import type { ReadOptions } from '../../drop-in/options.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export interface DagTotals {
  blocks: bigint
  uniqueBlocks: bigint
  dagSize: bigint
  deduplicatedDagSize: bigint
  localSize: bigint
  /** The sum of the file sizes under a directory */
  dirSize: bigint
}

/** What `stat`'s `filter` option must offer (a `@libp2p/utils` Filter) */
export interface SeenFilter {
  has(item: Uint8Array): boolean
  add(item: Uint8Array): void
}

type Counted = Pick<DagTotals, 'blocks' | 'dagSize' | 'localSize' | 'dirSize'>

const ZERO: Counted = { blocks: 0n, dagSize: 0n, localSize: 0n, dirSize: 0n }

/** An exact filter of CIDs seen, by their bytes */
export function exactFilter (): SeenFilter {
  const seen = new Set<string>()
  return {
    has: (item) => seen.has(base58btc.encode(item)),
    add: (item) => { seen.add(base58btc.encode(item)) }
  }
}

export async function dagTotals (blockstore: Pick<Blockstore, 'get'>, root: CID, filter: SeenFilter, options: ReadOptions, concurrency = 32): Promise<DagTotals> {
  const unique = { uniqueBlocks: 0n, deduplicatedDagSize: 0n }
  const walks = new Map<string, Promise<Counted>>()
  const slots = semaphore(concurrency)

  const visit = (cid: CID, isEntry: boolean): Promise<Counted> => {
    const key = `${isEntry ? 'e' : 'n'}${cid}`
    let walk = walks.get(key)
    if (walk == null) {
      walk = walkBlock(cid, isEntry)
      walks.set(key, walk)
    }
    return walk
  }

  const walkBlock = async (cid: CID, isEntry: boolean): Promise<Counted> => {
    const alreadySeen = filter.has(cid.bytes)
    filter.add(cid.bytes)
    let bytes: Uint8Array
    try {
      bytes = await slots(async () => readBlock(blockstore, cid, options))
    } catch (err) {
      if (options.offline === true && isMissingBlock(err)) {
        return ZERO
      }
      throw err
    }
    const size = BigInt(bytes.byteLength)
    if (!alreadySeen) {
      unique.uniqueBlocks++
      unique.deduplicatedDagSize += size
    }
    const counted: Counted = { blocks: 1n, dagSize: size, localSize: 0n, dirSize: 0n }

    if (cid.code === raw.code) {
      counted.localSize += size
      if (isEntry) {
        counted.dirSize += size
      }
      return counted
    }
    if (cid.code !== dagPb.code) {
      // @helia/unixfs's class and code for it (its `name` is InvalidPBNodeError)
      throw new UnknownError(`${cid} was neither DAG_PB nor RAW`)
    }

    const node = dagPb.decode(bytes)
    const unixfs = node.Data == null ? undefined : UnixFS.unmarshal(node.Data)
    if (node.Links.length === 0) {
      if (unixfs == null) {
        throw new InvalidPBNodeError(`PBNode ${cid} had no data`)
      }
      counted.localSize += BigInt(unixfs.data?.byteLength ?? 0)
      if (isEntry) {
        counted.dirSize += unixfs.fileSize()
      }
      return counted
    }

    const children = await Promise.all(node.Links.map(async link => visit(link.Hash, linkIsEntry(link, unixfs))))
    for (const child of children) {
      counted.blocks += child.blocks
      counted.dagSize += child.dagSize
      counted.localSize += child.localSize
      counted.dirSize += child.dirSize
    }
    if (isEntry && unixfs != null) {
      counted.dirSize += unixfs.fileSize()
    }
    return counted
  }

  const totals = await visit(root, false)
  return { ...totals, ...unique }
}

/** True when `link` names an entry of a directory (not a file chunk or a sub-shard) */
function linkIsEntry (link: dagPb.PBLink, parent: UnixFS | undefined): boolean {
  if (parent == null || link.Name == null) {
    return false
  }
  if (parent.type === 'directory') {
    return true
  }
  if (parent.type === 'hamt-sharded-directory') {
    const width = parent.fanout == null ? 2 : prefixWidth(Number(parent.fanout))
    return link.Name.length > width
  }
  return false
}

/** Runs at most `limit` tasks at once */
function semaphore (limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0
  const waiting: Array<() => void> = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= limit) {
      await new Promise<void>(resolve => { waiting.push(resolve) })
    } else {
      running++
    }
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next != null) {
        next()
      } else {
        running--
      }
    }
  }
}
