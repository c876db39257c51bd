/**
 * kubo as the client: a fresh kubo 0.43.1 daemon beside this package on a
 * fresh Helia node, both fetching from the same kubo provider through the
 * same latency proxy (its own process; 10 ms each way).
 *
 * One cold delete: kubo's `files cp /ipfs/<root> /d`, `files rm /d/<middle
 * name>`, `files stat --hash /d` over its RPC API, against this package's
 * `open`, `delete`, `flush` at each `fetchBudget` of the sweep; then a second delete of another name on the same client. Cold
 * listings: kubo's `ls --size=false --resolve-type=false --stream` against
 * `entries()` at the default options.
 *
 * `BENCH_KUBO_SIZES` (default 10000,100000,1000000) chooses the deletes'
 * sizes, `BENCH_KUBO_LIST_SIZES` (default 10000,50000,100000) the listings',
 * `BENCH_KUBO_BUDGETS` (default 32,64,128,256,512) the sweep. Without a
 * kubo binary the scenario is skipped with one line.
 */

import { dynamicDirectory } from 'helia-dynamic-directory'
import { startKuboClient } from '../kubo-client.js'
import { timeListing } from '../listing.js'
import { kuboBinary, startKubo } from '../providers.js'
import { ratio, round } from '../table.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY } from './common.js'
import type { BenchContext, Fixture } from '../context.js'
import type { KuboClient } from '../kubo-client.js'
import type { Row, Table } from '../table.js'
import type { Provider } from '../two-nodes.js'

const KUBO = 'kubo 0.43.1 (files cp, rm, stat --hash)'
/** A listing is stopped after this long; its row then says how far it got */
const LIST_CAP_MS = 120_000
/** The engine's default (DEFAULT_FETCH_BUDGET) */
const DEFAULT_BUDGET = 256

function sizes (name: string, fallback: number[]): number[] {
  const asked = process.env[name]
  if (asked === 'none') {
    return []
  }
  return asked == null || asked === '' ? fallback : asked.split(',').map(Number)
}

interface Delete {
  ms: number
  blocks: number
  rounds?: number
  cid: string
  secondMs: number
  secondBlocks: number
}

/** A fresh kubo client connected to the provider through the proxy; closed after `fn` */
async function onKuboClient <T> (bin: string, provider: Provider, fn: (kubo: KuboClient) => Promise<T>): Promise<T> {
  const kubo = await startKuboClient(bin)
  try {
    await kubo.rpc('swarm/connect', [provider.proxiedAddress ?? ''])
    return await fn(kubo)
  } finally {
    await kubo.close()
  }
}

async function kuboDelete (bin: string, provider: Provider, fixture: Fixture, first: string, second: string): Promise<Delete> {
  return onKuboClient(bin, provider, async (kubo) => {
    const start = performance.now()
    await kubo.rpc('files/cp', [`/ipfs/${fixture.cid}`, '/d'])
    await kubo.rpc('files/rm', [`/d/${first}`])
    const cid: string = (await kubo.rpc('files/stat', ['/d'], { hash: 'true' })).Hash
    const ms = performance.now() - start
    const blocks = await kubo.received()
    const secondStart = performance.now()
    await kubo.rpc('files/rm', [`/d/${second}`])
    await kubo.rpc('files/stat', ['/d'], { hash: 'true' })
    const secondMs = performance.now() - secondStart
    return { ms: round(ms), blocks, cid, secondMs: round(secondMs), secondBlocks: await kubo.received() - blocks }
  })
}

async function libraryDelete (provider: Provider, fixture: Fixture, first: string, second: string, fetchBudget: number): Promise<Delete> {
  const phase = await onFreshClient(provider, 'proxy', async (client) => {
    const start = performance.now()
    const directory = await dynamicDirectory({ blockstore: client.net }, { fetchBudget }).open(fixture.cid)
    if (!await directory.delete(first)) {
      throw new Error(`${first} was not found`)
    }
    const cid = (await directory.flush()).toString()
    const ms = performance.now() - start
    const blocks = client.net.stats.requested
    const rounds = client.net.stats.rounds
    const secondStart = performance.now()
    if (!await directory.delete(second)) {
      throw new Error(`${second} was not found`)
    }
    await directory.flush()
    const secondMs = performance.now() - secondStart
    return { ms: round(ms), blocks, rounds, cid, secondMs: round(secondMs), secondBlocks: client.net.stats.requested - blocks }
  }, `kubo-client: library delete, budget ${fetchBudget}`)
  return phase.result
}

export async function kuboClientScenario (ctx: BenchContext): Promise<Table[]> {
  const bin = kuboBinary()
  if (bin == null) {
    ctx.log('kubo-client: no kubo binary (set KUBO_BIN or run scripts/kubo.sh): skipped')
    return []
  }
  const deleteSizes = sizes('BENCH_KUBO_SIZES', [10_000, 100_000, 1_000_000])
  const listSizes = sizes('BENCH_KUBO_LIST_SIZES', [10_000, 50_000, 100_000])
  const budgets = sizes('BENCH_KUBO_BUDGETS', [32, 64, 128, 256, 512])
  const server = await ctx.server()
  const fixtures = new Map<number, Fixture>()
  for (const count of [...new Set([...deleteSizes, ...listSizes])].sort((a, b) => a - b)) {
    fixtures.set(count, await ctx.hamt(count))
  }
  const provider = await startKubo(bin, server.store.inner, [...fixtures.values()], ctx.log)
  const deletes: Row[] = []
  const listings: Row[] = []
  try {
    for (const count of deleteSizes) {
      const fixture = fixtures.get(count) as Fixture
      const { entries } = fixture
      const first = entries[Math.floor(entries.length / 2)]
      const second = entries[Math.floor(entries.length / 3)]
      const canonical = await ctx.canonical(entries.filter(entry => entry !== first))
      const label = `${count.toLocaleString('en')} (${fixture.blocks} blocks)`
      ctx.log(`kubo-client: cold delete, ${count}, kubo`)
      const kubo = await kuboDelete(bin, provider, fixture, first.name, second.name)
      deletes.push({ entries: label, client: KUBO, 'time ms': kubo.ms, blocks: kubo.blocks, 'same CID': kubo.cid === canonical, 'second delete ms': kubo.secondMs, 'second delete blocks': kubo.secondBlocks })
      for (const budget of budgets) {
        ctx.log(`kubo-client: cold delete, ${count}, library, fetchBudget ${budget}`)
        const lib = await libraryDelete(provider, fixture, first.name, second.name, budget)
        deletes.push({
          entries: label,
          client: `${LIBRARY}, Bitswap, fetchBudget ${budget}${budget === DEFAULT_BUDGET ? ' (default)' : ''}`,
          'time ms': lib.ms,
          blocks: lib.blocks,
          'fetch rounds (measured)': lib.rounds ?? null,
          'same CID': lib.cid === canonical,
          'second delete ms': lib.secondMs,
          'second delete blocks': lib.secondBlocks,
          'kubo / this': ratio(kubo.ms, lib.ms),
          'second: kubo / this': ratio(kubo.secondMs, lib.secondMs)
        })
      }
    }
    for (const count of listSizes) {
      const fixture = fixtures.get(count) as Fixture
      const names = new Set(fixture.entries.map(entry => entry.name))
      const label = `${count.toLocaleString('en')} (${fixture.blocks} blocks)`
      ctx.log(`kubo-client: cold listing, ${count}, kubo`)
      const kubo = await onKuboClient(bin, provider, async (client) => timeListing(async function * () {
        const lines = client.lines('ls', [fixture.cid.toString()], { size: 'false', 'resolve-type': 'false', stream: 'true' }, AbortSignal.timeout(LIST_CAP_MS))
        try {
          for await (const line of lines) {
            for (const object of line.Objects ?? []) {
              yield * (object.Links ?? []).map((link: { Name: string }) => ({ name: link.Name }))
            }
          }
        } catch (err: any) {
          // a listing that outlasts the cap ends where it got to: its row says so
          if (err.name !== 'TimeoutError') {
            throw err
          }
        }
      }, names))
      ctx.log(`kubo-client: cold listing, ${count}, library`)
      const lib = await onFreshClient(provider, 'proxy', async (client) => timeListing(async function * () {
        yield * (await dynamicDirectory({ blockstore: client.net }).open(fixture.cid)).entries()
      }, names), `kubo-client: library listing, ${count}`)
      listings.push(
        { entries: label, client: 'kubo 0.43.1 (ls --size=false --resolve-type=false --stream)', 'first entry ms': kubo.firstMs, 'last entry ms': kubo.complete ? kubo.lastMs : `${kubo.listed} entries when stopped at ${LIST_CAP_MS / 1000} s`, 'all entries': kubo.complete },
        { entries: label, client: `${LIBRARY}, Bitswap, default options`, 'first entry ms': lib.result.firstMs, 'last entry ms': lib.result.lastMs, 'all entries': lib.result.complete, blocks: lib.network.requested, 'kubo / this': kubo.complete ? ratio(kubo.lastMs, lib.result.lastMs) : `> ${ratio(LIST_CAP_MS, lib.result.lastMs)}` }
      )
    }
  } finally {
    await provider.close()
  }

  const where = `Provider: ${provider.label} holding importer HAMTs (benchEntries: \`file-000000\` ..., raw leaves, CIDv1), behind the latency proxy in its own process (10 ms each way); every client fresh and cold, in this process (Helia) or its own (kubo), dialling the provider through the proxy.`
  return [{
    title: 'kubo as the client: one cold delete, then a second, against this package at each fetchBudget',
    columns: ['entries', 'client', 'time ms', 'blocks', 'fetch rounds (measured)', 'same CID', 'second delete ms', 'second delete blocks', 'kubo / this', 'second: kubo / this'],
    rows: deletes,
    notes: [
      where,
      'kubo: `files cp /ipfs/<root> /d`, `files rm /d/<middle name>`, `files stat --hash /d` over its RPC API; blocks: its `bitswap stat` BlocksReceived. This package: `open`, `delete`, `flush`; blocks: the blocks it asked for. The second delete removes another name on the same client, timed alone. "same CID": the new root is the importer\'s for the remaining entries.'
    ]
  }, {
    title: 'kubo as the client: cold listings',
    columns: ['entries', 'client', 'first entry ms', 'last entry ms', 'all entries', 'blocks', 'kubo / this'],
    rows: listings,
    notes: [where]
  }]
}
