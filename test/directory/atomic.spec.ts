import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { buildDirectory, collect } from '../fixtures/build.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { randomEntries } from '../fixtures/entries.js'
import type { CID } from 'multiformats/cid'

/** A blockstore whose puts fail while `failing` says so */
class FlakyPuts extends MemoryBlockstore {
  failing: (count: number) => boolean = () => false
  puts = 0

  async put (key: CID, value: Uint8Array): Promise<CID> {
    if (this.failing(++this.puts)) {
      throw new Error('disk full')
    }
    return super.put(key, value)
  }
}

describe('atomic operations', function () {
  this.timeout(30_000)

  for (const [shape, init] of [['basic', {}], ['hamt', { shardSplitThresholdBytes: 1_000 }]] as const) {
    it(`a flush that fails on put can be called again and writes the same CID (${shape})`, async () => {
      const entries = randomEntries(300, 8)
      const expected = (await buildDirectory(entries, init)).cid
      const blockstore = new FlakyPuts()
      const directory = dynamicDirectory({ blockstore }, init).create()
      for (const entry of entries) {
        await directory.set(entry.name, entry.cid, { size: entry.size })
      }
      expect(directory.shape).to.equal(shape)

      // the second put fails: for a HAMT some shards are written, the root is not
      blockstore.failing = (count) => count === (shape === 'basic' ? 1 : 2)
      const err = await directory.flush().then(() => undefined, (err: Error) => err)
      expect(err).to.have.property('name', 'BlockWriteError')
      expect(err).to.have.nested.property('cause.message', 'disk full')
      blockstore.failing = () => false
      expect((await directory.flush()).toString()).to.equal(expected.toString())
      expect((await collect(directory)).length).to.equal(entries.length)
    })
  }

  it('a set whose child block cannot be read changes nothing', async () => {
    const entries = randomEntries(50, 9)
    const init = { shardSplitThresholdBytes: 500 }
    const { cid, blockstore } = await buildDirectory(entries, init)
    const store = new CountingBlockstore(blockstore)
    const directory = await dynamicDirectory({ blockstore: store }, init).open(cid)
    const [missing] = randomEntries(1, 10)
    store.failOn = (c) => c.equals(missing.cid)

    // no size given: the child's root block is read for its Tsize, and that read fails
    await expect(directory.set(missing.name, missing.cid)).to.eventually.be.rejected()
    expect(await directory.has(missing.name)).to.equal(false)
    expect((await directory.flush()).toString()).to.equal(cid.toString())
  })

  it('set without a size reads the child block once for its cumulative size', async () => {
    const blockstore = new MemoryBlockstore()
    const inner = await buildDirectory(randomEntries(10, 12), {}, blockstore)
    const store = new CountingBlockstore(blockstore)
    const directory = dynamicDirectory({ blockstore: store }).create()
    await directory.set('child', inner.cid)
    const entry = await directory.get('child')
    const block = await store.getBytes(inner.cid)
    const linked = (await collect(inner.directory)).reduce((total, e) => total + e.size, 0n)
    expect(entry?.size).to.equal(BigInt(block.byteLength) + linked)
    expect(store.count(inner.cid)).to.equal(2)
  })
})
