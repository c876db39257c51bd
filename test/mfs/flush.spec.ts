import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { Key } from 'interface-datastore'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { mfs } from '../../src/mfs/index.js'
import { all, bytesOf, importRoot } from './setup.js'
import type { DynamicMFS } from '../../src/mfs/mfs.js'

/** A blockstore that records the directory blocks put */
function recording (): { blockstore: MemoryBlockstore, directoryPuts: CID[] } {
  const blockstore = new MemoryBlockstore()
  const directoryPuts: CID[] = []
  const put = blockstore.put.bind(blockstore)
  blockstore.put = (cid: CID, bytes: any, options?: any) => {
    if (cid.code === dagPb.code && bytes instanceof Uint8Array) {
      const data = dagPb.decode(bytes).Data
      if (data != null && UnixFS.unmarshal(data).isDirectory()) {
        directoryPuts.push(cid)
      }
    }
    return put(cid, bytes, options)
  }
  return { blockstore, directoryPuts }
}

const content = (i: number): Uint8Array => new TextEncoder().encode(`file ${i}\n`)
const ROOT_KEY = new Key('/locals/filesroot')

describe('mfs: flush and deferred writes (flush: false)', function () {
  this.timeout(60_000)

  it('keeps edits in memory, then writes each changed directory once: the importer\'s CID', async () => {
    const { blockstore, directoryPuts } = recording()
    const datastore = new MemoryDatastore()
    const fs = mfs({ blockstore, datastore }) as DynamicMFS
    await fs.mkdir('/a/b/c', { parents: true })
    const flushed = CID.decode(await datastore.get(ROOT_KEY))
    directoryPuts.length = 0

    for (let i = 0; i < 20; i++) {
      await fs.writeBytes(content(i), `/a/b/c/f${i}`, { flush: false })
      await fs.writeBytes(content(i), `/a/g${i}`, { flush: false })
    }
    expect(fs.unflushed).to.equal(40)
    expect(directoryPuts).to.have.lengthOf(0)
    expect(CID.decode(await datastore.get(ROOT_KEY)).toString()).to.equal(flushed.toString())
    // reads see the unflushed edits
    expect(await bytesOf(fs.cat('/a/b/c/f7'))).to.equalBytes(content(7))
    expect(await all(fs.ls('/a/b/c'))).to.have.lengthOf(20)
    directoryPuts.length = 0

    const root = await fs.flush()
    // b, a and the root, once each: the ls above wrote c, which has not changed since
    expect(directoryPuts).to.have.lengthOf(3)
    expect(new Set(directoryPuts.map(String)).size).to.equal(3)
    expect(fs.unflushed).to.equal(0)
    expect(CID.decode(await datastore.get(ROOT_KEY)).toString()).to.equal(root.toString())

    const candidates = []
    for (let i = 0; i < 20; i++) {
      candidates.push({ path: `a/b/c/f${i}`, content: content(i) }, { path: `a/g${i}`, content: content(i) })
    }
    expect(root.toString()).to.equal((await importRoot(blockstore, candidates)).toString())
    expect((await fs.flush('/a/b')).toString()).to.equal((await fs.stat('/a/b')).cid.toString())
  })

  it('writes nothing at all until the flush when nothing is read', async () => {
    const { blockstore, directoryPuts } = recording()
    const fs = mfs({ blockstore, datastore: new MemoryDatastore() })
    await fs.mkdir('/a', { flush: false })
    for (let i = 0; i < 10; i++) {
      await fs.writeBytes(content(i), `/a/f${i}`, { flush: false })
    }
    // the empty root and the empty directory mkdir writes, as @helia/mfs and @helia/unixfs write them
    expect(directoryPuts).to.have.lengthOf(2)
    directoryPuts.length = 0
    await fs.flush()
    expect(directoryPuts).to.have.lengthOf(2)
  })

  it('a call that flushes writes the held edits too', async () => {
    const datastore = new MemoryDatastore()
    const blockstore = new MemoryBlockstore()
    const fs = mfs({ blockstore, datastore })
    await fs.writeBytes(content(1), '/one', { flush: false })
    expect(await datastore.has(ROOT_KEY)).to.be.false()
    await fs.writeBytes(content(2), '/two')
    const again = mfs({ blockstore, datastore })
    expect((await all(again.ls('/'))).map(e => e.name)).to.deep.equal(['one', 'two'])
  })

  it('refuses the call after noFlushLimit unflushed ones (kubo\'s Internal.MFSNoFlushLimit), until a flush', async () => {
    const fs = mfs({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }, { noFlushLimit: 5 }) as DynamicMFS
    for (let i = 0; i < 5; i++) {
      await fs.mkdir(`/d${i}`, { flush: false })
    }
    await expect(fs.mkdir('/d5', { flush: false })).to.eventually.be.rejected.with.property('name', 'NoFlushLimitError')
    await expect(fs.stat('/d5')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
    // a call that flushes is not refused, and resets the count
    await fs.mkdir('/d5')
    expect(fs.unflushed).to.equal(0)
    await fs.mkdir('/d6', { flush: false })
    await fs.flush()
    expect(fs.unflushed).to.equal(0)
    expect(await all(fs.ls('/'))).to.have.lengthOf(7)
  })

  it('the default bound is 256', async () => {
    const fs = mfs({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }) as DynamicMFS
    for (let i = 0; i < 256; i++) {
      await fs.mkdir(`/d${i}`, { flush: false })
    }
    await expect(fs.mkdir('/one-more', { flush: false })).to.eventually.be.rejected.with.property('name', 'NoFlushLimitError')
  })
})
