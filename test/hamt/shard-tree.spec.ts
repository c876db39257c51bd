import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { writeDagPb } from '../../src/blocks.js'
import { decodeShard } from '../../src/hamt/codec.js'
import { buildTree, swapEntry } from '../../src/hamt/edit.js'
import { shardFromBlock } from '../../src/hamt/from-block.js'
import { hashName } from '../../src/hamt/hash.js'
import { persistTree } from '../../src/hamt/persist.js'
import { findEntry, loadedEntries } from '../../src/hamt/read.js'
import { ShardLink } from '../../src/hamt/shard.js'
import { sizeStrategy } from '../../src/size.js'
import { randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { checkInvariants } from '../fixtures/invariants.js'
import type { EntryLink } from '../../src/entry.js'
import type { Shard, TreeContext } from '../../src/hamt/shard.js'
import type { DirectoryEntry } from '../../src/index.js'

function context (bits: number): TreeContext {
  const fanout = 2 ** bits
  return { fanout, bits, width: (fanout - 1).toString(16).length, sizes: sizeStrategy('links-bytes') }
}

function named (entry: DirectoryEntry): EntryLink {
  return { name: entry.name, cid: entry.cid, size: Number(entry.size) }
}

function names (root: Shard): string[] {
  return [...loadedEntries(root)].map(entry => entry.name).sort()
}

async function persist (root: Shard, blockstore = new MemoryBlockstore()): Promise<string> {
  return (await persistTree(root, async (bytes) => writeDagPb(blockstore, bytes, 1))).cid.toString()
}

describe('shard tree', () => {
  for (const bits of [3, 4, 8]) {
    it(`keeps its invariants through random sets, overwrites and deletes (fanout ${2 ** bits})`, async () => {
      const random = randomFor(bits)
      const pool = randomEntries(300, bits)
      const owner = {}
      let root = buildTree(context(bits), [], owner)
      const model = new Map<string, DirectoryEntry>()

      for (let step = 0; step < 3_000; step++) {
        const entry = pool[random.int(pool.length)]
        const hash = hashName(entry.name)
        if (random.next() < 0.55) {
          const swap = swapEntry(root, entry.name, hash, named(entry), owner)
          expect(swap.previous?.name).to.equal(model.get(entry.name)?.name)
          root = swap.root
          model.set(entry.name, entry)
        } else {
          const swap = swapEntry(root, entry.name, hash, undefined, owner)
          expect(swap.previous != null).to.equal(model.delete(entry.name))
          root = swap.root
        }
        checkInvariants(root)
        expect(findEntry(root, entry.name, hash) != null).to.equal(model.has(entry.name))
      }

      expect(names(root)).to.deep.equal([...model.keys()].sort())
      expect(await persist(root)).to.equal((await importerDirectory(model.values(), { shardSplitThresholdBytes: 1, shardFanoutBits: bits })).toString())
    })
  }

  it('removing every entry leaves an empty root and no sub-shards', () => {
    const entries = randomEntries(500, 3)
    const owner = {}
    let root = buildTree(context(4), entries.map(named), owner)
    checkInvariants(root)
    expect(root.entries).to.equal(500)
    for (const entry of entries) {
      root = swapEntry(root, entry.name, hashName(entry.name), undefined, owner).root
    }
    checkInvariants(root)
    expect(root.values).to.have.lengthOf(0)
    expect([root.bytes, root.entries, root.unloaded, root.shards]).to.deep.equal([0, 0, 0, 1])
  })

  it('an edit by another owner copies its path and leaves the old version as it was', async () => {
    const entries = randomEntries(2_000, 5)
    const first = buildTree(context(8), entries.map(named), {})
    const before = await persist(first)
    const totals = [first.bytes, first.entries, first.shards]

    const victim = entries[17]
    const second = swapEntry(first, victim.name, hashName(victim.name), undefined, {}).root
    const third = swapEntry(second, 'added', hashName('added'), named(entries[3]), {}).root

    expect(second).to.not.equal(first)
    expect(await persist(first)).to.equal(before)
    expect([first.bytes, first.entries, first.shards]).to.deep.equal(totals)
    expect(findEntry(first, victim.name, hashName(victim.name))).to.not.equal(undefined)
    expect(findEntry(second, victim.name, hashName(victim.name))).to.equal(undefined)
    expect(findEntry(second, 'added', hashName('added'))).to.equal(undefined)
    expect(findEntry(third, 'added', hashName('added'))?.cid.toString()).to.equal(entries[3].cid.toString())
    checkInvariants(first)
    checkInvariants(second)
    checkInvariants(third)

    // the untouched children are the same objects in both versions
    const shared = first.values.filter(value => second.values.includes(value))
    expect(shared.length).to.be.at.least(first.values.length - 1)
  })

  it('marks only the changed path for writing', async () => {
    const entries = randomEntries(2_000, 4)
    const owner = {}
    let root = buildTree(context(8), entries.map(named), owner)
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
    root = swapEntry(root, victim.name, hashName(victim.name), undefined, owner).root
    await persistTree(root, put)
    expect(puts.length).to.be.within(1, 3)
    expect(all).to.be.greaterThan(10)
  })

  it('a node read from its block holds its entries in the block and re-encodes to the same bytes', async () => {
    const entries = randomEntries(3_000, 6)
    const blockstore = new MemoryBlockstore()
    const cid = await importerDirectory(entries, { shardSplitThresholdBytes: 1 }, blockstore)
    const bytes = blockstore.get(cid)
    const chunks: Uint8Array[] = []
    for await (const chunk of bytes) {
      chunks.push(chunk)
    }
    const block = chunks[0]
    const node = decodeShard(block, { path: [] })
    const root = shardFromBlock(context(8), 0, -1, block, node, { cid, size: 0 })

    expect(root.values.every(value => typeof value === 'number' || value instanceof ShardLink)).to.equal(true)
    expect(root.unloaded).to.equal(node.links.filter(link => link.kind === 'shard').length)
    checkInvariants(root)
    root.origin = undefined
    expect(await persist(root, blockstore)).to.equal(cid.toString())
  })
})
