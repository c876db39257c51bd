/**
 * One delete on a cold HAMT: B opens A's importer-built HAMT, deletes one
 * entry and writes the new root. The library fetches the root, the path and
 * as many shards as it takes to prove the directory stays over the
 * threshold; `@helia/unixfs` walks the path and then its size estimate.
 */

import { coldDelete } from '../cold-delete.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, networkRow, ratioRow, unixfsOn } from './common.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'

export const DELETE_ONE_SIZES = [10_000, 50_000]

export async function deleteOneScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const rows: Row[] = []

  for (const count of DELETE_ONE_SIZES) {
    const { cid, entries, blocks } = await ctx.hamt(count)
    const victim = entries[Math.floor(entries.length / 2)]
    const canonical = await ctx.canonical(entries.filter(entry => entry !== victim))

    for (const mode of ctx.modes) {
      ctx.log(`delete-one: ${count} entries, ${mode}, library`)
      const lib = await onFreshClient(server, mode, async (client) => coldDelete(client.net, cid, victim.name), `delete-one, library, ${count} entries`)

      ctx.log(`delete-one: ${count} entries, ${mode}, @helia/unixfs`)
      const other = await onFreshClient(server, mode, async (client) => {
        const root = await unixfsOn(client).rm(cid, victim.name)
        return { root: root.toString() }
      }, `delete-one, ${UNIXFS}, ${count} entries`)

      const libRow = {
        entries: count,
        'HAMT blocks': blocks,
        ...networkRow(mode, LIBRARY, lib, lib.result.stats.bursts),
        'largest burst': lib.result.stats.largestBurst,
        'canonical CID': lib.result.root === canonical
      }
      const otherRow = {
        entries: count,
        'HAMT blocks': blocks,
        ...networkRow(mode, UNIXFS, other),
        'canonical CID': other.result.root === canonical
      }
      rows.push(libRow, otherRow, { entries: count, 'HAMT blocks': blocks, ...ratioRow(mode, libRow, otherRow, ['blocks requested', 'served by A', 'fetch rounds (measured)', 'time ms']) })
    }
  }

  return [{
    title: 'One delete on a cold importer-built HAMT (B fetches from A over Bitswap), then write the new root',
    columns: ['entries', 'HAMT blocks', 'network', 'implementation', ...NETWORK_COLUMNS, 'largest burst', 'canonical CID'],
    rows,
    notes: [
      'Each row is a fresh node B. "blocks requested": gets of blocks B did not hold (wants sent); "served by A": gets A\'s blockstore answered while the operation ran; "fetch rounds": times the number of network gets in flight rose from 0 (a strictly one-at-a-time fetcher has one round per block).',
      '"canonical CID": the new root equals the importer\'s CID for the remaining entries.',
      'Default threshold 262144 (links-bytes); 10,000 entries of 11-byte names and 36-byte CIDs are 470,000 bytes, 50,000 are 2,350,000: both HAMTs well over it.'
    ]
  }]
}
