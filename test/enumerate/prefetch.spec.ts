import { expect } from 'aegir/chai'
import { FIRST_WINDOW } from '../../src/enumerate/walk.js'
import { dynamicDirectory } from '../../src/index.js'
import { collect } from '../fixtures/build.js'
import { CountingBlockstore, GetGate, blockKey } from '../fixtures/counting-blockstore.js'
import { asciiEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { storedHamt } from '../fixtures/stored-hamt.js'
import { pathTo } from '../fixtures/tree-oracle.js'
import type { Directory, PrefetchProgress } from '../../src/index.js'
import type { DirectoryService } from '../../src/service.js'
import type { StoredHamt } from '../fixtures/stored-hamt.js'

async function until (condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`not met within ${timeoutMs} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** Waits for what is on the wire to land, then checks that nothing more is asked for */
async function expectQuiet (store: CountingBlockstore): Promise<number> {
  await until(() => store.inFlight === 0)
  const gets = store.totalGets
  await new Promise(resolve => setTimeout(resolve, 150))
  expect(store.totalGets).to.equal(gets, 'a request after the prefetch ended')
  return gets
}

describe('background prefetch', function () {
  this.timeout(120_000)
  let hamt: StoredHamt

  before(async () => {
    hamt = await storedHamt(10_000, 'prefetch-')
  })

  it('fetches the whole tree within its window, once; later operations fetch nothing', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 1 })
    const events: PrefetchProgress[] = []
    const directory = await dynamicDirectory({ blockstore: store }, { listWindow: 8 }).open(hamt.root, {
      prefetch: { onProgress: (event) => { events.push(event.detail) } }
    })
    expect(directory.stats.prefetching).to.equal(true)
    await until(() => !directory.stats.prefetching)

    expect(directory.stats.prefetchedBlocks).to.equal(hamt.nodes.length - 1)
    expect(events.at(-1)).to.deep.equal({ fetched: hamt.nodes.length - 1, bound: 65_536, done: true })
    expect(store.maxInFlight).to.be.at.most(8)
    expect(store.duplicates()).to.deep.equal([])

    const gets = store.totalGets
    expect((await collect(directory)).length).to.equal(hamt.entries.length)
    expect(await directory.delete(hamt.entries[5].name)).to.equal(true)
    expect(store.totalGets).to.equal(gets)
    expect((await directory.flush()).toString()).to.equal((await importerDirectory(hamt.entries.filter((_, i) => i !== 5))).toString())
  })

  it('sends a small first want, then its whole window once the first block has landed', async () => {
    // every block but the root waits until let go: the requests on the wire can be counted between landings
    const gate = new GetGate({ exempt: cid => blockKey(cid) === blockKey(hamt.root) })
    const store = new CountingBlockstore(hamt.store, { delayFor: gate.delayFor })
    const directory = await dynamicDirectory({ blockstore: store }, { listWindow: 64 }).open(hamt.root, { prefetch: true })
    await until(() => store.inFlight === FIRST_WINDOW)
    await new Promise(resolve => setTimeout(resolve, 20))
    const first = store.inFlight
    gate.releaseOne()
    await until(() => store.inFlight === 64)
    gate.open()
    await until(() => !directory.stats.prefetching)

    expect(first).to.equal(FIRST_WINDOW)
    expect(store.maxInFlight).to.equal(64)
    expect(directory.stats.prefetchedBlocks).to.equal(hamt.nodes.length - 1)
  })

  it('keeps to its node bound', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 1 })
    const directory = await dynamicDirectory({ blockstore: store }, { prefetchNodes: 100 }).open(hamt.root, { prefetch: true })
    await until(() => !directory.stats.prefetching)
    expect(directory.stats.prefetchedBlocks).to.equal(100)
    // the root, then the bound
    expect(await expectQuiet(store)).to.equal(101)
  })

  it('yields to foreground requests: none of its requests is sent while a foreground one is on its way', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 15 })
    const dirs = dynamicDirectory({ blockstore: store }, { fetchBudget: 4, listWindow: 4 })
    const prefetching = await dirs.open(hamt.root, { prefetch: true })
    await until(() => store.totalGets > 10)

    const victim = hamt.entries[4321]
    const path = new Set(pathTo(hamt.nodes, victim.name).map(node => node.key))
    const foreground = await dirs.open(hamt.root)
    const first = store.log.length
    expect(await foreground.has(victim.name)).to.equal(true)
    const during = store.log.slice(first).map(blockKey)
    const start = during.findIndex(key => path.has(key))
    const end = during.findLastIndex(key => path.has(key))

    // from the lookup's first request to its last: its own path only (if the prefetch had not loaded it yet)
    expect(during.slice(start, end + 1).every(key => path.has(key))).to.equal(true, 'a prefetch request during a foreground request')
    await until(() => !prefetching.stats.prefetching)
    expect(store.duplicates()).to.deep.equal([])
  })

  /** Opens with a prefetch, ends it one way once it is under way, and checks that it asks for nothing more */
  async function endsOn (ending: 'close' | 'abort' | 'stop'): Promise<void> {
    const store = new CountingBlockstore(hamt.store, { delayMs: 10 })
    const dirs = dynamicDirectory({ blockstore: store }, { fetchBudget: 4, listWindow: 4 }) as DirectoryService
    const controller = new AbortController()
    const directory: Directory = await dirs.open(hamt.root, { prefetch: true, signal: controller.signal })
    await until(() => store.totalGets > 20)

    if (ending === 'close') {
      directory.close()
    } else if (ending === 'abort') {
      controller.abort()
    } else {
      dirs.stop()
    }
    await until(() => !directory.stats.prefetching)
    const gets = await expectQuiet(store)
    expect(gets).to.be.below(hamt.nodes.length / 2)
    expect(directory.stats.prefetchedBlocks).to.be.below(hamt.nodes.length - 1)
    if (ending !== 'stop') {
      // it asks for nothing new, and cancels nothing on the wire: a later call may need those blocks
      expect(store.aborted).to.deep.equal([])
    }
  }

  it('ends on close, with no request after', async () => { await endsOn('close') })
  it('ends on abort, with no request after', async () => { await endsOn('abort') })
  it('ends on stop, with no request after', async () => { await endsOn('stop') })

  it('ends when its tree leaves the cache', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 10 })
    const dirs = dynamicDirectory({ blockstore: store }, { cacheNodes: 100, prefetchNodes: 10_000 })
    const other = await importerDirectory(asciiEntries(3, 'small-'), {}, hamt.store)
    const directory = await dirs.open(hamt.root, { prefetch: true })
    await until(() => store.totalGets > 200)
    // the prefetch has filled the cached tree past the cache's bound: the next tree cached pushes it out
    await dirs.open(other)
    await until(() => !directory.stats.prefetching)
    expect(await expectQuiet(store)).to.be.below(hamt.nodes.length)
    expect(store.aborted).to.deep.equal([])
  })

  it('ends when an equal version replaces its tree in the cache, cancelling nothing', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 30 })
    const dirs = dynamicDirectory({ blockstore: store }, { prefetch: true, listWindow: 64 })
    const entry = hamt.entries[77]
    // rm then cp back: the second result is the root again, whose cached, prefetching tree it replaces
    const removed = await dirs.rm(hamt.root, entry.name)
    await until(() => store.inFlight > 16)
    expect((await dirs.cp(entry.cid, removed, entry.name, { size: entry.size })).toString()).to.equal(hamt.root.toString())
    expect(await collect(await dirs.open(hamt.root, { prefetch: false }))).to.have.lengthOf(hamt.entries.length)
    await until(() => store.inFlight === 0)
    expect(store.aborted).to.deep.equal([])
  })

  it('with prefetch in the init, chained CID-in, CID-out calls find their nodes loaded', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 1 })
    const dirs = dynamicDirectory({ blockstore: store }, { prefetch: true })
    let cid = await dirs.rm(hamt.root, hamt.entries[0].name)
    await until(() => store.totalGets === hamt.nodes.length)
    const gets = store.totalGets

    const removed = new Set([hamt.entries[0].name])
    for (let i = 1; i <= 60; i++) {
      const entry = hamt.entries[i * 97]
      cid = await dirs.rm(cid, entry.name)
      removed.add(entry.name)
    }
    expect(store.totalGets).to.equal(gets)
    expect(store.duplicates()).to.deep.equal([])
    expect(cid.toString()).to.equal((await importerDirectory(hamt.entries.filter(entry => !removed.has(entry.name)))).toString())
  })
})
