/**
 * Versions of one directory: Directories opened from one CID, and the CIDs a
 * chain of rm/cp calls returns. Whatever they share (retained shard nodes,
 * blocks in flight), an edit of one never shows in another, and a block read
 * for one is never read again for another.
 */

import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../src/index.js'
import { blockKey, CountingBlockstore } from './fixtures/counting-blockstore.js'
import { asciiEntries, cidOf, randomFor } from './fixtures/entries.js'
import { importerDirectory } from './fixtures/importer.js'
import { subShards } from './fixtures/shard-layout.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../src/index.js'
import type { CID } from 'multiformats/cid'

/** Small enough that 3,000 entries make a root of sub-shards (fanout 256) */
const SMALL = { shardSplitThresholdBytes: 1000 }

async function stored (entries: DirectoryEntry[], init: DynamicDirectoryInit = {}): Promise<{ root: CID, memory: MemoryBlockstore }> {
  const memory = new MemoryBlockstore()
  return { root: await importerDirectory(entries, init, memory), memory }
}

/** Entries as comparable lines: name, CID and size */
function lines (entries: Iterable<DirectoryEntry>): string[] {
  return [...entries].map(e => `${e.name} ${e.cid} ${e.size}`).sort()
}

async function listed (source: AsyncIterable<DirectoryEntry>): Promise<string[]> {
  const entries: DirectoryEntry[] = []
  for await (const entry of source) {
    entries.push(entry)
  }
  return lines(entries)
}

async function importerCid (entries: Iterable<DirectoryEntry>, init: DynamicDirectoryInit = {}): Promise<string> {
  return (await importerDirectory(entries, init)).toString()
}

function without (entries: DirectoryEntry[], ...names: string[]): DirectoryEntry[] {
  return entries.filter(e => !names.includes(e.name))
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

describe('versions', function () {
  this.timeout(120_000)

  describe('an edit of one version never shows in another', () => {
    // two Directories opened from one HAMT CID: edits of A, before and after B loaded the same paths, stay out of B, and back
    it('open() twice: A and B edit independently', async () => {
      const entries = asciiEntries(3_000, 'v-')
      const { root, memory } = await stored(entries, SMALL)
      const dirs = dynamicDirectory({ blockstore: memory }, SMALL)
      const [x, cold] = [entries[17], entries[2_345]]
      const [y, z] = asciiEntries(2, 'added-')

      const a = await dirs.open(root)
      const b = await dirs.open(root)
      expect(a.shape).to.equal('hamt')
      // B has loaded x's path before A edits it; cold's path is loaded by nobody yet
      expect(lines([await b.get(x.name) as DirectoryEntry])).to.deep.equal(lines([x]))

      expect(await a.delete(x.name)).to.equal(true)
      expect(await a.delete(cold.name)).to.equal(true)
      await a.set(y.name, y.cid, { size: y.size })

      expect(await a.has(x.name)).to.equal(false)
      expect(await a.has(cold.name)).to.equal(false)
      expect(lines([await a.get(y.name) as DirectoryEntry])).to.deep.equal(lines([y]))
      expect(lines([await b.get(x.name) as DirectoryEntry])).to.deep.equal(lines([x]))
      expect(lines([await b.get(cold.name) as DirectoryEntry])).to.deep.equal(lines([cold]))
      expect(await b.has(y.name)).to.equal(false)

      expect((await b.flush()).toString()).to.equal(root.toString())
      const aEntries = [...without(entries, x.name, cold.name), y]
      expect((await a.flush()).toString()).to.equal(await importerCid(aEntries, SMALL))

      // and back: B's edit after A flushed stays out of A
      await b.set(z.name, z.cid, { size: z.size })
      expect(await a.has(z.name)).to.equal(false)
      expect(await b.has(y.name)).to.equal(false)
      expect((await b.flush()).toString()).to.equal(await importerCid([...entries, z], SMALL))
      expect((await a.flush()).toString()).to.equal(await importerCid(aEntries, SMALL))
      expect(await listed(a.entries())).to.deep.equal(lines(aEntries))
      expect(await listed(b.entries())).to.deep.equal(lines([...entries, z]))
    })

    for (const [shape, count, init] of [['HAMT', 3_000, SMALL], ['basic', 20, {}]] as const) {
      // CID in, CID out on a ${shape} directory: each returned CID lists its own entries, and an older CID never changes
      it(`rm then cp through returned CIDs (${shape})`, async () => {
        const entries = asciiEntries(count, 'c-')
        const { root: c0, memory } = await stored(entries, init)
        const dirs = dynamicDirectory({ blockstore: memory }, init)
        const x = entries[7]
        const [y] = asciiEntries(1, 'copied-')

        expect((await dirs.stat(c0)).shape).to.equal(shape === 'HAMT' ? 'hamt' : 'basic')
        const c1 = await dirs.rm(c0, x.name)
        const c2 = await dirs.cp(y.cid, c1, y.name, { size: y.size })

        expect(await listed(dirs.ls(c0))).to.deep.equal(lines(entries))
        expect(await listed(dirs.ls(c1))).to.deep.equal(lines(without(entries, x.name)))
        expect(await listed(dirs.ls(c2))).to.deep.equal(lines([...without(entries, x.name), y]))

        expect(c0.toString()).to.equal(await importerCid(entries, init))
        expect(c1.toString()).to.equal(await importerCid(without(entries, x.name), init))
        expect(c2.toString()).to.equal(await importerCid([...without(entries, x.name), y], init))
        // the old CIDs still take edits from their own state
        expect((await dirs.rm(c0, entries[8].name)).toString()).to.equal(await importerCid(without(entries, entries[8].name), init))
      })
    }
  })

  describe('a block landing fills every version sharing it', () => {
    const entries = asciiEntries(3_000, 'f-')
    let root: CID
    let memory: MemoryBlockstore
    let target: string

    before(async () => {
      ({ root, memory } = await stored(entries, SMALL))
      // a name held in a sub-shard, so its path is more than the root
      target = (await subShards(memory, root))[3].names[0]
    })

    // B.get after A.get loaded the path reads nothing
    it('a path A loaded is loaded in B', async () => {
      const store = new CountingBlockstore(memory, { delayMs: 20 })
      const dirs = dynamicDirectory({ blockstore: store }, SMALL)
      const a = await dirs.open(root)
      const b = await dirs.open(root)
      const opened = store.totalGets

      const fromA = await a.get(target)
      expect(store.totalGets).to.be.greaterThan(opened)
      const loaded = store.totalGets
      const fromB = await b.get(target)

      expect(store.totalGets).to.equal(loaded)
      expect(lines([fromB as DirectoryEntry])).to.deep.equal(lines([fromA as DirectoryEntry]))
      expect(lines([fromA as DirectoryEntry])).to.deep.equal(lines(entries.filter(e => e.name === target)))
    })

    // A.get and B.get started together share each request in flight
    it('concurrent gets on A and B read each block of the path once', async () => {
      const store = new CountingBlockstore(memory, { delayMs: 20 })
      const dirs = dynamicDirectory({ blockstore: store }, SMALL)
      const a = await dirs.open(root)
      const b = await dirs.open(root)

      const [fromA, fromB] = await Promise.all([a.get(target), b.get(target)])

      expect(store.totalGets).to.be.greaterThan(1)
      expect(store.duplicates()).to.deep.equal([])
      expect(lines([fromA as DirectoryEntry, fromB as DirectoryEntry])).to.deep.equal(lines(entries.filter(e => e.name === target)).flatMap(l => [l, l]))
    })

    // the CIDs before and after an rm share the sub-shards it did not touch, and load each once
    it('open(c0) and open(c1) after rm(c0) read an untouched sub-shard once', async () => {
      const store = new CountingBlockstore(memory, { delayMs: 20 })
      const dirs = dynamicDirectory({ blockstore: store }, SMALL)
      const shards = await subShards(memory, root)
      const removed = shards[0].names[0]
      const untouched = shards[shards.length - 1]
      const z = untouched.names[0]

      const c1 = await dirs.rm(root, removed)
      const d0 = await dirs.open(root)
      const d1 = await dirs.open(c1)
      expect(await d0.has(z)).to.equal(true)
      expect(await d1.has(z)).to.equal(true)
      expect(await d1.has(removed)).to.equal(false)
      expect(await d0.has(removed)).to.equal(true)

      expect(store.count(untouched.cid)).to.equal(1)
      expect(store.count(root)).to.equal(1)
      expect(store.duplicates()).to.deep.equal([])
    })
  })

  describe('no block is read twice across 120 chained rm/cp calls', () => {
    for (const fetchBudget of [16, undefined]) {
      // a cold 10,000-entry HAMT, requests still in flight when calls return: every shard block is read at most once
      it(`fetchBudget ${fetchBudget ?? 'default'}`, async () => {
        const entries = asciiEntries(10_000, 'chain-')
        const { root, memory } = await stored(entries)
        const encoder = new TextEncoder()
        // new content, stored locally: a cp reads its size from here, counted apart from shard blocks
        const sources = Array.from({ length: 60 }, (_, i) => {
          const bytes = encoder.encode(`new content ${i}`)
          return { name: `new-${i}`, cid: cidOf(bytes, 'v1-raw'), size: BigInt(bytes.length), bytes }
        })
        for (const { cid, bytes } of sources) {
          await memory.put(cid, bytes)
        }
        const store = new CountingBlockstore(memory, { delayMs: 2 })
        const dirs = dynamicDirectory({ blockstore: store }, fetchBudget == null ? {} : { fetchBudget })
        const victims = randomFor(120).shuffle(entries).slice(0, 60)
        const model = new Map(entries.map(e => [e.name, e]))
        let cid = root

        for (let call = 0; call < 120; call++) {
          if (call % 2 === 0) {
            const victim = victims[call / 2]
            cid = await dirs.rm(cid, victim.name)
            model.delete(victim.name)
          } else {
            const source = sources[(call - 1) / 2]
            cid = await dirs.cp(source.cid, cid, source.name)
            model.set(source.name, { name: source.name, cid: source.cid, size: source.size })
          }
        }
        // requests left in flight land
        await sleep(100)

        const shardReads = new Map<string, number>()
        const sourceReads = new Map<string, number>()
        for (const read of store.log) {
          const counts = read.code === dagPb.code ? shardReads : sourceReads
          counts.set(blockKey(read), (counts.get(blockKey(read)) ?? 0) + 1)
        }
        expect(cid.toString()).to.equal(await importerCid(model.values()))
        expect(shardReads.size).to.be.greaterThan(1)
        expect([...shardReads].filter(([, n]) => n > 1), 'shard blocks read more than once').to.deep.equal([])
        expect([...sourceReads].filter(([, n]) => n > 1), 'cp sources read more than once').to.deep.equal([])
      })
    }
  })
})
