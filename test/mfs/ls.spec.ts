import { expect } from 'aegir/chai'
import { all, createShardedDirectory, setup } from './setup.js'

describe('mfs: ls (@helia/mfs 8.0.5 ls.spec)', function () {
  this.timeout(60_000)
  const data = Uint8Array.from([0, 1, 2, 3])

  it('lists the empty root by default', async () => {
    const { fs } = setup()
    expect(await all(fs.ls())).to.have.lengthOf(0)
  })

  it('lists files in the root directory', async () => {
    const { fs } = setup()
    await fs.writeBytes(data, '/foo.txt')
    const stats = await fs.stat('/foo.txt')
    const files = await all(fs.ls('/'))
    expect(files).to.deep.equal([{ cid: stats.cid, name: 'foo.txt', path: '/foo.txt', size: BigInt(data.byteLength) }])
  })

  it('lists files in a directory', async () => {
    const { fs } = setup()
    await fs.writeBytes(data, '/bar/foo.txt', { force: true })
    const stats = await fs.stat('/bar/foo.txt')
    expect(await all(fs.ls('/bar'))).to.deep.equal([{ cid: stats.cid, name: 'foo.txt', path: '/bar/foo.txt', size: BigInt(data.byteLength) }])
  })

  it('lists a file, by path and by the path option: @helia/unixfs\'s entry (type, content), with its name and MFS path', async () => {
    const { fs } = setup()
    await fs.writeBytes(data, '/bar/foo.txt', { rawLeaves: false, force: true })
    await fs.writeBytes(data, '/bar/raw')
    for (const [path, type] of [['/bar/foo.txt', 'file'], ['/bar/raw', 'raw']]) {
      const stats = await fs.stat(path)
      const expected = { cid: stats.cid, name: path.split('/').pop(), path, size: BigInt(data.byteLength), type }
      for (const listed of [await all(fs.ls(path)), await all(fs.ls('/bar', { path: path.split('/').pop() }))]) {
        expect(listed).to.have.lengthOf(1)
        expect(listed[0]).to.include(expected)
        expect(await all((listed[0] as any).content())).to.deep.equal([data])
      }
    }
  })

  it('lists a sharded directory, and a file inside it directly', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore, 1001), '/sharded-dir')
    const files = await all(fs.ls('/sharded-dir'))
    expect(files).to.have.lengthOf(1001)
    expect(new Set(files.map(file => file.name)).size).to.equal(1001)
    const direct = await all(fs.ls('/sharded-dir', { path: files[0].name }))
    expect(direct).to.have.lengthOf(1)
    expect(direct[0]).to.include({ name: files[0].name, path: `/sharded-dir/${files[0].name}` })
  })

  it('lists a directory inside a sharded directory', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-dir')
    await fs.writeBytes(Uint8Array.from([0, 1, 2, 3, 4]), '/sharded-dir/subdir/small-file.txt', { force: true })
    const files = await all(fs.ls('/sharded-dir', { path: 'subdir' }))
    expect(files.map(file => file.name)).to.deep.equal(['small-file.txt'])
  })

  it('long entries carry type and fileSize', async () => {
    const { fs } = setup()
    await fs.writeBytes(data, '/raw')
    await fs.writeBytes(data, '/file', { rawLeaves: false })
    await fs.mkdir('/dir')
    const files = await all(fs.ls('/', { long: true }))
    expect(files.map(({ name, type, fileSize }) => ({ name, type, fileSize }))).to.deep.equal([
      { name: 'dir', type: 'directory', fileSize: undefined },
      { name: 'file', type: 'file', fileSize: 4n },
      { name: 'raw', type: 'raw', fileSize: 4n }
    ])
    const short = await all(fs.ls('/'))
    expect(short[0]).to.not.have.property('type')
  })

  it('long entries of a HAMT: every one a raw file', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore, 100), '/sharded-dir')
    const files = await all(fs.ls('/sharded-dir', { long: true }))
    expect(files).to.have.lengthOf(100)
    expect(files.every(file => file.type === 'raw' && file.fileSize === 5n)).to.be.true()
  })
})
