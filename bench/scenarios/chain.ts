/**
 * C. An MFS-style app on node B: 500 rm/cp calls chained through the
 * returned CIDs on a cold 20,000-entry HAMT held by A. The library's
 * CID-in, CID-out API continues each call from the previous call's retained
 * tree; `@helia/unixfs` starts each call from its root CID again.
 */

import { dynamicDirectory } from '../../src/index.js'
import { randomFor } from '../../test/fixtures/entries.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, canonicalAfter, networkRow, ratioRow, unixfsOn } from './common.js'
import type { DirectoryEntry } from '../../src/index.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { CID } from 'multiformats/cid'

export const CHAIN_ENTRIES = 20_000
export const CHAIN_CALLS = 500
/** `@helia/unixfs` stops after this long, and the table says how many calls it made */
export const CHAIN_CAP_MS = 150_000

interface Call {
  op: 'rm' | 'cp'
  entry: DirectoryEntry
}

/** The same seeded calls for both: remove a present entry, or copy a removed one back */
function plan (entries: DirectoryEntry[]): Call[] {
  const random = randomFor(500)
  const present = new Set(entries.map(entry => entry.name))
  const removed: DirectoryEntry[] = []
  const calls: Call[] = []
  while (calls.length < CHAIN_CALLS) {
    if (removed.length > 0 && random.next() < 0.4) {
      const entry = removed.splice(random.int(removed.length), 1)[0]
      present.add(entry.name)
      calls.push({ op: 'cp', entry })
    } else {
      const entry = entries[random.int(entries.length)]
      if (present.delete(entry.name)) {
        removed.push(entry)
        calls.push({ op: 'rm', entry })
      }
    }
  }
  return calls
}

export async function chainScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(CHAIN_ENTRIES)
  const calls = plan(entries)
  const rows: Row[] = []
  const notes: string[] = []

  for (const mode of ctx.modes) {
    ctx.log(`C: ${CHAIN_CALLS} chained rm/cp calls, ${mode}, library`)
    const lib = await onFreshClient(server, mode, async (client) => {
      const dirs = dynamicDirectory({ blockstore: client.net })
      let root: CID = cid
      for (const { op, entry } of calls) {
        // no size for cp: the source's root block is read for its Tsize, as @helia/unixfs does
        root = op === 'rm' ? await dirs.rm(root, entry.name) : await dirs.cp(entry.cid, root, entry.name)
      }
      return { root: root.toString(), done: calls.length, reads: client.net.stats.reads }
    }, 'C library')

    ctx.log(`C: ${CHAIN_CALLS} chained rm/cp calls, ${mode}, @helia/unixfs`)
    const other = await onFreshClient(server, mode, async (client) => {
      const fs = unixfsOn(client)
      const start = performance.now()
      let root: CID = cid
      let done = 0
      for (const { op, entry } of calls) {
        if (performance.now() - start > CHAIN_CAP_MS) {
          break
        }
        root = op === 'rm' ? await fs.rm(root, entry.name) : await fs.cp(entry.cid, root, entry.name)
        done++
      }
      return { root: root.toString(), done, reads: client.net.stats.reads }
    }, `C ${UNIXFS}`)

    if (other.result.done < calls.length) {
      notes.push(`${UNIXFS} over ${mode} was stopped at the ${CHAIN_CAP_MS / 1000} s cap after ${other.result.done} of ${calls.length} calls; its per-call columns compare the same kind of work.`)
    }

    const libRow = {
      ...networkRow(mode, LIBRARY, lib),
      calls: lib.result.done,
      'blocks read': lib.result.reads,
      'reads / call': lib.result.reads / lib.result.done,
      'ms / call': lib.ms / lib.result.done,
      'final CID canonical': lib.result.root === await canonicalAfter(ctx, entries, calls, lib.result.done)
    }
    const otherRow = {
      ...networkRow(mode, UNIXFS, other),
      calls: other.result.done,
      'blocks read': other.result.reads,
      'reads / call': other.result.reads / Math.max(1, other.result.done),
      'ms / call': other.ms / Math.max(1, other.result.done),
      'final CID canonical': other.result.root === await canonicalAfter(ctx, entries, calls, other.result.done)
    }
    rows.push(libRow, otherRow, ratioRow(mode, libRow, otherRow, ['blocks read', 'reads / call', 'blocks requested', 'served by A', 'time ms', 'ms / call']))
  }

  return [{
    title: `C. ${CHAIN_CALLS} rm/cp calls chained through the returned CIDs on a cold ${CHAIN_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks)`,
    columns: ['network', 'implementation', 'calls', 'blocks read', 'reads / call', ...NETWORK_COLUMNS, 'ms / call', 'final CID canonical'],
    rows,
    notes: [
      'Same seeded calls for both: rm of a present entry (60%) or cp of a removed one back (40%), each on the CID the previous call returned. "blocks read": every get from B\'s blockstore, local or not; "blocks requested": the gets that went to the network.',
      ...notes
    ]
  }]
}
