/**
 * The block fetcher: every block a service's directories read goes through
 * here, and it knows blocks only.
 *
 * At most `limit` requests that a caller waits on are on the wire at once;
 * more wait for room. Foreground requests (what a caller waits for) go first:
 * a background request (prefetch) is sent only while no foreground request is
 * on its way or waiting, so it uses what the foreground leaves idle. A block
 * already on its way is joined, not asked for again, by any caller (another
 * version, another burst, a later call).
 *
 * A request on the wire is never cancelled because its callers left (a
 * caller's abort, a prefetch that ends, a tree leaving the cache): it is left
 * to land in the blockstore, where a later call finds it, or joined by a
 * later caller. Cancelling it would be worse than waiting: @helia/bitswap
 * sends no CANCEL, so the peer counts the block as sent and never answers a
 * repeat want on that connection. Such orphaned requests take room of their
 * own beside the callers' `limit`, at most `limit` more, so they never starve
 * the foreground while they land and stay bounded if they never do.
 *
 * Only `cancelAll` (a stop of the service) and the stall timeout end requests
 * on the wire. A block whose request they ended gets a deadline when it is
 * asked for again, for the reason above. Those deadlines belong to the
 * connection that got the want: a stop of the service, or a new connection
 * to a peer, forgets them (see `forgetCancelled`).
 *
 * With `stallTimeoutMs`, every request on the wire fails with a
 * FetchStalledError once no request has landed for that long (a peer that
 * hung up mid-listing); without it, only the callers' signals bound a wait.
 * Failures are typed: the caller's abort reason, a BlockVerificationError
 * (see `verify.ts`), a FetchStalledError, or a BlockFetchError.
 *
 * A `source` (the trustless gateways, see `gateway/`) is asked for each
 * block before the blockstore; when it has no answer, the blockstore
 * (Bitswap) is read, with the stall bound counted afresh.
 */

import { defaultLogger } from '@libp2p/logger'
import { raceSignal } from 'race-signal'
import { blockKey, readBlock } from './blocks.js'
import { BlockFetchError, BlockVerificationError, FetchStalledError } from './errors.js'
import type { BlockReader } from './blocks.js'
import type { Logger } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

export interface FetchOptions {
  signal: AbortSignal
  /** Sent only while nothing in the foreground is on its way or waiting */
  background?: boolean
  /**
   * Asked once the request may go out, after any wait for room or for the
   * foreground: when it returns true (the block landed meanwhile through
   * another caller), nothing is sent and `get` resolves to undefined
   */
  skip?(): boolean
}

/** What a walk or a path load is about to ask for: a source may fetch it in one response */
export type StreamRequest =
  /** Every shard node of the HAMT under `root` */
  | { scope: 'entity', root: CID, covers: CID[] }
  /** The shard nodes on `name`'s path in the HAMT under `root` */
  | { scope: 'block', root: CID, name: string, covers: CID[] }

/** Asked for each block before the blockstore */
export interface BlockSource {
  /** The block's bytes, checked against its CID's multihash and stored in the blockstore; undefined to read the blockstore instead */
  get(cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array | undefined>
  /** The blocks in `covers` (and what they link to) will be asked for next; the returned function says they are no longer wanted */
  expect(request: StreamRequest, signal: AbortSignal): () => void
}

export interface BlockFetcherInit {
  /** The most requests a caller waits on that are on the wire at once; as many more may be left to land with no caller */
  limit: number
  /** How long a block whose request was cancelled in flight may take when asked for again */
  refetchTimeoutMs: number
  /** Fail every request on the wire once none has landed for this long; undefined: never */
  stallTimeoutMs?: number
  /** Where it logs (the node's logger's `helia:dynamic-directory:fetch`) */
  log?: Logger
  /** Asked before the blockstore */
  source?: BlockSource
}

interface Request {
  bytes: Promise<Uint8Array>
  controller: AbortController
  /** Callers whose signals have not aborted */
  holders: number
  /** On the wire with no caller left: it lands for the next caller, or in the blockstore */
  orphan: boolean
  /** Landed, failed or cancelled */
  ended: boolean
}

/** A caller waiting on a request, told of its signal's abort */
interface Holder {
  request: Request
  abort(reason: unknown): void
}

export class BlockFetcher {
  readonly limit: number
  private readonly blockstore: BlockReader
  private readonly refetchTimeoutMs: number
  private readonly log: Logger
  private readonly requests = new Map<string, Request>()
  /** Requests on the wire with no caller left */
  private orphans = 0
  /** Blocks whose request was cancelled in flight */
  private readonly cancelled = new Set<string>()
  /**
   * The callers waiting under each signal. A walk keeps hundreds of requests
   * on the wire under one signal; a listener per request would make every
   * add and remove scan them all (an EventTarget checks for duplicates), so a
   * signal gets one listener, which tells all its holders.
   */
  private readonly holders = new WeakMap<AbortSignal, Set<Holder>>()
  private landed = Promise.withResolvers<void>()
  /** Resolved when a caller's room frees up: a request landed, or lost its last caller */
  private freed = Promise.withResolvers<void>()
  /** Foreground calls not settled yet */
  private foreground = 0
  private idle = Promise.withResolvers<void>()
  private readonly stallTimeoutMs?: number
  /** When a request last landed, or was sent with none on the wire */
  private progressAt = 0
  private stallTimer?: ReturnType<typeof setTimeout>
  private readonly source?: BlockSource
  /** Requests the source is answering: its own stall bound applies to them */
  private withSource = 0

  constructor (blockstore: BlockReader, init: BlockFetcherInit) {
    this.log = init.log ?? defaultLogger().forComponent('helia:dynamic-directory:fetch')
    this.blockstore = blockstore
    this.limit = init.limit
    this.refetchTimeoutMs = init.refetchTimeoutMs
    this.stallTimeoutMs = init.stallTimeoutMs
    this.source = init.source
  }

  /** True when a source (the gateways) is asked before the blockstore */
  get hasSource (): boolean {
    return this.source != null
  }

  /** Tells the source what is about to be asked for; the returned function ends that */
  expect (request: StreamRequest, signal: AbortSignal): () => void {
    return this.source?.expect(request, signal) ?? (() => {})
  }

  /**
   * Forgets which blocks were cancelled in flight: their deadline guards a
   * repeat want on the connection that got the first one, and after a stop
   * or on a new connection there is none
   */
  forgetCancelled (): void {
    this.cancelled.clear()
  }

  /** Resolves once no request is on the wire, or after `maxMs` */
  async settled (maxMs: number): Promise<void> {
    const signal = AbortSignal.timeout(maxMs)
    try {
      while (this.requests.size > 0) {
        await this.landing(signal)
      }
    } catch {
      // waited long enough: the stop goes on
    }
  }

  /** Requests on the wire now, whether a caller waits on them or not */
  get inFlight (): number {
    return this.requests.size
  }

  /** Requests on the wire now that no caller waits on any more */
  get orphaned (): number {
    return this.orphans
  }

  /**
   * Ends every request on the wire with `reason` (a stop): the callers still
   * waiting reject with it, and the blocks get the refetch deadline until
   * `forgetCancelled`
   */
  cancelAll (reason: unknown): void {
    for (const request of this.requests.values()) {
      request.controller.abort(reason)
    }
  }

  /** True while `cid` is on its way */
  isInFlight (cid: CID): boolean {
    return this.requests.has(blockKey(cid))
  }

  /** The block's bytes: joins a request in flight, or sends one once there is room */
  async get (cid: CID, options: FetchOptions & { skip(): boolean }): Promise<Uint8Array | undefined>
  async get (cid: CID, options: FetchOptions): Promise<Uint8Array>
  async get (cid: CID, options: FetchOptions): Promise<Uint8Array | undefined> {
    const { signal } = options
    signal.throwIfAborted()
    if (options.background === true) {
      return this.request(cid, signal, true, options.skip)
    }
    this.foreground++
    try {
      return await this.request(cid, signal, false, options.skip)
    } finally {
      if (--this.foreground === 0) {
        this.idle.resolve()
        this.idle = Promise.withResolvers<void>()
      }
    }
  }

  private async request (cid: CID, signal: AbortSignal, background: boolean, skip?: () => boolean): Promise<Uint8Array | undefined> {
    const key = blockKey(cid)
    // a request being cancelled (a stop, a stall) is not joined: it ends in that reason, not this caller's
    const live = (): Request | undefined => {
      const request = this.requests.get(key)
      return request?.controller.signal.aborted === true ? undefined : request
    }
    const mustWait = (): 'room' | 'foreground' | undefined => {
      if (live() != null) {
        return undefined
      }
      if (background && this.foreground > 0) {
        return 'foreground'
      }
      // orphans have `limit` of room of their own: past it, they count against the callers'
      const held = this.requests.size - this.orphans
      return held >= this.limit || this.requests.size >= 2 * this.limit ? 'room' : undefined
    }
    let waited = false
    for (let wait = mustWait(); wait != null; wait = mustWait()) {
      waited = true
      await raceSignal(wait === 'foreground' ? this.idle.promise : this.freed.promise, signal)
    }
    signal.throwIfAborted()
    const joined = live()
    if (joined == null && waited && skip?.() === true) {
      // what it waited for landed through another caller meanwhile: reading it again is waste
      return undefined
    }
    return this.hold(joined ?? this.send(cid, key), signal)
  }

  /** Resolves when any request in flight ends (at once if none is) */
  async landing (signal: AbortSignal): Promise<void> {
    if (this.requests.size > 0) {
      await raceSignal(this.landed.promise, signal)
    }
  }

  private send (cid: CID, key: string): Request {
    const controller = new AbortController()
    const request: Request = { controller, holders: 0, orphan: false, ended: false, bytes: this.read(cid, key, controller.signal) }
    if (this.requests.size === 0) {
      this.progressAt = performance.now()
    }
    this.requests.set(key, request)
    this.watch()
    request.bytes
      .catch(err => { this.log('request for %c ended: %e', cid, err) })
      .finally(() => {
        request.ended = true
        this.adopt(request)
        if (this.requests.get(key) === request) {
          this.requests.delete(key)
        }
        this.progressAt = performance.now()
        this.landed.resolve()
        this.landed = Promise.withResolvers<void>()
        this.free()
      })
    return request
  }

  /** Waits for `request` as one of its callers: a caller that aborts stops waiting, and the request goes on */
  private async hold (request: Request, signal: AbortSignal): Promise<Uint8Array> {
    const aborted = Promise.withResolvers<never>()
    const holder: Holder = { request, abort: aborted.reject }
    const holders = this.holdersOf(signal)
    this.adopt(request)
    request.holders++
    holders.add(holder)
    try {
      return await Promise.race([request.bytes, aborted.promise])
    } finally {
      holders.delete(holder)
    }
  }

  private free (): void {
    this.freed.resolve()
    this.freed = Promise.withResolvers<void>()
  }

  /** `request` is no orphan any more: a caller joined it, or it ended */
  private adopt (request: Request): void {
    if (request.orphan) {
      request.orphan = false
      this.orphans--
    }
  }

  /** The holders under `signal`, with the one listener that aborts them all */
  private holdersOf (signal: AbortSignal): Set<Holder> {
    let holders = this.holders.get(signal)
    if (holders == null) {
      const created = new Set<Holder>()
      signal.addEventListener('abort', () => {
        for (const { request, abort } of created) {
          if (--request.holders === 0 && !request.ended) {
            // left to land: see the rule at the top
            request.orphan = true
            this.orphans++
            this.free()
          }
          abort(signal.reason)
        }
      }, { once: true })
      this.holders.set(signal, created)
      holders = created
    }
    return holders
  }

  /** Arms the stall timer while requests are on the wire; when it finds none landed for `stallTimeoutMs`, fails them all */
  private watch (): void {
    const limit = this.stallTimeoutMs
    if (limit == null || this.stallTimer != null || this.requests.size === 0) {
      return
    }
    const check = (): void => {
      this.stallTimer = undefined
      if (this.requests.size === 0) {
        return
      }
      const quiet = performance.now() - this.progressAt
      if (quiet < limit || this.withSource > 0) {
        // a request the source is answering is bounded by the source's own stall bound
        this.stallTimer = setTimeout(check, quiet < limit ? limit - quiet : limit)
        return
      }
      this.cancelAll(new FetchStalledError(`No block has arrived for ${Math.round(quiet)} ms with ${this.requests.size} requests on the wire (stallTimeoutMs ${limit}): the providers have gone quiet`))
    }
    this.stallTimer = setTimeout(check, limit)
  }

  private async read (cid: CID, key: string, signal: AbortSignal): Promise<Uint8Array> {
    const deadline = this.cancelled.has(key) ? AbortSignal.timeout(this.refetchTimeoutMs) : undefined
    try {
      let found: Uint8Array | undefined
      if (this.source != null) {
        this.withSource++
        try {
          found = await this.source.get(cid, { signal })
        } finally {
          this.withSource--
        }
      }
      if (found != null) {
        // the source hashed it against its CID before it answered
        return found
      }
      if (this.source != null) {
        // the source had no answer: the blockstore gets the whole stall bound
        this.progressAt = performance.now()
      }
      const bytes = await readBlock(this.blockstore, cid, { signal: deadline == null ? signal : AbortSignal.any([signal, deadline]) })
      this.cancelled.delete(key)
      return bytes
    } catch (err: any) {
      if (err instanceof BlockVerificationError) {
        throw err
      }
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
}
