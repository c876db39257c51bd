/**
 * Deletes until the HAMT turns basic: the cold 10,000-entry HAMT, with a
 * threshold at half its size, so a correct implementation turns it into a
 * basic directory once 5,000 entries are left. Both sides write the root
 * after every delete; the root is compared with the importer's CID for the
 * remaining entries at every CHECK_EVERY-th delete, at the delete that turned
 * it basic, and at the end.
 *
 * `@helia/unixfs` takes tens of ms per rm and keeps the HAMT far below the
 * threshold, so its chain is capped by time; where it turns basic is then
 * found by bisection: one rm (locally) on the importer's HAMT of the entries
 * left before a delete, for a few delete counts.
 */

import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { storedShape } from '../../../../dist/test/fixtures/build.js'
import { linksBytes, randomFor } from '../../../../dist/test/fixtures/entries.js'
import { importerDirectory } from '../../../../dist/test/fixtures/importer.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, networkRow, openLibrary, ratioRow, unixfsOn } from './common.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { Client } from '../two-nodes.js'
import type { DirectoryEntry } from 'helia-dynamic-directory'
import type { CID } from 'multiformats/cid'

export const COLLAPSE_ENTRIES = 10_000
export const CHECK_EVERY = 250
/** `@helia/unixfs` stops after this long, and the table says where it was */
export const COLLAPSE_CAP_MS = 45_000

interface Check {
  step: number
  root: string
  /** Since the start of the phase */
  ms: number
  /** Network gets so far */
  requested: number
}

interface Run {
  done: number
  /** Entries left when the root first turned basic */
  basicAt?: number
  checks: Check[]
  capped: boolean
}

interface Crossing {
  /** Entries left after the first delete whose rm returned a basic root */
  basicAt?: number
  /** That basic root is the importer's CID for those entries */
  canonical?: boolean
  /** The root is still a HAMT after the delete that makes the canonical directory basic */
  hamtAtThreshold?: boolean
  probes: number
  ms: number
}

const encoder = new TextEncoder()

export async function collapseScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const { cid, entries, blocks } = await ctx.hamt(COLLAPSE_ENTRIES)
  const threshold = Math.floor(linksBytes(entries) / 2)
  const order = randomFor(300).shuffle(entries)
  const canonicalBasicAt = Math.floor(threshold / (linksBytes(entries) / entries.length))
  const rows: Row[] = []
  const notes: string[] = []

  /** Entries left after `step` deletes */
  const remainingAfter = (step: number): DirectoryEntry[] => order.slice(step)

  const verify = async (run: Run): Promise<string> => {
    let passed = 0
    let firstWrong: number | undefined
    for (const check of run.checks) {
      const canonical = await ctx.canonical(remainingAfter(check.step), { shardSplitThresholdBytes: threshold })
      if (canonical === check.root) {
        passed++
      } else {
        firstWrong ??= check.step
      }
    }
    return `${passed}/${run.checks.length}${firstWrong == null ? '' : ` (first wrong at delete ${firstWrong})`}`
  }

  /** Deletes in `order` until `remove` reports a basic root, or the cap */
  const chain = async (client: Client, capMs: number, remove: (name: string) => Promise<{ root: CID, basic: boolean }>): Promise<Run> => {
    const start = performance.now()
    const run: Run = { done: 0, checks: [], capped: false }
    const checkpoint = (root: CID): void => {
      run.checks.push({ step: run.done, root: root.toString(), ms: performance.now() - start, requested: client.net.stats.requested })
    }
    let root: CID = cid
    for (const victim of order) {
      if (performance.now() - start > capMs) {
        run.capped = true
        break
      }
      const result = await remove(victim.name)
      root = result.root
      run.done++
      if (run.done % CHECK_EVERY === 0 || result.basic) {
        checkpoint(root)
      }
      if (result.basic) {
        run.basicAt = entries.length - run.done
        break
      }
    }
    if (run.checks.at(-1)?.step !== run.done) {
      checkpoint(root)
    }
    return run
  }

  for (const mode of ctx.modes) {
    ctx.log(`collapse: deletes until basic, ${mode}, library`)
    const lib = await onFreshClient(server, mode, async (client) => {
      const directory = await openLibrary(client, cid, { shardSplitThresholdBytes: threshold })
      const run = await chain(client, Infinity, async (name) => {
        await directory.delete(name)
        return { root: await directory.flush(), basic: directory.shape === 'basic' }
      })
      return { run, stats: directory.stats }
    }, `collapse, library, ${COLLAPSE_ENTRIES} entries`)

    ctx.log(`collapse: deletes until basic, ${mode}, @helia/unixfs (capped at ${COLLAPSE_CAP_MS / 1000} s)`)
    const other = await onFreshClient(server, mode, async (client) => {
      const fs = unixfsOn(client)
      let root: CID = cid
      const run = await chain(client, COLLAPSE_CAP_MS, async (name) => {
        root = await fs.rm(root, name, { shardSplitThresholdBytes: threshold })
        return { root, basic: await storedShape(client.local, root) === 'basic' }
      })
      return { run }
    }, `collapse, ${UNIXFS}, ${COLLAPSE_ENTRIES} entries`)

    const libRun = lib.result.run
    const otherRun = other.result.run
    if (otherRun.capped) {
      notes.push(`${UNIXFS} over ${mode}: stopped at the ${COLLAPSE_CAP_MS / 1000} s cap after ${otherRun.done} deletes (${entries.length - otherRun.done} entries left), still a HAMT.`)
    }

    // the same amount of work: the last checkpoint both reached
    const common = Math.min(...[libRun, otherRun].map(run => Math.max(0, ...run.checks.map(check => check.step).filter(step => step % CHECK_EVERY === 0))))
    const at = (run: Run): Check | undefined => run.checks.find(check => check.step === common)

    ctx.log(`collapse: checking CIDs against the importer, ${mode}`)
    const libRow = {
      ...networkRow(mode, LIBRARY, lib, lib.result.stats.bursts),
      deletes: libRun.done,
      'ms / delete': lib.ms / libRun.done,
      'same work: deletes': common,
      'same work: ms': at(libRun)?.ms ?? null,
      'same work: blocks': at(libRun)?.requested ?? null,
      'turned basic at (entries left)': libRun.basicAt ?? 'never',
      'CID checks canonical': await verify(libRun)
    }
    const otherRow = {
      ...networkRow(mode, UNIXFS, other),
      deletes: otherRun.done,
      'ms / delete': other.ms / Math.max(1, otherRun.done),
      'same work: deletes': common,
      'same work: ms': at(otherRun)?.ms ?? null,
      'same work: blocks': at(otherRun)?.requested ?? null,
      'turned basic at (entries left)': otherRun.basicAt ?? (otherRun.capped ? 'not within the cap' : 'never'),
      'CID checks canonical': await verify(otherRun)
    }
    const ratios = ratioRow(mode, libRow, otherRow, ['ms / delete', 'same work: ms', 'same work: blocks'])
    rows.push(libRow, otherRow, ratios)
  }

  ctx.log('collapse: where @helia/unixfs turns the HAMT basic, by bisection')
  const crossing = await unixfsCrossing(order, threshold, canonicalBasicAt, async (remaining) => ctx.canonical(remaining, { shardSplitThresholdBytes: threshold }))
  rows.push({
    network: 'local (no network)',
    implementation: `${UNIXFS}, found by bisection`,
    'time ms': Math.round(crossing.ms),
    'turned basic at (entries left)': crossing.basicAt ?? 'never (checked down to 1 entry)',
    'CID checks canonical': [
      crossing.canonical == null ? '' : `basic root ${crossing.canonical ? '' : 'NOT '}canonical`,
      crossing.hamtAtThreshold === true ? `still a HAMT, not canonical, at ${canonicalBasicAt} entries left and below` : ''
    ].filter(text => text !== '').join('; ')
  })

  return [{
    title: `Deletes until the cold ${COLLAPSE_ENTRIES.toLocaleString('en')}-entry HAMT (${blocks} shard blocks) turns basic (threshold ${threshold}: canonical is basic at ${canonicalBasicAt} entries or fewer)`,
    columns: ['network', 'implementation', 'deletes', ...NETWORK_COLUMNS, 'ms / delete', 'same work: deletes', 'same work: ms', 'same work: blocks', 'turned basic at (entries left)', 'CID checks canonical'],
    rows,
    notes: [
      `shardSplitThresholdBytes ${threshold} (half the directory's links-bytes size) passed to both; every entry is 47 bytes, so the canonical directory is basic from ${canonicalBasicAt} entries left. Same seeded random delete order for both; a flush (library) or rm (returns a CID) after every delete. Each side stops at the delete that turned its root basic.`,
      `CID checks: at every ${CHECK_EVERY}th delete, at the delete that turned the root basic, and at the last delete made, against the importer's CID for the remaining entries with the same threshold (not every step, to keep time bounded). They run after the clock stops.`,
      '"time ms" covers all the deletes a side made (they stop at different points); "same work" columns: time and blocks requested after the first N deletes, N being the last checkpoint both sides reached on that network.',
      ...notes,
      `Bisection row: a chain of ~10,000 ${UNIXFS} rm calls takes several minutes, so its crossing point is found locally instead: for a delete count s, the importer builds the HAMT of the entries left after s - 1 deletes (the chain's HAMTs matched the importer's at every check), ${UNIXFS} rm deletes the s-th victim with the same threshold, and the root's type says whether that delete turned it basic. ${crossing.probes} probes; assumes its estimate shrinks with the entries (the crossing found is checked from both sides).`
    ]
  }]
}

/**
 * The first delete (in `order`) at which `@helia/unixfs` rm turns the HAMT
 * basic, by bisection over the delete count
 */
async function unixfsCrossing (order: DirectoryEntry[], threshold: number, from: number, canonical: (remaining: DirectoryEntry[]) => Promise<string>): Promise<Crossing> {
  const start = performance.now()
  let probes = 0

  /** Does the s-th delete, on the HAMT of the entries left after s - 1 deletes, return a basic root? */
  const probe = async (s: number): Promise<{ basic: boolean, root: CID }> => {
    probes++
    const blockstore = new MemoryBlockstore()
    const before = order.slice(s - 1)
    for (const entry of before) {
      await blockstore.put(entry.cid, encoder.encode(entry.name))
    }
    // threshold 0: a HAMT whatever the size (the layout does not depend on the threshold)
    const hamt = await importerDirectory(before, { shardSplitThresholdBytes: 0 }, blockstore)
    const root = await unixfs({ blockstore }).rm(hamt, order[s - 1].name, { shardSplitThresholdBytes: threshold, offline: true })
    return { basic: await storedShape(blockstore, root) === 'basic', root }
  }

  // s = deletes; the canonical directory is basic once order.length - s <= from
  let lo = order.length - from - 1
  let hi = order.length
  const atThreshold = await probe(lo + 1)
  if (atThreshold.basic) {
    hi = lo + 1
  } else {
    lo = lo + 1
    if (!(await probe(hi)).basic) {
      return { hamtAtThreshold: true, probes, ms: performance.now() - start }
    }
    // invariant: probe(lo) is a HAMT, probe(hi) is basic
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if ((await probe(mid)).basic) {
        hi = mid
      } else {
        lo = mid
      }
    }
  }

  const found = await probe(hi)
  const remaining = order.slice(hi)
  return {
    basicAt: remaining.length,
    canonical: found.basic && found.root.toString() === await canonical(remaining),
    hamtAtThreshold: !atThreshold.basic,
    probes,
    ms: performance.now() - start
  }
}
