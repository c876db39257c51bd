import { expect } from 'aegir/chai'
import { FIRST_WINDOW } from '../../src/enumerate/walk.js'
import { dynamicDirectory } from '../../src/index.js'
import { collect } from '../fixtures/build.js'
import { CountingBlockstore, GetGate, blockKey } from '../fixtures/counting-blockstore.js'
import { importerDirectory } from '../fixtures/importer.js'
import { storedHamt } from '../fixtures/stored-hamt.js'
import type { StoredHamt } from '../fixtures/stored-hamt.js'
import type { OracleNode } from '../fixtures/tree-oracle.js'

describe('a streaming listing', function () {
  this.timeout(120_000)
  let hamt: StoredHamt

  before(async () => {
    hamt = await storedHamt(10_000, 'listing-')
  })

  it('yields entries as their nodes land, with the window full and never over its size', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 5 })
    const directory = await dynamicDirectory({ blockstore: store }, { listWindow: 32 }).open(hamt.root)
    let atFirst: { gets: number, inFlight: number } | undefined
    const names = new Set<string>()
    for await (const entry of directory.entries()) {
      atFirst ??= { gets: store.totalGets, inFlight: store.inFlight }
      names.add(entry.name)
    }

    // the first entry came while most of the tree was still to fetch
    expect(atFirst?.gets).to.be.below(hamt.nodes.length / 2)
    expect(atFirst?.inFlight).to.be.above(0)
    expect(names.size).to.equal(hamt.entries.length)
    expect(store.maxInFlight).to.equal(32)
    expect(directory.stats.largestBurst).to.equal(32)
    expect(store.duplicates()).to.deep.equal([])
    expect(store.totalGets).to.equal(hamt.nodes.length)
  })

  it('sends a small first want, then the whole window once the first block has landed', async () => {
    // every block after the root waits until let go: the requests on the wire can be counted between landings
    const gate = new GetGate({ holding: false })
    const store = new CountingBlockstore(hamt.store, { delayFor: gate.delayFor })
    const directory = await dynamicDirectory({ blockstore: store }, { listWindow: 64 }).open(hamt.root)
    gate.holding = true
    const settled = async (): Promise<void> => { await new Promise(resolve => setTimeout(resolve, 20)) }
    const listing = collect(directory)

    await settled()
    const first = store.inFlight
    gate.releaseOne()
    await settled()
    const afterOne = store.inFlight
    gate.open()
    const names = await listing

    expect(first).to.equal(FIRST_WINDOW)
    expect(afterOne).to.equal(64)
    expect(names).to.have.lengthOf(hamt.entries.length)
    expect(store.maxInFlight).to.equal(64)
  })

  it('a slow block holds up only itself: the window goes on around it', async () => {
    const slow = hamt.nodes[1]
    const slowNames = new Set([...subtree(hamt.nodes, slow)].flatMap(node => node.entries.map(entry => entry.name)))
    const others = hamt.entries.length - slowNames.size
    // the slow block lands once every other entry is listed (or after 10 s, so that a stalled window fails, not hangs)
    const release = Promise.withResolvers<void>()
    const timeout = setTimeout(release.resolve, 10_000)
    const store = new CountingBlockstore(hamt.store, { delayMs: 2, delayFor: cid => blockKey(cid) === slow.key ? release.promise : undefined })
    const directory = await dynamicDirectory({ blockstore: store }, { listWindow: 16 }).open(hamt.root)
    let before = 0
    let slowSeen = false
    for await (const entry of directory.entries()) {
      slowSeen ||= slowNames.has(entry.name)
      before += slowSeen ? 0 : 1
      if (before === others) {
        release.resolve()
      }
    }
    clearTimeout(timeout)

    expect(before).to.equal(others)
    expect(slowNames.size).to.be.above(0)
    expect(store.duplicates()).to.deep.equal([])
  })

  it('lists the version current when it started: edits made meanwhile do not wait and do not show', async () => {
    const directory = await dynamicDirectory({ blockstore: new CountingBlockstore(hamt.store, { delayMs: 1 }) }).open(hamt.root)
    const [victim, kept] = [hamt.entries[10], hamt.entries[20]]
    const listed: string[] = []
    let edited = false
    for await (const entry of directory.entries()) {
      listed.push(entry.name)
      if (!edited) {
        edited = true
        // the write runs to the end while the listing is paused in the middle
        expect(await directory.delete(victim.name)).to.equal(true)
        await directory.set('added-during-listing', kept.cid, { size: kept.size })
      }
    }

    expect(listed).to.have.lengthOf(hamt.entries.length)
    expect(listed).to.include(victim.name)
    expect(listed).to.not.include('added-during-listing')

    const after = (await collect(directory)).map(entry => entry.name)
    expect(after).to.not.include(victim.name)
    expect(after).to.include('added-during-listing')
    const expected = [...hamt.entries.filter(entry => entry !== victim), { ...kept, name: 'added-during-listing' }]
    expect((await directory.flush()).toString()).to.equal((await importerDirectory(expected)).toString())
  })

  it('a directory larger than the retained-tree bound is listed in bounded memory', async () => {
    const store = new CountingBlockstore(hamt.store)
    const bound = 50
    const directory = await dynamicDirectory({ blockstore: store }, { cacheNodes: bound }).open(hamt.root)
    expect((await collect(directory)).length).to.equal(hamt.entries.length)
    // what was kept: the bound, plus the root
    expect(directory.stats.retainedNodes).to.be.at.most(bound + 1)
    expect(directory.stats.sizeExact).to.equal(false)

    // what was let go is fetched again by the next listing
    store.reset()
    expect((await collect(directory)).length).to.equal(hamt.entries.length)
    expect(store.totalGets).to.be.at.least(hamt.nodes.length - 1 - bound)
  })

  it('a listing the caller aborts rejects with the abort and leaves the directory usable', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 5 })
    const directory = await dynamicDirectory({ blockstore: store }).open(hamt.root)
    const controller = new AbortController()
    const listing = (async () => {
      let count = 0
      for await (const entry of directory.entries({ signal: controller.signal })) {
        count += entry.name.length > 0 ? 1 : 0
        if (count === 100) {
          controller.abort()
        }
      }
    })()
    await expect(listing).to.eventually.be.rejected.with.property('name', 'AbortError')
    expect((await collect(directory)).length).to.equal(hamt.entries.length)
  })
})

/** `top` and every node under it */
function subtree (nodes: OracleNode[], top: OracleNode): Set<OracleNode> {
  const byKey = new Map(nodes.map(node => [node.key, node]))
  const found = new Set([top])
  for (const node of found) {
    for (const child of node.children) {
      found.add(byKey.get(blockKey(child)) as OracleNode)
    }
  }
  return found
}
