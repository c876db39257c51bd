/**
 * The trust rule for a CAR from a gateway: a block is accepted only when the
 * caller asked for it (a root, or a link of its own verified tree) or a block
 * accepted before links to it as a sub-shard, and only once its bytes hash to
 * that CID. A gateway may send blocks in any order: one that comes before the
 * block linking to it waits, within a bound, and is checked when its parent
 * is; past the bound, and at the end of the stream, what waits is dropped.
 * Duplicates are dropped. Bytes that do not hash to the CID the CAR names are
 * a lie: the whole response is refused.
 */

import { blockKey } from '../blocks.js'
import { GatewayError } from '../errors.js'
import { verifyBlock } from '../verify.js'
import { shardLinks } from './links.js'
import type { CID } from 'multiformats/cid'

/** Blocks that may wait for the block linking to them */
export const MAX_WAITING_BLOCKS = 64
/** Bytes that may wait for the block linking to them */
export const MAX_WAITING_BYTES = 4 * 1024 * 1024

export interface VerifiedBlock {
  /** The CID its parent (or the caller) names it by */
  cid: CID
  bytes: Uint8Array
}

export class CarVerifier {
  /** Expected and not arrived */
  private readonly expected = new Map<string, CID>()
  private readonly arrived = new Set<string>()
  private readonly waiting = new Map<string, Uint8Array>()
  private waitingBytes = 0

  /** Blocks expected and not arrived yet */
  get missing (): number {
    return this.expected.size
  }

  has (cid: CID): boolean {
    return this.arrived.has(blockKey(cid))
  }

  /** Accepts `cid` when it arrives; returns false if it already has */
  expect (cid: CID): boolean {
    const key = blockKey(cid)
    if (this.arrived.has(key)) {
      return false
    }
    this.expected.set(key, cid)
    return true
  }

  /**
   * A block as the CAR names it: the blocks this makes acceptable (it, and
   * any waiting blocks it links to, with the links they vouch for), in order.
   * `linked` is told of every CID an accepted block vouches for.
   */
  async add (named: CID, bytes: Uint8Array, linked: (cid: CID) => void): Promise<VerifiedBlock[]> {
    const key = blockKey(named)
    if (this.arrived.has(key)) {
      return []
    }
    if (!this.expected.has(key)) {
      this.wait(key, bytes)
      return []
    }
    const accepted: VerifiedBlock[] = []
    const queue: Array<[string, Uint8Array]> = [[key, bytes]]
    for (let next = queue.shift(); next != null; next = queue.shift()) {
      const [blockKeyNow, blockBytes] = next
      const cid = this.expected.get(blockKeyNow) as CID
      try {
        await verifyBlock(cid, blockBytes)
      } catch (err) {
        throw new GatewayError(`The gateway sent bytes for ${cid} that do not hash to it`, { cause: err })
      }
      this.expected.delete(blockKeyNow)
      this.arrived.add(blockKeyNow)
      accepted.push({ cid, bytes: blockBytes })
      for (const link of shardLinks(cid, blockBytes)) {
        const linkKey = blockKey(link)
        if (this.arrived.has(linkKey) || this.expected.has(linkKey)) {
          continue
        }
        this.expected.set(linkKey, link)
        linked(link)
        const early = this.waiting.get(linkKey)
        if (early != null) {
          this.waiting.delete(linkKey)
          this.waitingBytes -= early.byteLength
          queue.push([linkKey, early])
        }
      }
    }
    return accepted
  }

  private wait (key: string, bytes: Uint8Array): void {
    if (this.waiting.has(key) || this.waiting.size >= MAX_WAITING_BLOCKS || this.waitingBytes + bytes.byteLength > MAX_WAITING_BYTES) {
      return
    }
    this.waiting.set(key, bytes)
    this.waitingBytes += bytes.byteLength
  }
}
