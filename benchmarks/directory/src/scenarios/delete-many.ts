/**
 * 200 deletes on the cold 10,000-entry HAMT, writing the root after each:
 * the library with one Directory (delete + flush x 200), `@helia/unixfs` with
 * rm x 200, each on the CID the previous one returned.
 */

import { randomFor } from '../../../../dist/test/fixtures/entries.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, networkRow, openLibrary, ratioRow, unixfsOn } from './common.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { CID } from 'multiformats/cid'

export const DELETE_MANY_ENTRIES = 10_000
export const DELETE_MANY_COUNT = 200
/** `@helia/unixfs` stops after this long, and the table says how many it did */
export const DELETE_MANY_CAP_MS = 120_000

export async function deleteManyScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(DELETE_MANY_ENTRIES)
  const victims = randomFor(200).shuffle(entries).slice(0, DELETE_MANY_COUNT)
  const rows: Row[] = []
  const notes: string[] = []

  const canonicalAfter = async (done: number): Promise<string> => {
    const gone = new Set(victims.slice(0, done).map(entry => entry.name))
    return ctx.canonical(entries.filter(entry => !gone.has(entry.name)))
  }

  for (const mode of ctx.modes) {
    ctx.log(`delete-many: ${DELETE_MANY_COUNT} deletes, ${mode}, library`)
    const lib = await onFreshClient(server, mode, async (client) => {
      const directory = await openLibrary(client, cid)
      let root: CID = cid
      for (const victim of victims) {
        await directory.delete(victim.name)
        root = await directory.flush()
      }
      return { root: root.toString(), done: victims.length, stats: directory.stats }
    }, 'delete-many, library')

    ctx.log(`delete-many: ${DELETE_MANY_COUNT} deletes, ${mode}, @helia/unixfs`)
    const other = await onFreshClient(server, mode, async (client) => {
      const fs = unixfsOn(client)
      const start = performance.now()
      let root: CID = cid
      let done = 0
      for (const victim of victims) {
        if (performance.now() - start > DELETE_MANY_CAP_MS) {
          break
        }
        root = await fs.rm(root, victim.name)
        done++
      }
      return { root: root.toString(), done }
    }, `delete-many, ${UNIXFS}`)

    if (other.result.done < victims.length) {
      notes.push(`${UNIXFS} over ${mode} was stopped at the ${DELETE_MANY_CAP_MS / 1000} s cap after ${other.result.done} of ${victims.length} deletes.`)
    }

    const libRow = {
      ...networkRow(mode, LIBRARY, lib, lib.result.stats.bursts),
      deletes: lib.result.done,
      'ms / delete': lib.ms / lib.result.done,
      'largest burst': lib.result.stats.largestBurst,
      'final CID canonical': lib.result.root === await canonicalAfter(lib.result.done)
    }
    const otherRow = {
      ...networkRow(mode, UNIXFS, other),
      deletes: other.result.done,
      'ms / delete': other.ms / Math.max(1, other.result.done),
      'final CID canonical': other.result.root === await canonicalAfter(other.result.done)
    }
    rows.push(libRow, otherRow, ratioRow(mode, libRow, otherRow, ['blocks requested', 'served by A', 'fetch rounds (measured)', 'time ms', 'ms / delete']))
  }

  return [{
    title: `${DELETE_MANY_COUNT} deletes with a flush after each on the cold ${DELETE_MANY_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks)`,
    columns: ['network', 'implementation', 'deletes', ...NETWORK_COLUMNS, 'ms / delete', 'largest burst', 'final CID canonical'],
    rows,
    notes: [
      'Same seeded random victims for both. Time includes every fetch and write; the canonical check (importer) runs after the clock stops.',
      ...notes
    ]
  }]
}
