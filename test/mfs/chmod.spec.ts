import { expect } from 'aegir/chai'
import { createShardedDirectory, importRoot, rootData, setup, smallFile } from './setup.js'

describe('mfs: chmod (@helia/mfs 8.0.5 chmod.spec)', function () {
  this.timeout(60_000)

  it('updates the mode of a raw node (it becomes a UnixFS file)', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/foo.txt')
    const original = (await fs.stat('/foo.txt')).mode
    await fs.chmod('/foo.txt', 0o777)
    const updated = await fs.stat('/foo.txt')
    expect(updated.mode).to.not.equal(original)
    expect(updated.mode).to.equal(0o777)
  })

  it('updates the mode of a file', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/foo.txt', { rawLeaves: false })
    await fs.chmod('/foo.txt', 0o777)
    expect((await fs.stat('/foo.txt')).mode).to.equal(0o777)
  })

  it('updates the mode of a directory, on the engine, to the CID @helia/unixfs gives', async () => {
    const { fs, blockstore } = setup()
    await fs.mkdir('/foo')
    const before = await fs.stat('/foo')
    await fs.chmod('/foo', 0o777)
    const after = await fs.stat('/foo')
    expect(after.mode).to.not.equal(before.mode)
    expect(after.mode).to.equal(0o777)
    const { unixfs } = await import('@helia/unixfs')
    expect(after.cid.toString()).to.equal((await unixfs({ blockstore }).chmod(before.cid, 0o777)).toString())
  })

  it('updates the mode of the root', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/foo.txt')
    await fs.chmod('/', 0o700)
    expect((await fs.stat('/')).mode).to.equal(0o700)
    expect((await fs.stat('/foo.txt')).size).to.equal(BigInt(smallFile.byteLength))
  })

  it('updates the mode recursively (through @helia/unixfs)', async () => {
    const { fs } = setup()
    await fs.mkdir('/foo')
    await fs.mkdir('/foo/bar')
    await fs.writeBytes(smallFile, '/foo/bar/baz.txt')
    const original = (await fs.stat('/foo/bar/baz.txt')).mode
    await fs.chmod('/foo', 0o777, { recursive: true })
    const updated = (await fs.stat('/foo/bar/baz.txt')).mode
    expect(updated).to.not.equal(original)
    expect(updated).to.equal(0o777)
  })

  it('updates the mode of a HAMT, keeping hashType 0x22 and the fanout: the importer\'s CID for the same HAMT with that mode', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/foo')
    const original = (await fs.stat('/foo')).mode
    await fs.chmod('/foo', 0o777)
    const stats = await fs.stat('/foo')
    expect(stats.mode).to.not.equal(original)
    expect(stats.mode).to.equal(0o777)
    expect(stats.unixfs?.type).to.equal('hamt-sharded-directory')
    const { unixfs, hashType } = await rootData(blockstore, stats.cid)
    expect(hashType).to.equal(0x22)
    expect(unixfs.fanout).to.equal(256n)

    const candidates = [{ path: 'foo', mode: 0o777 }, ...Array.from({ length: 1001 }, (_, i) => ({ path: `foo/file-${i}`, content: Uint8Array.from([0, 1, 2, 3, 4]) }))]
    const expected = await importRoot(blockstore, candidates, { shardSplitThresholdBytes: 1, wrapWithDirectory: false })
    expect(stats.cid.toString()).to.equal(expected.toString())
  })
})
