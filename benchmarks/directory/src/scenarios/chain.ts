/**
 * An MFS-style app on node B: 500 rm/cp calls chained through the returned
 * CIDs on a cold 20,000-entry HAMT held by A, the cp sources on A too. The
 * library's CID-in, CID-out API continues each call from the previous
 * call's retained tree; `@helia/unixfs` starts each call from its root CID
 * again.
 */

import { dynamicDirectory } from 'helia-dynamic-directory'
import { canonicalAfter, planChain, runChain } from '../chained-calls.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, networkRow, ratioRow, unixfsOn } from './common.js'
import type { ChainApi } from '../chained-calls.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { Client } from '../two-nodes.js'

export const CHAIN_ENTRIES = 20_000
export const CHAIN_CALLS = 500
/** `@helia/unixfs` stops after this long, and the table says how many calls it made */
export const CHAIN_CAP_MS = 150_000

export async function chainScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(CHAIN_ENTRIES)
  const calls = planChain(entries, CHAIN_CALLS)
  const rows: Row[] = []
  const notes: string[] = []

  for (const mode of ctx.modes) {
    const run = async (label: string, api: (client: Client) => ChainApi, capMs?: number): Promise<Row> => {
      ctx.log(`chain: ${CHAIN_CALLS} chained rm/cp calls, ${mode}, ${label}`)
      const phase = await onFreshClient(server, mode, async (client) => ({ ...await runChain(api(client), cid, calls, capMs), reads: client.net.stats.reads }), `chain, ${label}`)
      const { done, reads, root, capped } = phase.result
      if (capped) {
        notes.push(`${label} over ${mode} was stopped at the ${CHAIN_CAP_MS / 1000} s cap after ${done} of ${calls.length} calls; its per-call columns compare the same kind of work.`)
      }
      return {
        ...networkRow(mode, label, phase),
        calls: done,
        'blocks read': reads,
        'reads / call': reads / Math.max(1, done),
        'ms / call': phase.ms / Math.max(1, done),
        'final CID canonical': root === await canonicalAfter(ctx, entries, calls, done)
      }
    }

    const libRow = await run(LIBRARY, client => dynamicDirectory({ blockstore: client.net }))
    const otherRow = await run(UNIXFS, unixfsOn, CHAIN_CAP_MS)
    rows.push(libRow, otherRow, ratioRow(mode, libRow, otherRow, ['blocks read', 'reads / call', 'blocks requested', 'served by A', 'time ms', 'ms / call']))
  }

  return [{
    title: `${CHAIN_CALLS} rm/cp calls chained through the returned CIDs on a cold ${CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks), cp sources on A`,
    columns: ['network', 'implementation', 'calls', 'blocks read', 'reads / call', ...NETWORK_COLUMNS, 'ms / call', 'final CID canonical'],
    rows,
    notes: [
      `Same seeded calls for both: ${calls.filter(call => call.op === 'rm').length} rm of distinct entries and as many cp putting them back (interleaved), each on the CID the previous call returned; no size is passed to cp, so the source's block is fetched from A for its Tsize. "blocks read": every get from B's blockstore, local or not; "blocks requested": the gets that went to the network.`,
      ...notes
    ]
  }]
}
