import { expect } from 'aegir/chai'
import { all, createShardedDirectory, importRoot, rootData, setup } from './setup.js'

describe('mfs: touch (@helia/mfs 8.0.5 touch.spec, without its 2 s sleeps: explicit mtimes)', function () {
  this.timeout(60_000)
  const five = Uint8Array.from([0, 1, 2, 3, 4])

  it('has no mtime by default; touch sets one close to now', async () => {
    const { fs } = setup()
    await fs.writeBytes(five, '/foo.txt')
    await expect(fs.stat('/foo.txt')).to.eventually.have.property('mtime').that.is.undefined()
    const before = BigInt(Math.floor(Date.now() / 1000))
    await fs.touch('/foo.txt')
    const { mtime } = await fs.stat('/foo.txt')
    expect(mtime?.secs != null && mtime.secs >= before && mtime.secs <= before + 60n).to.be.true()
  })

  it('updates a file\'s and a directory\'s mtime', async () => {
    const { fs } = setup()
    await fs.writeBytes(five, '/foo.txt', { mtime: { secs: 100n } })
    await fs.mkdir('/foo', { mtime: { secs: 100n } })
    await fs.touch('/foo.txt', { mtime: { secs: 200n } })
    await fs.touch('/foo', { mtime: { secs: 200n } })
    expect((await fs.stat('/foo.txt')).mtime?.secs).to.equal(200n)
    expect((await fs.stat('/foo')).mtime?.secs).to.equal(200n)
    // a directory keeps its mode
    await fs.chmod('/foo', 0o700)
    await fs.touch('/foo', { mtime: { secs: 300n } })
    expect(await fs.stat('/foo')).to.include({ mode: 0o700 })
  })

  it('updates the mtime recursively (through @helia/unixfs)', async () => {
    const { fs } = setup()
    await fs.writeBytes(five, '/foo.txt')
    await fs.touch('/foo.txt', { recursive: true, mtime: { secs: 200n } })
    expect((await fs.stat('/foo.txt')).mtime?.secs).to.equal(200n)
  })

  it('updates the mtime of a HAMT on the engine: hashType kept, the importer\'s CID', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-dir')
    await fs.touch('/sharded-dir', { mtime: { secs: 100n } })
    await fs.touch('/sharded-dir', { mtime: { secs: 200n, nsecs: 0 } })
    const stats = await fs.stat('/sharded-dir')
    expect(stats.mtime).to.deep.equal({ secs: 200n, nsecs: 0 })
    expect((await rootData(blockstore, stats.cid)).hashType).to.equal(0x22)
    const candidates = [{ path: 'd', mtime: { secs: 200n, nsecs: 0 } }, ...Array.from({ length: 1001 }, (_, i) => ({ path: `d/file-${i}`, content: five }))]
    expect(stats.cid.toString()).to.equal((await importRoot(blockstore, candidates, { shardSplitThresholdBytes: 1, wrapWithDirectory: false })).toString())
  })

  it('updates the mtime of a HAMT recursively (through @helia/unixfs)', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore, 20), '/sharded-dir')
    await fs.touch('/sharded-dir', { recursive: true, mtime: { secs: 300n } })
    expect((await fs.stat('/sharded-dir')).mtime?.secs).to.equal(300n)
    for (const entry of await all(fs.ls('/sharded-dir'))) {
      expect((await fs.stat(entry.path)).unixfs?.mtime?.secs).to.equal(300n)
    }
  })
})
