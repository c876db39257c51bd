/**
 * The retained tree itself, on local MemoryBlockstores (no network: fast
 * and deterministic), through the public API only. Four tables:
 *
 * Heap per entry of a fully loaded tree (50,000 and 200,000 entries): a
 * full collection, open + entries() to the end with the Directory
 * referenced, a full collection; growth of heapUsed and of arrayBuffers over
 * entries. Blocks are handed out as fresh copies (as a network would), so
 * block bytes a tree keeps show up as arrayBuffers. Why: a listing or a size
 * proof over a big directory keeps every loaded node for the directory's
 * life, and that memory scales with the entries. The shard blocks' own bytes
 * per entry give the scale of the data.
 *
 * rm per call through the CID-in, CID-out API on a loaded tree (20,000
 * and 200,000 entries): 200 chained `rm` calls, each timed, on a tree `ls` loaded in the
 * service's cache. Why: an edit should cost the path it touches, not the
 * tree's size, so the time per call should barely grow with the entries.
 *
 * Heap of 50 cached versions against one (50,000 entries): what the
 * service holds after 50 chained `rm` calls, each result cached, against the
 * one loaded version. Why: versions differ by one path each, so they should
 * share everything else.
 *
 * Blocks fetched against the minimum for one cold delete (10,000
 * entries, 916 shard nodes): requested blocks and bursts at fetch budgets 1,
 * 16 and 64, against the offline minimum of nodes that prove the directory
 * still over the threshold. Why: every block over the minimum is a round
 * trip's worth of waste over Bitswap.
 */

import { dynamicDirectory } from 'helia-dynamic-directory'
import { CountingBlockstore } from '../../../../dist/test/fixtures/counting-blockstore.js'
import { canCollect, collectGarbage, loadedHeap } from '../gc.js'
import { ratio, since, verdict } from '../table.js'
import { ScratchBlockstore, buildTree, canonicalCid, contentEntries, offlineMinimum, spreadNames, wideEntries } from './tree-fixtures.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { TreeFixture } from './tree-fixtures.js'

export const HEAP_SIZES = [50_000, 200_000]
export const RM_SIZES = [20_000, 200_000]
export const RM_CALLS = 50
/** rm calls timed per tree size: enough that a collection of the large tree's garbage is one call among many */
export const RM_TIMED_CALLS = 200
export const VERSIONS_ENTRIES = 50_000
export const COLD_ENTRIES = 10_000
export const COLD_NODES = 916
export const COLD_VICTIM = 'file-004321.txt'
export const FETCH_BUDGETS = [1, 16, 64]
const THRESHOLD = 262144
const MB = 1024 * 1024

export async function treeScenario (ctx: BenchContext): Promise<Table[]> {
  const trees = new Map<number, Promise<TreeFixture>>()
  const tree = async (count: number): Promise<TreeFixture> => {
    let fixture = trees.get(count)
    if (fixture == null) {
      const start = performance.now()
      fixture = buildTree(wideEntries(count))
      trees.set(count, fixture)
      const { nodes } = await fixture
      ctx.log(`tree: imported ${count} entries into a ${nodes.length}-node HAMT in ${since(start)} ms`)
    }
    return fixture
  }

  return [await heapPerEntry(ctx, tree), await rmPerCall(ctx, tree), await versions(ctx, tree), await deleteAgainstMinimum(ctx)]
}

type Trees = (count: number) => Promise<TreeFixture>

async function heapPerEntry (ctx: BenchContext, tree: Trees): Promise<Table> {
  const title = 'Heap per entry of a fully loaded tree (open + entries() to the end, Directory referenced)'
  if (!canCollect()) {
    return { title, columns: ['skipped'], rows: [{ skipped: 'run node with --expose-gc' }] }
  }
  const measure = async (fixture: TreeFixture): Promise<Row> => {
    const service = dynamicDirectory({ blockstore: new ScratchBlockstore(fixture.store, true) })
    const { listed, retained, heapPerEntry: heap, buffersPerEntry: buffers } = await loadedHeap(async () => service.open(fixture.cid))
    const both = heap + buffers
    return {
      entries: listed,
      'retained nodes': retained,
      'heap bytes/entry': Math.round(heap),
      'arrayBuffers bytes/entry': Math.round(buffers),
      'heap+arrayBuffers bytes/entry': Math.round(both),
      'block bytes/entry': Math.round(fixture.blockBytes / listed),
      'shard nodes': fixture.nodes.length,
      verdict: verdict(both, 150, 250)
    }
  }

  ctx.log(`heap per entry: warm-up on ${HEAP_SIZES[0]} entries`)
  await measure(await tree(HEAP_SIZES[0]))
  const rows: Row[] = []
  for (const count of HEAP_SIZES) {
    const fixture = await tree(count)
    ctx.log(`heap per entry: heap of a loaded ${count}-entry tree`)
    rows.push(await measure(fixture))
  }
  return {
    title,
    columns: ['entries', 'shard nodes', 'retained nodes', 'heap bytes/entry', 'arrayBuffers bytes/entry', 'heap+arrayBuffers bytes/entry', 'block bytes/entry', 'verdict'],
    rows,
    notes: [
      'Target: at most 150 bytes/entry (limit 250), read on heap+arrayBuffers so that moving data off the JS heap into buffers is no saving. Names `file-0000001.txt`, raw CIDv1 leaves, Tsize 100-999, importer HAMT (threshold 262144, fanout 256).',
      'Growth after a forced gc, from before open() to after the full listing. The blockstore hands out fresh copies of blocks, so buffers the tree keeps count as arrayBuffers growth. "block bytes/entry": the shard blocks\' own bytes over entries, for scale. A warm-up run comes first (compiled code lives on the heap too).'
    ]
  }
}

async function rmPerCall (ctx: BenchContext, tree: Trees): Promise<Table> {
  const run = async (fixture: TreeFixture): Promise<{ ms: number, median: number, loadMs: number, root: string, names: string[] }> => {
    const service = dynamicDirectory({ blockstore: new ScratchBlockstore(fixture.store, false) })
    let start = performance.now()
    for await (const entry of service.ls(fixture.cid)) {
      if (entry == null) {
        break
      }
    }
    const loadMs = since(start)
    const names = spreadNames(fixture.entries, RM_TIMED_CALLS)
    const calls: number[] = []
    let cid = fixture.cid
    start = performance.now()
    for (const name of names) {
      const call = performance.now()
      cid = await service.rm(cid, name)
      calls.push(since(call))
    }
    calls.sort((a, b) => a - b)
    return { ms: since(start) / RM_TIMED_CALLS, median: calls[calls.length >> 1], loadMs, root: cid.toString(), names }
  }

  ctx.log(`rm per call: warm-up on ${RM_SIZES[0]} entries`)
  await run(await tree(RM_SIZES[0]))
  const rows: Row[] = []
  for (const count of RM_SIZES) {
    const fixture = await tree(count)
    ctx.log(`rm per call: ${RM_TIMED_CALLS} chained rm calls on a loaded ${count}-entry tree`)
    const result = await run(fixture)
    const removed = new Set(result.names)
    const canonical = await canonicalCid(fixture.entries.filter(entry => !removed.has(entry.name)))
    rows.push({
      entries: count,
      'shard nodes': fixture.nodes.length,
      'ls (load) ms': result.loadMs,
      'median ms / rm': result.median,
      'mean ms / rm': result.ms,
      'final CID': result.root === canonical ? 'match' : 'MISMATCH'
    })
  }
  const scale = ratio(Number(rows[1]['median ms / rm']), Number(rows[0]['median ms / rm']))
  rows.push({ entries: `ratio ${RM_SIZES[1] / 1000}k / ${RM_SIZES[0] / 1000}k`, 'median ms / rm': scale, 'mean ms / rm': ratio(Number(rows[1]['mean ms / rm']), Number(rows[0]['mean ms / rm'])), 'final CID': scale == null ? '' : verdict(scale, 2, 3) })

  return {
    title: `rm per call through the CID-in, CID-out API on a loaded tree (${RM_TIMED_CALLS} chained calls)`,
    columns: ['entries', 'shard nodes', 'ls (load) ms', 'median ms / rm', 'mean ms / rm', 'final CID'],
    rows,
    notes: [
      `service.ls(cid) to the end first (the service caches the loaded tree), then ${RM_TIMED_CALLS} calls cid = await service.rm(cid, name), names spread evenly over the directory, each on the previous result, each call timed. Target: 200k within 2x of 20k per call (limit: within 3x), on the median call (the mean includes collections of the large tree's garbage). "final CID": against the importer's for the remaining entries.`,
      'A warm-up run on the smaller tree comes first.'
    ]
  }
}

async function versions (ctx: BenchContext, tree: Trees): Promise<Table> {
  const title = `Heap of ${RM_CALLS} cached versions against one (${VERSIONS_ENTRIES.toLocaleString('en')}-entry tree, service referenced)`
  if (!canCollect()) {
    return { title, columns: ['skipped'], rows: [{ skipped: 'run node with --expose-gc' }] }
  }
  const fixture = await tree(VERSIONS_ENTRIES)
  const store = new ScratchBlockstore(fixture.store, true)
  const service = dynamicDirectory({ blockstore: store }, { cacheNodes: 10_000_000 })
  const names = spreadNames(fixture.entries, RM_CALLS)

  ctx.log(`cached versions: one loaded version, then ${RM_CALLS} cached ones`)
  await collectGarbage()
  const base = process.memoryUsage()
  for await (const entry of service.ls(fixture.cid)) {
    if (entry == null) {
      break
    }
  }
  await collectGarbage()
  const one = process.memoryUsage()
  let cid = fixture.cid
  for (const name of names) {
    cid = await service.rm(cid, name)
  }
  await collectGarbage()
  const fifty = process.memoryUsage()
  // the service is used after the measurement, so it stays referenced through it
  const stat = await service.stat(cid)

  // the blocks flushed by the rm calls sit in the scratch store, not in the service
  const heapOne = one.heapUsed - base.heapUsed
  const heapFifty = fifty.heapUsed - base.heapUsed
  const bothOne = heapOne + one.arrayBuffers - base.arrayBuffers
  const bothFifty = heapFifty + fifty.arrayBuffers - base.arrayBuffers - store.writtenBytes
  const heapRatio = ratio(heapFifty, heapOne)
  return {
    title,
    columns: ['measure', 'one version MB', `${RM_CALLS} versions MB`, 'ratio', 'verdict'],
    rows: [
      { measure: 'heapUsed', 'one version MB': heapOne / MB, [`${RM_CALLS} versions MB`]: heapFifty / MB, ratio: heapRatio, verdict: heapRatio != null && heapRatio <= 1.3 ? 'met' : 'over 1.3x' },
      { measure: 'heapUsed + arrayBuffers (flushed blocks excluded)', 'one version MB': bothOne / MB, [`${RM_CALLS} versions MB`]: bothFifty / MB, ratio: ratio(bothFifty, bothOne) }
    ],
    notes: [
      `dynamicDirectory(..., { cacheNodes: 10_000_000 }); growth after a forced gc from before service.ls(cid) (to the end) to after it, and from the same baseline to after ${RM_CALLS} chained service.rm calls (each result cached). Limit: ${RM_CALLS} versions at most 1.3x one, on heapUsed.`,
      `The rm calls flushed ${(store.writtenBytes / MB).toFixed(2)} MB of blocks into the blockstore; they are taken out of the arrayBuffers row. Final stat: ${stat.entries} entries, exact: ${stat.exact}.`
    ]
  }
}

async function deleteAgainstMinimum (ctx: BenchContext): Promise<Table> {
  const entries = contentEntries(COLD_ENTRIES)
  const fixture = await buildTree(entries, { cidVersion: 1 })
  for (const entry of entries) {
    await fixture.store.put(entry.cid, entry.bytes)
  }
  if (fixture.nodes.length !== COLD_NODES) {
    throw new Error(`expected a ${COLD_NODES}-node HAMT, the importer built ${fixture.nodes.length} nodes`)
  }
  const minimum = offlineMinimum(fixture.nodes, COLD_VICTIM, THRESHOLD)
  const canonical = await canonicalCid(entries.filter(entry => entry.name !== COLD_VICTIM), { cidVersion: 1 })
  ctx.log(`delete against the minimum: ${fixture.nodes.length}-node HAMT, offline minimum ${minimum} nodes`)

  const rows: Row[] = [{ 'fetch budget': 'offline minimum', 'blocks requested': minimum }]
  for (const fetchBudget of FETCH_BUDGETS) {
    const blockstore = new CountingBlockstore(fixture.store)
    const directory = await dynamicDirectory({ blockstore }, { fetchBudget }).open(fixture.cid)
    const start = performance.now()
    await directory.delete(COLD_VICTIM)
    const ms = since(start)
    await new Promise(resolve => setTimeout(resolve, 200))
    const requested = blockstore.totalGets
    const { bursts } = directory.stats
    const root = await directory.flush()
    const blocksOk = requested <= 1.15 * minimum + 4
    const burstsOk = fetchBudget < 16 || bursts <= 12
    rows.push({
      'fetch budget': fetchBudget,
      'blocks requested': requested,
      'distinct blocks': blockstore.gets.size,
      bursts,
      'ratio to minimum': ratio(requested, minimum),
      'delete ms': ms,
      target: blocksOk && burstsOk ? 'met' : [blocksOk ? '' : 'blocks over', burstsOk ? '' : 'bursts over'].filter(text => text !== '').join(', '),
      'final CID': root.toString() === canonical ? 'match' : 'MISMATCH'
    })
  }

  return {
    title: `Blocks fetched against the minimum for one cold delete (${COLD_ENTRIES.toLocaleString('en')} entries, ${fixture.nodes.length}-node HAMT, delete ${COLD_VICTIM})`,
    columns: ['fetch budget', 'blocks requested', 'distinct blocks', 'bursts', 'ratio to minimum', 'delete ms', 'target', 'final CID'],
    rows,
    notes: [
      `Entries file-000001.txt .. file-${String(COLD_ENTRIES).padStart(6, '0')}.txt, raw CIDv1 blocks of "content N" (Tsize = their length), importer with cidVersion 1, threshold ${THRESHOLD}. Offline minimum: the root and the path to the victim, then greedily the unloaded node (parent loaded) with the most links-bytes in its own entries, until the loaded bytes minus the victim's exceed the threshold.`,
      'Each budget: a fresh CountingBlockstore and service, open(root), delete, 200 ms for requests in flight to land, then every get counted (the root included). Target: at most 1.15 x minimum + 4 blocks, and at most 12 bursts at budgets of 16 and more. "final CID": after flush, against the importer\'s for the 9,999 remaining entries.'
    ]
  }
}
