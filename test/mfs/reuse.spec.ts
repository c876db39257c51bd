import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { dynamicDirectory } from '../../src/index.js'
import { mfs } from '../../src/mfs/index.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { createShardedDirectory, importRoot, unixfsType } from './setup.js'

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

  it('rm in a cold HAMT over the threshold costs the engine\'s cold delete (the path and the size check) plus the directories above', async () => {
    const memory = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    const names = Array.from({ length: 6000 }, (_, i) => ({ path: `file-${String(i).padStart(7, '0')}.txt`, content: new TextEncoder().encode(`content ${i}`) }))
    const hamt = await importRoot(memory, names)
    expect(await unixfsType(memory, hamt)).to.equal('hamt-sharded-directory')
    await mfs({ blockstore: memory, datastore }).cp(hamt, '/x/h', { parents: true })
    const victim = 'file-0003000.txt'

    const engineReads = new CountingBlockstore(memory)
    const directory = await dynamicDirectory({ blockstore: engineReads }).open(hamt)
    expect(await directory.delete(victim)).to.be.true()

    const mfsReads = new CountingBlockstore(memory)
    await mfs({ blockstore: mfsReads, datastore }).rm(`/x/h/${victim}`)
    // the root and /x, then what the engine reads (its bursts follow arrival order, so the
    // count varies by a few from run to run); the flush reads nothing old
    expect(Math.abs(mfsReads.log.length - (engineReads.log.length + 2))).to.be.at.most(8)
    expect(mfsReads.duplicates()).to.deep.equal([])
    // not a walk: the HAMT's shard nodes are every block but the 6000 files and a few directories
    let blocks = 0
    for await (const pair of memory.getAll()) {
      void pair
      blocks++
    }
    expect(mfsReads.log.length).to.be.lessThan((blocks - names.length) / 2)
  })
})
