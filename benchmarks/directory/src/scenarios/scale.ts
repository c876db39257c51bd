/**
 * Scale: one cold delete of the middle name of a directory of N files
 * (`file-0000001.txt` ... holding `content N`, importer `{ cidVersion: 1 }`
 * with raw leaves), from 10^4 to 10^6 entries measured and to 10^8 in the
 * shape-only model, against the offline minimum of blocks that prove the
 * directory still over the threshold. Each tree is built once per run.
 *
 * Tables: blocks and rounds at fetch budgets 1, 16, 32, 64, 256 (measured,
 * local counting blockstore, and @helia/unixfs rm on the same tree); the
 * model's rows (10^4 to 10^8, thresholds, fanouts, names); the 10^6 delete
 * through the 20 ms proxy against @helia/unixfs rm, same CID; building
 * 10^6 entries against the importer; heap per entry of a loaded 10^6 tree
 * and a full cold listing of it with its peak heap. And a picture, into
 * docs/: blocks of one cold delete against N.
 *
 * `BENCH_SCALE_SIZES=10000,100000` leaves out the 10^6 tree and what needs it.
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { unixfs } from '@helia/unixfs'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { THRESHOLD, coldDelete, contentTree, goals, middleName, minimumFor } from '../../../../dist/test/fixtures/cold-delete.js'
import { CountingBlockstore } from '../../../../dist/test/fixtures/counting-blockstore.js'
import { importerDirectory } from '../../../../dist/test/fixtures/importer.js'
import { buildModel, contentName, modelMinimum, modelSelection } from '../../../../dist/test/fixtures/shape-model.js'
import { canCollect, collectGarbage, loadedHeap } from '../gc.js'
import { ratio, since, verdict } from '../table.js'
import { onFreshClient } from '../two-nodes.js'
import { LIBRARY, NETWORK_COLUMNS, UNIXFS, networkRow, ratioRow } from './common.js'
import type { ContentTree } from '../../../../dist/test/fixtures/cold-delete.js'
import type { ModelOptions } from '../../../../dist/test/fixtures/shape-model.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'

export const SCALE_SIZES = (process.env.BENCH_SCALE_SIZES ?? '10000,100000,1000000').split(',').map(Number)
export const SCALE_BUDGETS = [1, 16, 32, 64, 256]
const MILLION = 1_000_000
const MB = 1024 * 1024
/** The importer's CID after the delete, per tree size: one import each */
const afterDelete = new Map<number, string>()

export interface Point { n: number, minimum: number, library: number, unixfs?: number, kind: 'measured' | 'model' }

export async function scaleScenario (ctx: BenchContext): Promise<Table[]> {
  const points: Point[] = []
  const tables: Table[] = []
  const trees = new Map<number, ContentTree>()
  for (const n of SCALE_SIZES) {
    const start = performance.now()
    trees.set(n, await contentTree(n))
    ctx.log(`scale: imported ${n} entries (${trees.get(n)?.nodes.length} shard nodes) in ${since(start)} ms`)
  }

  tables.push(await measured(ctx, trees, points))
  tables.push(modelled(ctx, points))
  const million = trees.get(MILLION)
  if (million != null) {
    tables.push(await throughProxy(ctx, million))
    tables.push(await building(ctx, million))
    tables.push(await memory(ctx, million))
  }
  const docs = new URL('../../../../docs/', import.meta.url)
  await mkdir(docs, { recursive: true })
  await writeFile(new URL('cold-delete-blocks.svg', docs), picture(points))
  ctx.log('scale: wrote docs/cold-delete-blocks.svg')
  return tables
}

async function measured (ctx: BenchContext, trees: Map<number, ContentTree>, points: Point[]): Promise<Table> {
  const rows: Row[] = []
  for (const [n, tree] of trees) {
    const victim = middleName(tree)
    const minimum = minimumFor(tree, victim)
    const expected = (await importerDirectory(tree.entries.filter(entry => entry.name !== victim), { cidVersion: 1 })).toString()
    afterDelete.set(n, expected)
    rows.push({ entries: n, 'shard nodes': tree.nodes.length, 'fetch budget': 'offline minimum', blocks: minimum.nodes, rounds: null, 'ratio to minimum': 1, 'rounds floor (ceil(min/budget))': null })
    let atOne = 0
    for (const fetchBudget of SCALE_BUDGETS) {
      ctx.log(`scale: cold delete of ${victim} of ${n}, budget ${fetchBudget}`)
      const result = await coldDelete(tree, victim, fetchBudget)
      const verdict = goals(result, minimum.nodes, fetchBudget)
      if (fetchBudget === 1) {
        atOne = result.blocks
      }
      rows.push({
        entries: n,
        'shard nodes': tree.nodes.length,
        'fetch budget': fetchBudget,
        blocks: result.blocks,
        rounds: result.rounds,
        'ratio to minimum': ratio(result.blocks, minimum.nodes),
        'rounds floor (ceil(min/budget))': Math.ceil(minimum.nodes / fetchBudget),
        'blocks target': verdict.blocks,
        'rounds target': verdict.rounds,
        'final CID': result.cid.toString() === expected ? 'match' : 'MISMATCH'
      })
    }
    // @helia/unixfs rm on the same tree, local: what it requests
    const store = new CountingBlockstore(tree.store)
    const root = await unixfs({ blockstore: store }).rm(tree.root, victim)
    rows.push({ entries: n, 'shard nodes': tree.nodes.length, 'fetch budget': UNIXFS, blocks: store.totalGets, rounds: null, 'ratio to minimum': ratio(store.totalGets, minimum.nodes), 'final CID': root.toString() === expected ? 'match' : 'MISMATCH' })
    points.push({ n, minimum: minimum.nodes, library: atOne, unixfs: store.totalGets, kind: 'measured' })
  }
  return {
    title: 'Blocks and rounds of one cold delete against the offline minimum (local counting blockstore)',
    columns: ['entries', 'shard nodes', 'fetch budget', 'blocks', 'rounds', 'ratio to minimum', 'rounds floor (ceil(min/budget))', 'blocks target', 'rounds target', 'final CID'],
    rows,
    notes: [
      `Entries file-0000001.txt ..., raw CIDv1 of "content N" (Tsize its length), importer { cidVersion: 1 }, threshold ${THRESHOLD} (links-bytes), fanout 256; the middle name deleted from a fresh service. Blocks: every get, the root included, after the requests a burst stopped waiting for have landed; rounds: the library's bursts, the root's included.`,
      'Offline minimum: the root and the path, then the fewest further nodes (each after its parent) whose entry bytes less the victim\'s exceed the threshold: the fewer of the issue\'s bound (open the k richest level-1 subtrees, then greedily the richest frontier node; fewest over k) and a priced bound (test/fixtures/minimum.ts).',
      'Targets: blocks at most 1.15x minimum + 4 (limit 1.3x + 4); rounds at budgets of 16 and up at most ceil(minimum / budget) + 3 (limit + 4). "final CID": after flush, against the importer\'s for the remaining entries.'
    ]
  }
}

export function modelled (ctx: Pick<BenchContext, 'log'>, points: Point[]): Table {
  const rows: Row[] = []
  const run = (label: string, options: ModelOptions, point = false): void => {
    const start = performance.now()
    const model = buildModel(options)
    const minimum = modelMinimum(model)
    const row: Row = { model: label, entries: options.entries, 'nodes built': model.nodes, 'level-1 built': `${model.built} of ${model.root.children.length}`, minimum: `${minimum.nodes}${minimum.atEdge ? ' (k at the edge)' : ''}` }
    let worst = 0
    let atOne = 0
    for (const fetchBudget of SCALE_BUDGETS) {
      try {
        const selection = modelSelection(model, fetchBudget)
        row[`budget ${fetchBudget}`] = `${selection.blocks} / ${selection.rounds}`
        worst = Math.max(worst, selection.blocks / minimum.nodes)
        if (fetchBudget === 1) {
          atOne = selection.blocks
        }
      } catch (err: any) {
        row[`budget ${fetchBudget}`] = String(err.message)
        worst = Infinity
      }
    }
    row['worst ratio'] = Math.round(worst * 1000) / 1000
    row['within 1.15x'] = worst <= 1.15 ? 'yes' : `no (${Math.round(worst * 100) / 100}x)`
    rows.push(row)
    if (point && atOne > 0) {
      points.push({ n: options.entries, minimum: minimum.nodes, library: atOne, kind: 'model' })
    }
    ctx.log(`scale: model ${label} ${options.entries} in ${since(start)} ms`)
  }
  // every level-1 subtree built where the selection may open them all
  run('hashed names', { entries: 10_000 })
  run('hashed names', { entries: 100_000 })
  run('hashed names', { entries: MILLION, keep: 64 })
  run('drawn hashes', { entries: MILLION, keep: 64, hashed: false })
  run('drawn hashes', { entries: 10 * MILLION, keep: 24, hashed: false }, true)
  run('drawn hashes', { entries: 100 * MILLION, keep: 40, hashed: false }, true)
  const n = 10 * MILLION
  run('threshold 64 KiB', { entries: n, keep: 24, hashed: false, threshold: 65_536 })
  run('threshold 1 MiB', { entries: n, keep: 24, hashed: false, threshold: 1_048_576 })
  run('fanout 16', { entries: n, hashed: false, bits: 4 })
  run('fanout 1024', { entries: n, keep: 48, hashed: false, bits: 10 })
  run('short names (base-36 index)', { entries: n, keep: 24, hashed: false, name: (i: number) => i.toString(36) })
  run('long names (80 bytes)', { entries: n, keep: 24, hashed: false, name: (i: number) => `a-rather-long-file-name-as-cameras-and-exports-write-them-${contentName(9)(i)}` })
  return {
    title: 'The shape-only model: one cold delete, blocks / rounds at each fetch budget against the minimum',
    columns: ['model', 'entries', 'nodes built', 'level-1 built', 'minimum', ...SCALE_BUDGETS.map(b => `budget ${b}`), 'worst ratio', 'within 1.15x'],
    rows,
    notes: [
      'test/fixtures/shape-model.ts: the engine\'s hash and layout rule over generated names, each node\'s entry bytes and importer Tsize, no blocks; the same selection code as the loader (src/enumerate/burst-plan.ts, value-samples.ts, candidate-pool.ts) through a shape-only view. "hashed names": murmur3 of the names, as the engine; "drawn hashes": seeded uniform 64-bit draws standing in for murmur3 (the 10^6 rows show both agree). Only the richest level-1 subtrees (and the victim\'s) are built; the minimum\'s k and every subtree the selection opens are checked to be among them.',
      'Defaults: names file-NNNNNNN.txt (as many digits as N needs, at least 7), threshold 262144, fanout 256; the variants change one thing at 10^7. Hashed rows at 10^4 and 10^5 give the same blocks and rounds as the measured table, which checks the model.'
    ]
  }
}

async function throughProxy (ctx: BenchContext, tree: ContentTree): Promise<Table> {
  const server = await ctx.server()
  for await (const pair of tree.store.getAll()) {
    await server.store.put(pair.cid, pair.bytes)
  }
  const victim = middleName(tree)
  const expected = afterDelete.get(tree.entries.length) ?? (await importerDirectory(tree.entries.filter(entry => entry.name !== victim), { cidVersion: 1 })).toString()
  ctx.log('scale: 10^6 cold delete through the proxy, library')
  const lib = await onFreshClient(server, 'proxy', async (client) => {
    const directory = await dynamicDirectory({ blockstore: client.net }).open(tree.root)
    await directory.delete(victim)
    const root = (await directory.flush()).toString()
    return { root, bursts: directory.stats.bursts }
  }, 'scale, library, 10^6')
  ctx.log('scale: 10^6 cold delete through the proxy, @helia/unixfs')
  const other = await onFreshClient(server, 'proxy', async (client) => ({ root: (await unixfs({ blockstore: client.net }).rm(tree.root, victim)).toString() }), `scale, ${UNIXFS}, 10^6`)
  const libRow: Row = { ...networkRow('proxy', LIBRARY, lib, lib.result.bursts), 'same CID as the importer': lib.result.root === expected }
  const otherRow: Row = { ...networkRow('proxy', UNIXFS, other), 'same CID as the importer': other.result.root === expected }
  const speedup = ratio(other.ms, lib.ms)
  return {
    title: 'One cold delete of 10^6 entries through the 20 ms proxy (B fetches from A over Bitswap), then the new root',
    columns: ['network', 'implementation', ...NETWORK_COLUMNS, 'same CID as the importer'],
    rows: [libRow, otherRow, ratioRow('proxy', libRow, otherRow, ['blocks requested', 'time ms'])],
    notes: [`${UNIXFS} over the library: ${speedup ?? '?'}x the time (target at least 35x, limit 20x), in the same run, on the same tree (${tree.nodes.length} shard nodes, ${victim}).`]
  }
}

async function building (ctx: BenchContext, tree: ContentTree): Promise<Table> {
  ctx.log('scale: building 10^6 entries with the library')
  let start = performance.now()
  const directory = dynamicDirectory({ blockstore: new CountingBlockstore(tree.store) }).create()
  for (const entry of tree.entries) {
    await directory.set(entry.name, entry.cid, { size: entry.size })
  }
  const cid = await directory.flush()
  const libraryMs = since(start)
  ctx.log('scale: building 10^6 entries with the importer')
  start = performance.now()
  const expected = await importerDirectory(tree.entries, {})
  const importerMs = since(start)
  return {
    title: 'Building a directory of 10^6 entries: set each, then flush, against the importer',
    columns: ['implementation', 'ms', 'ratio to the importer', 'same CID'],
    rows: [
      { implementation: `${LIBRARY} (create, set x 10^6, flush)`, ms: libraryMs, 'ratio to the importer': ratio(libraryMs, importerMs), 'same CID': cid.toString() === expected.toString() },
      { implementation: 'ipfs-unixfs-importer (given leaves)', ms: importerMs }
    ],
    notes: ['Both write into an in-memory blockstore; the importer is handed each entry\'s CID and size (no file content). CIDv0 roots (the default), so the CIDs compare.']
  }
}

async function memory (ctx: BenchContext, tree: ContentTree): Promise<Table> {
  const title = 'Memory of 10^6 entries: a fully loaded tree, and a full cold listing with the default cacheNodes'
  if (!canCollect()) {
    return { title, columns: ['skipped'], rows: [{ skipped: 'run node with --expose-gc' }] }
  }
  const rows: Row[] = []
  {
    ctx.log('scale: heap of a fully loaded 10^6 tree')
    const loaded = await loadedHeap(async () => dynamicDirectory({ blockstore: tree.store }, { cacheNodes: 10 * tree.nodes.length }).open(tree.root))
    const { listed, retained } = loaded
    const perEntry = loaded.heapPerEntry + loaded.buffersPerEntry
    rows.push({ measure: 'fully loaded tree (cacheNodes 10x the nodes)', entries: listed, 'retained nodes': retained, 'bytes per entry (heap + arrayBuffers)': Math.round(perEntry), 'peak heap MB': null, verdict: verdict(perEntry, 150, 180) })
  }
  {
    ctx.log('scale: full cold listing of 10^6 with the default cacheNodes')
    await collectGarbage()
    const before = process.memoryUsage()
    let peak = before.heapUsed
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed) }, 5)
    const directory = await dynamicDirectory({ blockstore: tree.store }).open(tree.root)
    let listed = 0
    const start = performance.now()
    for await (const entry of directory.entries()) {
      listed += entry != null ? 1 : 0
      if (listed % 10_000 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed)
      }
    }
    const ms = since(start)
    clearInterval(timer)
    rows.push({ measure: `full cold listing, default cacheNodes (${ms} ms)`, entries: listed, 'retained nodes': directory.stats.retainedNodes, 'bytes per entry (heap + arrayBuffers)': null, 'peak heap MB': Math.round((peak - before.heapUsed) / MB * 10) / 10 })
  }
  return {
    title,
    columns: ['measure', 'entries', 'retained nodes', 'bytes per entry (heap + arrayBuffers)', 'peak heap MB', 'verdict'],
    rows,
    notes: ['Growth after a forced gc from before open() to after the listing (the first row, the directory referenced); the peak is heapUsed over the listing less the start, sampled every 5 ms and every 10,000 entries. Target: at most 150 bytes per entry (limit 180); the listing stays within the retained-tree bound.']
  }
}

/** Blocks of one cold delete against N, log-log, as an SVG */
export function picture (points: Point[]): string {
  const width = 640
  const height = 400
  const left = 70
  const bottom = 50
  const right = 160
  const top = 30
  const xs = [4, 8]
  const ys = [1, 4]
  const x = (n: number): number => left + (Math.log10(n) - xs[0]) / (xs[1] - xs[0]) * (width - left - right)
  const y = (blocks: number): number => height - bottom - (Math.log10(blocks) - ys[0]) / (ys[1] - ys[0]) * (height - top - bottom)
  const series: Array<{ label: string, colour: string, value(p: Point): number | undefined }> = [
    { label: 'minimum', colour: '#555', value: p => p.minimum },
    { label: 'this package', colour: '#1f77b4', value: p => p.library },
    { label: '@helia/unixfs', colour: '#d62728', value: p => p.unixfs }
  ]
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`, `<rect width="${width}" height="${height}" fill="white"/>`]
  for (let e = xs[0]; e <= xs[1]; e++) {
    parts.push(`<line x1="${x(10 ** e)}" y1="${top}" x2="${x(10 ** e)}" y2="${height - bottom}" stroke="#eee"/>`, `<text x="${x(10 ** e)}" y="${height - bottom + 18}" text-anchor="middle">10^${e}</text>`)
  }
  for (let e = ys[0]; e <= ys[1]; e++) {
    parts.push(`<line x1="${left}" y1="${y(10 ** e)}" x2="${width - right}" y2="${y(10 ** e)}" stroke="#eee"/>`, `<text x="${left - 8}" y="${y(10 ** e) + 4}" text-anchor="end">${(10 ** e).toLocaleString('en')}</text>`)
  }
  parts.push(`<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">entries (log scale)</text>`, `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(top + height - bottom) / 2})">blocks fetched by one cold delete</text>`)
  series.forEach((s, i) => {
    const shown = points.filter(p => s.value(p) != null).sort((a, b) => a.n - b.n)
    if (shown.length > 1) {
      parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${shown.map(p => `${x(p.n)},${y(s.value(p) as number)}`).join(' ')}"/>`)
    }
    for (const p of shown) {
      const cx = x(p.n)
      const cy = y(s.value(p) as number)
      parts.push(p.kind === 'measured' ? `<circle cx="${cx}" cy="${cy}" r="4" fill="${s.colour}"/>` : `<circle cx="${cx}" cy="${cy}" r="4" fill="white" stroke="${s.colour}" stroke-width="1.5"/>`)
    }
    parts.push(`<line x1="${width - right + 15}" y1="${top + 10 + i * 20}" x2="${width - right + 35}" y2="${top + 10 + i * 20}" stroke="${s.colour}" stroke-width="2"/>`, `<text x="${width - right + 40}" y="${top + 14 + i * 20}">${s.label}</text>`)
  })
  parts.push(`<circle cx="${width - right + 25}" cy="${top + 80}" r="4" fill="#333"/>`, `<text x="${width - right + 40}" y="${top + 84}">measured</text>`, `<circle cx="${width - right + 25}" cy="${top + 100}" r="4" fill="white" stroke="#333"/>`, `<text x="${width - right + 40}" y="${top + 104}">model</text>`)
  parts.push(`<text x="${left}" y="18">One cold delete (fetch budget 1), file-NNNNNNN.txt entries, threshold 256 KiB, fanout 256</text>`, '</svg>')
  return `${parts.join('\n')}\n`
}
