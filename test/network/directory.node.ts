/**
 * Two real in-process Helia nodes: A holds a directory built by
 * `ipfs-unixfs-importer`; B, with an empty blockstore, dials A, opens the
 * directory by CID and edits it, every shard block crossing Bitswap.
 *
 * What is checked on the real traffic: B's flushed CID is the importer's CID
 * for the same entries. The blocks A served (gets on A's blockstore), the gets
 * B's directory made and the blocks B stored all equal `stats.fetchedBlocks`,
 * with no block fetched twice. No burst asked for more than `fetchBudget`, and
 * never were more requests than that in flight at B. When A goes away or the
 * connection drops mid-burst, the operation rejects by the caller's signal,
 * the Directory is unchanged, its wants stay on the wire, and the same
 * operation succeeds over a new connection, joining them.
 *
 * A fresh B per case: with @helia/bitswap 4.0.19 a block whose want was
 * cancelled after it reached A cannot be fetched again on the same connection.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { dynamicDirectory } from '../../src/index.js'
import { storedShape } from '../fixtures/build.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { asciiEntries, linksBytes, randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { startLatencyProxy } from '../fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, stopAll } from '../fixtures/nodes.js'
import type { BurstProgress, Directory, DirectoryEntry, DirectoryOptions, DynamicDirectoryInit } from '../../src/index.js'
import type { LatencyProxy } from '../fixtures/latency-proxy.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

const BUDGET = 32
const SEED = Number(process.env.NETWORK_SEED ?? 0xb175)

/** Node A and what it serves */
interface Served {
  node: TestNode
  /** A's blockstore: every block A serves over Bitswap is one `get` here */
  store: CountingBlockstore
  root: CID
  /** Blocks of the directory (the importer wrote nothing else) */
  blocks: number
}

/** Node B and the stores its directory reads through */
interface Peer {
  node: TestNode
  /** B's own blockstore, under Helia: empty at the start, then what Bitswap stored */
  local: MemoryBlockstore
  /** B's Helia blockstore, wrapped to count the gets the directory makes */
  blockstore: CountingBlockstore
}

async function countBlocks (store: Pick<Blockstore, 'getAll'>): Promise<number> {
  let count = 0
  for await (const pair of store.getAll()) {
    if (pair != null) {
      count++
    }
  }
  return count
}

async function waitFor (condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`Condition not met within ${timeoutMs} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** Waits until the values stop changing (nothing left in flight) */
async function settle (values: () => number[], quietMs = 100): Promise<void> {
  let last = ''
  for (let i = 0; i < 200; i++) {
    const now = values().join()
    if (now === last) {
      return
    }
    last = now
    await new Promise(resolve => setTimeout(resolve, quietMs))
  }
}

/** Node A holding the importer's directory of `entries` */
async function serve (entries: DirectoryEntry[], init: DynamicDirectoryInit, store = new CountingBlockstore(new MemoryBlockstore())): Promise<Served> {
  const root = await importerDirectory(entries, init, store)
  const blocks = await countBlocks(store.inner)
  const node = await createNode({ blockstore: store })
  store.reset()
  return { node, store, root, blocks }
}

/** A new node B with an empty blockstore, connected to A */
async function peer (a: TestNode, addr?: Parameters<typeof connect>[2]): Promise<Peer> {
  const local = new MemoryBlockstore()
  const node = await createNode({ blockstore: local })
  await connect(node, a, addr)
  const blockstore = new CountingBlockstore(node.blockstore as unknown as Blockstore)
  return { node, local, blockstore }
}

/** Records every burst a directory reports */
function burstLog (): { bursts: BurstProgress[], options: Pick<DirectoryOptions, 'onProgress'> } {
  const bursts: BurstProgress[] = []
  return {
    bursts,
    options: {
      onProgress: (event) => {
        if (event.type === 'dynamic-directory:burst') {
          bursts.push(event.detail)
        }
      }
    }
  }
}

/**
 * The traffic matches the stats: once nothing is in flight, A served exactly
 * `fetchedBlocks` blocks, each once, B's directory asked for exactly those and
 * B stored them; no burst and no moment had more than the budget in flight
 */
async function expectTraffic (directory: Directory, a: Served, b: Peer, bursts: BurstProgress[], options: { stored?: boolean } = {}): Promise<void> {
  await waitFor(() => b.blockstore.inFlight === 0)
  const { stats } = directory

  expect(a.store.totalGets).to.equal(stats.fetchedBlocks, 'blocks A served')
  expect(a.store.duplicates()).to.be.empty('blocks A served twice')
  expect(b.blockstore.totalGets).to.equal(stats.fetchedBlocks, 'gets B\'s directory made')
  expect(b.blockstore.duplicates()).to.be.empty('blocks B asked for twice')
  if (options.stored !== false) {
    expect(await countBlocks(b.local)).to.equal(stats.fetchedBlocks, 'blocks B stored')
  }

  expect(stats.largestBurst).to.be.at.most(BUDGET)
  expect(b.blockstore.maxInFlight).to.be.at.most(BUDGET)
  for (const burst of bursts) {
    expect(burst.requested).to.be.within(1, BUDGET)
    expect(burst.arrived).to.be.at.most(burst.requested)
  }
  // every request was a burst's: the root (fetched by open) plus what the bursts asked for
  expect(1 + bursts.reduce((total, burst) => total + burst.requested, 0)).to.equal(stats.fetchedBlocks)
  expect(stats.bursts).to.equal(1 + bursts.length)
}

function describeStats (directory: Directory, ms: number): string {
  const { fetchedBlocks, bursts, largestBurst, knownBytes, sizeExact } = directory.stats
  return `${directory.shape}, ${fetchedBlocks} blocks in ${bursts} bursts (largest ${largestBurst}), ${knownBytes} bytes known${sizeExact ? ' (exact)' : ''}, ${Math.round(ms)} ms`
}

describe('network: a directory edited from another Helia node over Bitswap', function () {
  this.timeout(120_000)

  let a: TestNode | undefined
  let a2: TestNode | undefined
  let b: TestNode | undefined
  let proxy: LatencyProxy | undefined

  afterEach(async () => {
    await proxy?.close()
    await stopAll(a, a2, b)
    a = a2 = b = proxy = undefined
  })

  it('edits a 10,000-entry HAMT that stays a HAMT, then lists it', async () => {
    const random = randomFor(SEED)
    const entries = randomEntries(10_000, SEED)
    const served = await serve(entries, {})
    a = served.node
    const peerB = await peer(a)
    b = peerB.node

    const { bursts, options } = burstLog()
    // the caller's signal is aborted after the edits, while a stopped burst's
    // requests may still be in flight: those must land, not be cancelled
    const caller = new AbortController()
    const start = performance.now()
    const directory = await dynamicDirectory({ blockstore: peerB.blockstore }, { fetchBudget: BUDGET, listWindow: BUDGET }).open(served.root, { signal: caller.signal })

    const model = new Map(entries.map(entry => [entry.name, entry]))
    const order = random.shuffle(entries)
    for (const entry of order.slice(0, 500)) {
      expect(await directory.delete(entry.name, { ...options, signal: caller.signal })).to.be.true()
      model.delete(entry.name)
    }
    // overwrites with another CID and size
    const replacements = randomEntries(100, SEED + 1)
    for (const [index, entry] of order.slice(500, 600).entries()) {
      const { cid, size } = replacements[index]
      await directory.set(entry.name, cid, { ...options, signal: caller.signal, size })
      model.set(entry.name, { name: entry.name, cid, size })
    }
    // new names
    for (const entry of randomEntries(300, SEED + 2).filter(entry => !model.has(entry.name))) {
      await directory.set(entry.name, entry.cid, { ...options, signal: caller.signal, size: entry.size })
      model.set(entry.name, entry)
    }
    caller.abort()
    const editMs = performance.now() - start

    expect(directory.shape).to.equal('hamt')
    await expectTraffic(directory, served, peerB, bursts)
    expect(peerB.blockstore.aborted).to.be.empty('requests cancelled after the operations returned')
    expect(directory.stats.fetchedBlocks).to.be.below(served.blocks)
    const edited = `${describeStats(directory, editMs)}, ${bursts.filter(burst => burst.arrived < burst.requested).length} stopped early`

    const cid = await directory.flush()
    expect(cid.toString()).to.equal((await importerDirectory(model.values(), {})).toString())

    // a listing fetches everything not yet loaded, and nothing twice
    const listStart = performance.now()
    const names: string[] = []
    for await (const entry of directory.entries(options)) {
      names.push(entry.name)
    }
    const listMs = performance.now() - listStart
    expect(names.sort()).to.deep.equal([...model.keys()].sort())
    expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
    await expectTraffic(directory, served, peerB, bursts, { stored: false })

    // eslint-disable-next-line no-console
    console.info(`      10,000 entries: edits ${edited}; listing ${describeStats(directory, listMs)}`)
  })

  it('edits a 50,000-entry HAMT through the Helia node itself, then lists it', async () => {
    const random = randomFor(SEED + 3)
    const entries = asciiEntries(50_000, 'file-')
    const served = await serve(entries, {})
    a = served.node
    const peerB = await peer(a)
    b = peerB.node

    const { bursts, options } = burstLog()
    const start = performance.now()
    // the Helia node as the directory's components, as an app would pass it
    const directory = await dynamicDirectory(b, { fetchBudget: BUDGET, listWindow: BUDGET }).open(served.root)

    const model = new Map(entries.map(entry => [entry.name, entry]))
    for (const entry of random.shuffle(entries).slice(0, 300)) {
      expect(await directory.delete(entry.name, options)).to.be.true()
      model.delete(entry.name)
    }
    for (const entry of asciiEntries(300, 'new-')) {
      await directory.set(entry.name, entry.cid, { ...options, size: entry.size })
      model.set(entry.name, entry)
    }
    const editMs = performance.now() - start

    expect(directory.shape).to.equal('hamt')
    await settle(() => [served.store.totalGets, directory.stats.fetchedBlocks])
    const { stats } = directory
    expect(served.store.totalGets).to.equal(stats.fetchedBlocks, 'blocks A served')
    expect(served.store.duplicates()).to.be.empty()
    expect(await countBlocks(peerB.local)).to.equal(stats.fetchedBlocks, 'blocks B stored')
    expect(stats.largestBurst).to.be.at.most(BUDGET)
    expect(Math.max(...bursts.map(burst => burst.requested))).to.be.at.most(BUDGET)
    const edited = describeStats(directory, editMs)

    const cid = await directory.flush()
    expect(cid.toString()).to.equal((await importerDirectory(model.values(), {})).toString())

    const listStart = performance.now()
    let listed = 0
    for await (const entry of directory.entries(options)) {
      expect(model.has(entry.name)).to.be.true()
      listed++
    }
    const listMs = performance.now() - listStart
    expect(listed).to.equal(model.size)
    expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
    expect(served.store.totalGets).to.equal(served.blocks)
    expect(served.store.duplicates()).to.be.empty()
    expect(directory.stats.largestBurst).to.be.at.most(BUDGET)

    // eslint-disable-next-line no-console
    console.info(`      50,000 entries: edits ${edited}; listing ${describeStats(directory, listMs)}`)
  })

  it('deletes from a 10,000-entry HAMT until it turns basic, exactly at the threshold', async () => {
    const random = randomFor(SEED + 4)
    const entries = randomEntries(10_000, SEED + 4)
    // half the entries' bytes: the crossing comes after about half the deletions
    const init: DynamicDirectoryInit = { shardSplitThresholdBytes: linksBytes(entries.slice(0, 5_000)) }
    const served = await serve(entries, init)
    a = served.node
    const peerB = await peer(a)
    b = peerB.node

    const { bursts, options } = burstLog()
    const start = performance.now()
    const directory = await dynamicDirectory({ blockstore: peerB.blockstore }, { ...init, fetchBudget: BUDGET, listWindow: BUDGET }).open(served.root)
    const order = random.shuffle(entries)
    let bytes = linksBytes(entries)
    let deleted = 0
    let crossedMs = 0

    while (directory.shape === 'hamt') {
      const entry = order[deleted++]
      expect(await directory.delete(entry.name, options)).to.be.true()
      bytes -= linksBytes([entry])
      // a HAMT iff the size is strictly over the threshold
      expect(directory.shape).to.equal(bytes > (init.shardSplitThresholdBytes ?? 0) ? 'hamt' : 'basic', `after ${deleted} deletions`)
      crossedMs = performance.now() - start
    }

    // turning basic needed every shard, each fetched once
    expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
    await expectTraffic(directory, served, peerB, bursts)
    const crossed = describeStats(directory, crossedMs)

    const remaining = order.slice(deleted)
    let cid = await directory.flush()
    const expected = await importerDirectory(remaining, init)
    expect(cid.toString()).to.equal(expected.toString())
    expect(await storedShape(peerB.local, cid)).to.equal('basic')

    // more deletions while basic: no fetch
    for (const entry of remaining.splice(0, 100)) {
      expect(await directory.delete(entry.name, options)).to.be.true()
    }
    cid = await directory.flush()
    expect(cid.toString()).to.equal((await importerDirectory(remaining, init)).toString())
    expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
    expect(served.store.totalGets).to.equal(served.blocks)

    // eslint-disable-next-line no-console
    console.info(`      basic after ${deleted} of 10,000 deletions: ${crossed}`)
  })

  it('adds to a basic directory until it turns into a HAMT, with no fetch past the root', async () => {
    const entries = asciiEntries(3_000, 'entry-')
    const init: DynamicDirectoryInit = { shardSplitThresholdBytes: linksBytes(entries.slice(0, 1_500)) }
    const served = await serve(entries.slice(0, 1_000), init)
    a = served.node
    expect(served.blocks).to.equal(1)
    const peerB = await peer(a)
    b = peerB.node

    const { bursts, options } = burstLog()
    const directory = await dynamicDirectory({ blockstore: peerB.blockstore }, { ...init, fetchBudget: BUDGET, listWindow: BUDGET }).open(served.root)
    expect(directory.shape).to.equal('basic')

    let bytes = linksBytes(entries.slice(0, 1_000))
    for (const entry of entries.slice(1_000)) {
      await directory.set(entry.name, entry.cid, { ...options, size: entry.size })
      bytes += linksBytes([entry])
      expect(directory.shape).to.equal(bytes > (init.shardSplitThresholdBytes ?? 0) ? 'hamt' : 'basic', entry.name)
    }

    expect(directory.stats.fetchedBlocks).to.equal(1)
    await expectTraffic(directory, served, peerB, bursts)

    let cid = await directory.flush()
    expect(cid.toString()).to.equal((await importerDirectory(entries, init)).toString())
    expect(await storedShape(peerB.local, cid)).to.equal('hamt')

    // and back under the threshold: the HAMT was built in memory, so still no fetch
    for (const entry of entries.slice(1_400)) {
      await directory.delete(entry.name, options)
    }
    expect(directory.shape).to.equal('basic')
    cid = await directory.flush()
    expect(cid.toString()).to.equal((await importerDirectory(entries.slice(0, 1_400), init)).toString())
    expect(directory.stats.fetchedBlocks).to.equal(1)
    expect(served.store.totalGets).to.equal(1)
  })

  describe('when A goes away in the middle of a burst', () => {
    // deleting `victim` turns the HAMT basic, so it needs every shard: ~10 bursts
    const entries = randomEntries(3_000, SEED + 5)
    const victim = entries[0].name
    const init: DynamicDirectoryInit = { shardSplitThresholdBytes: linksBytes(entries.slice(1)) }
    const after = entries.slice(1)

    /** A's store, slowed so that a burst takes A about a second to serve */
    async function slowServe (): Promise<Served> {
      const served = await serve(entries, init)
      served.store.delayMs = 25
      return served
    }

    /** Calls `then` once A has served `count` blocks (the root, the lookup and part of the second burst) */
    function whenServed (served: Served, count: number, then: () => void): void {
      const timer = setInterval(() => {
        if (served.store.totalGets >= count) {
          clearInterval(timer)
          then()
        }
      }, 2)
    }

    /** Drops the connection by closing the proxy, and aborts the caller's signal half a second later */
    function cutThenAbort (cut: LatencyProxy, caller: AbortController): () => void {
      const abortLater = (): void => {
        setTimeout(() => { caller.abort() }, 500)
      }
      return () => { void cut.close().then(abortLater) }
    }

    /** The failed operation left the directory as it was, and cancelled no want */
    async function expectUnchanged (directory: Directory, peerB: Peer, served: Served): Promise<number> {
      // a caller that stops waiting leaves its wants on the wire, for a later call to join
      expect(peerB.blockstore.aborted).to.be.empty('wants cancelled by a caller that left')
      expect(directory.shape).to.equal('hamt')
      expect(directory.stats.sizeExact).to.be.false()
      const fetched = directory.stats.fetchedBlocks
      expect(fetched).to.be.below(served.blocks)
      // the path to the victim was loaded before the size check: no fetch needed
      expect(await directory.has(victim, { signal: AbortSignal.timeout(2_000) })).to.be.true()
      expect((await directory.flush()).toString()).to.equal(served.root.toString())
      expect(directory.stats.fetchedBlocks).to.equal(fetched)
      return fetched
    }

    it('rejects on the caller\'s timeout, stays unchanged, and succeeds once A is back', async () => {
      const served = await slowServe()
      a = served.node
      const peerB = await peer(a)
      b = peerB.node
      const { bursts, options } = burstLog()
      const directory = await dynamicDirectory({ blockstore: peerB.blockstore }, { ...init, fetchBudget: BUDGET, listWindow: BUDGET }).open(served.root)

      let stopped: Promise<unknown> | undefined
      const node = a
      whenServed(served, 2 + BUDGET + 8, () => { stopped = node.stop() })

      const start = performance.now()
      const err = await directory.delete(victim, { ...options, signal: AbortSignal.timeout(3_000) }).then(() => undefined, (err: Error) => err)
      const failedMs = performance.now() - start
      expect(err).to.have.property('name', 'TimeoutError')
      expect(failedMs).to.be.within(2_900, 4_500)
      expect(stopped).to.not.be.undefined()
      await stopped

      const fetched = await expectUnchanged(directory, peerB, served)
      expect(bursts.every(burst => burst.requested <= BUDGET)).to.be.true()

      // A is back: a stopped Helia node does not serve a peer it served before
      // (@helia/bitswap 4.0.19 keeps that peer's ledger with its send queue
      // aborted), so a new node holds the same blockstore; B dials it
      served.store.delayMs = 0
      served.store.reset()
      a2 = await createNode({ blockstore: served.store })
      await connect(b, a2)

      const retryStart = performance.now()
      expect(await directory.delete(victim, { ...options, signal: AbortSignal.timeout(20_000) })).to.be.true()
      const retryMs = performance.now() - retryStart
      expect(directory.shape).to.equal('basic')
      expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
      expect(directory.stats.largestBurst).to.be.at.most(BUDGET)
      await waitFor(() => peerB.blockstore.inFlight === 0)
      // no block was asked for twice: the retry joined the wants the timeout left on the wire
      expect(peerB.blockstore.duplicates()).to.be.empty('blocks B asked for twice')
      expect(peerB.blockstore.totalGets).to.equal(served.blocks)
      expect(served.store.totalGets).to.be.at.most(served.blocks - fetched)

      const cid = await directory.flush()
      expect(cid.toString()).to.equal((await importerDirectory(after, init)).toString())

      // eslint-disable-next-line no-console
      console.info(`      A stopped: rejected after ${Math.round(failedMs)} ms with ${fetched} of ${served.blocks} blocks; retry on the new A: ${describeStats(directory, retryMs)}`)
    })

    it('rejects on the caller\'s abort when the connection drops, and succeeds over a new connection', async () => {
      const served = await slowServe()
      a = served.node
      proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a) }, delayMs: 5 })
      const peerB = await peer(a, proxiedAddress(a, proxy.port))
      b = peerB.node
      const { options } = burstLog()
      const directory = await dynamicDirectory({ blockstore: peerB.blockstore }, { ...init, fetchBudget: BUDGET, listWindow: BUDGET }).open(served.root)

      const caller = new AbortController()
      whenServed(served, 2 + BUDGET + 8, cutThenAbort(proxy, caller))

      const err = await directory.delete(victim, { ...options, signal: caller.signal }).then(() => undefined, (err: Error) => err)
      expect(err).to.have.property('name', 'AbortError')
      expect(caller.signal.aborted).to.be.true()
      const fetched = await expectUnchanged(directory, peerB, served)

      // A never went away: a new, direct connection
      served.store.delayMs = 0
      const [nodeA, nodeB] = [a, b]
      // the proxied connection is gone (A may have dialed B meanwhile, to deliver the wants it was never told to cancel)
      const proxied = `/tcp/${proxy.port}/`
      await waitFor(() => nodeB.libp2p.getConnections(nodeA.libp2p.peerId).every(connection => !connection.remoteAddr.toString().includes(proxied)))
      await connect(nodeB, nodeA)
      expect(await directory.delete(victim, { ...options, signal: AbortSignal.timeout(20_000) })).to.be.true()
      expect(directory.shape).to.equal('basic')
      expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
      expect(directory.stats.fetchedBlocks).to.be.above(fetched)
      expect((await directory.flush()).toString()).to.equal((await importerDirectory(after, init)).toString())
    })

    it('after the caller aborts on a live connection, the next call joins the wants left on the wire and succeeds on it', async () => {
      const served = await slowServe()
      a = served.node
      const peerB = await peer(a)
      b = peerB.node
      const { options } = burstLog()
      const refetchTimeoutMs = 1_500
      const directory = await dynamicDirectory({ blockstore: peerB.blockstore }, { ...init, fetchBudget: BUDGET, refetchTimeoutMs }).open(served.root)

      const caller = new AbortController()
      whenServed(served, 2 + BUDGET + 8, () => { caller.abort() })
      const err = await directory.delete(victim, { ...options, signal: caller.signal }).then(() => undefined, (err: Error) => err)
      expect(err).to.have.property('name', 'AbortError')
      await expectUnchanged(directory, peerB, served)

      // the same connection: nothing was cancelled, so no call waits on a want A counts as sent
      expect(await directory.delete(victim, options)).to.be.true()
      expect(peerB.blockstore.duplicates()).to.be.empty('blocks B asked for twice')
      expect(peerB.blockstore.aborted).to.be.empty('wants cancelled')

      expect(directory.shape).to.equal('basic')
      expect(directory.stats.fetchedBlocks).to.equal(served.blocks)
      expect((await directory.flush()).toString()).to.equal((await importerDirectory(after, init)).toString())
    })
  })
})
