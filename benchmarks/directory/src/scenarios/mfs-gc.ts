/**
 * MFS through `helia.gc()`: what keeping the MFS costs. On a cold B whose
 * MFS root points at A's HAMT (as the `mfs` scenario sets it up), the same
 * calls run with B's pins given to `mfs()` (what it reads or writes beside
 * the engine and each directory block it writes pinned with depth 0, a
 * sweep before `helia.gc()`) and without: a cold rm,
 * 20 writes under `/big` with `flush: false`, their flush, then one write
 * that flushes; with the pins, a `helia.gc()` after. The flush's cost must
 * follow the blocks it writes, not the directory's size.
 */

import { mfs, MFS_PIN_CODEC } from 'helia-dynamic-directory/mfs'
import { Key } from 'interface-datastore'
import { round } from '../table.js'
import { modeLabel, onFreshClient } from '../two-nodes.js'
import type { Row } from '../table.js'
import type { Client, Mode, Server } from '../two-nodes.js'
import type { AbortOptions } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/** Above this many entries the protection's rows are left out */
export const MFS_GC_MAX = Number(process.env.BENCH_MFS_GC_MAX ?? 100_000)

const WRITES = 20

interface Timed {
  ms: number
  /** Blocks the MFS put */
  written: number
  /** The MFS's pins after the step */
  pins: number | null
}

async function count (source: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  let n = 0
  for await (const item of source) {
    void item
    n++
  }
  return n
}

async function mfsPins (client: Client): Promise<number> {
  let pins = 0
  for await (const pin of client.node.pins.ls()) {
    if (pin.cid.code === MFS_PIN_CODEC) {
      pins++
    }
  }
  return pins
}

/** The protection's rows for one size: the same calls with B's pins and without */
export async function protectionRows (server: Server, mode: Mode, n: number, root: CID, victim: string, rootKey: string): Promise<Row[]> {
  const rows: Row[] = []
  for (const pinned of [false, true]) {
    const phase = await onFreshClient(server, mode, async (client) => {
      await client.node.datastore.put(new Key(rootKey), root.bytes)
      let written = 0
      const blockstore = {
        get: (cid: CID, options?: AbortOptions) => client.net.get(cid, options),
        has: async (cid: CID, options?: AbortOptions) => client.net.has(cid, options),
        put: async (cid: CID, bytes: Uint8Array, options?: AbortOptions) => {
          written++
          return client.net.put(cid, bytes, options)
        }
      }
      let heliaGcMs = 0
      const heliaGc = async (options?: AbortOptions): Promise<void> => {
        const start = performance.now()
        await client.node.gc(options)
        heliaGcMs = round(performance.now() - start)
      }
      const components: Parameters<typeof mfs>[0] = pinned
        ? { blockstore, datastore: client.node.datastore, pins: client.node.pins, gc: heliaGc }
        : { blockstore, datastore: client.node.datastore }
      const fs = mfs(components)
      const timed = async (fn: () => Promise<unknown>): Promise<Timed> => {
        written = 0
        const start = performance.now()
        await fn()
        const ms = round(performance.now() - start)
        return { ms, written, pins: pinned ? await mfsPins(client) : null }
      }
      const steps: Array<[string, Timed]> = []
      steps.push(['rm on a cold B', await timed(async () => fs.rm(`/big/${victim}`))])
      steps.push([`${WRITES} writes under /big, flush: false`, await timed(async () => {
        for (let i = 0; i < WRITES; i++) {
          await fs.writeBytes(new TextEncoder().encode(`new ${i}`), `/big/new-${i}`, { flush: false })
        }
      })])
      steps.push(['their flush', await timed(async () => fs.flush())])
      steps.push(['one write that flushes', await timed(async () => fs.writeBytes(new TextEncoder().encode('one more'), '/big/one-more'))])
      if (pinned) {
        const local = await count(client.local.getAll())
        const gc = await timed(async () => components.gc?.())
        const left = await count(client.local.getAll())
        steps.push([`helia.gc(): the MFS's sweep (${local} blocks on B)`, { ...gc, ms: round(gc.ms - heliaGcMs) }])
        steps.push([`helia.gc(): Helia's gc after it (${left} blocks left)`, { ...gc, ms: heliaGcMs }])
      }
      return steps
    }, `mfs ${n}, pins ${pinned ? 'on' : 'off'}`)
    for (const [step, timed] of phase.result) {
      rows.push({
        entries: n,
        network: modeLabel(mode),
        pins: pinned ? 'on' : 'off',
        step,
        'blocks written': timed.written,
        'MFS pins after': timed.pins,
        'time ms': timed.ms
      })
    }
  }
  return rows
}
