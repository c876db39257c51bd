/**
 * The streaming listing and the background prefetch, each row against
 * `@helia/unixfs` in the same run, four tables:
 *
 * Cold listings (10,000 and 50,000 entries), time to the first and to the
 * last entry: the library's `open` then `entries()` (a sliding window of
 * `listWindow` requests) against `@helia/unixfs` `ls` (capped, its full time
 * extrapolated by entries), and against the floor: the same blocks read
 * through the same kind of node with no directory code at all, level by
 * level, every block of a level asked for at once.
 *
 * 200 rm/cp calls chained through the CID-in, CID-out API on a cold
 * 10,000-entry HAMT, `cp` sources local (put on B first), with prefetch off
 * and on in the service's init, against `@helia/unixfs` doing the same chain;
 * the chain ends on the importer's CID.
 *
 * A cold delete with prefetch on against the same delete with it off:
 * `open(cid, { prefetch })`, `delete(name)` and `flush()` at once, medians of
 * fresh nodes.
 *
 * A slow-provider listing: the 10,000-entry HAMT's shard blocks split
 * between two providers (the root on both, the rest alternating), one of
 * them behind a proxy that makes it 200 ms late; time to the last entry.
 */

import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { CountingBlockstore, toBytes } from '../../../../dist/test/fixtures/counting-blockstore.js'
import { randomFor } from '../../../../dist/test/fixtures/entries.js'
import { startLatencyProxy } from '../../../../dist/test/fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, stopAll } from '../../../../dist/test/fixtures/nodes.js'
import { readTree } from '../../../../dist/test/fixtures/tree-oracle.js'
import { chainTime, planChain, putSources, runChain } from '../chained-calls.js'
import { coldDelete } from '../cold-delete.js'
import { FLOOR, FLOOR_WANTS, levelFloor, listingRow, timeListing } from '../listing.js'
import { median, ratio, round, verdict } from '../table.js'
import { NetworkCounter, PROXY_DELAY_MS, modeLabel, networkLabel, onFreshClient } from '../two-nodes.js'
import { LIBRARY, UNIXFS } from './common.js'
import type { TestNode } from '../../../../dist/test/fixtures/nodes.js'
import type { ChainApi } from '../chained-calls.js'
import type { BenchContext, Fixture } from '../context.js'
import type { Row, Table } from '../table.js'
import type { Client, Mode } from '../two-nodes.js'

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

export async function streamScenario (ctx: BenchContext): Promise<Table[]> {
  const tables: Table[] = []
  tables.push(await listings(ctx))
  tables.push(await chains(ctx))
  tables.push(await prefetchedDelete(ctx))
  tables.push(await slowProvider(ctx))
  return tables
}

/** Cold listings against @helia/unixfs ls and the floor */
async function listings (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const rows: Row[] = []
  const notes: string[] = []
  const fixtures: Fixture[] = []
  for (const count of LIST_SIZES) {
    fixtures.push(await ctx.hamt(count))
  }

  // untimed: whichever row ran first in a fresh process would pay for compiling the code every row shares
  ctx.log('cold listings: warm-up, untimed')
  await onFreshClient(server, ctx.modes[0], async (client) => {
    const { cid } = fixtures[0]
    for await (const entry of (await dynamicDirectory({ blockstore: client.net }).open(cid)).entries()) { void entry }
    await timeListing(() => unixfs({ blockstore: client.net }).ls(cid), new Set(), 2_000)
  }, 'listing warm-up')

  for (const mode of ctx.modes) {
    for (const [index, count] of LIST_SIZES.entries()) {
      const { cid, entries, blocks } = fixtures[index]
      const names = new Set(entries.map(entry => entry.name))
      const label = `${modeLabel(mode)}, ${count.toLocaleString('en')} (${blocks} blocks)`

      ctx.log(`cold listing: ${count}, ${mode}, library`)
      const lib = await onFreshClient(server, mode, async (client) =>
        timeListing(async function * () {
          const directory = await dynamicDirectory({ blockstore: client.net }).open(cid)
          yield * directory.entries()
        }, names), `listing, library, ${count}`)

      ctx.log(`cold listing: ${count}, ${mode}, @helia/unixfs`)
      const other = await onFreshClient(server, mode, async (client) =>
        timeListing(() => unixfs({ blockstore: client.net }).ls(cid), names, STREAM_LIST_CAP_MS), `listing, ${UNIXFS}, ${count}`)
      if (other.result.capped) {
        notes.push(`${UNIXFS}, ${label}: stopped at the ${STREAM_LIST_CAP_MS / 1000} s cap after ${other.result.listed} of ${count} entries; its last-entry time is extrapolated linearly by entries.`)
      }

      ctx.log(`cold listing: ${count}, ${mode}, floor`)
      const floor = await onFreshClient(server, mode, async (client) => levelFloor(client.net, cid), `listing floor, ${count}`)

      const last = ratio(other.result.estimateMs, lib.result.lastMs)
      const libRow = listingRow(label, LIBRARY, lib.result, lib.network)
      if (count === 50_000 && mode === 'proxy') {
        libRow.target = `first: ${verdict(lib.result.firstMs, 250, 400)}; last: ${verdict(lib.result.lastMs, 5_000, 8_000)}`
      }
      rows.push(libRow, listingRow(label, UNIXFS, other.result, other.network), {
        network: label,
        implementation: `ratio ${UNIXFS} / library`,
        'first entry ms': ratio(other.result.firstMs, lib.result.firstMs),
        'last entry ms': other.result.capped ? `~${last} (extrapolated; >= ${ratio(other.result.lastMs, lib.result.lastMs)})` : last,
        target: count === 10_000 && mode === 'proxy' ? `${verdict(last, 100, 80, false)} (100x, limit 80x)` : ''
      }, {
        network: label,
        implementation: FLOOR,
        'last entry ms': floor.result.ms,
        'blocks requested': floor.network.requested,
        'max in flight': floor.network.maxInFlight,
        target: `${UNIXFS} / floor: ${other.result.capped ? '~' : ''}${ratio(other.result.estimateMs, floor.result.ms)}; library / floor: ${ratio(lib.result.lastMs, floor.result.ms)}`
      })
    }
  }

  return {
    title: 'Time to the first and the last entry of cold listings: open + entries() against @helia/unixfs ls',
    columns: ['network', 'implementation', 'entries listed', 'first entry ms', 'last entry ms', 'blocks requested', 'max in flight', 'all entries', 'target'],
    rows,
    notes: [
      'Each row a fresh node B; times from before `open` (library) or `ls` (@helia/unixfs), the root fetch included. Default options: listWindow 256. "all entries": every name once.',
      `Targets through the proxy: 50k first entry within 250 ms (limit 400), 50k last entry within 5 s (limit 8); 10k last entry at least 100x faster than ${UNIXFS} ls (limit 80x).`,
      `Floor: the same blocks on a fresh node B with no directory code: raw \`get\`s level by level, a level's blocks all asked for at once (at most ${FLOOR_WANTS.toLocaleString('en')} on the wire, the most @helia/bitswap keeps per peer), each decoded only for its sub-shard links. It needs the round trips a breadth-first listing needs, with none of a listing's own work: its time is what Helia and Bitswap cost for these blocks here (a listing that overlaps levels can win back a little of the wait between them).`,
      ...notes
    ]
  }
}

/** Chained rm/cp calls with prefetch off and on, against `@helia/unixfs` */
async function chains (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(STREAM_CHAIN_ENTRIES)
  const calls = planChain(entries, STREAM_CHAIN_CALLS)
  const rows: Row[] = []
  const notes: string[] = []

  const run = async (mode: Mode, label: string, api: (client: Client) => ChainApi, capMs = Infinity): Promise<Row & { ms: number }> => {
    ctx.log(`chained calls: ${calls.length} rm/cp, ${mode}, ${label}`)
    const phase = await onFreshClient(server, mode, async (client) => {
      await putSources(client, calls)
      client.net.reset()
      return runChain(api(client), cid, calls, capMs)
    }, `chained calls, ${label}`)
    const chain = phase.result
    if (chain.capped) {
      notes.push(`${label}, ${modeLabel(mode)}: stopped at the ${capMs / 1000} s cap after ${chain.done} of ${calls.length} calls; its time is extrapolated by calls: ~${Math.round(chain.estimateMs)} ms.`)
    }
    return {
      network: modeLabel(mode),
      implementation: label,
      calls: chain.done,
      'blocks requested': phase.network.requested,
      'max in flight': phase.network.maxInFlight,
      'time ms': chainTime(chain),
      'ms / call': round(chain.ms / chain.done),
      'ends on the importer\'s CID': chain.capped ? 'n/a (capped)' : chain.root === cid.toString(),
      ms: chain.estimateMs
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
      target: mode === 'proxy' ? `prefetch on: ${verdict(onRatio, 20, 10, false)} (20x, limit 10x)` : ''
    })
  }

  return {
    title: `${STREAM_CHAIN_CALLS} rm/cp calls chained through the returned CIDs on a cold ${STREAM_CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks), cp sources local, prefetch off and on`,
    columns: ['network', 'implementation', 'calls', 'blocks requested', 'max in flight', 'time ms', 'ms / call', 'ends on the importer\'s CID', 'target'],
    rows,
    notes: [
      `${calls.filter(call => call.op === 'rm').length} rm of distinct entries and as many cp putting them back (seeded, interleaved), each on the CID the previous call returned; the chain ends on the directory it started from. The cp sources (raw blocks) are put in B's blockstore before the timed calls; no size is passed, so the source's block is read locally for its Tsize.`,
      'Prefetch on: `prefetch: true` in the service init, so the first call\'s open starts a background fetch of the whole tree, yielding to the calls\' own requests.',
      ...notes
    ]
  }
}

/** One cold delete with prefetch on against off */
async function prefetchedDelete (ctx: BenchContext): Promise<Table> {
  const server = await ctx.server()
  const { cid, entries } = await ctx.hamt(STREAM_CHAIN_ENTRIES)
  const victims = randomFor(33).shuffle(entries).slice(0, COLD_DELETE_RUNS)
  const rows: Row[] = []

  for (const mode of ctx.modes) {
    const times: Record<'off' | 'on', number[]> = { off: [], on: [] }
    const requested: Record<'off' | 'on', number[]> = { off: [], on: [] }
    for (const victim of victims) {
      for (const prefetch of [false, true]) {
        ctx.log(`cold delete: ${mode}, prefetch ${prefetch ? 'on' : 'off'}`)
        const phase = await onFreshClient(server, mode, async (client) => coldDelete(client.net, cid, victim.name, { prefetch }), 'cold delete with prefetch')
        times[prefetch ? 'on' : 'off'].push(phase.result.ms)
        requested[prefetch ? 'on' : 'off'].push(phase.result.stats.fetchedBlocks)
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
      target: r == null ? 'n/a' : `${r <= 1.3 ? 'met' : 'MISSED'} (limit: at most 1.3x)`
    })
  }

  return {
    title: `A cold delete with prefetch on against off (${STREAM_CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT)`,
    columns: ['network', 'prefetch off: median ms', 'prefetch on: median ms', 'on / off', 'runs (ms, off)', 'runs (ms, on)', 'delete\'s own blocks (off / on, median)', 'target'],
    rows,
    notes: [
      `${COLD_DELETE_RUNS} names, each deleted on a fresh node B with prefetch off then on: open(cid, { prefetch }), delete(name) and flush() at once, timed together (the root fetch included). Limit: on at most 1.3x off. "delete's own blocks": the directory's fetchedBlocks when the delete returned (prefetched blocks are counted apart).`
    ]
  }
}

/** A listing from two providers, one of them slow */
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
      const label = `A1 and A2 in-process, A1 ${networkLabel(mode)}, A2 ${SLOW_ONE_WAY_MS} ms each way`
      ctx.log(`slow-provider listing: ${mode}, library`)
      const lib = await onFreshB(mode, async (net) => timeListing(async function * () {
        const directory = await dynamicDirectory({ blockstore: net }).open(cid)
        yield * directory.entries()
      }, names))
      ctx.log(`slow-provider listing: ${mode}, @helia/unixfs`)
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
    title: `Cold listing of the ${STREAM_CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks) split between two providers, A2 200 ms late`,
    columns: ['network', 'implementation', 'entries listed', 'first entry ms', 'last entry ms', 'blocks requested', 'max in flight', 'all entries'],
    rows,
    notes: [
      `Three nodes: A1 and A2 each hold half the shard blocks (alternating, breadth-first; the root on both), A2 behind a ${SLOW_ONE_WAY_MS} ms each-way proxy (a blockstore delay would not do: @helia/bitswap reads a peer's wants one after another, so it would cap A2's throughput instead). B dials both; each row a fresh B.`,
      ...notes
    ]
  }
}
