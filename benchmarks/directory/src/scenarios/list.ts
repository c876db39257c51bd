/**
 * Listing every entry of the cold 50,000-entry HAMT: the library's
 * entries() (bursts over the shard frontier) against `@helia/unixfs` ls
 * (a depth-first walk, one block at a time).
 */

import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, networkRow, openLibrary, ratioRow, unixfsOn } from './common.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'

export const LIST_ENTRIES = 50_000
/** `@helia/unixfs` stops listing after this long; its total time is then extrapolated */
export const LIST_CAP_MS = 45_000

export async function listScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(LIST_ENTRIES)
  const names = new Set(entries.map(entry => entry.name))
  const complete = (listed: number, seen: Set<string>): boolean =>
    listed === names.size && seen.size === names.size && [...seen].every(name => names.has(name))
  const rows: Row[] = []
  const notes: string[] = []

  for (const mode of ctx.modes) {
    ctx.log(`list: list ${LIST_ENTRIES}, ${mode}, library`)
    const lib = await onFreshClient(server, mode, async (client) => {
      const directory = await openLibrary(client, cid)
      const seen = new Set<string>()
      let listed = 0
      for await (const entry of directory.entries()) {
        listed++
        seen.add(entry.name)
      }
      return { listed, complete: complete(listed, seen), stats: directory.stats }
    }, 'list, library')

    ctx.log(`list: list ${LIST_ENTRIES}, ${mode}, @helia/unixfs`)
    const other = await onFreshClient(server, mode, async (client) => {
      const start = performance.now()
      const seen = new Set<string>()
      let listed = 0
      let capped = false
      for await (const entry of unixfsOn(client).ls(cid)) {
        listed++
        seen.add(entry.name)
        if (performance.now() - start > LIST_CAP_MS) {
          capped = true
          break
        }
      }
      return { listed, capped, complete: complete(listed, seen) }
    }, `list, ${UNIXFS}`)

    const libRow = {
      ...networkRow(mode, LIBRARY, lib, lib.result.stats.bursts),
      'entries listed': lib.result.listed,
      'largest burst': lib.result.stats.largestBurst,
      'all entries': lib.result.complete,
      'entries / s': Math.round(lib.result.listed / (lib.ms / 1000))
    }
    const otherRow: Row = {
      ...networkRow(mode, UNIXFS, other),
      'entries listed': other.result.listed,
      'all entries': other.result.complete,
      'entries / s': Math.round(other.result.listed / (other.ms / 1000))
    }
    if (other.result.capped) {
      const estimate = Math.round(other.ms * entries.length / other.result.listed)
      otherRow['time ms'] = `${other.ms} (capped; ~${estimate} extrapolated)`
      otherRow['estimated full ms'] = estimate
      notes.push(`${UNIXFS} over ${mode} was stopped at the ${LIST_CAP_MS / 1000} s cap after ${other.result.listed} of ${entries.length} entries (${other.network.requested} blocks); its full time is extrapolated linearly by entries: ~${estimate} ms.`)
    }
    const ratios = ratioRow(mode, libRow, otherRow, ['blocks requested', 'served by A', 'fetch rounds (measured)', 'time ms'])
    if (other.result.capped) {
      ratios['time ms'] = `>= ${Math.round(other.ms / lib.ms * 100) / 100} (~${Math.round(Number(otherRow['estimated full ms']) / lib.ms * 100) / 100} extrapolated)`
      delete ratios['blocks requested']
      delete ratios['served by A']
      delete ratios['fetch rounds (measured)']
    }
    rows.push(libRow, otherRow, ratios)
  }

  return [{
    title: `List every entry of the cold ${LIST_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks)`,
    columns: ['network', 'implementation', 'entries listed', ...NETWORK_COLUMNS, 'largest burst', 'entries / s', 'all entries'],
    rows,
    notes: [
      '"all entries": every one of the directory\'s names came out, once each.',
      ...notes
    ]
  }]
}
