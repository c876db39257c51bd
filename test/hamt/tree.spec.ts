import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { writeDagPb } from '../../src/blocks.js'
import { hashName } from '../../src/hamt/hash.js'
import { buildTree, findEntry, loadedEntries, persistTree, swapEntry } from '../../src/hamt/tree.js'
import { sizeStrategy } from '../../src/size.js'
import { randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { checkInvariants } from '../fixtures/invariants.js'
import type { EntrySlot, TreeContext } from '../../src/hamt/shard.js'
import type { DirectoryEntry } from '../../src/index.js'

function context (bits: number): TreeContext {
  return { fanout: 2 ** bits, bits, sizes: sizeStrategy('links-bytes') }
}

function slot (entry: DirectoryEntry): EntrySlot {
  return { kind: 'entry', ...entry }
}

describe('shard tree', () => {
  for (const bits of [3, 4, 8]) {
    it(`keeps its invariants through random sets, overwrites and deletes (fanout ${2 ** bits})`, async () => {
      const random = randomFor(bits)
      const pool = randomEntries(300, bits)
      const root = buildTree(context(bits), [])
      const model = new Map<string, DirectoryEntry>()

      for (let step = 0; step < 3_000; step++) {
        const entry = pool[random.int(pool.length)]
        const hash = hashName(entry.name)
        if (random.next() < 0.55) {
          const previous = swapEntry(root, entry.name, hash, slot(entry))
          expect(previous?.name).to.equal(model.get(entry.name)?.name)
          model.set(entry.name, entry)
        } else {
          const previous = swapEntry(root, entry.name, hash, undefined)
          expect(previous != null).to.equal(model.delete(entry.name))
        }
        checkInvariants(root)
        expect(findEntry(root, entry.name, hash) != null).to.equal(model.has(entry.name))
      }

      expect([...loadedEntries(root)].map(e => e.name).sort()).to.deep.equal([...model.keys()].sort())
      const blockstore = new MemoryBlockstore()
      const { cid } = await persistTree(root, async (bytes) => writeDagPb(blockstore, bytes, 1))
      expect(cid.toString()).to.equal((await importerDirectory(model.values(), { shardSplitThresholdBytes: 1, shardFanoutBits: bits })).toString())
    })
  }

  it('removing every entry leaves an empty root and no sub-shards', () => {
    const entries = randomEntries(500, 3)
    const root = buildTree(context(4), entries.map(slot))
    checkInvariants(root)
    expect(root.totals.entries).to.equal(500)
    for (const entry of entries) {
      swapEntry(root, entry.name, hashName(entry.name), undefined)
    }
    checkInvariants(root)
    expect(root.occupied).to.equal(0)
    expect(root.totals).to.deep.equal({ bytes: 0, entries: 0, unloaded: 0, shards: 1 })
  })

  it('marks only the changed path for writing', async () => {
    const entries = randomEntries(2_000, 4)
    const root = buildTree(context(8), entries.map(slot))
    const puts: Uint8Array[] = []
    const put = async (bytes: Uint8Array): Promise<any> => {
      puts.push(bytes)
      return writeDagPb(new MemoryBlockstore(), bytes, 1)
    }
    await persistTree(root, put)
    const all = puts.length
    puts.length = 0
    await persistTree(root, put)
    expect(puts.length).to.equal(0)

    const victim = entries[17]
    swapEntry(root, victim.name, hashName(victim.name), undefined)
    await persistTree(root, put)
    expect(puts.length).to.be.within(1, 3)
    expect(all).to.be.greaterThan(10)
  })
})
