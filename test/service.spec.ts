import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../src/index.js'
import { collect } from './fixtures/build.js'
import { CountingBlockstore, toBytes } from './fixtures/counting-blockstore.js'
import { asciiEntries, linksBytes, randomFor } from './fixtures/entries.js'
import { importerDirectory } from './fixtures/importer.js'
import type { DirectoryEntry } from '../src/index.js'
import type { DirectoryService } from '../src/service.js'
import type { CID } from 'multiformats/cid'

async function hamtOf (entries: DirectoryEntry[], init = {}): Promise<{ root: CID, memory: MemoryBlockstore }> {
  const memory = new MemoryBlockstore()
  return { root: await importerDirectory(entries, init, memory), memory }
}

describe('the CID-in, CID-out API', function () {
  this.timeout(60_000)

  it('cp adds, refuses an existing name unless forced, and rm removes', async () => {
    const entries = asciiEntries(50, 'cp-')
    const { root, memory } = await hamtOf(entries)
    const dirs = dynamicDirectory({ blockstore: memory })
    const [extra, other] = asciiEntries(2, 'extra-')

    const added = await dirs.cp(extra.cid, root, extra.name, { size: extra.size })
    expect(added.toString()).to.equal((await importerDirectory([...entries, extra])).toString())
    await expect(dirs.cp(other.cid, added, extra.name, { size: other.size })).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')

    const replaced = await dirs.cp(other.cid, added, extra.name, { size: other.size, force: true })
    expect(replaced.toString()).to.equal((await importerDirectory([...entries, { ...other, name: extra.name }])).toString())

    const removed = await dirs.rm(replaced, extra.name)
    expect(removed.toString()).to.equal(root.toString())
    await expect(dirs.rm(removed, extra.name)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await expect(dirs.rm(removed, '../x')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('takes @helia/unixfs options per call', async () => {
    const entries = asciiEntries(100, 'opt-')
    const threshold = linksBytes(entries.slice(1))
    const { root, memory } = await hamtOf(entries, { shardSplitThresholdBytes: threshold - 1 })
    const dirs = dynamicDirectory({ blockstore: memory })

    // over the default threshold this would stay basic anyway: the per-call threshold decides the shape
    const smaller = await dirs.rm(root, entries[0].name, { shardSplitThresholdBytes: threshold })
    expect((await dirs.stat(smaller, { shardSplitThresholdBytes: threshold })).shape).to.equal('basic')
    expect(smaller.toString()).to.equal((await importerDirectory(entries.slice(1), { shardSplitThresholdBytes: threshold })).toString())

    const v0 = await dirs.cp(entries[0].cid, smaller, entries[0].name, { size: entries[0].size, shardSplitThresholdBytes: 1, shardFanoutBits: 4, profile: 'unixfs-v0-2015' })
    // an opened directory keeps its CID version; the fanout and threshold come from the call
    expect(v0.toString()).to.equal((await importerDirectory(entries, { shardSplitThresholdBytes: 1, shardFanoutBits: 4 })).toString())
  })

  it('open() takes the edit options per call, as cp does: the Directory it returns edits by them', async () => {
    const entries = asciiEntries(100, 'open-opt-')
    const memory = new MemoryBlockstore()
    const root = await importerDirectory(entries, {}, memory)
    const dirs = dynamicDirectory({ blockstore: memory })
    const [extra] = asciiEntries(1, 'open-extra-')
    const small = { shardSplitThresholdBytes: linksBytes(entries) }

    const directory = await dirs.open(root, small)
    await directory.set(extra.name, extra.cid, { size: extra.size })
    expect(directory.shape).to.equal('hamt')
    const flushed = await directory.flush()
    expect(flushed.toString()).to.equal((await importerDirectory([...entries, extra], small)).toString())
    expect(flushed.toString()).to.equal((await dirs.cp(extra.cid, root, extra.name, { ...small, size: extra.size })).toString())

    // the service's own options are untouched: a plain open of the same CID stays basic
    const plain = await dirs.open(root)
    await plain.set(extra.name, extra.cid, { size: extra.size })
    expect(plain.shape).to.equal('basic')

    const v0 = dirs.create({ cidVersion: 0 })
    await v0.set(extra.name, extra.cid, { size: extra.size })
    expect((await v0.flush()).version).to.equal(0)
    await expect(dirs.open(root, { shardFanoutBits: 11 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('offline: true reads only with offline, and a missing block fails the call at once', async () => {
    const entries = asciiEntries(3_000, 'offline-')
    const { root, memory } = await hamtOf(entries, { shardSplitThresholdBytes: 1_000 })
    const reads: Array<boolean | undefined> = []
    const blockstore = {
      get: (cid: CID, options: any = {}) => { reads.push(options.offline); return memory.get(cid, options) },
      put: async (cid: CID, bytes: Uint8Array) => memory.put(cid, bytes),
      has: async (cid: CID, options: any = {}) => { reads.push(options.offline); return memory.has(cid) }
    }
    const dirs = dynamicDirectory({ blockstore })
    const listed = await collect(await dirs.open(root, { offline: true }))
    expect(listed).to.have.length(entries.length)
    expect((await dirs.stat(root, { offline: true })).shape).to.equal('hamt')
    expect(reads.length).to.be.greaterThan(1)
    expect(reads.every(offline => offline === true)).to.be.true('every read of an offline call passed offline: true')

    // online, the same CID is a tree of its own: its reads are not offline
    reads.length = 0
    await dirs.stat(root)
    expect(reads).to.include(undefined)

    const gone = dynamicDirectory({ blockstore: { ...blockstore, get: (cid: CID, options: any = {}) => { throw Object.assign(new Error(`${cid} is not here`), { name: 'NotFoundError' }) } } })
    await expect(gone.open(root, { offline: true })).to.eventually.be.rejected.with.property('name', 'BlockFetchError')
  })

  it('its blockstore joins a block on its way for a directory, and passes offline reads to the blockstore', async () => {
    const entries = asciiEntries(3_000, 'blocks-')
    const { root, memory } = await hamtOf(entries, { shardSplitThresholdBytes: 1_000 })
    const slow = new CountingBlockstore(memory, { delayMs: 50 })
    const dirs = dynamicDirectory({ blockstore: slow })

    const [opened, bytes] = await Promise.all([dirs.open(root), toBytes(dirs.blockstore.get(root))])
    expect(opened.shape).to.equal('hamt')
    expect(bytes).to.equalBytes(await toBytes(memory.get(root)))
    expect(slow.count(root)).to.equal(1)

    expect(await toBytes(dirs.blockstore.get(root, { offline: true }))).to.equalBytes(bytes)
    expect(slow.count(root)).to.equal(2)
    expect(await dirs.blockstore.has(root)).to.be.true()
  })

  it('ls lists and stat reports what is known without fetching', async () => {
    const entries = asciiEntries(10_000, 'ls-')
    const { root, memory } = await hamtOf(entries)
    const store = new CountingBlockstore(memory)
    const dirs = dynamicDirectory({ blockstore: store })

    const cold = await dirs.stat(root)
    expect(cold.shape).to.equal('hamt')
    expect(cold.exact).to.equal(false)
    expect(store.totalGets).to.equal(1)

    const listed = []
    for await (const entry of dirs.ls(root)) {
      listed.push(entry.name)
    }
    expect(listed.sort()).to.deep.equal(entries.map(e => e.name).sort())

    const warm = await dirs.stat(root)
    expect(warm).to.include({ shape: 'hamt', entries: 10_000, bytes: linksBytes(entries), exact: true })
    const gets = store.totalGets
    await collect(await dirs.open(root))
    expect(store.totalGets).to.equal(gets)
    expect(store.duplicates()).to.deep.equal([])
  })

  it('a chain of calls through the returned CIDs fetches each block at most once, and old CIDs still give their own trees', async () => {
    const entries = asciiEntries(10_000, 'chain-')
    const { root, memory } = await hamtOf(entries)
    const store = new CountingBlockstore(memory)
    const dirs = dynamicDirectory({ blockstore: store })
    const random = randomFor(9)
    const model = new Map(entries.map(entry => [entry.name, entry]))
    const history: Array<{ cid: CID, entries: DirectoryEntry[] }> = []
    const extra = asciiEntries(100, 'new-')
    let cid = root

    for (let step = 0; step < 200; step++) {
      if (random.next() < 0.6) {
        const victim = entries[random.int(entries.length)]
        if (!model.has(victim.name)) {
          continue
        }
        cid = await dirs.rm(cid, victim.name)
        model.delete(victim.name)
      } else {
        const added = extra[random.int(extra.length)]
        cid = await dirs.cp(added.cid, cid, added.name, { size: added.size, force: true })
        model.set(added.name, added)
      }
      if (step % 40 === 0) {
        history.push({ cid, entries: [...model.values()] })
      }
    }

    expect(cid.toString()).to.equal((await importerDirectory(model.values())).toString())
    // the original blocks were each read at most once; what the chain wrote was never read back
    expect(store.duplicates()).to.deep.equal([])
    expect(store.log.every(read => !history.some(({ cid }) => cid.equals(read)))).to.equal(true)

    // an older CID is served from its own tree: never stale
    for (const { cid: old, entries: then } of history) {
      const names = []
      for await (const entry of dirs.ls(old)) {
        names.push(entry.name)
      }
      expect(names.sort()).to.deep.equal(then.map(e => e.name).sort())
    }
  })

  it('keeps the cache within its budget of distinct nodes, evicting the least recently used trees', async () => {
    const entries = asciiEntries(10_000, 'lru-')
    const { root, memory } = await hamtOf(entries)
    const dirs = dynamicDirectory({ blockstore: memory }, { cacheNodes: 400 }) as DirectoryService
    let cid = root
    for (const entry of entries.slice(0, 30)) {
      cid = await dirs.rm(cid, entry.name)
      // over the budget only when the newest tree alone is heavier than it
      expect(dirs.cachedNodes <= 400 || dirs.cachedTrees === 1).to.equal(true)
    }
    // the versions share every node but their edited paths: all 31 fit, counted once each
    const newest = await dirs.open(cid)
    expect(dirs.cachedTrees).to.equal(31)
    expect(newest.stats.retainedNodes).to.be.greaterThan(100)
    expect(dirs.cachedNodes).to.be.within(newest.stats.retainedNodes, newest.stats.retainedNodes + 30 * 3)

    // a fully listed tree is heavier than the budget: it stays while it is the newest, alone, and is correct
    let listed = 0
    for await (const entry of dirs.ls(cid)) {
      listed += entry.name.startsWith('lru-') ? 1 : 0
    }
    expect(listed).to.equal(entries.length - 30)
    expect(dirs.cachedTrees).to.equal(1)
    expect(dirs.cachedNodes).to.equal((await dirs.open(cid)).stats.retainedNodes)
    expect(cid.toString()).to.equal((await importerDirectory(entries.slice(30))).toString())
  })
})
