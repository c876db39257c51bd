import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { readBlock } from '../../src/blocks.js'
import { mfs } from '../../src/mfs/index.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { all, bytesOf, createShardedDirectory, reopened } from './setup.js'
import type { CID } from 'multiformats/cid'

/** The sub-shard CIDs of a HAMT root */
async function subShards (blockstore: MemoryBlockstore, root: CID): Promise<Set<string>> {
  const node = dagPb.decode(await readBlock(blockstore, root))
  return new Set(node.Links.filter(link => link.Name?.length === 2).map(link => link.Hash.toString()))
}

describe('mfs: a failed or aborted call changes nothing; what was flushed stays', function () {
  this.timeout(60_000)

  /**
   * An MFS whose root holds /h (a 1001-entry HAMT, under the threshold, so a removal
   * in it loads every shard to prove its size), /b and the unflushed /held; the shards
   * of /h fail or hang once armed
   */
  async function scenario (mode: 'fail' | 'abort'): Promise<any> {
    const memory = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    const hamt = await createShardedDirectory(memory)
    const shards = await subShards(memory, hamt)
    const controller = new AbortController()
    let armed = false
    const blockstore = new CountingBlockstore(memory, {
      failOn: (cid) => mode === 'fail' && armed && shards.has(cid.toString()),
      delayFor: (cid) => {
        if (mode === 'abort' && armed && shards.has(cid.toString())) {
          controller.abort()
          return new Promise<void>(() => {})
        }
        return undefined
      }
    })
    const fs = mfs({ blockstore, datastore })
    await fs.cp(hamt, '/h')
    await fs.mkdir('/b')
    const flushed = await fs.flush()
    await fs.writeBytes(Uint8Array.from([7]), '/held', { flush: false })
    // the name's shard path loaded: the move below fetches only for the size check of the removal
    await fs.stat('/h/file-7')
    armed = true
    return { fs, flushed, controller, blockstore: memory, datastore }
  }

  for (const mode of ['fail', 'abort'] as const) {
    it(`a move whose removal ${mode === 'fail' ? 'fails' : 'is aborted'} after the link was made: neither side changed`, async () => {
      const { fs, flushed, controller, blockstore, datastore } = await scenario(mode)
      const call = fs.mv('/h/file-7', '/b/file-7', { signal: controller.signal })
      await expect(call).to.eventually.be.rejected()
      expect(await all(fs.ls('/b'))).to.have.lengthOf(0)
      // what was flushed stays: a fresh MFS on the same stores sees the flushed root
      const fresh = mfs(reopened({ blockstore, datastore }))
      expect((await fresh.flush()).toString()).to.equal(flushed.toString())
      // the held edit is still held, and the failed move is not in it
      expect(await bytesOf(fs.cat('/held'))).to.equalBytes(Uint8Array.from([7]))
      const root = await fs.flush()
      const again = mfs(reopened({ blockstore, datastore }))
      expect((await again.flush()).toString()).to.equal(root.toString())
      expect((await all(again.ls('/'))).map(e => e.name)).to.deep.equal(['b', 'h', 'held'])
      expect(await all(again.ls('/b'))).to.have.lengthOf(0)
    })
  }

  it('a datastore that fails the root write: the call fails and the tree is as before it', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    const fs = mfs({ blockstore, datastore })
    await fs.writeBytes(Uint8Array.from([1]), '/one')
    const flushed = await fs.flush()
    const put = datastore.put.bind(datastore)
    datastore.put = async () => { throw new Error('disk full') }
    await expect(fs.writeBytes(Uint8Array.from([2]), '/two')).to.eventually.be.rejected.with.property('message', 'disk full')
    datastore.put = put
    expect((await all(fs.ls('/'))).map(e => e.name)).to.deep.equal(['one'])
    expect((await fs.flush()).toString()).to.equal(flushed.toString())
  })

  it('an aborted call that waited for the lock does nothing', async () => {
    const { fs } = { fs: mfs({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }) }
    const controller = new AbortController()
    const first = fs.writeBytes(Uint8Array.from([1]), '/one')
    const second = fs.writeBytes(Uint8Array.from([2]), '/two', { signal: controller.signal })
    controller.abort()
    await first
    await expect(second).to.eventually.be.rejected()
    expect((await all(fs.ls('/'))).map(e => e.name)).to.deep.equal(['one'])
  })
})
