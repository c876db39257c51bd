/**
 * Trustless HTTP gateways as a block source the block fetcher asks before the
 * blockstore (see `fetch.ts`). Whatever a gateway sends is hashed against its
 * CID and, in a CAR, accepted only when a verified block links to it (see
 * `verifier.ts`); every accepted block is put into the blockstore, so later
 * calls, the retained tree and other peers find it.
 *
 * A single block is one `GET /ipfs/<cid>?format=raw`. Requests go to the
 * gateways in turn (the ones that failed least first), and a gateway that
 * fails, stalls or lies passes the request to the next; when none answers,
 * the fetcher reads the blockstore (Bitswap).
 *
 * A listing or a path load says first what it will ask for (`expect`): one
 * `GET /ipfs/<root>?format=car&dag-scope=entity` (every shard node) or
 * `GET /ipfs/<root>/<name>?format=car&dag-scope=block` (the name's path) is
 * streamed, and a request for a block that stream may still bring waits for
 * it. A stream that fails or ends before it brought what it owed goes to the
 * next gateway; once none is left, what was not brought is asked for block
 * by block, as above.
 *
 * Only roots a gateway has served are streamed: a directory written locally
 * is not asked of gateways that cannot have it.
 */

import { defaultLogger } from '@libp2p/logger'
import { raceSignal } from 'race-signal'
import { blockKey } from '../blocks.js'
import { GatewayError, InvalidParametersError } from '../errors.js'
import { verifyBlock } from '../verify.js'
import { CarStream } from './car-stream.js'
import { DEFAULT_GATEWAY_STALL_MS, RAW_ACCEPT, gatewayUrl, readAll, request } from './client.js'
import type { CarStreamHost, Gateway } from './car-stream.js'
import type { BlockSource, StreamRequest } from '../fetch.js'
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The largest block a gateway may send for `?format=raw` */
const MAX_BLOCK_BYTES = 4 * 1024 * 1024
/** Roots remembered as served by a gateway */
const SERVED_ROOTS = 4096
/** Bytes of streamed blocks kept for the request that will take them, once stored */
const MAX_KEPT_BYTES = 32 * 1024 * 1024
/** Puts a stream may have in flight before it reads on */
const MAX_PENDING_PUTS = 64

export interface GatewaySourceInit {
  /** Base URLs: `https://gateway.example`, `http://127.0.0.1:8080` */
  gateways: string[]
  /** How long one gateway request may go without progress */
  stallTimeoutMs?: number
  /** The node's logger; `defaultLogger()` without one */
  logger?: ComponentLogger
}

type BlockChecker = Pick<Blockstore, 'has'>
export type GatewayBlockstore = Pick<Blockstore, 'put'> & Partial<BlockChecker>

/** The source for the `gateways` option: undefined when there are none */
export function gatewaySource (blockstore: GatewayBlockstore, gateways: unknown, stallTimeoutMs?: number, logger?: ComponentLogger): GatewaySource | undefined {
  if (!Array.isArray(gateways)) {
    throw new InvalidParametersError(`gateways must be an array of URLs, got ${String(gateways)}`)
  }
  return gateways.length === 0 ? undefined : new GatewaySource(blockstore, { gateways, stallTimeoutMs, logger })
}

/** A block a stream may still bring */
interface Slot {
  /** Streams that may bring it */
  streams: number
  /** Its bytes once verified, until a request takes them or the slot is let go (once stored) */
  bytes?: Uint8Array
  /** The blockstore holds it */
  stored?: boolean
  /** No stream's caller wants it any more: let go once stored */
  dropped?: boolean
  settled: PromiseWithResolvers<void>
}

export class GatewaySource implements BlockSource, CarStreamHost {
  private readonly gateways: Gateway[]
  private readonly blockstore: GatewayBlockstore
  private readonly stallTimeoutMs: number
  private readonly log: Logger
  private readonly slots = new Map<string, Slot>()
  private readonly streams = new Map<string, CarStream>()
  private readonly served = new Set<string>()
  /** Slots holding streamed bytes no request has taken yet, oldest first */
  private readonly kept = new Set<string>()
  private keptBytes = 0
  private readonly puts = new Set<Promise<void>>()
  private turn = 0

  constructor (blockstore: GatewayBlockstore, init: GatewaySourceInit) {
    this.blockstore = blockstore
    this.gateways = init.gateways.map(url => ({ url: gatewayUrl(url), failures: 0 }))
    this.stallTimeoutMs = init.stallTimeoutMs ?? DEFAULT_GATEWAY_STALL_MS
    this.log = (init.logger ?? defaultLogger()).forComponent('helia:dynamic-directory:gateway')
  }

  async get (cid: CID, options: { signal: AbortSignal }): Promise<Uint8Array | undefined> {
    const { signal } = options
    const key = blockKey(cid)
    const slot = this.slots.get(key)
    if (slot != null) {
      await raceSignal(slot.settled.promise, signal)
      if (slot.bytes != null) {
        // the walk asks for each node once: the bytes go with the request
        this.letGo(key, slot)
        return slot.bytes
      }
    }
    if (await this.blockstore.has?.(cid, { signal }) === true) {
      return undefined
    }
    return this.fetchRaw(cid, signal)
  }

  expect (wanted: StreamRequest, signal: AbortSignal): () => void {
    if (!this.served.has(blockKey(wanted.root)) || signal.aborted) {
      return () => {}
    }
    const path = wanted.scope === 'entity'
      ? `/ipfs/${wanted.root}?format=car&dag-scope=entity`
      : `/ipfs/${wanted.root}/${encodeURIComponent(wanted.name)}?format=car&dag-scope=block`
    let stream = this.streams.get(path)
    if (stream == null || stream.ended) {
      const created = new CarStream(this, path, wanted)
      this.streams.set(path, created)
      void created.run().finally(() => {
        if (this.streams.get(path) === created) {
          this.streams.delete(path)
        }
      })
      stream = created
    }
    return stream.hold(wanted.covers, signal)
  }

  /**
   * The gateways in the order to try them: fewest failures first; among
   * equals, single blocks take turns (spreading a burst), and streams keep
   * the order the user gave
   */
  order (spread = false): Gateway[] {
    const start = spread ? this.turn++ % this.gateways.length : 0
    const turned = [...this.gateways.slice(start), ...this.gateways.slice(0, start)]
    return turned.sort((a, b) => a.failures - b.failures)
  }

  get stallMs (): number {
    return this.stallTimeoutMs
  }

  /** A stream may bring `cid`: a request for it waits for the stream */
  claim (cid: CID): string {
    const key = blockKey(cid)
    let slot = this.slots.get(key)
    if (slot == null) {
      slot = { streams: 0, settled: Promise.withResolvers<void>() }
      this.slots.set(key, slot)
    }
    slot.streams++
    return key
  }

  /** A stream that claimed `key` has ended: if no other stream may bring it, its requests stop waiting */
  release (key: string): void {
    const slot = this.slots.get(key)
    if (slot == null || slot.bytes != null) {
      return
    }
    if (--slot.streams <= 0) {
      this.slots.delete(key)
      slot.settled.resolve()
    }
  }

  /**
   * A verified block from a stream: handed to whoever waits for it (or will
   * ask), and put into the blockstore. Resolves once the stream may read on:
   * puts run beside the stream, at most MAX_PENDING_PUTS at once.
   */
  async deliver (cid: CID, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    const key = blockKey(cid)
    const slot = this.slots.get(key)
    if (slot != null && slot.bytes == null) {
      slot.bytes = bytes
      slot.settled.resolve()
      this.kept.add(key)
      this.keptBytes += bytes.byteLength
    }
    const put = (async () => {
      await this.blockstore.put(cid, bytes, { signal })
      if (slot != null) {
        slot.stored = true
        if (slot.dropped === true) {
          this.letGo(key, slot)
        }
      }
      this.trim()
    })().catch(err => { this.log('could not store %c: %e', cid, err) })
    this.puts.add(put)
    void put.finally(() => this.puts.delete(put))
    while (this.puts.size >= MAX_PENDING_PUTS) {
      await Promise.race(this.puts)
    }
  }

  /** No caller expects these from a stream any more: bytes no request took are let go (the blockstore has them) */
  drop (keys: string[]): void {
    for (const key of keys) {
      const slot = this.slots.get(key)
      if (slot?.bytes != null && slot.stored === true) {
        this.letGo(key, slot)
      } else if (slot?.bytes != null) {
        slot.dropped = true
      }
    }
  }

  /** Forgets a slot whose bytes a request took, or that the blockstore holds */
  private letGo (key: string, slot: Slot): void {
    if (this.slots.get(key) === slot) {
      this.slots.delete(key)
    }
    if (this.kept.delete(key)) {
      this.keptBytes -= slot.bytes?.byteLength ?? 0
    }
  }

  /** Past MAX_KEPT_BYTES, lets go of the oldest kept slots the blockstore holds: their requests read it there */
  private trim (): void {
    for (const key of this.kept) {
      if (this.keptBytes <= MAX_KEPT_BYTES) {
        return
      }
      const slot = this.slots.get(key)
      if (slot == null) {
        this.kept.delete(key)
      } else if (slot.stored === true) {
        this.letGo(key, slot)
      }
    }
  }

  /** A gateway failed a request */
  failed (gateway: Gateway, what: string, err: unknown): void {
    gateway.failures++
    this.log('%s from %s failed: %e', what, gateway.url, err)
  }

  private async fetchRaw (cid: CID, signal: AbortSignal): Promise<Uint8Array | undefined> {
    for (const gateway of this.order(true)) {
      let bytes: Uint8Array
      try {
        const response = await request(`${gateway.url}/ipfs/${cid}?format=raw`, { accept: RAW_ACCEPT, signal, stallTimeoutMs: this.stallTimeoutMs })
        bytes = await readAll(response, MAX_BLOCK_BYTES)
        try {
          await verifyBlock(cid, bytes)
        } catch (err) {
          throw new GatewayError(`${gateway.url} sent bytes for ${cid} that do not hash to it`, { cause: err })
        }
      } catch (err) {
        if (signal.aborted) {
          throw signal.reason
        }
        this.failed(gateway, `block ${cid.toString()}`, err)
        continue
      }
      this.remember(cid)
      await this.store(cid, bytes, signal)
      return bytes
    }
    return undefined
  }

  /** A block fetched alone: stored before its request returns */
  private async store (cid: CID, bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    try {
      await this.blockstore.put(cid, bytes, { signal })
    } catch (err) {
      if (signal.aborted) {
        throw signal.reason
      }
      this.log('could not store %c: %e', cid, err)
    }
  }

  private remember (cid: CID): void {
    if (this.served.size >= SERVED_ROOTS) {
      this.served.delete(this.served.values().next().value as string)
    }
    this.served.add(blockKey(cid))
  }
}
