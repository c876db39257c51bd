/**
 * Through kubo's trustless gateway against kubo as the client. A kubo daemon
 * A holds the importer's HAMTs (its own process); every client is fresh and
 * cold and reaches A through a 20 ms RTT latency proxy in a process of its
 * own: the library on a Helia node with no Bitswap peer and `gateways` set
 * to A's gateway behind the proxy; kubo B, a fresh daemon connected to A's
 * swarm behind another proxy, through its HTTP RPC API.
 *
 * One cold delete of the middle name: the library's `open`, `delete`,
 * `flush` at `fetchBudget` 32 and 256 (the default); kubo's
 * `files cp /ipfs/<root> /d`, `files rm /d/<name>`,
 * `files stat --hash /d`. The CIDs must match. One cold listing: the
 * library's `entries()` to the last entry (and the first); kubo's
 * `ls --size=false --resolve-type=false` (capped).
 *
 * `BENCH_GATEWAY_SIZES=10000,100000` (the default) chooses the sizes.
 */

import { dynamicDirectory } from 'helia-dynamic-directory'
import { createNode, stopAll } from '../../../../dist/test/fixtures/nodes.js'
import { startKuboDaemon } from '../kubo-daemon.js'
import { kuboBinary, startProxyProcess } from '../providers.js'
import { ratio, round } from '../table.js'
import { LIBRARY } from './common.js'
import type { BenchContext, Fixture } from '../context.js'
import type { KuboDaemon } from '../kubo-daemon.js'
import type { Row, Table } from '../table.js'

/** kubo's listing is stopped after this long */
const KUBO_LIST_CAP_MS = 90_000

function sizes (): number[] {
  return (process.env.BENCH_GATEWAY_SIZES ?? '10000,100000').split(',').map(Number).filter(n => Number.isSafeInteger(n) && n > 0)
}

/** Requests the library sends to `base`, counted by wrapping `fetch` while `run` runs */
async function countingRequests <T> (base: string, run: () => Promise<T>): Promise<{ result: T, requests: string[] }> {
  const requests: string[] = []
  const original = globalThis.fetch
  globalThis.fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input)
    if (url.startsWith(base)) {
      requests.push(url.slice(base.length))
    }
    return original(input, init)
  }
  try {
    return { result: await run(), requests }
  } finally {
    globalThis.fetch = original
  }
}

export async function gatewayScenario (ctx: BenchContext): Promise<Table[]> {
  const bin = kuboBinary()
  if (bin == null) {
    ctx.log('gateway: no kubo binary (KUBO_BIN, or scripts/kubo.sh): skipped')
    return []
  }
  const server = await ctx.server()
  const fixtures: Fixture[] = []
  for (const count of sizes()) {
    fixtures.push(await ctx.hamt(count))
  }
  const provider = await startKuboDaemon(bin, { store: server.store.inner, fixtures })
  const gatewayProxy = await startProxyProcess(`/ip4/127.0.0.1/tcp/${new URL(provider.gateway).port}`)
  const swarmProxy = await startProxyProcess(`/ip4/127.0.0.1/tcp/${provider.swarmPort}`)
  const gateway = `http://127.0.0.1:${gatewayProxy.port}`
  const swarm = `/ip4/127.0.0.1/tcp/${swarmProxy.port}/p2p/${provider.peerId}`
  const deletes: Row[] = []
  const listings: Row[] = []

  /** A fresh kubo client connected to A through the proxy */
  const kuboClient = async <T> (fn: (kubo: KuboDaemon) => Promise<T>): Promise<T> => {
    const kubo = await startKuboDaemon(bin)
    try {
      await kubo.rpc('swarm/connect', [swarm])
      return await fn(kubo)
    } finally {
      await kubo.close()
    }
  }
  /** A fresh Helia node with no peer */
  const heliaClient = async <T> (fn: (helia: Awaited<ReturnType<typeof createNode>>) => Promise<T>): Promise<T> => {
    const helia = await createNode()
    try {
      return await fn(helia)
    } finally {
      await stopAll(helia)
    }
  }

  try {
    for (const fixture of fixtures) {
      const count = fixture.entries.length
      const victim = fixture.entries[Math.floor(count / 2) - 1].name
      ctx.log(`gateway: ${count} entries, cold delete of ${victim}`)

      const kubo = await kuboClient(async (kubo) => {
        const start = performance.now()
        await kubo.rpc('files/cp', [`/ipfs/${fixture.cid}`, '/d'])
        await kubo.rpc('files/rm', [`/d/${victim}`])
        const cid = (await kubo.rpc('files/stat', ['/d'], { hash: 'true' })).Hash as string
        const ms = performance.now() - start
        const blocks = Number((await kubo.rpc('bitswap/stat')).BlocksReceived)
        return { ms, cid, blocks }
      })
      for (const fetchBudget of [32, 256]) {
        const lib = await heliaClient(async (helia) => countingRequests(gateway, async () => {
          const start = performance.now()
          const directory = await dynamicDirectory(helia, { gateways: [gateway], fetchBudget }).open(fixture.cid)
          await directory.delete(victim)
          const cid = (await directory.flush()).toString()
          return { ms: performance.now() - start, cid, bursts: directory.stats.bursts }
        }))
        const cars = lib.requests.filter(url => url.includes('format=car')).length
        deletes.push({
          entries: count,
          'kubo files rm ms': round(kubo.ms),
          'kubo blocks (Bitswap)': kubo.blocks,
          fetchBudget,
          [`${LIBRARY} via gateway ms`]: round(lib.result.ms),
          'gateway requests (CARs)': `${lib.requests.length} (${cars})`,
          bursts: lib.result.bursts,
          'speed-up': ratio(kubo.ms, lib.result.ms),
          'same CID': kubo.cid === lib.result.cid
        })
      }

      ctx.log(`gateway: ${count} entries, cold listing`)
      const listed = await heliaClient(async (helia) => countingRequests(gateway, async () => {
        const start = performance.now()
        let first = 0
        let n = 0
        for await (const entry of (await dynamicDirectory(helia, { gateways: [gateway] }).open(fixture.cid)).entries()) {
          void entry
          if (n++ === 0) {
            first = performance.now() - start
          }
        }
        return { first, last: performance.now() - start, n }
      }))
      const kuboList = await kuboClient(async (kubo) => {
        const start = performance.now()
        try {
          const reply = await fetch(`${kubo.api}/api/v0/ls?arg=/ipfs/${fixture.cid}&size=false&resolve-type=false&stream=true`, { method: 'POST', signal: AbortSignal.timeout(KUBO_LIST_CAP_MS) })
          const text = await reply.text()
          return { ms: performance.now() - start, n: text.split('"Name"').length - 1, capped: false }
        } catch {
          return { ms: KUBO_LIST_CAP_MS, n: 0, capped: true }
        }
      })
      listings.push({
        entries: count,
        'kubo ls ms': kuboList.capped ? `over ${KUBO_LIST_CAP_MS}` : round(kuboList.ms),
        [`${LIBRARY} first entry ms`]: round(listed.result.first),
        [`${LIBRARY} last entry ms`]: round(listed.result.last),
        'entries listed': listed.result.n,
        'gateway requests (CARs)': `${listed.requests.length} (${listed.requests.filter(url => url.includes('format=car')).length})`,
        'speed-up': kuboList.capped ? null : ratio(kuboList.ms, listed.result.last)
      })
    }
  } finally {
    await swarmProxy.close()
    await gatewayProxy.close()
    await provider.close()
  }

  const where = 'kubo 0.43.1 provider A in its own process; every client fresh and cold, reaching A through a 20 ms RTT latency proxy in its own process (the library: a Helia node with no Bitswap peer and `gateways` set to A\'s gateway; kubo: a fresh daemon connected to A\'s swarm, driven over its HTTP RPC API)'
  return [{
    title: 'Through kubo\'s gateway: one cold delete, against kubo\'s files rm',
    columns: ['entries', 'kubo files rm ms', 'kubo blocks (Bitswap)', 'fetchBudget', `${LIBRARY} via gateway ms`, 'gateway requests (CARs)', 'bursts', 'speed-up', 'same CID'],
    rows: deletes,
    notes: [where, 'kubo: `files cp /ipfs/<root> /d`, `files rm /d/<middle name>`, `files stat --hash /d`; the library: `open`, `delete`, `flush` with `gateways` at `fetchBudget` 32 and 256 (the default).']
  }, {
    title: 'Through kubo\'s gateway: one cold listing, against kubo\'s ls',
    columns: ['entries', 'kubo ls ms', `${LIBRARY} first entry ms`, `${LIBRARY} last entry ms`, 'entries listed', 'gateway requests (CARs)', 'speed-up'],
    rows: listings,
    notes: [where, `kubo: \`ls --size=false --resolve-type=false\`, stopped at ${KUBO_LIST_CAP_MS / 1000} s.`]
  }]
}
