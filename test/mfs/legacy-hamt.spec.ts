import { unixfs as peerUnixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { Key } from 'interface-datastore'
import { UnixFS } from 'ipfs-unixfs'
import { readBlock, writeDagPb } from '../../src/blocks.js'
import { mfs } from '../../src/mfs/index.js'
import { all, createShardedDirectory, importRoot, rootData, setup } from './setup.js'

const five = Uint8Array.from([0, 1, 2, 3, 4])

describe('mfs: a HAMT root @helia/unixfs wrote without hashType is read as murmur3 and rewritten with it', function () {
  this.timeout(60_000)

  it('under a path: stat, ls and edits work; the repaired root is the importer\'s HAMT with that mode, linked at the next flush', async () => {
    const { fs, blockstore } = setup()
    const hamt = await createShardedDirectory(blockstore)
    const legacy = await peerUnixfs({ blockstore }).chmod(hamt, 0o777)
    expect((await rootData(blockstore, legacy)).hashType).to.be.undefined()

    await fs.cp(legacy, '/old')
    const stats = await fs.stat('/old')
    expect(stats.mode).to.equal(0o777)
    expect((await rootData(blockstore, stats.cid)).hashType).to.equal(0x22)
    const candidates = [{ path: 'd', mode: 0o777 }, ...Array.from({ length: 1001 }, (_, i) => ({ path: `d/file-${i}`, content: five }))]
    expect(stats.cid.toString()).to.equal((await importRoot(blockstore, candidates, { shardSplitThresholdBytes: 1, wrapWithDirectory: false })).toString())
    expect(await all(fs.ls('/old'))).to.have.lengthOf(1001)

    const root = await fs.flush()
    const link = dagPb.decode(await readBlock(blockstore, root)).Links.find(l => l.Name === 'old')
    expect(link?.Hash.toString()).to.equal(stats.cid.toString())

    await fs.writeBytes(five, '/old/new-file')
    expect((await rootData(blockstore, (await fs.stat('/old')).cid)).hashType).to.equal(0x22)
  })

  it('as the MFS root itself', async () => {
    const { blockstore, datastore } = setup()
    const legacy = await peerUnixfs({ blockstore }).touch(await createShardedDirectory(blockstore, 50), { mtime: { secs: 9n } })
    await datastore.put(new Key('/locals/filesroot'), legacy.bytes)
    const fs = mfs({ blockstore, datastore })
    expect(await all(fs.ls('/'))).to.have.lengthOf(50)
    const root = await fs.flush()
    expect(root.toString()).to.not.equal(legacy.toString())
    const { unixfs, hashType } = await rootData(blockstore, root)
    expect(hashType).to.equal(0x22)
    expect(unixfs.mtime?.secs).to.equal(9n)
  })

  it('a HAMT root with another hashType is still refused with InvalidShardError', async () => {
    const { fs, blockstore } = setup()
    const hamt = await createShardedDirectory(blockstore, 50)
    const pb = dagPb.decode(await readBlock(blockstore, hamt))
    const data = UnixFS.unmarshal(pb.Data ?? new Uint8Array())
    const other = new UnixFS({ type: 'hamt-sharded-directory', data: data.data, fanout: data.fanout, hashType: 0x12n })
    const bad = await writeDagPb(blockstore, dagPb.encode({ Data: other.marshal(), Links: pb.Links }), 1)
    await fs.cp(bad, '/bad')
    await expect(fs.stat('/bad')).to.eventually.be.rejected.with.property('name', 'InvalidShardError')
  })
})
