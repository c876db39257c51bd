/**
 * What keeps the MFS through `helia.gc()`: kubo keeps its MFS root as a
 * best-effort GC root (the local blocks reachable from it stay, missing ones
 * are skipped, nothing is fetched); Helia's gc keeps what `pins.isPinned`
 * reports and deletes the rest.
 *
 * - Every block the MFS writes or reads beside the engine (file content, a
 * `cp` source's root, each directory root it opens; `wrap`, `beforeRead`)
 * is pinned with depth 0 before the write or the read, so a gc between the
 * two finds it pinned; each directory block a flush wrote is pinned as this
 * node's own right after. A pin of one block walks nothing: it costs a few
 * datastore writes, once per block. The engine's own reads and writes (on
 * the node's shared `helia.directories`) are not wrapped: a gc holds the
 * MFS's lock from its sweep to its end, so no directory is written while it
 * runs, and the sweep has pinned every local block the roots reach.
 * - The pins are the block's multihash under the private-use multicodec
 * `MFS_PIN_CODEC`: never the CID an app pins, so `pins.add` of an app never
 * meets `AlreadyPinnedError` for a block the MFS holds, and an app's
 * `pins.rm` never unprotects one. Their metadata names the MFS roots
 * (datastore keys) that hold the block, and whether this node wrote it.
 * - `sweep` (run by `helia.gc()` once an `mfs()` is open on the node, before
 * Helia's own gc) unpins what the MFS no longer references: it walks the
 * LOCAL blocks reachable from the stored root and from the in-memory one
 * (offline: a block not in the blockstore is skipped, never fetched), pins
 * the local ones not pinned yet (a DAG that was local when `cp` linked
 * it), and unpins the rest, but for what a call still in progress touched.
 * That walk is kubo's `BestEffortRoots` walk, at the gc, not at a flush.
 * - A block this node wrote is read offline: when it is gone, the read fails
 * at once with LostBlockError instead of asking the network, which has
 * never seen it (the inner shard nodes of a HAMT the MFS wrote excepted:
 * the engine reads those).
 */

import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { blockKey, readBlock } from '../drop-in/engine.js'
import { LostBlockError } from './errors.js'
import type { DirectoryBlocks } from '../interface.js'
import type { GraphWalkerFactory, Pins } from '@helia/interface'
import type { AbortOptions } from '@libp2p/interface'

/** The multicodec (private-use range) of the CIDs under which the MFS pins blocks */
export const MFS_PIN_CODEC = 0x306d66

/** How many blocks the sweep's walk reads at once */
const WALK_CONCURRENCY = 32

/** The most block states kept in memory; then the map starts again (a state is looked up in the datastore) */
const KNOWN_LIMIT = 65_536

/** The blocks it protects: the directories' `blockstore`, whose reads take `offline` */
export type ProtectedBlockstore = DirectoryBlocks

/** The pins API the protection uses: Helia's `helia.pins` */
export type MfsPins = Pick<Pins, 'add' | 'rm' | 'get' | 'ls' | 'setMetadata'>

/** What the MFS's pin of a block says */
interface PinState {
  /** The MFS roots (datastore keys) that hold the block */
  roots: string[]
  /** This node wrote the block */
  written: boolean
}

/** What the sweep did */
export interface SweepResult {
  /** Local blocks reachable from the roots */
  reached: number
  /** Pins added for reached blocks that had none */
  pinned: number
  /** Pins this MFS dropped */
  unpinned: number
}

/** Calls on one block's pin, in order: every MFS of a node (one `pins`) queues on the same chains */
const chainsOf = new WeakMap<object, Map<string, Promise<unknown>>>()

function pinCid (cid: CID): CID {
  return CID.createV1(MFS_PIN_CODEC, cid.multihash)
}

/** A walker that yields the pinned block alone, reading nothing: a depth-0 pin that cannot fetch */
const blockOnly: GraphWalkerFactory = () => ({
  async * walk (cid: CID) {
    yield { block: { cid } as any, depth: 0, path: [cid] }
  }
})

async function drain (source: AsyncIterable<unknown>): Promise<void> {
  const iterator = source[Symbol.asyncIterator]()
  let done = false
  while (!done) {
    done = (await iterator.next()).done === true
  }
}

function encode (state: PinState): Record<string, string | boolean> {
  return { mfs: JSON.stringify(state.roots), written: state.written }
}

function decode (metadata: Record<string, unknown>): PinState {
  let roots: unknown
  try {
    roots = JSON.parse(String(metadata.mfs))
  } catch {
    // not an MFS pin's: no roots
  }
  return { roots: Array.isArray(roots) ? roots.map(String) : [], written: metadata.written === true }
}

export class Protection {
  private readonly store: ProtectedBlockstore
  private readonly pins: MfsPins
  /** The datastore key of this MFS's root */
  private readonly root: string
  /** Pin states looked up or made (undefined: no MFS pin) */
  private known = new Map<string, PinState | undefined>()
  private readonly chains: Map<string, Promise<unknown>>
  /** A counter that orders touches against calls' starts */
  private clock = 0
  /** When each block was last touched by a call in progress */
  private readonly touched = new Map<string, number>()
  /** The calls in progress, by when they started */
  private readonly calls = new Set<{ start: number }>()

  constructor (store: ProtectedBlockstore, pins: MfsPins, root: string) {
    this.store = store
    this.pins = pins
    this.root = root
    let chains = chainsOf.get(pins)
    if (chains == null) {
      chains = new Map()
      chainsOf.set(pins, chains)
    }
    this.chains = chains
  }

  /** The node's blockstore, with every block written or read pinned first, and this node's own blocks read offline */
  wrap (): ProtectedBlockstore {
    const store = this.store
    const protection = this
    return {
      async put (cid, bytes, options) {
        await protection.protect(cid, true, options)
        return store.put(cid, bytes, options)
      },
      async * get (cid, options) {
        const written = await protection.beforeRead(cid, options)
        yield * store.get(cid, written ? { ...options, offline: true } : options)
      },
      has: async (cid, options) => store.has(cid, options)
    }
  }

  /**
   * Before a read of the block: pins it, and fails with LostBlockError when
   * this node wrote it and it is gone (no other node has it to ask). True
   * when this node wrote it: read it offline.
   */
  async beforeRead (cid: CID, options: AbortOptions = {}): Promise<boolean> {
    const state = await this.protect(cid, false, options)
    if (state?.written !== true) {
      return false
    }
    if (!await this.store.has(cid, options)) {
      throw new LostBlockError(`Block ${cid} was written by this node's MFS and is no longer in the blockstore: no other node has been asked for it`)
    }
    return true
  }

  /** Marks a call in progress: what it touches is kept by a sweep until it ends */
  begin (): () => void {
    const call = { start: this.clock++ }
    this.calls.add(call)
    return () => {
      this.calls.delete(call)
      if (this.calls.size === 0) {
        // what a sweep keeps for calls in progress: none is
        this.touched.clear()
      }
    }
  }

  /**
   * Pins the block for this MFS (depth 0, nothing read), unless it is;
   * `written` records that this node wrote it. Undefined for an identity
   * CID, which has no block.
   */
  async protect (cid: CID, written: boolean, options: AbortOptions = {}): Promise<PinState | undefined> {
    if (cid.multihash.code === identity.code) {
      return undefined
    }
    const key = blockKey(cid)
    this.touched.set(key, this.clock++)
    const known = this.known.get(key)
    if (known != null && (known.written || !written) && known.roots.includes(this.root)) {
      return known
    }
    return this.serial(key, async () => {
      const state = this.known.has(key) ? this.known.get(key) : await this.lookup(cid, options)
      const next: PinState = { roots: [...new Set([...(state?.roots ?? []), this.root])], written: written || state?.written === true }
      if (state == null) {
        await drain(this.pins.add(pinCid(cid), { depth: 0, walker: blockOnly, metadata: encode(next), signal: options.signal }))
      } else if (next.written !== state.written || next.roots.length !== state.roots.length) {
        await this.pins.setMetadata(pinCid(cid), encode(next), options)
      }
      this.remember(key, next)
      return next
    })
  }

  /**
   * Unpins, for this MFS, every block it pinned that is neither reached by
   * a walk of the local blocks under `roots` nor touched by a call still in
   * progress, and pins the local blocks reached that it had not pinned.
   * Reads only local blocks (offline). Run with the MFS's lock held.
   */
  async sweep (roots: CID[], options: AbortOptions = {}): Promise<SweepResult> {
    const since = Math.min(this.clock, ...[...this.calls].map(call => call.start))
    const reached = await this.walk(roots, options)
    const result: SweepResult = { reached: reached.size, pinned: 0, unpinned: 0 }
    const pinned = new Map<string, PinState>()
    const drop: CID[] = []
    // what the listing does not hold is not pinned, whatever was remembered (an app may unpin)
    this.known = new Map()
    for await (const pin of this.pins.ls(options)) {
      if (pin.cid.code !== MFS_PIN_CODEC) {
        continue
      }
      const key = blockKey(pin.cid)
      const state = decode(pin.metadata)
      pinned.set(key, state)
      this.remember(key, state)
      if (state.roots.includes(this.root) && !reached.has(key) && (this.touched.get(key) ?? -1) < since) {
        drop.push(pin.cid)
      }
    }
    // pins first: a sweep that fails half way has dropped nothing it reached
    for (const [key, cid] of reached) {
      const state = pinned.get(key)
      if (state == null || !state.roots.includes(this.root)) {
        await this.protect(cid, false, options)
        result.pinned++
      }
    }
    for (const cid of drop) {
      options.signal?.throwIfAborted()
      if (await this.release(cid, since, options)) {
        result.unpinned++
      }
    }
    for (const [key, at] of this.touched) {
      if (at < since) {
        this.touched.delete(key)
      }
    }
    return result
  }

  /** Drops this MFS from the block's pin, and the pin with the last root; false when touched meanwhile */
  private async release (cid: CID, since: number, options: AbortOptions): Promise<boolean> {
    const key = blockKey(cid)
    return this.serial(key, async () => {
      if ((this.touched.get(key) ?? -1) >= since) {
        return false
      }
      const state = await this.lookup(cid, options)
      const roots = state?.roots.filter(root => root !== this.root) ?? []
      if (state != null && roots.length > 0) {
        await this.pins.setMetadata(cid, encode({ roots, written: state.written }), options)
        this.remember(key, { roots, written: state.written })
      } else if (state != null) {
        await drain(this.pins.rm(cid, { walker: blockOnly, signal: options.signal }))
        this.remember(key, undefined)
      }
      return state != null
    })
  }

  /** The local blocks reachable from `roots`, read offline: a missing block is skipped */
  private async walk (roots: CID[], options: AbortOptions): Promise<Map<string, CID>> {
    const reached = new Map<string, CID>()
    const seen = new Set<string>()
    let frontier = roots
    while (frontier.length > 0) {
      const next: CID[] = []
      const todo = frontier.filter(cid => {
        const key = blockKey(cid)
        if (seen.has(key) || cid.multihash.code === identity.code) {
          return false
        }
        seen.add(key)
        return true
      })
      for (let i = 0; i < todo.length; i += WALK_CONCURRENCY) {
        options.signal?.throwIfAborted()
        await Promise.all(todo.slice(i, i + WALK_CONCURRENCY).map(async cid => {
          if (!await this.store.has(cid, options)) {
            return
          }
          reached.set(blockKey(cid), cid)
          if (cid.code !== dagPb.code) {
            return
          }
          try {
            for (const link of dagPb.decode(await readBlock(this.store, cid, { signal: options.signal, offline: true } as AbortOptions)).Links) {
              next.push(link.Hash)
            }
          } catch (err: any) {
            if (options.signal?.aborted === true) {
              throw err
            }
            // gone meanwhile, or not dag-pb after all: kept, its links unknown
          }
        }))
      }
      frontier = next
    }
    return reached
  }

  /** The MFS pin of the block, if there is one */
  private async lookup (cid: CID, options: AbortOptions): Promise<PinState | undefined> {
    try {
      const pin = await this.pins.get(pinCid(cid), options)
      return decode(pin.metadata)
    } catch (err: any) {
      if (err.name === 'NotFoundError') {
        return undefined
      }
      throw err
    }
  }

  private remember (key: string, state: PinState | undefined): void {
    if (this.known.size >= KNOWN_LIMIT) {
      this.known = new Map()
    }
    this.known.set(key, state)
  }

  /** Runs `fn` after every call queued on the block's pin */
  private async serial <T> (key: string, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(key) ?? Promise.resolve()
    const run = before.then(fn, fn)
    const settled = run.catch(() => {})
    this.chains.set(key, settled)
    void settled.then(() => {
      if (this.chains.get(key) === settled) {
        this.chains.delete(key)
      }
    })
    return run
  }
}
