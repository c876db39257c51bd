import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { readBlock } from '../../src/blocks.js'
import { createShardedDirectory, largeFile, setup, smallFile } from './setup.js'

describe('mfs: stat (@helia/mfs 8.0.5 stat.spec)', function () {
  this.timeout(120_000)

  it('stats the empty root, plain and extended', async () => {
    const { fs } = setup()
    expect((await fs.stat('/')).type).to.equal('directory')
    const extended = await fs.stat('/', { extended: true })
    expect(extended.type).to.equal('directory')
    expect(extended.blocks).to.equal(1n)
    expect(extended.dagSize).to.equal(4n)
    expect(extended.localSize).to.equal(0n)
    expect(extended.unixfs?.type).to.equal('directory')
  })

  it('computes how much of the DAG is local', async () => {
    const { fs, blockstore } = setup()
    await fs.writeBytes(largeFile, '/foo.txt')
    const stats = await fs.stat('/foo.txt', { extended: true })
    const node = dagPb.decode(await readBlock(blockstore, stats.cid))
    expect(node.Links).to.have.lengthOf(5)
    expect(stats.unixfs?.fileSize()).to.equal(5242880n)
    expect(stats.blocks).to.equal(6n)
    expect(stats.dagSize).to.equal(5243139n)
    expect(stats.localSize).to.equal(5242880n)

    await blockstore.delete(node.Links[0].Hash)
    const updated = await fs.stat('/foo.txt', { extended: true, offline: true })
    expect(updated.unixfs?.fileSize()).to.equal(5242880n)
    expect(updated.blocks).to.equal(5n)
    expect(updated.dagSize).to.equal(4194563n)
    expect(updated.localSize).to.equal(4194304n)
  })

  it('stats a raw node', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/foo.txt')
    const stats = await fs.stat('/foo.txt')
    expect(stats.type).to.equal('raw')
    expect(stats.size).to.equal(13n)
    expect(await fs.stat('/foo.txt', { extended: true })).to.deep.equal({
      ...stats,
      blocks: 1n,
      dagSize: 13n,
      localSize: 13n,
      uniqueBlocks: 1n,
      deduplicatedDagSize: 13n
    })
  })

  it('stats a small and a large file', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/small.txt', { cidVersion: 0, rawLeaves: false })
    const small = await fs.stat('/small.txt', { extended: true })
    expect(small.type).to.equal('file')
    expect(small.blocks).to.equal(1n)
    expect(small.dagSize).to.equal(21n)
    expect(small.localSize).to.equal(13n)
    expect(small.unixfs?.fileSize()).to.equal(13n)

    await fs.writeBytes(largeFile, '/large.txt')
    const large = await fs.stat('/large.txt', { extended: true })
    expect(large.blocks).to.equal(6n)
    expect(large.dagSize).to.equal(5243139n)
    expect(large.localSize).to.equal(BigInt(largeFile.length))
  })

  it('stats a file and a directory with mode and mtime', async () => {
    const { fs } = setup()
    const mtime = { secs: 5n, nsecs: 0 }
    await fs.writeBytes(smallFile, '/mode.txt', { mode: 0o644 })
    await fs.writeBytes(smallFile, '/mtime.txt', { mtime })
    await fs.mkdir('/mode-dir', { mode: 0o755 })
    await fs.mkdir('/mtime-dir', { mtime })
    expect((await fs.stat('/mode.txt')).unixfs?.mode).to.equal(0o644)
    expect((await fs.stat('/mtime.txt')).unixfs?.mtime).to.deep.equal(mtime)
    expect((await fs.stat('/mode-dir')).unixfs?.mode).to.equal(0o755)
    expect((await fs.stat('/mtime-dir')).unixfs?.mtime).to.deep.equal(mtime)
  })

  it('stats a touched sharded directory: @helia/unixfs\'s totals plus the 2 bytes of hashType it drops', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-directory')
    await fs.touch('/sharded-directory', { mtime: { secs: 5n, nsecs: 0 } })
    const stats = await fs.stat('/sharded-directory')
    expect(stats.type).to.equal('directory')
    expect(stats.unixfs?.type).to.equal('hamt-sharded-directory')
    const extended = await fs.stat('/sharded-directory', { extended: true })
    expect(extended.blocks).to.equal(1243n)
    // @helia/mfs 8.0.5 expects 79157: its touch writes the root without hashType (field 5: 2 bytes)
    expect(extended.dagSize).to.equal(79157n + 2n)
    expect(extended.localSize).to.equal(5005n)
    expect(extended.unixfs?.type).to.equal('hamt-sharded-directory')
  })

  it('stats a file inside a sharded directory', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-directory')
    await fs.writeBytes(Uint8Array.from([0, 1, 2, 3]), '/sharded-directory/file-inside-sharded-dir.txt', { rawLeaves: false })
    expect((await fs.stat('/sharded-directory/file-inside-sharded-dir.txt')).unixfs?.fileSize()).to.equal(4n)
  })

  it('refuses a missing path and a relative one', async () => {
    const { fs } = setup()
    await expect(fs.stat('/nope')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
    await expect(fs.stat('nope')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
