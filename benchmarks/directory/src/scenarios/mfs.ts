/**
 * MFS: one `rm('/big/<middle name>')` in an MFS whose root points at a
 * peer's DAG. Node A (in-process, through the 20 ms proxy when that network
 * is chosen) holds the importer's HAMT of N files (`file-0000001.txt` ...,
 * raw leaves of `content N`, importer `{ cidVersion: 1 }`, as `scale`
 * builds them), the leaves themselves, and a directory holding that HAMT as
 * `big`. Node B starts empty; the root CID of that directory is written into
 * B's datastore under `/locals/filesroot` (the key both `mfs()` and
 * `@helia/mfs` read), then one rm.
 *
 * Rows: this package's `mfs()` on the cold B; `@helia/mfs` 4.0.3 on the
 * cold B (its walks stat with `offline: true`); for `@helia/mfs`, only the
 * path its walk reads fetched first (a stat through `@helia/unixfs`), and its
 * rm after that; the whole DAG fetched to B first (shard blocks level by
 * level, then every leaf), and its rm after that; and `mfs()` on the same warm B under another root key.
 * Each checks `/big` against the importer's CID for the entries left, and
 * the new root against the same one-link directory built over it.
 *
 * `@helia/mfs` 4.0.3 is built for Helia 5 (interface-blockstore 5: `get`
 * resolves to bytes); a Helia 7 blockstore's `get` yields chunks. It is
 * given B's blockstore through a façade that joins the chunks (`v5`), and a
 * first row tries it without one.
 *
 * `BENCH_MFS_SIZES=10000,100000,1000000` (the default) chooses the sizes;
 * above `BENCH_MFS_WHOLE_DAG_MAX` (100000) the whole-DAG fetch is left out, above
 * `BENCH_MFS_GC_MAX` (100000) the gc protection's rows (`mfs-gc.ts`).
 */

import { mfs as heliaMfs } from '@helia/mfs'
import { unixfs } from '@helia/unixfs'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { mfs } from 'helia-dynamic-directory'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { contentTree, middleName } from '../../../../dist/test/fixtures/cold-delete.js'
import { toBytes } from '../../../../dist/test/fixtures/counting-blockstore.js'
import { importerDirectory } from '../../../../dist/test/fixtures/importer.js'
import { FLOOR_WANTS, levelFloor } from '../listing.js'
import { round, since } from '../table.js'
import { modeLabel, onFreshClient } from '../two-nodes.js'
import { MFS_GC_MAX, protectionRows } from './mfs-gc.js'
import type { BenchContext } from '../context.js'
import type { Row, Table } from '../table.js'
import type { Client, Mode, NetworkStats, Server } from '../two-nodes.js'
import type { Blockstore } from 'interface-blockstore'

export const MFS_SIZES = (process.env.BENCH_MFS_SIZES ?? '10000,100000,1000000').split(',').map(Number)
/** Above this many entries the whole-DAG fetch (and the rms after it) is left out: about 0.5 ms a block through the proxy */
export const MFS_WHOLE_DAG_MAX = Number(process.env.BENCH_MFS_WHOLE_DAG_MAX ?? 100_000)
const ROOT_KEY = new Key('/locals/filesroot')
const SECOND_KEY = new Key('/bench/second-root')
const LIBRARY_MFS = 'helia-dynamic-directory mfs()'
const HELIA_MFS = '@helia/mfs 4.0.3'
const encoder = new TextEncoder()

interface Step {
  /** Every get, local or not */
  reads: number
  blocks: number
  served: number
  rounds: number
  maxInFlight: number
  ms: number
}

/** Runs `fn`, counting what B requested from the network and A served meanwhile */
async function step (client: Client, server: Server, fn: () => Promise<void>): Promise<Step> {
  client.net.reset()
  const served = server.store.totalGets
  const start = performance.now()
  await fn()
  const ms = round(performance.now() - start)
  const stats: NetworkStats = { ...client.net.stats }
  return { reads: stats.reads, blocks: stats.requested, served: server.store.totalGets - served, rounds: stats.rounds, maxInFlight: stats.maxInFlight, ms }
}

/** interface-blockstore 5's `get` (bytes, not chunks) over a Helia 7 blockstore, for @helia/mfs 4.0.3 */
function v5 (store: Blockstore): any {
  return {
    get: async (cid: CID, options?: any) => toBytes(store.get(cid, options)),
    put: async (cid: CID, bytes: Uint8Array, options?: any) => { await store.put(cid, bytes, options); return cid },
    has: async (cid: CID, options?: any) => store.has(cid, options),
    delete: async (cid: CID, options?: any) => { await store.delete(cid, options) }
  }
}

/** A directory holding `hamt` as `big`, built by @helia/unixfs 8.0.5 in `store` */
async function outerRoot (store: Blockstore, hamt: CID): Promise<CID> {
  const fs = unixfs({ blockstore: store })
  return fs.cp(hamt, await fs.addDirectory(), 'big')
}

async function bigOf (client: Client, root: CID): Promise<string> {
  return (await unixfs({ blockstore: client.local }).stat(root, { path: 'big', offline: true })).cid.toString()
}

async function storedRoot (client: Client, key: Key): Promise<CID> {
  return CID.decode(await client.node.datastore.get(key))
}

export async function mfsScenario (ctx: BenchContext): Promise<Table[]> {
  const server = await ctx.server()
  const mode: Mode = ctx.modes.includes('proxy') ? 'proxy' : 'direct'
  const rows: Row[] = []
  const gcRows: Row[] = []
  const notes: string[] = []

  for (const n of MFS_SIZES) {
    const start = performance.now()
    const tree = await contentTree(n)
    const victim = middleName(tree)
    for await (const pair of tree.store.getAll()) {
      await server.store.put(pair.cid, pair.bytes)
    }
    for (let i = 1; i <= n; i++) {
      await server.store.put(tree.entries[i - 1].cid, encoder.encode(`content ${i}`))
    }
    const root = await outerRoot(server.store, tree.root)
    const scratch = new MemoryBlockstore()
    const expectedBig = await importerDirectory(tree.entries.filter(entry => entry.name !== victim), { cidVersion: 1 }, scratch)
    const expectedRoot = (await outerRoot(scratch, expectedBig)).toString()
    ctx.log(`mfs: ${n} entries (${tree.nodes.length} shard nodes) on A in ${since(start)} ms; root ${root}, removing /big/${victim}`)

    const row = (implementation: string, what: string, s: Step | undefined, big?: string, newRoot?: string, error?: string): Row => ({
      entries: n,
      network: modeLabel(mode),
      implementation,
      step: what,
      'gets (local included)': s?.reads ?? null,
      'blocks requested': s?.blocks ?? null,
      'served by A': s?.served ?? null,
      'fetch rounds (measured)': s?.rounds ?? null,
      'max in flight': s?.maxInFlight ?? null,
      'time ms': s?.ms ?? null,
      '/big = importer': big == null ? (error ?? null) : big === expectedBig.toString(),
      'root = expected': newRoot == null ? null : newRoot === expectedRoot
    })

    // this package's mfs() on the cold B
    ctx.log(`mfs: ${n}, ${LIBRARY_MFS} on a cold B`)
    const lib = await onFreshClient(server, mode, async (client) => {
      await client.node.datastore.put(ROOT_KEY, root.bytes)
      const fs = mfs({ blockstore: client.net, datastore: client.node.datastore })
      const s = await step(client, server, async () => { await fs.rm(`/big/${victim}`) })
      const after = await storedRoot(client, ROOT_KEY)
      return { s, big: (await fs.stat('/big')).cid.toString(), root: after.toString() }
    }, `mfs ${n}, ${LIBRARY_MFS}`)
    rows.push(row(LIBRARY_MFS, 'rm on a cold B', lib.result.s, lib.result.big, lib.result.root))
    if (n <= MFS_GC_MAX) {
      ctx.log(`mfs: ${n}, ${LIBRARY_MFS} with and without B's pins (the gc protection)`)
      gcRows.push(...await protectionRows(server, mode, n, root, victim, ROOT_KEY.toString()))
    }

    // @helia/mfs on the cold B: raw Helia 7 blockstore, then through the façade
    for (const [label, blockstore] of [['Helia 7 blockstore as is', (client: Client) => client.net], ['through the v5 get façade', (client: Client) => v5(client.net)]] as const) {
      ctx.log(`mfs: ${n}, ${HELIA_MFS} on a cold B, ${label}`)
      const cold = await onFreshClient(server, mode, async (client) => {
        await client.node.datastore.put(ROOT_KEY, root.bytes)
        const fs = heliaMfs({ blockstore: blockstore(client), datastore: client.node.datastore } as any)
        let error: string | undefined
        const s = await step(client, server, async () => {
          try {
            await fs.rm(`/big/${victim}`)
          } catch (err: any) {
            error = `${err.name}: ${err.message}`
          }
        })
        if (error != null) {
          // its rm reports any failure of its walk as a missing path: the root's own stat says why
          try {
            await fs.stat('/')
          } catch (err: any) {
            error += `; its stat('/'): ${err.name}: ${err.message}`
          }
        }
        return { s, error }
      }, `mfs ${n}, ${HELIA_MFS} cold`)
      rows.push(row(HELIA_MFS, `rm on a cold B (${label})`, cold.result.s, undefined, undefined, cold.result.error == null ? 'no error' : `failed: ${cold.result.error}`))
    }

    // only what its offline walk reads, fetched first (a stat of the path through @helia/unixfs 8.0.5): its rm then fetches the rest itself
    ctx.log(`mfs: ${n}, the path to B, then ${HELIA_MFS}`)
    const path = await onFreshClient(server, mode, async (client) => {
      await client.node.datastore.put(ROOT_KEY, root.bytes)
      const fetch = await step(client, server, async () => { await unixfs({ blockstore: client.net }).stat(root, { path: `big/${victim}` }) })
      const theirs = heliaMfs({ blockstore: v5(client.net), datastore: client.node.datastore } as any)
      let error: string | undefined
      const rm = await step(client, server, async () => {
        try {
          await theirs.rm(`/big/${victim}`)
        } catch (err: any) {
          error = `${err.name}: ${err.message}`
        }
      })
      const after = await storedRoot(client, ROOT_KEY)
      return { fetch, rm, error, big: error == null ? (await unixfs({ blockstore: client.net }).stat(after, { path: 'big' })).cid.toString() : undefined, root: after.toString() }
    }, `mfs ${n}, ${HELIA_MFS} path`)
    const p = path.result
    rows.push(row(HELIA_MFS, 'fetch the path its offline walk reads (stat of /big/<name> online)', p.fetch))
    rows.push(row(HELIA_MFS, 'rm after that (its rm itself may fetch)', p.rm, p.big, p.error == null ? p.root : undefined, p.error == null ? undefined : `failed: ${p.error}`))
    rows.push(row(HELIA_MFS, 'path + rm', { reads: p.fetch.reads + p.rm.reads, blocks: p.fetch.blocks + p.rm.blocks, served: p.fetch.served + p.rm.served, rounds: p.fetch.rounds + p.rm.rounds, maxInFlight: Math.max(p.fetch.maxInFlight, p.rm.maxInFlight), ms: round(p.fetch.ms + p.rm.ms) }))

    if (n > MFS_WHOLE_DAG_MAX) {
      notes.push(`${n}: the whole-DAG fetch to B for ${HELIA_MFS} left out (above BENCH_MFS_WHOLE_DAG_MAX=${MFS_WHOLE_DAG_MAX}): it would fetch the root, ${tree.nodes.length} shards and ${n} leaves.`)
      continue
    }

    // the whole DAG to B, then @helia/mfs's rm, then mfs() on the same warm B
    ctx.log(`mfs: ${n}, the whole DAG to B, then ${HELIA_MFS} and ${LIBRARY_MFS}`)
    const warm = await onFreshClient(server, mode, async (client) => {
      await client.node.datastore.put(ROOT_KEY, root.bytes)
      await client.node.datastore.put(SECOND_KEY, root.bytes)
      let shards = 0
      const fetch = await step(client, server, async () => {
        await toBytes(client.net.get(root))
        shards = (await levelFloor(client.net, tree.root)).blocks
        let index = 0
        const reader = async (): Promise<void> => {
          while (index < tree.entries.length) {
            await toBytes(client.net.get(tree.entries[index++].cid))
          }
        }
        await Promise.all(Array.from({ length: FLOOR_WANTS }, reader))
      })
      const theirs = heliaMfs({ blockstore: v5(client.net), datastore: client.node.datastore } as any)
      let error: string | undefined
      const rm = await step(client, server, async () => {
        try {
          await theirs.rm(`/big/${victim}`)
        } catch (err: any) {
          error = `${err.name}: ${err.message}`
        }
      })
      const theirRoot = await storedRoot(client, ROOT_KEY)
      const ours = mfs({ blockstore: client.net, datastore: client.node.datastore }, { key: SECOND_KEY.toString() })
      const oursRm = await step(client, server, async () => { await ours.rm(`/big/${victim}`) })
      const ourRoot = await storedRoot(client, SECOND_KEY)
      return {
        fetch,
        shards,
        rm,
        error,
        theirs: error == null ? { big: await bigOf(client, theirRoot), root: theirRoot.toString() } : undefined,
        oursRm,
        ours: { big: await bigOf(client, ourRoot), root: ourRoot.toString() }
      }
    }, `mfs ${n}, warm`).catch((err: any) => ({ error: `${err.name}: ${err.message}` }))
    if (!('result' in warm)) {
      rows.push(row(HELIA_MFS, 'fetch the whole DAG to B first, then rm', undefined, undefined, undefined, `failed: ${warm.error}`))
      continue
    }
    const w = warm.result
    rows.push(row(HELIA_MFS, `fetch the whole DAG to B first (root, ${w.shards} shards, ${n} leaves)`, w.fetch))
    rows.push(row(HELIA_MFS, 'rm after that fetch', w.rm, w.theirs?.big, w.theirs?.root, w.error == null ? undefined : `failed: ${w.error}`))
    rows.push(row(HELIA_MFS, 'fetch + rm', { reads: w.fetch.reads + w.rm.reads, blocks: w.fetch.blocks + w.rm.blocks, served: w.fetch.served + w.rm.served, rounds: w.fetch.rounds + w.rm.rounds, maxInFlight: Math.max(w.fetch.maxInFlight, w.rm.maxInFlight), ms: round(w.fetch.ms + w.rm.ms) }))
    rows.push(row(LIBRARY_MFS, 'rm on that warm B (own root key)', w.oursRm, w.ours.big, w.ours.root))
    if (w.theirs != null && w.theirs.big !== expectedBig.toString()) {
      notes.push(`${n}: ${HELIA_MFS}'s /big is ${w.theirs.big}, the importer's ${expectedBig}.`)
    }
  }

  return [{
    title: `MFS: one rm under a cold HAMT (an MFS root pointing at A's DAG), ${LIBRARY_MFS} against ${HELIA_MFS}`,
    columns: ['entries', 'network', 'implementation', 'step', 'gets (local included)', 'blocks requested', 'served by A', 'fetch rounds (measured)', 'max in flight', 'time ms', '/big = importer', 'root = expected'],
    rows,
    notes: [
      'B\'s datastore holds the root of a directory with one link, big, to the importer\'s HAMT (N files, raw leaves "content N", { cidVersion: 1 }); rm(\'/big/<middle name>\'), which writes the new root to the datastore. Gets: every blockstore get of the step, local ones included; blocks: gets of blocks B did not hold (an offline get of a missing block counts); rounds: rises of B\'s network gets in flight from 0 to 1; time: the step alone (node start, dial, datastore key before it).',
      `"/big = importer": /big after the rm against the importer's HAMT of the entries left; "root = expected": the new root against @helia/unixfs 8.0.5's cp of that HAMT as big into an empty directory (how the starting root was made). ${HELIA_MFS} (for Helia 5) stats every path segment with offline: true and, for a HAMT, estimates its size by reading shards depth-first until the estimate passes the threshold, and its walk stats each path segment with offline: true (its rm itself is online), so before an rm the root, the shards on the name's path and the file's block must be on B; the whole-DAG fetch is the shards level by level (${FLOOR_WANTS} wants at once) then every leaf.`,
      ...notes
    ]
  }, {
    title: `MFS through helia.gc(): ${LIBRARY_MFS} with B's pins (what it reads or writes beside the engine and each directory block it writes pinned with depth 0; a sweep under the MFS's lock before the gc pins the rest it reaches) and without`,
    columns: ['entries', 'network', 'pins', 'step', 'blocks written', 'MFS pins after', 'time ms'],
    rows: gcRows,
    notes: [
      `The same calls on a fresh cold B, each row the step alone: rm('/big/<middle name>'), 20 writes of small files under /big with flush: false, flush(), one write that flushes; with the pins, then helia.gc() (every MFS's sweep: the local blocks under its roots, read offline; then Helia's gc). "blocks written": the MFS's puts in the step; "MFS pins after": B's pins under the MFS's multicodec. Left out above BENCH_MFS_GC_MAX=${MFS_GC_MAX} entries.`
    ]
  }]
}
