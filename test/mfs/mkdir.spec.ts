import { expect } from 'aegir/chai'
import { all, createShardedDirectory, setup } from './setup.js'

describe('mfs: mkdir (@helia/mfs 8.0.5 mkdir.spec)', function () {
  this.timeout(60_000)

  it('requires a path', async () => {
    const { fs } = setup()
    // @ts-expect-error not enough arguments
    await expect(fs.mkdir()).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(fs.mkdir('relative')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('creates a directory', async () => {
    const { fs } = setup()
    await fs.mkdir('/foo')
    expect((await fs.stat('/foo')).type).to.equal('directory')
    const files = await all(fs.ls())
    expect(files.map(file => file.name)).to.deep.equal(['foo'])
  })

  it('refuses to create a directory that exists with AlreadyExistsError', async () => {
    const { fs } = setup()
    await fs.mkdir('/foo')
    await expect(fs.mkdir('/foo')).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
  })

  it('creates a nested directory with a different CID version from its parent', async () => {
    const { fs } = setup()
    await fs.mkdir('/qux', { cidVersion: 1 })
    await fs.mkdir('/qux/sub-dir', { cidVersion: 0 })
    await expect(fs.stat('/qux')).to.eventually.have.nested.property('cid.version', 1)
    await expect(fs.stat('/qux/sub-dir')).to.eventually.have.nested.property('cid.version', 0)
  })

  it('makes a directory with the default mode, and with an mtime', async () => {
    const { fs } = setup()
    await fs.mkdir('/a')
    await expect(fs.stat('/a')).to.eventually.have.property('mode', 0o755)
    const mtime = { secs: 5n, nsecs: 0 }
    await fs.mkdir('/b', { mtime })
    await expect(fs.stat('/b')).to.eventually.have.deep.property('mtime', mtime)
  })

  it('makes a directory inside a sharded directory', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-directory')
    const path = `/sharded-directory/subdir-${Math.random()}`
    await fs.mkdir(path)
    await expect(fs.stat('/sharded-directory')).to.eventually.have.nested.property('unixfs.type', 'hamt-sharded-directory')
    await expect(fs.stat(path)).to.eventually.have.nested.property('unixfs.type', 'directory')
  })

  describe('parents (kubo\'s mkdir -p)', () => {
    it('creates every missing directory on the path, and leaves an existing one as it is', async () => {
      const { fs } = setup()
      await expect(fs.mkdir('/a/b/c')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
      await fs.mkdir('/a/b/c', { parents: true })
      for (const path of ['/a', '/a/b', '/a/b/c']) {
        expect((await fs.stat(path)).type).to.equal('directory')
      }
      await fs.writeBytes(Uint8Array.from([1]), '/a/b/c/f')
      const before = await fs.stat('/a/b/c')
      await fs.mkdir('/a/b/c', { parents: true })
      await fs.mkdir('/', { parents: true })
      expect((await fs.stat('/a/b/c')).cid.toString()).to.equal(before.cid.toString())
    })

    it('refuses a file on the path or at the path', async () => {
      const { fs } = setup()
      await fs.writeBytes(Uint8Array.from([1]), '/f')
      await expect(fs.mkdir('/f/x', { parents: true })).to.eventually.be.rejected.with.property('name', 'NotADirectoryError')
      await expect(fs.mkdir('/f', { parents: true })).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
    })

    it('gives the importer\'s CID for the tree it makes', async () => {
      const { fs, blockstore } = setup()
      await fs.mkdir('/a/b/c', { parents: true })
      await fs.mkdir('/a/d', { parents: true })
      const { importRoot } = await import('./setup.js')
      const expected = await importRoot(blockstore, [{ path: 'a/b/c' }, { path: 'a/d' }])
      expect((await fs.flush()).toString()).to.equal(expected.toString())
    })
  })
})
