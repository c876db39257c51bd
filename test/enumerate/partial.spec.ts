import { expect } from 'aegir/chai'
import { dynamicDirectory } from '../../src/index.js'
import { collect } from '../fixtures/build.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { asciiEntries, linksBytes, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { fromOracle, lowerBound, minimumNodes } from '../fixtures/minimum.js'
import { storedHamt } from '../fixtures/stored-hamt.js'
import { linksBytesOf } from '../fixtures/tree-oracle.js'
import type { BurstProgress } from '../../src/index.js'
import type { StoredHamt } from '../fixtures/stored-hamt.js'

const THRESHOLD = 262_144

describe('partial enumeration over a retained shard tree', function () {
  this.timeout(120_000)

  const hamts = new Map<number, StoredHamt>()

  before(async () => {
    for (const count of [10_000, 50_000]) {
      hamts.set(count, await storedHamt(count, `partial-${count}-`))
    }
  })

  for (const count of [10_000, 50_000]) {
    for (const fetchBudget of [8, 32]) {
      it(`one delete on a cold ${count}-entry HAMT fetches its path and about what proves it over (budget ${fetchBudget})`, async () => {
        const hamt = hamts.get(count) as StoredHamt
        expect(linksBytesOf(hamt.nodes)).to.be.greaterThan(2 * THRESHOLD)
        const store = new CountingBlockstore(hamt.store)
        const directory = await dynamicDirectory({ blockstore: store }, { fetchBudget }).open(hamt.root)
        const victim = hamt.entries[Math.floor(count / 3)]
        const events: BurstProgress[] = []

        expect(await directory.delete(victim.name, { onProgress: (event) => { events.push(event.detail) } })).to.equal(true)

        // let the requests a burst stopped waiting for land: they count
        while (store.inFlight > 0) {
          await new Promise(resolve => setTimeout(resolve, 1))
        }
        const { root, path, victimBytes } = fromOracle(hamt.nodes, victim.name)
        const minimum = minimumNodes(root, path, victimBytes, THRESHOLD).nodes
        // near the offline minimum (at most 1.3x + 4), and never under what any loading order needs
        expect(store.totalGets).to.be.at.most(Math.ceil(minimum * 1.3) + 4)
        expect(store.totalGets).to.be.at.least(lowerBound(root, path, victimBytes, THRESHOLD))
        expect(store.duplicates()).to.deep.equal([])
        expect(directory.shape).to.equal('hamt')
        expect(directory.stats.largestBurst).to.be.at.most(fetchBudget)
        expect(directory.stats.sizeExact).to.equal(false)
        expect(directory.stats.knownBytes).to.be.greaterThan(THRESHOLD)

        // one progress event per round after the root's, and what they asked for is what the store saw
        expect(events.length).to.equal(directory.stats.bursts - 1)
        expect(events.every(event => event.reason === 'size-check')).to.equal(true)
        expect(events.reduce((total, event) => total + event.requested, 0)).to.equal(store.totalGets - 1)

        const remaining = hamt.entries.filter(entry => entry !== victim)
        expect((await directory.flush()).toString()).to.equal((await importerDirectory(remaining, {})).toString())
      })
    }
  }

  it('no block is requested twice across a mix of operations', async () => {
    const hamt = hamts.get(10_000) as StoredHamt
    const store = new CountingBlockstore(hamt.store)
    const directory = await dynamicDirectory({ blockstore: store }).open(hamt.root)
    const random = randomFor(31)
    const model = new Map(hamt.entries.map(entry => [entry.name, entry]))
    const extra = asciiEntries(200, 'extra-')

    for (let step = 0; step < 300; step++) {
      const entry = hamt.entries[random.int(hamt.entries.length)]
      const roll = random.next()
      if (roll < 0.3) {
        expect(await directory.has(entry.name)).to.equal(model.has(entry.name))
      } else if (roll < 0.6) {
        expect(await directory.delete(entry.name)).to.equal(model.delete(entry.name))
      } else if (roll < 0.9) {
        const added = extra[random.int(extra.length)]
        await directory.set(added.name, added.cid, { size: added.size })
        model.set(added.name, added)
      } else {
        await directory.flush()
      }
    }
    const listed = await collect(directory)
    expect(listed.length).to.equal(model.size)
    expect(store.duplicates()).to.deep.equal([])
    expect(store.totalGets).to.equal(hamt.nodes.length)
    expect(directory.stats.fetchedBlocks).to.equal(hamt.nodes.length)
    expect((await directory.flush()).toString()).to.equal((await importerDirectory(model.values(), {})).toString())
    // everything is loaded: more lookups and a listing fetch nothing
    await collect(directory)
    expect(store.totalGets).to.equal(hamt.nodes.length)
  })

  // budget 1 runs on the smaller HAMT: its 24,000 requests on the larger one would be one at a time
  for (const [fetchBudget, count] of [[1, 10_000], [8, 50_000], [64, 50_000]]) {
    it(`never has more than fetchBudget = ${fetchBudget} requests in flight for a size check, nor listWindow = ${2 * fetchBudget} for a listing (${count} entries)`, async () => {
      const hamt = hamts.get(count) as StoredHamt
      const store = new CountingBlockstore(hamt.store, { delayMs: 2 })
      // a threshold just under the full size: the size check needs nearly the whole tree
      const threshold = linksBytes(hamt.entries) - 200
      const dirs = dynamicDirectory({ blockstore: store }, { fetchBudget, shardSplitThresholdBytes: threshold })

      const deleting = await dirs.open(hamt.root)
      await deleting.delete(hamt.entries[0].name)
      expect(deleting.shape).to.equal('hamt')
      expect(store.maxInFlight).to.be.at.most(fetchBudget)

      // the delete's burst may have stopped waiting with requests on the wire: let them land first
      while (store.inFlight > 0) {
        await new Promise(resolve => setTimeout(resolve, 5))
      }
      // a new service: this one has the delete's nodes already. The listing's window is full all along
      store.reset()
      const listWindow = 2 * fetchBudget
      const listing = await dynamicDirectory({ blockstore: store }, { fetchBudget, listWindow }).open(hamt.root)
      expect((await collect(listing)).length).to.equal(hamt.entries.length)
      expect(store.maxInFlight).to.equal(listWindow)
      expect(listing.stats.largestBurst).to.equal(listWindow)
      expect(listing.stats.fetchedBlocks).to.equal(hamt.nodes.length)
      expect(listing.stats.sizeExact).to.equal(true)
      expect(store.duplicates()).to.deep.equal([])
    })
  }

  it('deleting one by one through the threshold turns basic at exactly the right entry count', async () => {
    const hamt = hamts.get(10_000) as StoredHamt
    const random = randomFor(77)
    const order = [...hamt.entries].sort(() => random.next() - 0.5)
    const remaining = new Map(hamt.entries.map(entry => [entry.name, entry]))
    // basic once 40 of these deletions are done
    const threshold = linksBytes(order.slice(40))
    const init = { shardSplitThresholdBytes: threshold }
    const store = new CountingBlockstore(hamt.store)
    const directory = await dynamicDirectory({ blockstore: store }, init).open(hamt.root)

    for (let deleted = 1; deleted <= 60; deleted++) {
      const entry = order[deleted - 1]
      await directory.delete(entry.name)
      remaining.delete(entry.name)
      const expectedShape = linksBytes(remaining.values()) > threshold ? 'hamt' : 'basic'
      expect(directory.shape).to.equal(expectedShape, `after ${deleted} deletions`)
      expect(directory.shape).to.equal(deleted < 40 ? 'hamt' : 'basic', `after ${deleted} deletions`)
      if (deleted === 39 || deleted === 40 || deleted === 60) {
        const expected = await importerDirectory(remaining.values(), init)
        expect((await directory.flush()).toString()).to.equal(expected.toString(), `after ${deleted} deletions`)
      }
    }

    expect(store.duplicates()).to.deep.equal([])
    expect(store.totalGets).to.equal(hamt.nodes.length)
  })

  it('an aborted caller signal rejects with an abort error and leaves the directory usable and unchanged', async () => {
    const hamt = hamts.get(10_000) as StoredHamt
    const store = new CountingBlockstore(hamt.store, { delayMs: 20 })
    const threshold = linksBytes(hamt.entries) - 200
    const init = { shardSplitThresholdBytes: threshold, fetchBudget: 16 }
    const directory = await dynamicDirectory({ blockstore: store }, init).open(hamt.root)
    const victim = hamt.entries[1234]

    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 100)
    await expect(directory.delete(victim.name, { signal: controller.signal })).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(store.aborted.length).to.be.greaterThan(0)

    // unchanged: still a HAMT holding the entry, and it flushes to the same root
    expect(directory.shape).to.equal('hamt')
    expect(await directory.has(victim.name)).to.equal(true)
    expect((await directory.flush()).toString()).to.equal(hamt.root.toString())

    // usable: the same delete succeeds, fetching again what the abort cancelled
    store.delayMs = 0
    const aborted = store.aborted.map(cid => cid.toString())
    expect(await directory.delete(victim.name)).to.equal(true)
    for (const cid of aborted) {
      expect(store.log.map(c => c.toString()).filter(c => c === cid).length).to.equal(2)
    }
    const remaining = hamt.entries.filter(entry => entry !== victim)
    expect((await directory.flush()).toString()).to.equal((await importerDirectory(remaining, init)).toString())
  })

  it('an already aborted signal rejects before any fetch', async () => {
    const hamt = hamts.get(10_000) as StoredHamt
    const store = new CountingBlockstore(hamt.store)
    const directory = await dynamicDirectory({ blockstore: store }).open(hamt.root)
    const gets = store.totalGets
    await expect(directory.delete(hamt.entries[0].name, { signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
    await expect(directory.get(hamt.entries[0].name, { signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect(store.totalGets).to.equal(gets)
  })
})
