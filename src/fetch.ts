/**
 * The shard loader: every shard block a Directory reads goes through here.
 *
 * It keeps at most `fetchBudget` requests in flight for the whole Directory,
 * joins a request already in flight instead of sending a second one for the
 * same link, decodes and checks each block, and attaches it to the retained
 * tree. A burst sends up to the free part of the budget at once and stops
 * waiting as soon as its `stop` condition holds; its requests still in flight
 * are left to land and be attached in the background, and are cancelled only
 * by the operation's own signal.
 *
 * A semaphore library would not fit: libp2p's `Queue` aborts a running job
 * once every waiter has aborted, which is what a burst's early stop must not
 * do to a request already on the wire.
 */

import { logger } from '@libp2p/logger'
import { CustomProgressEvent } from 'progress-events'
import { raceSignal } from 'race-signal'
import { readBlock } from './blocks.js'
import { Frontier } from './enumerate/frontier.js'
import { BlockFetchError } from './errors.js'
import { decodeShard } from './hamt/codec.js'
import { attach, unloadedOnPath } from './hamt/tree.js'
import type { BlockReader } from './blocks.js'
import type { Shard, UnloadedSlot } from './hamt/shard.js'
import type { UnloadedRef } from './hamt/tree.js'
import type { BurstProgress, DirectoryProgressEvents } from './progress.js'
import type { CID } from 'multiformats/cid'
import type { ProgressOptions } from 'progress-events'

const log = logger('helia:dynamic-directory:fetch')

export interface FetchStats {
  fetchedBlocks: number
  bursts: number
  largestBurst: number
}

export interface BurstOptions extends ProgressOptions<DirectoryProgressEvents> {
  /** Aborts with the caller: cancels this operation's requests in flight */
  signal: AbortSignal
}

export class ShardLoader {
  readonly stats: FetchStats = { fetchedBlocks: 0, bursts: 0, largestBurst: 0 }
  private readonly blockstore: BlockReader
  private readonly budget: number
  private readonly refetchTimeoutMs: number
  private readonly pending = new Map<UnloadedSlot, Promise<void>>()
  private readonly frontier = new Frontier()
  /** Blocks whose request a caller's signal cancelled in flight: shared by every loader of one owner */
  private readonly cancelled: Set<string>

  constructor (blockstore: BlockReader, budget: number, refetchTimeoutMs: number, cancelled: Set<string> = new Set()) {
    this.blockstore = blockstore
    this.budget = budget
    this.refetchTimeoutMs = refetchTimeoutMs
    this.cancelled = cancelled
  }

  /** Requests on the wire now */
  get inFlight (): number {
    return this.pending.size
  }

  /** Fetches one block outside any tree (a directory's root), counted as a burst of one */
  async fetchRoot (cid: CID, options: BurstOptions): Promise<Uint8Array> {
    this.countBurst(1)
    const bytes = await this.read(cid, options.signal)
    this.stats.fetchedBlocks++
    this.progress(options, 'lookup', 1, 1)
    return bytes
  }

  /** Loads every unloaded node on the path a name's hash takes, one level at a time */
  async loadPath (root: Shard, hash: Uint8Array, options: BurstOptions): Promise<void> {
    for (let ref = unloadedOnPath(root, hash); ref != null; ref = unloadedOnPath(root, hash)) {
      options.signal.throwIfAborted()
      const joined = this.pending.get(ref.slot)
      if (joined != null) {
        // someone else's request: wait for it, and ask again if it failed for them
        await raceSignal(joined.catch(() => {}), options.signal)
        continue
      }
      await this.waitForRoom(options.signal)
      if (this.pending.has(ref.slot)) {
        continue
      }
      this.countBurst(1)
      await raceSignal(this.load(ref, options.signal), options.signal)
      this.progress(options, 'lookup', 1, 1, root)
    }
  }

  /**
   * One burst: requests up to the free part of the budget from the frontier,
   * all at once, and waits until they have all arrived or `stop()` holds.
   * When every unloaded link is already in flight, waits for one to land.
   */
  async burst (root: Shard, reason: BurstProgress['reason'], stop: () => boolean, options: BurstOptions): Promise<void> {
    options.signal.throwIfAborted()
    const room = this.budget - this.inFlight
    const take = (): UnloadedRef[] => room > 0 ? this.frontier.take(root, room, slot => this.pending.has(slot)) : []
    let refs = take()

    if (refs.length === 0 && this.pending.size === 0 && root.totals.unloaded > 0) {
      // nothing on the wire, yet links left that the queue does not hold: rebuild it from the tree rather than spin
      this.frontier.rebuild(root)
      refs = take()
      if (refs.length === 0) {
        throw new Error('internal: the tree has unloaded links that the frontier cannot find')
      }
    }

    if (refs.length === 0) {
      await this.waitForLanding(options.signal)
      return
    }

    this.countBurst(refs.length)
    const decided = new AbortController()
    let arrived = 0

    const loads = refs.map(async ref => {
      await this.load(ref, options.signal)
      arrived++
      if (arrived === refs.length || stop()) {
        decided.abort()
      }
    })

    try {
      await raceSignal(Promise.all(loads), AbortSignal.any([decided.signal, options.signal]))
    } catch (err) {
      if (options.signal.aborted || !decided.signal.aborted) {
        throw err
      }
    } finally {
      this.progress(options, reason, refs.length, arrived, root)
    }

    if (arrived < refs.length) {
      log('burst stopped early: %d of %d arrived, %d left in flight', arrived, refs.length, this.inFlight)
    }
  }

  /** Starts the request for an unloaded link; resolves once its node is attached */
  private async load (ref: UnloadedRef, signal: AbortSignal): Promise<void> {
    const existing = this.pending.get(ref.slot)
    if (existing != null) {
      return existing
    }

    const root = rootOf(ref.parent)
    const request = (async () => {
      try {
        const bytes = await this.read(ref.slot.cid, signal)
        this.stats.fetchedBlocks++
        const node = decodeShard(bytes, { path: pathTo(ref.parent, ref.index), parentFanout: ref.parent.context.fanout })
        const child = attach(ref, node)
        if (child != null) {
          this.frontier.attached(root, child)
        }
      } catch (err) {
        this.frontier.failed(root, ref)
        throw err
      } finally {
        this.pending.delete(ref.slot)
      }
    })()
    this.pending.set(ref.slot, request)
    // a request left in flight by a burst that stopped waiting fails with nobody listening
    request.catch(err => { log('request for %c ended: %e', ref.slot.cid, err) })
    return request
  }

  /**
   * Reads a block. A block whose earlier request was cancelled in flight gets
   * a deadline: the peer may count it as sent and never answer again on this
   * connection, and that must end in an error that says so, not a silent hang.
   */
  private async read (cid: CID, signal: AbortSignal): Promise<Uint8Array> {
    const key = cid.toV1().toString()
    const deadline = this.cancelled.has(key) ? AbortSignal.timeout(this.refetchTimeoutMs) : undefined
    try {
      const bytes = await readBlock(this.blockstore, cid, { signal: deadline == null ? signal : AbortSignal.any([signal, deadline]) })
      this.cancelled.delete(key)
      return bytes
    } catch (err: any) {
      if (signal.aborted) {
        this.cancelled.add(key)
        throw signal.reason ?? err
      }
      if (deadline?.aborted === true) {
        throw new BlockFetchError(`Block ${cid} was cancelled in flight by an earlier call and has not arrived within ${this.refetchTimeoutMs} ms of being asked for again: ` +
          '@helia/bitswap sends no CANCEL, so the peer may count it as sent and not answer a repeat want on the same connection; reconnect to the peer and retry', { cause: err })
      }
      throw new BlockFetchError(`Could not fetch block ${cid}`, { cause: err })
    }
  }

  private async waitForRoom (signal: AbortSignal): Promise<void> {
    while (this.inFlight >= this.budget) {
      await this.waitForLanding(signal)
    }
  }

  private async waitForLanding (signal: AbortSignal): Promise<void> {
    if (this.pending.size === 0) {
      return
    }
    await raceSignal(Promise.race([...this.pending.values()].map(async p => p.catch(() => {}))), signal)
  }

  private countBurst (requested: number): void {
    this.stats.bursts++
    this.stats.largestBurst = Math.max(this.stats.largestBurst, requested)
  }

  private progress (options: BurstOptions, reason: BurstProgress['reason'], requested: number, arrived: number, root?: Shard): void {
    options.onProgress?.(new CustomProgressEvent<BurstProgress>('dynamic-directory:burst', {
      reason,
      requested,
      arrived,
      knownBytes: root?.totals.bytes ?? 0,
      sizeExact: root != null && root.totals.unloaded === 0
    }))
  }
}

function rootOf (shard: Shard): Shard {
  let root = shard
  while (root.parent != null) {
    root = root.parent
  }
  return root
}

/** The slots from the root down to `index` in `shard` */
function pathTo (shard: Shard, index: number): number[] {
  const path = [index]
  for (let node: Shard | undefined = shard; node?.parent != null; node = node.parent) {
    path.unshift(node.parentSlot)
  }
  return path
}
