import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { mfs } from '../../src/mfs/index.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { createShardedDirectory } from './setup.js'

describe('mfs: every directory on a path is opened once and kept', function () {
  this.timeout(60_000)

  it('edits under the same HAMT parent never read a block twice: each name\'s shard path once, the directories above once', async () => {
    const memory = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    const first = mfs({ blockstore: memory, datastore })
    const hamt = await createShardedDirectory(memory, 3000)
    await first.cp(hamt, '/x/h', { parents: true })
    const root = await first.flush()
    const x = (await first.stat('/x')).cid

    // a fresh MFS on the stored root: nothing loaded
    const blockstore = new CountingBlockstore(memory)
    const fs = mfs({ blockstore, datastore })
    for (let i = 0; i < 20; i++) {
      await fs.writeBytes(Uint8Array.from([i]), `/x/h/new-${i}`)
    }
    await fs.writeBytes(Uint8Array.from([200]), '/x/h/file-5', { force: true })
    await fs.stat('/x/h/file-6')
    expect(blockstore.duplicates()).to.deep.equal([])
    for (const cid of [root, x, hamt]) {
      expect(blockstore.count(cid)).to.equal(1)
    }
  })
})
