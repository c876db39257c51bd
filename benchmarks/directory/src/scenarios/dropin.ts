/**
 * The drop-in: this package's `unixfs(helia)` against `@helia/unixfs`'s
 * `unixfs(helia)`, the same calls through the same `UnixFS` interface on the
 * same node B, so an app that swaps the import sees these numbers. Each
 * phase is a fresh node B fetching from A (direct or through the proxy); the
 * 10,000-entry importer-built HAMT throughout. Four tables:
 *
 * One cold `rm` (the blocks it fetches, whether the CID is the importer's).
 * 200 rm/cp calls chained through the returned CIDs, cp sources local (the
 * chain of the stream scenario, here through the drop-in). A cold `ls` to
 * the last entry. `stat` of the cold root, then of the root once its whole
 * DAG is on B and listed by the same instance, plain and `extended`.
 *
 * Both sides run under the same caps; only `@helia/unixfs` reaches them, and
 * its time is then extrapolated (by calls, by entries).
 */

import { unixfs as heliaUnixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import { unixfs } from 'helia-dynamic-directory'
import { toBytes } from '../../../../dist/test/fixtures/counting-blockstore.js'
import { canonicalAfter, chainTime, planChain, putSources, runChain } from '../chained-calls.js'
import { timeListing } from '../listing.js'
import { median, ratio, round } from '../table.js'
import { modeLabel, onFreshClient } from '../two-nodes.js'
import { UNIXFS } from './common.js'
import type { BenchContext, Fixture } from '../context.js'
import type { Listing } from '../listing.js'
import type { Row, Table } from '../table.js'
import type { Client, Server } from '../two-nodes.js'
import type { UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

export const DROPIN_ENTRIES = 10_000
export const DROPIN_CHAIN_CALLS = 200
/** A chain stops after this long; its time is then extrapolated by calls */
export const DROPIN_CHAIN_CAP_MS = 60_000
/** A listing stops after this long; its last-entry time is then extrapolated by entries */
export const DROPIN_LS_CAP_MS = 30_000
/** An extended stat is aborted after this long */
export const DROPIN_STAT_CAP_MS = 60_000
/** Plain stats of a loaded root: the median of this many calls */
export const LOADED_STAT_CALLS = 20
/** Extended stats of a loaded root: the median of this many calls */
export const EXTENDED_STAT_CALLS = 3
/** Cold stats: the median of this many fresh nodes */
export const COLD_STAT_RUNS = 5

const DROPIN = 'drop-in unixfs()'
const IMPLEMENTATIONS: Array<[string, (client: Client) => UnixFS]> = [
  [DROPIN, client => unixfs({ blockstore: client.net })],
  [UNIXFS, client => heliaUnixfs({ blockstore: client.net })]
]
const RATIO = `ratio ${UNIXFS} / drop-in`

export async function dropinScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const fixture = await ctx.hamt(DROPIN_ENTRIES)
  return [await coldRm(ctx, server, fixture), await chain(ctx, server, fixture), await coldLs(ctx, server, fixture), await stats(ctx, server, fixture)]
}

/** One cold rm */
async function coldRm (ctx: BenchContext, server: Server, { cid, entries, blocks }: Fixture): Promise<Table> {
  const victim = entries[Math.floor(entries.length / 2)]
  const canonical = await ctx.canonical(entries.filter(entry => entry !== victim))
  const rows: Row[] = []

  for (const mode of ctx.modes) {
    const out: Row[] = []
    for (const [label, make] of IMPLEMENTATIONS) {
      ctx.log(`drop-in cold rm: ${mode}, ${label}`)
      const phase = await onFreshClient(server, mode, async client => (await make(client).rm(cid, victim.name)).toString(), `drop-in cold rm, ${label}`)
      out.push({
        network: modeLabel(mode),
        implementation: label,
        'blocks requested': phase.network.requested,
        'served by A': phase.served,
        'fetch rounds (measured)': phase.network.rounds,
        'max in flight': phase.network.maxInFlight,
        'time ms': phase.ms,
        'canonical CID': phase.result === canonical
      })
    }
    const [mine, other] = out
    const ratios = ['blocks requested', 'served by A', 'fetch rounds (measured)', 'time ms'].map(column => [column, ratio(Number(other[column]), Number(mine[column]))])
    rows.push(mine, other, { network: modeLabel(mode), implementation: RATIO, ...Object.fromEntries(ratios) })
  }

  return {
    title: `Drop-in: one cold rm on the ${DROPIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks): drop-in against ${UNIXFS}`,
    columns: ['network', 'implementation', 'blocks requested', 'served by A', 'fetch rounds (measured)', 'max in flight', 'time ms', 'canonical CID'],
    rows,
    notes: ['`fs.rm(root, name)` on a fresh node B, the root fetch included. "canonical CID": the new root is the importer\'s for the remaining entries.']
  }
}

/** Chained rm/cp calls */
async function chain (ctx: BenchContext, server: Server, { cid, entries, blocks }: Fixture): Promise<Table> {
  const calls = planChain(entries, DROPIN_CHAIN_CALLS)
  const rows: Row[] = []
  const notes: string[] = []

  for (const mode of ctx.modes) {
    const out: Array<Row & { estimate: number, perCall: number }> = []
    for (const [label, make] of IMPLEMENTATIONS) {
      ctx.log(`drop-in chain: ${calls.length} rm/cp, ${mode}, ${label}`)
      const phase = await onFreshClient(server, mode, async (client) => {
        await putSources(client, calls)
        client.net.reset()
        return runChain(make(client), cid, calls, DROPIN_CHAIN_CAP_MS)
      }, `drop-in chain, ${label}`)
      const chain = phase.result
      const { ms, done, root } = chain
      if (chain.capped) {
        notes.push(`${label}, ${modeLabel(mode)}: stopped at the ${DROPIN_CHAIN_CAP_MS / 1000} s cap after ${done} of ${calls.length} calls; its time is extrapolated by calls: ~${Math.round(chain.estimateMs)} ms. Its final CID is checked against the importer's for the entries present after those ${done} calls.`)
      }
      out.push({
        network: modeLabel(mode),
        implementation: label,
        calls: done,
        'blocks requested': phase.network.requested,
        'max in flight': phase.network.maxInFlight,
        'time ms': chainTime(chain),
        'ms / call': round(ms / done),
        'final CID = importer\'s': root === await canonicalAfter(ctx, entries, calls, done),
        estimate: chain.estimateMs,
        perCall: ms / done
      })
    }
    const [mine, other] = out
    rows.push(mine, other, {
      network: modeLabel(mode),
      implementation: RATIO,
      'time ms': typeof other['time ms'] === 'string' ? `~${ratio(other.estimate, mine.estimate)} (extrapolated)` : ratio(other.estimate, mine.estimate),
      'ms / call': ratio(other.perCall, mine.perCall)
    })
  }

  return {
    title: `Drop-in: ${calls.length} rm/cp calls chained through the returned CIDs on a cold ${DROPIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks), cp sources local`,
    columns: ['network', 'implementation', 'calls', 'blocks requested', 'max in flight', 'time ms', 'ms / call', 'final CID = importer\'s'],
    rows,
    notes: [
      `The stream scenario's seeded calls (${calls.filter(call => call.op === 'rm').length} rm of distinct entries, as many cp putting them back, interleaved), each on the CID the previous call returned, all through one \`unixfs()\` instance; the cp sources (raw blocks) are put in B's blockstore before the timed calls.`,
      ...notes
    ]
  }
}

/** A cold ls */
async function coldLs (ctx: BenchContext, server: Server, { cid, entries, blocks }: Fixture): Promise<Table> {
  const names = new Set(entries.map(entry => entry.name))
  const rows: Row[] = []
  const notes: string[] = []

  for (const mode of ctx.modes) {
    const out: Listing[] = []
    for (const [label, make] of IMPLEMENTATIONS) {
      ctx.log(`drop-in cold ls: ${mode}, ${label}`)
      const phase = await onFreshClient(server, mode, async client => timeListing(() => make(client).ls(cid), names, DROPIN_LS_CAP_MS), `drop-in cold ls, ${label}`)
      const listing = phase.result
      if (listing.capped) {
        notes.push(`${label}, ${modeLabel(mode)}: stopped at the ${DROPIN_LS_CAP_MS / 1000} s cap after ${listing.listed} of ${names.size} entries (${phase.network.requested} blocks); its last-entry time is extrapolated by entries.`)
      }
      out.push(listing)
      rows.push({
        network: modeLabel(mode),
        implementation: label,
        'entries listed': listing.listed,
        'first entry ms': listing.firstMs,
        'last entry ms': listing.capped ? `${listing.lastMs} (capped; ~${listing.estimateMs} extrapolated)` : listing.lastMs,
        'blocks requested': phase.network.requested,
        'max in flight': phase.network.maxInFlight,
        'all entries': listing.complete
      })
    }
    const [mine, other] = out
    const last = ratio(other.estimateMs, mine.estimateMs)
    rows.push({
      network: modeLabel(mode),
      implementation: RATIO,
      'first entry ms': ratio(other.firstMs, mine.firstMs),
      'last entry ms': other.capped ? `~${last} (extrapolated; >= ${ratio(other.lastMs, mine.lastMs)})` : last
    })
  }

  return {
    title: `Drop-in: cold ls of the ${DROPIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks) to the last entry`,
    columns: ['network', 'implementation', 'entries listed', 'first entry ms', 'last entry ms', 'blocks requested', 'max in flight', 'all entries'],
    rows,
    notes: ['`fs.ls(root)` on a fresh node B, times from before the call. "all entries": every name once.', ...notes]
  }
}

/** Every block of the DAG under `root` (shards and leaves), copied from A's store into B's own */
async function copyDag (server: Server, client: Client, cid: CID): Promise<number> {
  const bytes = await toBytes(server.store.inner.get(cid))
  await client.local.put(cid, bytes)
  let copied = 1
  for (const link of cid.code === dagPb.code ? dagPb.decode(bytes).Links : []) {
    copied += await copyDag(server, client, link.Hash)
  }
  return copied
}

const EXTENDED_FIELDS = ['blocks', 'uniqueBlocks', 'dagSize', 'deduplicatedDagSize', 'localSize', 'size'] as const
type Extended = Record<typeof EXTENDED_FIELDS[number], bigint>
const COLD_COLUMN = `cold: ms (median of ${COLD_STAT_RUNS})`
const PLAIN_COLUMN = `loaded: ms (median of ${LOADED_STAT_CALLS})`
const EXTENDED_COLUMN = `loaded, extended: ms (median of ${EXTENDED_STAT_CALLS})`

/** stat, cold and loaded */
async function stats (ctx: BenchContext, server: Server, { cid, blocks }: Fixture): Promise<Table> {
  const rows: Row[] = []
  let dagBlocks = 0

  for (const mode of ctx.modes) {
    const out = []
    for (const [label, make] of IMPLEMENTATIONS) {
      ctx.log(`drop-in stat: ${mode}, ${label}`)
      const loaded = await onFreshClient(server, mode, async client => {
        const copied = await copyDag(server, client, cid)
        const fs = make(client)
        const listed = new Set<string>()
        for await (const entry of fs.ls(cid)) {
          listed.add(entry.name)
        }
        if (listed.size !== DROPIN_ENTRIES) {
          throw new Error(`${label} listed ${listed.size} of ${DROPIN_ENTRIES} names`)
        }
        const times: number[] = []
        for (let i = 0; i < LOADED_STAT_CALLS; i++) {
          const start = performance.now()
          await fs.stat(cid)
          times.push(performance.now() - start)
        }
        const extendedTimes: number[] = []
        let extended: Extended | null = null
        for (let i = 0; i < EXTENDED_STAT_CALLS; i++) {
          const start = performance.now()
          extended = await fs.stat(cid, { extended: true, signal: AbortSignal.timeout(DROPIN_STAT_CAP_MS) }).catch(() => null)
          extendedTimes.push(performance.now() - start)
        }
        return { copied, plainMs: median(times), extendedMs: median(extendedTimes), extended }
      }, `drop-in loaded stat, ${label}`)
      dagBlocks = loaded.result.copied
      // cold after loaded: this implementation's stat code has run, so neither side pays V8's warm-up here
      const cold = []
      for (let i = 0; i < COLD_STAT_RUNS; i++) {
        // A resets inbound connections past a rate (libp2p's inboundConnectionThreshold): phases this short need a pause
        await new Promise(resolve => setTimeout(resolve, 1000))
        cold.push(await onFreshClient(server, mode, async client => {
          const start = performance.now()
          await make(client).stat(cid)
          return performance.now() - start
        }, `drop-in cold stat, ${label}`))
      }
      out.push({ label, coldMs: median(cold.map(run => run.result)), coldRequested: Math.max(...cold.map(run => run.network.requested)), ...loaded.result })
    }

    for (const stat of out) {
      rows.push({
        network: modeLabel(mode),
        implementation: stat.label,
        [COLD_COLUMN]: round(stat.coldMs),
        'cold: blocks requested (most)': stat.coldRequested,
        [PLAIN_COLUMN]: Math.round(stat.plainMs * 1000) / 1000,
        [EXTENDED_COLUMN]: stat.extended == null ? `aborted at the ${DROPIN_STAT_CAP_MS / 1000} s cap` : round(stat.extendedMs),
        'extended result': stat.extended == null ? null : EXTENDED_FIELDS.map(field => `${field} ${stat.extended?.[field]}`).join(', ')
      })
    }
    const [mine, other] = out
    const differ = EXTENDED_FIELDS.filter(field => mine.extended?.[field] !== other.extended?.[field])
    rows.push({
      network: modeLabel(mode),
      implementation: RATIO,
      [COLD_COLUMN]: ratio(other.coldMs, mine.coldMs),
      [PLAIN_COLUMN]: ratio(other.plainMs, mine.plainMs),
      [EXTENDED_COLUMN]: mine.extended == null || other.extended == null ? null : ratio(other.extendedMs, mine.extendedMs),
      'extended result': differ.length === 0 ? 'same' : `differ: ${differ.join(', ')}`
    })
  }

  return {
    title: `Drop-in: stat of the ${DROPIN_ENTRIES.toLocaleString('en')}-entry HAMT's root (${blocks} shard blocks): cold, and loaded`,
    columns: ['network', 'implementation', COLD_COLUMN, 'cold: blocks requested (most)', PLAIN_COLUMN, EXTENDED_COLUMN, 'extended result'],
    rows,
    notes: [
      `Cold: one plain \`fs.stat(root)\` on each of ${COLD_STAT_RUNS} fresh nodes B, the root fetch included, run after the loaded case so that both sides' stat code is warm.`,
      `Loaded: on another fresh B, the whole DAG (${dagBlocks} blocks, all distinct: shards and leaves) is put in B's blockstore and listed once by the same instance (untimed), then ${LOADED_STAT_CALLS} plain stats and ${EXTENDED_STAT_CALLS} \`stat(root, { extended: true })\` (medians), which read every block of the DAG, with each side's default duplicate filter (${UNIXFS}: a cuckoo filter, which can take a new block for a seen one; the drop-in: exact).`
    ]
  }
}
