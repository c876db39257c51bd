/**
 * Three real in-process Helia nodes: the shard blocks of an importer-built
 * 10,000-entry HAMT are split between two providers, A1 and A2 (the root on
 * both, every other block on one of them, alternating in breadth-first
 * order), and A2 answers 200 ms late. B, with an empty blockstore, dials both.
 *
 * A2's lateness is a latency proxy in front of it (100 ms each way), not a
 * delay in its blockstore: @helia/bitswap 4.0.19 reads the blocks of a peer's
 * wants one after another (`Ledger.sendBlocksToPeer`, send concurrency 1), so
 * a 200 ms blockstore delay would make A2 serve five blocks a second, a
 * throughput limit no window can hide, not a late answer.
 *
 * What is checked: a listing from B returns every entry once and fetches
 * every block once; the window fills to `listWindow`; and A2's lateness costs
 * the listing a few round trips per level of the tree, not one per burst: the
 * same listing with A2 on time, run first, is the baseline (all three nodes
 * share this process's CPU, which sets the baseline's pace), and the late
 * listing may take at most 4 x (levels x 200 ms) more. (@helia/bitswap opens a
 * new stream for every message, each way, so a level costs A2 two or three
 * round trips in practice, not one.) A background prefetch on a fresh B loads
 * every block, after which a listing makes no blockstore get at all, and a
 * delete gives the importer's CID.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { dynamicDirectory } from '../../src/index.js'
import { CountingBlockstore, toBytes } from '../fixtures/counting-blockstore.js'
import { randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { startLatencyProxy } from '../fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, stopAll } from '../fixtures/nodes.js'
import { readTree } from '../fixtures/tree-oracle.js'
import type { LatencyProxy } from '../fixtures/latency-proxy.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

const SEED = Number(process.env.NETWORK_SEED ?? 0x3a0d)
const ENTRIES = 10_000
/** A2's one-way delay: it answers a round trip 200 ms late */
const SLOW_ONE_WAY_MS = 100
const SLOW_MS = 2 * SLOW_ONE_WAY_MS
const LIST_WINDOW = 256

/** The HAMT's shard blocks, level by level */
async function shardLevels (store: Pick<Blockstore, 'get'>, root: CID): Promise<CID[][]> {
  const levels: CID[][] = []
  for (const node of await readTree(store, root)) {
    (levels[node.depth] ??= []).push(node.cid)
  }
  return levels
}

async function waitFor (condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

interface Provider {
  node: TestNode
  /** Counts the gets Bitswap makes to serve a block */
  store: CountingBlockstore
  blocks: number
}

describe('network: a HAMT whose shard blocks are split between two providers, one 200 ms late', function () {
  this.timeout(120_000)

  const entries = randomEntries(ENTRIES, SEED)
  let root: CID
  let levels: CID[][]
  let blocks: number
  let a1: Provider
  let a2: Provider
  let proxy: LatencyProxy
  let b: TestNode | undefined

  before(async () => {
    const all = new MemoryBlockstore()
    root = await importerDirectory(entries, {}, all)
    levels = await shardLevels(all, root)
    blocks = levels.reduce((total, level) => total + level.length, 0)

    const stores = [new CountingBlockstore(new MemoryBlockstore()), new CountingBlockstore(new MemoryBlockstore())]
    const counts = [1, 1]
    const rootBytes = await toBytes(all.get(root))
    for (const store of stores) {
      await store.put(root, rootBytes)
    }
    // every other block, in breadth-first order: each level is split between the two
    for (const [index, cid] of levels.flat().slice(1).entries()) {
      await stores[index % 2].put(cid, await toBytes(all.get(cid)))
      counts[index % 2]++
    }

    a1 = { node: await createNode({ blockstore: stores[0] }), store: stores[0], blocks: counts[0] }
    a2 = { node: await createNode({ blockstore: stores[1] }), store: stores[1], blocks: counts[1] }
    proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a2.node) }, delayMs: SLOW_ONE_WAY_MS })
  })

  after(async () => {
    await proxy?.close()
    await stopAll(a1?.node, a2?.node)
  })

  afterEach(async () => {
    await stopAll(b)
    b = undefined
  })

  /**
   * A new node B with an empty blockstore that reaches A1 directly and A2
   * through the proxy (or directly, for the baseline); its blockstore wrapped
   * to count gets
   */
  async function freshB (slow = true): Promise<{ node: TestNode, blockstore: CountingBlockstore }> {
    await stopAll(b)
    const node = await createNode({ blockstore: new MemoryBlockstore() })
    b = node
    await connect(node, a1.node)
    await connect(node, a2.node, slow ? proxiedAddress(a2.node, proxy.port) : undefined)
    a1.store.reset()
    a2.store.reset()
    return { node, blockstore: new CountingBlockstore(node.blockstore as unknown as Blockstore) }
  }

  /** Lists the whole directory from a fresh B: every entry once, every block once, the window filled */
  async function listFromB (slow: boolean): Promise<{ firstMs: number, listMs: number, sends: number, maxInFlight: number }> {
    const { blockstore } = await freshB(slow)
    const directory = await dynamicDirectory({ blockstore }, { listWindow: LIST_WINDOW }).open(root)

    const start = performance.now()
    let firstMs: number | undefined
    const names: string[] = []
    for await (const entry of directory.entries()) {
      firstMs ??= performance.now() - start
      names.push(entry.name)
    }
    const listMs = performance.now() - start

    // nothing lost, nothing twice
    expect(names).to.have.lengthOf(ENTRIES)
    expect(names.sort()).to.deep.equal(entries.map(entry => entry.name).sort())
    expect(directory.stats.fetchedBlocks).to.equal(blocks)
    expect(directory.stats.sizeExact).to.be.true()
    await waitFor(() => blockstore.inFlight === 0)
    expect(blockstore.totalGets).to.equal(blocks, 'gets B\'s directory made')
    expect(blockstore.duplicates()).to.be.empty('blocks B asked for twice')
    // each provider served its share (the root from either); the other's wants went unanswered
    expect(a1.store.totalGets + a2.store.totalGets).to.be.at.least(blocks)
    expect(a1.store.duplicates()).to.be.empty('blocks A1 served twice')
    expect(a2.store.duplicates()).to.be.empty('blocks A2 served twice')

    // the window filled: the whole first level at once, up to listWindow, and never more
    expect(blockstore.maxInFlight).to.equal(Math.min(LIST_WINDOW, levels[1].length))
    expect(directory.stats.largestBurst).to.be.at.most(LIST_WINDOW)

    return { firstMs: firstMs ?? 0, listMs, sends: directory.stats.bursts, maxInFlight: blockstore.maxInFlight }
  }

  it('lists every entry, each block fetched once, without stalling the window on the slow provider', async () => {
    // the same listing with both providers on time: what the nodes' CPU and Bitswap cost in this one process
    const fast = await listFromB(false)
    const slow = await listFromB(true)

    // A2 holds blocks on every level below the root, and each level waits for
    // its parent: at least one 200 ms round trip per level. A listing that
    // waited for each burst's slowest block would pay one per burst instead:
    // with bursts of 32 blocks, 30 bursts, 6 s.
    const floorMs = levels.length * SLOW_MS
    const burstsMs = Math.ceil((blocks - 1) / 32) * SLOW_MS
    const lateMs = slow.listMs - fast.listMs
    expect(slow.listMs).to.be.above((levels.length - 1) * SLOW_MS)
    expect(lateMs).to.be.below(4 * floorMs, `the slow provider cost ${Math.round(lateMs)} ms more (${Math.round(slow.listMs)} ms against ${Math.round(fast.listMs)} ms); the floor is ${floorMs} ms`)

    // eslint-disable-next-line no-console
    console.info(`      ${blocks} blocks on ${levels.length} levels (${levels.map(level => level.length).join(' + ')}), A1 ${a1.blocks} / A2 ${a2.blocks}, most in flight ${slow.maxInFlight}:\n` +
      `      A2 on time: first entry ${Math.round(fast.firstMs)} ms, last ${Math.round(fast.listMs)} ms; A2 200 ms late: first ${Math.round(slow.firstMs)} ms, last ${Math.round(slow.listMs)} ms\n` +
      `      A2's lateness cost ${Math.round(lateMs)} ms (floor ${floorMs} ms, bound ${4 * floorMs} ms; bursts of 32 waiting for their slowest block: at least ${burstsMs} ms)`)
  })

  it('prefetches the whole tree from both providers, after which a listing fetches nothing, and a delete gives the importer\'s CID', async () => {
    const { blockstore } = await freshB()
    const start = performance.now()
    const directory = await dynamicDirectory({ blockstore }, { prefetch: true }).open(root)
    expect(directory.stats.prefetching).to.be.true()

    await waitFor(() => !directory.stats.prefetching, 45_000)
    const prefetchMs = performance.now() - start
    expect(directory.stats.prefetchedBlocks).to.equal(blocks - 1)
    await waitFor(() => blockstore.inFlight === 0)
    expect(blockstore.totalGets).to.equal(blocks, 'the root and every prefetched block')
    expect(blockstore.duplicates()).to.be.empty('blocks B asked for twice')
    const prefetchInFlight = blockstore.maxInFlight

    // a listing finds every node loaded: no get at all
    blockstore.reset()
    const names: string[] = []
    for await (const entry of directory.entries()) {
      names.push(entry.name)
    }
    expect(names.sort()).to.deep.equal(entries.map(entry => entry.name).sort())
    expect(blockstore.totalGets).to.equal(0, 'gets after the prefetch')
    expect(directory.stats.sizeExact).to.be.true()

    const victim = randomFor(SEED + 1).shuffle(entries)[0]
    expect(await directory.delete(victim.name)).to.be.true()
    expect(blockstore.totalGets).to.equal(0, 'gets after the prefetch')
    const cid = await directory.flush()
    expect(cid.toString()).to.equal((await importerDirectory(entries.filter(entry => entry !== victim), {})).toString())

    // eslint-disable-next-line no-console
    console.info(`      prefetch of ${blocks - 1} blocks from A1 and A2 (200 ms late) in ${Math.round(prefetchMs)} ms, most in flight ${prefetchInFlight}`)
  })
})
