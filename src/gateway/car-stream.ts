/**
 * One CAR response of a gateway source, streamed block by block through the
 * verifier: a block goes on only when it hashes to its CID and a verified
 * block links to it. The source (`source.ts`) says which gateways to try,
 * claims the blocks a stream may still bring, and takes what it delivers.
 */

import { GatewayError } from '../errors.js'
import { readCarBlocks } from './car-reader.js'
import { CAR_ACCEPT, request } from './client.js'
import { CarVerifier } from './verifier.js'
import type { StreamRequest } from '../fetch.js'
import type { CID } from 'multiformats/cid'

export interface Gateway {
  url: string
  failures: number
}

/** What a stream needs of the gateway source that runs it */
export interface CarStreamHost {
  /** Each request's stall bound */
  readonly stallMs: number
  /** The gateways to try, in turn */
  order(): Gateway[]
  /** The stream may still bring `cid`: a request for it waits; the key to release */
  claim(cid: CID): string
  release(key: string): void
  /** A verified block: stored, and handed to whoever waits for it */
  deliver(cid: CID, bytes: Uint8Array, signal: AbortSignal): Promise<void>
  /** The stream will not bring these after all */
  drop(keys: string[]): void
  /** `gateway` failed to serve `what` */
  failed(gateway: Gateway, what: string, err: unknown): void
}

/**
 * One CAR response, streamed: from one gateway, then the next if it fails or
 * leaves out what it owed, until it has brought everything or every gateway
 * has had its turn. Ends once every caller that expects it has let go.
 */
export class CarStream {
  private readonly source: CarStreamHost
  private readonly path: string
  private readonly scope: StreamRequest['scope']
  private readonly verifier = new CarVerifier()
  private readonly controller = new AbortController()
  /** The blocks the callers asked for */
  private readonly covers: CID[] = []
  /** Slots this stream claimed */
  private readonly claimed: string[] = []
  private holders = 0
  /** Set once the stream has ended: it takes no new callers */
  ended = false

  constructor (source: CarStreamHost, path: string, wanted: StreamRequest) {
    this.source = source
    this.path = path
    this.scope = wanted.scope
    this.verifier.expect(wanted.root)
  }

  /** A caller expects `covers` from this stream until it calls the returned function */
  hold (covers: CID[], signal: AbortSignal): () => void {
    for (const cid of covers) {
      if (this.verifier.expect(cid)) {
        this.covers.push(cid)
        this.claimed.push(this.source.claim(cid))
      }
    }
    this.holders++
    let held = true
    const letGo = (): void => {
      if (held) {
        held = false
        signal.removeEventListener('abort', letGo)
        if (--this.holders === 0) {
          this.controller.abort(new GatewayError('No caller expects the stream any more'))
          this.source.drop(this.claimed)
        }
      }
    }
    signal.addEventListener('abort', letGo, { once: true })
    return letGo
  }

  async run (): Promise<void> {
    const { signal } = this.controller
    try {
      for (const gateway of this.source.order()) {
        try {
          await this.stream(gateway.url, signal)
          if (this.complete()) {
            return
          }
          throw new GatewayError(`${gateway.url}${this.path}: the CAR ended before it held every block it owed`)
        } catch (err) {
          if (signal.aborted) {
            return
          }
          this.source.failed(gateway, this.path, err)
        }
      }
    } finally {
      this.ended = true
      this.controller.abort()
      for (const key of this.claimed) {
        this.source.release(key)
      }
    }
  }

  /** Every block asked for has come, and for a listing, every shard node linked */
  private complete (): boolean {
    return this.scope === 'entity' ? this.verifier.missing === 0 : this.covers.every(cid => this.verifier.has(cid))
  }

  private async stream (base: string, signal: AbortSignal): Promise<void> {
    const response = await request(base + this.path, { accept: CAR_ACCEPT, signal, stallTimeoutMs: this.source.stallMs })
    try {
      const claim = (cid: CID): void => { this.claimed.push(this.source.claim(cid)) }
      try {
        for await (const { cid, bytes } of readCarBlocks(response.body)) {
          for (const block of await this.verifier.add(cid, bytes, claim)) {
            response.progress()
            await this.source.deliver(block.cid, block.bytes, signal)
          }
        }
      } catch (err) {
        throw err instanceof GatewayError || signal.aborted ? err : new GatewayError(`${base}${this.path}: not a CAR, or a malformed one`, { cause: err })
      }
    } finally {
      response.close()
    }
  }
}
