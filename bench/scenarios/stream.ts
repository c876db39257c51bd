/**
 * S. The streaming listing and the background prefetch (issue 10), each row
 * against `@helia/unixfs` in the same run:
 *
 * S1, time to the first and to the last entry of cold 10,000- and
 * 50,000-entry listings: the library's `open` then `entries()` (a sliding
 * window of `listWindow` requests) against `@helia/unixfs` `ls` (capped, its
 * full time extrapolated by entries, as B4 does), and against a floor: the
 * same blocks read through the same kind of node with no directory code at
 * all, level by level, every block of a level asked for at once.
 *
 * S2, 200 rm/cp calls chained through the CID-in, CID-out API on a cold
 * 10,000-entry HAMT, `cp` sources local (put on B first), with prefetch off
 * and on in the service's init, against `@helia/unixfs` doing the same chain;
 * the chain ends on the importer's CID.
 *
 * S3, a cold delete with prefetch on against the same delete with it off:
 * `open(cid, { prefetch })` then `delete(name)` at once, medians of fresh
 * nodes.
 *
 * S4, a slow-provider listing: the 10,000-entry HAMT's shard blocks split
 * between two providers (the root on both, the rest alternating), one of
 * them behind a proxy that makes it 200 ms late; time to the last entry.
 */

import { unixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core/memory'
import * as raw from 'multiformats/codecs/raw'
import { dynamicDirectory } from '../../src/index.js'
import { CountingBlockstore, toBytes } from '../../test/fixtures/counting-blockstore.js'
import { randomFor } from '../../test/fixtures/entries.js'
import { startLatencyProxy } from '../../test/fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, stopAll } from '../../test/fixtures/nodes.js'
import { readTree } from '../../test/fixtures/tree-oracle.js'
import { median, ratio, round } from '../table.js'
import { NetworkCounter, PROXY_DELAY_MS, modeLabel, onFreshClient } from '../two-nodes.js'
import { LIBRARY, UNIXFS } from './common.js'
import type { DirectoryEntry } from '../../src/index.js'
import type { TestNode } from '../../test/fixtures/nodes.js'
import type { BenchContext, Fixture } from '../context.js'
import type { Row, Table } from '../table.js'
import type { Client, Mode } from '../two-nodes.js'
import type { CID } from 'multiformats/cid'

export const LIST_SIZES = [10_000, 50_000]
/** `@helia/unixfs` stops listing after this long; its last-entry time is then extrapolated by entries */
export const STREAM_LIST_CAP_MS = 30_000
export const STREAM_CHAIN_ENTRIES = 10_000
export const STREAM_CHAIN_CALLS = 200
/** `@helia/unixfs` stops the chain after this long; its time is then extrapolated by calls */
export const STREAM_CHAIN_CAP_MS = 60_000
export const COLD_DELETE_RUNS = 5
/** The slow provider's one-way delay: 200 ms late on every round trip */
export const SLOW_ONE_WAY_MS = 100

const encoder = new TextEncoder()

function verdict (value: number | null, goal: number, must: number, higherIsBetter: boolean): string {
  if (value == null) {
    return 'n/a'
  }
  const meets = (bound: number): boolean => higherIsBetter ? value >= bound : value <= bound
  if (meets(goal)) {
    return 'goal met'
  }
  return meets(must) ? 'must met, goal missed' : 'MISSED'
}

export interface Listing {
  listed: number
  complete: boolean
  firstMs: number
  lastMs: number
  capped: boolean
  /** The last-entry time, extrapolated by entries when capped */
  estimateMs: number
}

/** Lists with `list`, timing the first and the last entry from before the call; stops at `capMs` */
export async function timeListing (list: () => AsyncIterable<DirectoryEntry | { name: string }>, names: Set<string>, capMs = Infinity): Promise<Listing> {
  const start = performance.now()
  const seen = new Set<string>()
  let listed = 0
  let firstMs = 0
  let capped = false
  for await (const entry of list()) {
    if (listed === 0) {
      firstMs = performance.now() - start
    }
    listed++
    seen.add(entry.name)
    if (performance.now() - start > capMs) {
      capped = true
      break
    }
  }
  const lastMs = performance.now() - start
  const complete = listed === names.size && seen.size === names.size && [...seen].every(name => names.has(name))
  return { listed, complete, firstMs: round(firstMs), lastMs: round(lastMs), capped, estimateMs: Math.round(capped ? lastMs * names.size / listed : lastMs) }
}

/** Most wants on the wire at once for the floor: @helia/bitswap keeps at most 1,024 wants per peer */
export const FLOOR_WANTS = 1_024

/**
 * What the blocks alone cost through this Helia node: the tree's blocks read
 * with raw `get`s and no directory code, level by level, every block of a
 * level asked for at once (up to FLOOR_WANTS), each decoded only to find the
 * next level's links. A breadth-first listing needs the same round trips and
 * adds its own work; overlapping levels (asking for a level-2 node as soon as
 * its parent lands) can win back a little of the wait between levels.
 */
export async function levelFloor (blockstore: NetworkCounter, root: CID): Promise<{ ms: number }> {
  const start = performance.now()
  // one level's blocks, FLOOR_WANTS readers taking the next one as each lands: the next level's links
  const readLevel = async (level: CID[]): Promise<CID[]> => {
    const next: CID[] = []
    let index = 0
    const reader = async (): Promise<void> => {
      while (index < level.length) {
        const node = dagPb.decode(await toBytes(blockstore.get(level[index++])))
        // fanout 256: a sub-shard link's name is its two-digit prefix alone
        next.push(...node.Links.filter(link => link.Name?.length === 2).map(link => link.Hash))
      }
    }
    await Promise.all(Array.from({ length: Math.min(level.length, FLOOR_WANTS) }, reader))
    return next
  }
  for (let level = [root]; level.length > 0;) {
    level = await readLevel(level)
  }
  return { ms: round(performance.now() - start) }
}

function listingRow (mode: string, implementation: string, listing: Listing, network: { requested: number, maxInFlight: number }): Row {
  return {
    network: mode,
    implementation,
    'entries listed': listing.listed,
    'first entry ms': listing.firstMs,
    'last entry ms': listing.capped ? `${listing.lastMs} (capped; ~${listing.estimateMs} extrapolated)` : listing.lastMs,
    'blocks requested': network.requested,
    'max in flight': network.maxInFlight,
    'all entries': listing.complete
  }
}

export async function streamScenario (ctx: BenchContext): Promise<Table[]> {
  const tables: Table[] = []
  tables.push(await listings(ctx))
  tables.push(await chains(ctx))
  tables.push(await coldDelete(ctx))
  tables.push(await slowProvider(ctx))
  return tables
}

/** S1 */
async function listings (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const rows: Row[] = []
  const notes: string[] = []
  const fixtures: Fixture[] = []
  for (const count of LIST_SIZES) {
    fixtures.push(await ctx.hamt(count))
  }

  // untimed: whichever row ran first in a fresh process would pay for compiling the code every row shares
  ctx.log('S1: warm-up listings, untimed')
  await onFreshClient(server, ctx.modes[0], async (client) => {
    const { cid } = fixtures[0]
    for await (const entry of (await dynamicDirectory({ blockstore: client.net }).open(cid)).entries()) { void entry }
    await timeListing(() => unixfs({ blockstore: client.net }).ls(cid), new Set(), 2_000)
  }, 'S1 warm-up')

  for (const mode of ctx.modes) {
    for (const [index, count] of LIST_SIZES.entries()) {
      const { cid, entries, blocks } = fixtures[index]
      const names = new Set(entries.map(entry => entry.name))
      const label = `${modeLabel(mode)}, ${count.toLocaleString('en')} (${blocks} blocks)`

      ctx.log(`S1: list ${count}, ${mode}, library`)
      const lib = await onFreshClient(server, mode, async (client) =>
        timeListing(async function * () {
          const directory = await dynamicDirectory({ blockstore: client.net }).open(cid)
          yield * directory.entries()
        }, names), `S1 library ${count}`)

      ctx.log(`S1: list ${count}, ${mode}, @helia/unixfs`)
      const other = await onFreshClient(server, mode, async (client) =>
        timeListing(() => unixfs({ blockstore: client.net }).ls(cid), names, STREAM_LIST_CAP_MS), `S1 ${UNIXFS} ${count}`)
      if (other.result.capped) {
        notes.push(`${UNIXFS}, ${label}: stopped at the ${STREAM_LIST_CAP_MS / 1000} s cap after ${other.result.listed} of ${count} entries; its last-entry time is extrapolated linearly by entries.`)
      }

      ctx.log(`S1: list ${count}, ${mode}, floor`)
      const floor = await onFreshClient(server, mode, async (client) => levelFloor(client.net, cid), `S1 floor ${count}`)

      const last = ratio(other.result.estimateMs, lib.result.lastMs)
      const libRow = listingRow(label, LIBRARY, lib.result, lib.network)
      if (count === 50_000 && mode === 'proxy') {
        libRow.goal = `first: ${verdict(lib.result.firstMs, 250, 400, false)}; last: ${verdict(lib.result.lastMs, 5_000, 8_000, false)}`
      }
      rows.push(libRow, listingRow(label, UNIXFS, other.result, other.network), {
        network: label,
        implementation: `ratio ${UNIXFS} / library`,
        'first entry ms': ratio(other.result.firstMs, lib.result.firstMs),
        'last entry ms': other.result.capped ? `~${last} (extrapolated; >= ${ratio(other.result.lastMs, lib.result.lastMs)})` : last,
        goal: count === 10_000 && mode === 'proxy' ? `${verdict(last, 100, 80, true)} (100x, must 80x)` : ''
      }, {
        network: label,
        implementation: 'floor: raw gets, level by level',
        'last entry ms': floor.result.ms,
        'blocks requested': floor.network.requested,
        'max in flight': floor.network.maxInFlight,
        goal: `${UNIXFS} / floor: ${other.result.capped ? '~' : ''}${ratio(other.result.estimateMs, floor.result.ms)}; library / floor: ${ratio(lib.result.lastMs, floor.result.ms)}`
      })
    }
  }

  return {
    title: 'S1. Time to the first and the last entry of cold listings: open + entries() against @helia/unixfs ls',
    columns: ['network', 'implementation', 'entries listed', 'first entry ms', 'last entry ms', 'blocks requested', 'max in flight', 'all entries', 'goal'],
    rows,
    notes: [
      'Each row a fresh node B; times from before `open` (library) or `ls` (@helia/unixfs), the root fetch included. Default options: listWindow 256. "all entries": every name once.',
      `Goals through the proxy: 50k first entry within 250 ms (must 400), 50k last entry within 5 s (must 8); 10k last entry at least 100x faster than ${UNIXFS} ls (must 80x).`,
      `Floor: the same blocks on a fresh node B with no directory code: raw \`get\`s level by level, a level's blocks all asked for at once (at most ${FLOOR_WANTS.toLocaleString('en')} on the wire, the most @helia/bitswap keeps per peer), each decoded only for its sub-shard links. It needs the round trips a breadth-first listing needs, with none of a listing's own work: its time is what Helia and Bitswap cost for these blocks here (a listing that overlaps levels can win back a little of the wait between them).`,
      ...notes
    ]
  }
}

export interface Call {
  op: 'rm' | 'cp'
  entry: DirectoryEntry
}

/** Seeded rm/cp calls that put back every entry they remove: the chain ends on the directory it started from */
export function plan (entries: DirectoryEntry[], calls: number): Call[] {
  const random = randomFor(1010)
  const removed: DirectoryEntry[] = []
  const victims = random.shuffle(entries).slice(0, calls / 2)
  const out: Call[] = []
  while (out.length < calls) {
    const mustPutBack = victims.length === 0
    if (removed.length > 0 && (mustPutBack || random.next() < 0.4)) {
      out.push({ op: 'cp', entry: removed.splice(random.int(removed.length), 1)[0] })
    } else {
      const entry = victims.pop()
      if (entry == null) {
        break
      }
      removed.push(entry)
      out.push({ op: 'rm', entry })
    }
  }
  return out
}

/** Puts the cp sources (raw blocks holding their names) in B's own blockstore: an app's own files */
export async function putSources (client: Client, calls: Call[]): Promise<void> {
  for (const { op, entry } of calls) {
    if (op === 'cp' && entry.cid.code === raw.code) {
      await client.local.put(entry.cid, encoder.encode(entry.name))
    }
  }
}

/** S2 */
async function chains (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(STREAM_CHAIN_ENTRIES)
  const calls = plan(entries, STREAM_CHAIN_CALLS)
  const rows: Row[] = []
  const notes: string[] = []

  const run = async (mode: Mode, label: string, edit: (client: Client) => { rm(root: CID, name: string): Promise<CID>, cp(source: CID, root: CID, name: string): Promise<CID> }, capMs = Infinity): Promise<Row & { ms: number }> => {
    ctx.log(`S2: ${calls.length} chained rm/cp, ${mode}, ${label}`)
    const phase = await onFreshClient(server, mode, async (client) => {
      await putSources(client, calls)
      client.net.reset()
      const api = edit(client)
      const start = performance.now()
      let root = cid
      let done = 0
      for (const { op, entry } of calls) {
        if (performance.now() - start > capMs) {
          break
        }
        root = op === 'rm' ? await api.rm(root, entry.name) : await api.cp(entry.cid, root, entry.name)
        done++
      }
      return { ms: performance.now() - start, done, root: root.toString() }
    }, `S2 ${label}`)
    const { ms, done, root } = phase.result
    const estimate = done < calls.length ? ms * calls.length / done : ms
    if (done < calls.length) {
      notes.push(`${label}, ${modeLabel(mode)}: stopped at the ${capMs / 1000} s cap after ${done} of ${calls.length} calls; its time is extrapolated by calls: ~${Math.round(estimate)} ms.`)
    }
    return {
      network: modeLabel(mode),
      implementation: label,
      calls: done,
      'blocks requested': phase.network.requested,
      'max in flight': phase.network.maxInFlight,
      'time ms': done < calls.length ? `${round(ms)} (capped; ~${Math.round(estimate)} extrapolated)` : round(ms),
      'ms / call': round(ms / done),
      'ends on the importer\'s CID': done === calls.length ? root === cid.toString() : 'n/a (capped)',
      ms: estimate
    }
  }

  for (const mode of ctx.modes) {
    const off = await run(mode, `${LIBRARY}, prefetch off`, client => dynamicDirectory({ blockstore: client.net }))
    const on = await run(mode, `${LIBRARY}, prefetch on`, client => dynamicDirectory({ blockstore: client.net }, { prefetch: true }))
    const other = await run(mode, UNIXFS, client => unixfs({ blockstore: client.net }), STREAM_CHAIN_CAP_MS)
    const onRatio = ratio(other.ms, on.ms)
    rows.push(off, on, other, {
      network: modeLabel(mode),
      implementation: `ratio ${UNIXFS} / library`,
      'time ms': `${ratio(other.ms, off.ms)} (prefetch off), ${onRatio} (prefetch on)`,
      goal: mode === 'proxy' ? `prefetch on: ${verdict(onRatio, 20, 10, true)} (20x, must 10x)` : ''
    })
  }

  return {
    title: `S2. ${STREAM_CHAIN_CALLS} rm/cp calls chained through the returned CIDs on a cold ${STREAM_CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks), cp sources local`,
    columns: ['network', 'implementation', 'calls', 'blocks requested', 'max in flight', 'time ms', 'ms / call', 'ends on the importer\'s CID', 'goal'],
    rows,
    notes: [
      `${calls.filter(call => call.op === 'rm').length} rm of distinct entries and as many cp putting them back (seeded, interleaved), each on the CID the previous call returned; the chain ends on the directory it started from. The cp sources (raw blocks) are put in B's blockstore before the timed calls; no size is passed, so the source's block is read locally for its Tsize.`,
      'Prefetch on: `prefetch: true` in the service init, so the first call\'s open starts a background fetch of the whole tree, yielding to the calls\' own requests.',
      ...notes
    ]
  }
}

/** S3 */
async function coldDelete (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const { cid, entries } = await ctx.hamt(STREAM_CHAIN_ENTRIES)
  const victims = randomFor(33).shuffle(entries).slice(0, COLD_DELETE_RUNS)
  const rows: Row[] = []

  for (const mode of ctx.modes) {
    const times: Record<'off' | 'on', number[]> = { off: [], on: [] }
    const requested: Record<'off' | 'on', number[]> = { off: [], on: [] }
    for (const victim of victims) {
      for (const prefetch of [false, true]) {
        ctx.log(`S3: cold delete, ${mode}, prefetch ${prefetch ? 'on' : 'off'}`)
        const phase = await onFreshClient(server, mode, async (client) => {
          const start = performance.now()
          const directory = await dynamicDirectory({ blockstore: client.net }).open(cid, { prefetch })
          if (!await directory.delete(victim.name)) {
            throw new Error(`${victim.name} was not found`)
          }
          const ms = performance.now() - start
          const fetched = directory.stats.fetchedBlocks
          directory.close()
          return { ms, fetched }
        }, 'S3 cold delete')
        times[prefetch ? 'on' : 'off'].push(phase.result.ms)
        requested[prefetch ? 'on' : 'off'].push(phase.result.fetched)
      }
    }
    const [off, on] = [median(times.off), median(times.on)]
    const r = ratio(on, off)
    rows.push({
      network: modeLabel(mode),
      'prefetch off: median ms': round(off),
      'prefetch on: median ms': round(on),
      'on / off': r,
      'runs (ms, off)': times.off.map(ms => Math.round(ms)).join(', '),
      'runs (ms, on)': times.on.map(ms => Math.round(ms)).join(', '),
      'delete\'s own blocks (off / on, median)': `${median(requested.off)} / ${median(requested.on)}`,
      goal: r == null ? 'n/a' : `${r <= 1.3 ? 'met' : 'MISSED'} (must be at most 1.3x)`
    })
  }

  return {
    title: `S3. A cold delete with prefetch on against off (${STREAM_CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT)`,
    columns: ['network', 'prefetch off: median ms', 'prefetch on: median ms', 'on / off', 'runs (ms, off)', 'runs (ms, on)', 'delete\'s own blocks (off / on, median)', 'goal'],
    rows,
    notes: [
      `${COLD_DELETE_RUNS} names, each deleted on a fresh node B with prefetch off then on: open(cid, { prefetch }) then delete(name) at once, timed together (the root fetch included). Must: on at most 1.3x off. "delete's own blocks": the directory's fetchedBlocks when the delete returned (prefetched blocks are counted apart).`
    ]
  }
}

/** S4 */
async function slowProvider (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(STREAM_CHAIN_ENTRIES)
  const names = new Set(entries.map(entry => entry.name))
  // the shard blocks level by level
  const order = (await readTree(server.store.inner, cid)).map(node => node.cid)
  const stores = [new CountingBlockstore(new MemoryBlockstore()), new CountingBlockstore(new MemoryBlockstore())]
  for (const [index, block] of order.entries()) {
    const bytes = await toBytes(server.store.inner.get(block))
    if (index === 0) {
      await stores[0].put(block, bytes)
      await stores[1].put(block, bytes)
    } else {
      await stores[index % 2].put(block, bytes)
    }
  }
  const a1 = await createNode({ blockstore: stores[0] })
  const a2 = await createNode({ blockstore: stores[1] })
  const nearProxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a1) }, delayMs: PROXY_DELAY_MS })
  const slowProxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a2) }, delayMs: SLOW_ONE_WAY_MS })
  const rows: Row[] = []
  const notes: string[] = []

  const onFreshB = async <T> (mode: Mode, fn: (net: NetworkCounter) => Promise<T>): Promise<{ result: T, network: NetworkCounter['stats'] }> => {
    const local = new MemoryBlockstore()
    const node: TestNode = await createNode({ blockstore: local })
    try {
      await connect(node, a1, mode === 'proxy' ? proxiedAddress(a1, nearProxy.port) : undefined)
      await connect(node, a2, proxiedAddress(a2, slowProxy.port))
      const net = new NetworkCounter(node.blockstore, local)
      const result = await fn(net)
      return { result, network: { ...net.stats } }
    } finally {
      await stopAll(node)
    }
  }

  try {
    for (const mode of ctx.modes) {
      const label = `A1 ${modeLabel(mode)}, A2 ${SLOW_ONE_WAY_MS} ms each way`
      ctx.log(`S4: slow-provider listing, ${mode}, library`)
      const lib = await onFreshB(mode, async (net) => timeListing(async function * () {
        const directory = await dynamicDirectory({ blockstore: net }).open(cid)
        yield * directory.entries()
      }, names))
      ctx.log(`S4: slow-provider listing, ${mode}, @helia/unixfs`)
      const other = await onFreshB(mode, async (net) => timeListing(() => unixfs({ blockstore: net }).ls(cid), names, STREAM_LIST_CAP_MS))
      if (other.result.capped) {
        notes.push(`${UNIXFS}, ${label}: stopped at the ${STREAM_LIST_CAP_MS / 1000} s cap after ${other.result.listed} of ${names.size} entries; extrapolated by entries.`)
      }
      const last = ratio(other.result.estimateMs, lib.result.lastMs)
      rows.push(listingRow(label, LIBRARY, lib.result, lib.network), listingRow(label, UNIXFS, other.result, other.network), {
        network: label,
        implementation: `ratio ${UNIXFS} / library`,
        'first entry ms': ratio(other.result.firstMs, lib.result.firstMs),
        'last entry ms': other.result.capped ? `~${last} (extrapolated; >= ${ratio(other.result.lastMs, lib.result.lastMs)})` : last
      })
    }
  } finally {
    await slowProxy.close()
    await nearProxy.close()
    await stopAll(a1, a2)
  }

  return {
    title: `S4. Cold listing of the ${STREAM_CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks) split between two providers, A2 200 ms late`,
    columns: ['network', 'implementation', 'entries listed', 'first entry ms', 'last entry ms', 'blocks requested', 'max in flight', 'all entries'],
    rows,
    notes: [
      `Three nodes: A1 and A2 each hold half the shard blocks (alternating, breadth-first; the root on both), A2 behind a ${SLOW_ONE_WAY_MS} ms each-way proxy (a blockstore delay would not do: @helia/bitswap reads a peer's wants one after another, so it would cap A2's throughput instead). B dials both; each row a fresh B.`,
      ...notes
    ]
  }
}
