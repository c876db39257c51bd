/**
 * Providers in processes of their own: a Helia node in a child process and
 * a kubo daemon, each behind the latency proxy, B in this process. Three
 * tables, every row against `@helia/unixfs` from the same provider in the
 * same run and beside the floor (the same blocks by raw gets, level by
 * level, from the same provider, in the same run):
 *
 * Cold listings of 10,000 and 50,000 entries, to the first and the last
 * entry. One cold delete at 10,000 and 50,000 entries (the floor: the blocks
 * the library's delete fetched). 200 rm/cp calls chained through the
 * returned CIDs on the cold 10,000-entry HAMT with prefetch on (the floor:
 * the blocks the library's chain fetched).
 *
 * `BENCH_PROVIDERS=helia,kubo` (the default) chooses the providers;
 * `in-process` adds node A of this process (its proxy in this process too)
 * for comparison. Without a kubo
 * binary (KUBO_BIN, or scripts/kubo.sh's cache) the kubo rows are skipped
 * with one line.
 */

import { unixfs } from '@helia/unixfs'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { chainTime, planChain, putSources, runChain } from '../chained-calls.js'
import { coldDelete } from '../cold-delete.js'
import { FLOOR, levelFloor, timeListing } from '../listing.js'
import { kuboBinary, startHeliaChild, startKubo } from '../providers.js'
import { ratio, round, verdict } from '../table.js'
import { networkLabel, onFreshClient } from '../two-nodes.js'
import { LIBRARY, UNIXFS } from './common.js'
import type { ChainApi, ChainRun } from '../chained-calls.js'
import type { BenchContext, Fixture } from '../context.js'
import type { Row, Table } from '../table.js'
import type { NetworkCounter, Mode, Phase, Provider } from '../two-nodes.js'

export const PROVIDER_SIZES = [10_000, 50_000]
export const PROVIDER_CHAIN_CALLS = 200
/** `@helia/unixfs` stops listing after this long; its last-entry time is then extrapolated by entries */
export const PROVIDER_LIST_CAP_MS = 30_000
/** `@helia/unixfs` stops the chain after this long; its time is then extrapolated by calls */
export const PROVIDER_CHAIN_CAP_MS = 60_000
const MODE: Mode = 'proxy'

type Kind = 'helia' | 'kubo' | 'in-process'

function selectedKinds (): Kind[] {
  const asked = (process.env.BENCH_PROVIDERS ?? 'helia,kubo').split(',').map(kind => kind.trim()).filter(kind => kind !== '')
  for (const kind of asked) {
    if (kind !== 'helia' && kind !== 'kubo' && kind !== 'in-process') {
      throw new Error(`Unknown provider "${kind}": choose from helia, kubo, in-process`)
    }
  }
  return asked as Kind[]
}

interface Tables {
  listings: Row[]
  deletes: Row[]
  chains: Row[]
  notes: string[]
}

export async function providersScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const fixtures: Fixture[] = []
  for (const count of PROVIDER_SIZES) {
    fixtures.push(await ctx.hamt(count))
  }
  const tables: Tables = { listings: [], deletes: [], chains: [], notes: [] }
  let warm = false

  for (const kind of selectedKinds()) {
    let provider: Provider
    const start = performance.now()
    if (kind === 'in-process') {
      provider = server
    } else if (kind === 'helia') {
      provider = await startHeliaChild(fixtures)
    } else {
      const bin = kuboBinary()
      if (bin == null) {
        ctx.log('providers: no kubo binary (set KUBO_BIN or run scripts/kubo.sh): kubo rows skipped')
        tables.notes.push('kubo: skipped, no binary (KUBO_BIN, or the cache scripts/kubo.sh builds into).')
        continue
      }
      provider = await startKubo(bin, server.store.inner, fixtures, ctx.log)
    }
    ctx.log(`providers: ${provider.label} ready in ${Math.round(performance.now() - start)} ms`)

    try {
      if (!warm) {
        // untimed: whichever row ran first in a fresh process would pay for compiling the code every row shares
        ctx.log('providers: warm-up listings, untimed')
        await onFreshClient(provider, MODE, async (client) => {
          const { cid } = fixtures[0]
          for await (const entry of (await dynamicDirectory({ blockstore: client.net }).open(cid)).entries()) { void entry }
          await timeListing(() => unixfs({ blockstore: client.net }).ls(cid), new Set(), 2_000)
        }, 'providers warm-up')
        warm = true
      }
      await listings(ctx, provider, fixtures, tables)
      await deletes(ctx, provider, fixtures, tables)
      await chain(ctx, provider, fixtures[0], tables)
    } finally {
      if (provider !== server) {
        await provider.close()
      }
    }
  }

  const where = 'Node B in the bench\'s Node process; the provider as the row says, in its own process, behind the latency proxy (10 ms each way, 20 ms a round trip), which runs in a third process so that forwarding costs B nothing; each row a fresh node B.'
  const floorNote = 'Floor: the same blocks on a fresh node B from the same provider, by raw `get`s with no directory code, level by level, a level\'s blocks all asked for at once (at most 1,024 on the wire); "vs floor": the row\'s time over the floor\'s.'
  return [{
    title: 'Cold listings from providers in their own processes: open + entries() against @helia/unixfs ls and the floor',
    columns: ['provider', 'entries', 'implementation', 'entries listed', 'first entry ms', 'last entry ms', 'blocks requested', 'served', 'max in flight', 'all entries', 'vs floor', 'target'],
    rows: tables.listings,
    notes: [
      where,
      floorNote,
      `Targets: the library's last entry within 1.15x of the floor (limit 1.3x); 10,000 entries at least 100x faster than ${UNIXFS} ls (limit 80x); from kubo, 50,000 entries within 5 s and the first within 250 ms. "served": blocks the provider reports having sent (kubo: bitswap stat; Helia: its blockstore's gets).`,
      ...tables.notes
    ]
  }, {
    title: 'One cold delete from providers in their own processes: open + delete + flush against @helia/unixfs rm',
    columns: ['provider', 'entries', 'implementation', 'blocks requested', 'served', 'fetch rounds (measured)', 'max in flight', 'time ms', 'canonical CID', 'vs floor', 'target'],
    rows: tables.deletes,
    notes: [
      where,
      `${floorNote} The floor here fetches the blocks the library's delete fetched.`,
      `Target: at 50,000 entries, at least 40x faster than ${UNIXFS} rm. "canonical CID": the new root is the importer's for the remaining entries.`
    ]
  }, {
    title: `${PROVIDER_CHAIN_CALLS} rm/cp calls chained through the returned CIDs on the cold 10,000-entry HAMT, prefetch on, from providers in their own processes`,
    columns: ['provider', 'implementation', 'calls', 'blocks requested', 'served', 'time ms', 'ms / call', 'ends on the importer\'s CID', 'vs floor'],
    rows: tables.chains,
    notes: [
      where,
      `${floorNote} The floor here fetches the blocks the library's chain fetched (its prefetch included).`,
      `${PROVIDER_CHAIN_CALLS / 2} rm of distinct entries and as many cp putting them back (the stream scenario's seeded plan), cp sources put in B's blockstore first; the library with \`prefetch: true\` in the service init. ${UNIXFS} is stopped at ${PROVIDER_CHAIN_CAP_MS / 1000} s and its time extrapolated by calls.`
    ]
  }]
}

const where = (provider: Provider): string => `${provider.label}, ${networkLabel(MODE)}`

async function listings (ctx: BenchContext, provider: Provider, fixtures: Fixture[], tables: Tables): Promise<void> {
  for (const { cid, entries, blocks } of fixtures) {
    const count = entries.length
    const names = new Set(entries.map(entry => entry.name))
    const label = `providers: cold listing, ${count}, ${provider.label}`
    ctx.log(`${label}, library`)
    const lib = await onFreshClient(provider, MODE, async (client) => timeListing(async function * () {
      yield * (await dynamicDirectory({ blockstore: client.net }).open(cid)).entries()
    }, names), `${label}, library`)
    ctx.log(`${label}, @helia/unixfs`)
    const other = await onFreshClient(provider, MODE, async (client) => timeListing(() => unixfs({ blockstore: client.net }).ls(cid), names, PROVIDER_LIST_CAP_MS), `${label}, ${UNIXFS}`)
    ctx.log(`${label}, floor`)
    const floor = await onFreshClient(provider, MODE, async (client) => levelFloor(client.net, cid), `${label}, floor`)

    const base = { provider: where(provider), entries: `${count.toLocaleString('en')} (${blocks} blocks)` }
    const vsFloor = ratio(lib.result.lastMs, floor.result.ms)
    const speedup = ratio(other.result.estimateMs, lib.result.lastMs)
    const kubo = provider.label.startsWith('kubo')
    const libTargets = [`vs floor: ${verdict(vsFloor, 1.15, 1.3)}`]
    if (kubo && count === 50_000) {
      libTargets.push(`last within 5 s: ${lib.result.lastMs <= 5_000 ? 'met' : 'missed'}`, `first within 250 ms: ${lib.result.firstMs <= 250 ? 'met' : 'missed'}`)
    }
    tables.listings.push({
      ...base,
      implementation: LIBRARY,
      'entries listed': lib.result.listed,
      'first entry ms': lib.result.firstMs,
      'last entry ms': lib.result.lastMs,
      'blocks requested': lib.network.requested,
      served: lib.served,
      'max in flight': lib.network.maxInFlight,
      'all entries': lib.result.complete,
      'vs floor': vsFloor,
      target: libTargets.join('; ')
    }, {
      ...base,
      implementation: UNIXFS,
      'entries listed': other.result.listed,
      'first entry ms': other.result.firstMs,
      'last entry ms': other.result.capped ? `${other.result.lastMs} (capped; ~${other.result.estimateMs} extrapolated)` : other.result.lastMs,
      'blocks requested': other.network.requested,
      served: other.served,
      'max in flight': other.network.maxInFlight,
      'all entries': other.result.complete,
      'vs floor': ratio(other.result.estimateMs, floor.result.ms)
    }, {
      ...base,
      implementation: FLOOR,
      'last entry ms': floor.result.ms,
      'blocks requested': floor.network.requested,
      served: floor.served,
      'max in flight': floor.network.maxInFlight
    }, {
      ...base,
      implementation: `ratio ${UNIXFS} / library`,
      'first entry ms': ratio(other.result.firstMs, lib.result.firstMs),
      'last entry ms': other.result.capped ? `~${speedup} (extrapolated)` : speedup,
      target: count === 10_000 ? `${verdict(speedup, 100, 80, false)} (100x, limit 80x)` : ''
    })
    if (other.result.capped) {
      tables.notes.push(`${UNIXFS}, ${where(provider)}, ${count} entries: stopped at the ${PROVIDER_LIST_CAP_MS / 1000} s cap after ${other.result.listed} entries; its last-entry time is extrapolated by entries.`)
    }
  }
}

async function deletes (ctx: BenchContext, provider: Provider, fixtures: Fixture[], tables: Tables): Promise<void> {
  for (const { cid, entries, blocks } of fixtures) {
    const count = entries.length
    const victim = entries[Math.floor(entries.length / 2)]
    const canonical = await ctx.canonical(entries.filter(entry => entry !== victim))
    const label = `providers: cold delete, ${count}, ${provider.label}`
    ctx.log(`${label}, library`)
    const lib = await onFreshClient(provider, MODE, async (client) => ({ ...await coldDelete(client.net, cid, victim.name), keys: new Set(client.net.requestedKeys) }), `${label}, library`)
    ctx.log(`${label}, @helia/unixfs`)
    const other = await onFreshClient(provider, MODE, async (client) => (await unixfs({ blockstore: client.net }).rm(cid, victim.name)).toString(), `${label}, ${UNIXFS}`)
    ctx.log(`${label}, floor`)
    const floor = await onFreshClient(provider, MODE, async (client) => levelFloor(client.net, cid, lib.result.keys), `${label}, floor`)

    const base = { provider: where(provider), entries: `${count.toLocaleString('en')} (${blocks} blocks)` }
    const row = (implementation: string, phase: Phase<unknown>): Row => ({
      ...base,
      implementation,
      'blocks requested': phase.network.requested,
      served: phase.served,
      'fetch rounds (measured)': phase.network.rounds,
      'max in flight': phase.network.maxInFlight,
      'time ms': phase.ms
    })
    const speedup = ratio(other.ms, lib.ms)
    tables.deletes.push(
      { ...row(LIBRARY, lib), 'canonical CID': lib.result.root === canonical, 'vs floor': ratio(lib.ms, floor.ms) },
      { ...row(UNIXFS, other), 'canonical CID': other.result === canonical, 'vs floor': ratio(other.ms, floor.ms) },
      row(FLOOR, floor),
      { ...base, implementation: `ratio ${UNIXFS} / library`, 'blocks requested': ratio(other.network.requested, lib.network.requested), 'time ms': speedup, target: count === 50_000 ? `${verdict(speedup, 40, 40, false)} (40x)` : '' }
    )
  }
}

async function chain (ctx: BenchContext, provider: Provider, { cid, entries }: Fixture, tables: Tables): Promise<void> {
  const calls = planChain(entries, PROVIDER_CHAIN_CALLS)
  const label = `providers: ${calls.length} chained rm/cp, ${provider.label}`
  const run = async (implementation: string, make: (blockstore: NetworkCounter) => ChainApi, capMs?: number): Promise<Phase<ChainRun & { keys: Set<string> }>> => {
    ctx.log(`${label}, ${implementation}`)
    return onFreshClient(provider, MODE, async (client) => {
      await putSources(client, calls)
      client.net.reset()
      const result = await runChain(make(client.net), cid, calls, capMs)
      return { ...result, keys: new Set(client.net.requestedKeys) }
    }, `${label}, ${implementation}`)
  }
  const lib = await run(`${LIBRARY}, prefetch on`, blockstore => dynamicDirectory({ blockstore }, { prefetch: true }))
  const other = await run(UNIXFS, blockstore => unixfs({ blockstore }), PROVIDER_CHAIN_CAP_MS)
  ctx.log(`${label}, floor`)
  const floor = await onFreshClient(provider, MODE, async (client) => levelFloor(client.net, cid, lib.result.keys), `${label}, floor`)

  const row = (implementation: string, phase: Phase<ChainRun>): Row => ({
    provider: where(provider),
    implementation,
    calls: phase.result.done,
    'blocks requested': phase.network.requested,
    served: phase.served,
    'time ms': chainTime(phase.result),
    'ms / call': round(phase.result.ms / phase.result.done),
    'ends on the importer\'s CID': phase.result.capped ? 'n/a (capped)' : phase.result.root === cid.toString(),
    'vs floor': ratio(phase.result.estimateMs, floor.result.ms)
  })
  tables.chains.push(row(LIBRARY + ', prefetch on', lib), row(UNIXFS, other), {
    provider: where(provider),
    implementation: FLOOR,
    'blocks requested': floor.network.requested,
    served: floor.served,
    'time ms': floor.result.ms
  }, {
    provider: where(provider),
    implementation: `ratio ${UNIXFS} / library`,
    'time ms': other.result.capped ? `~${ratio(other.result.estimateMs, lib.result.ms)} (extrapolated)` : ratio(other.result.ms, lib.result.ms)
  })
}
