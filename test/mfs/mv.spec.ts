import { expect } from 'aegir/chai'
import { all, bytesOf, createShardedDirectory, importRoot, setup } from './setup.js'

const one = Uint8Array.from([1])
const two = Uint8Array.from([2])

describe('mfs: mv (kubo\'s files mv)', function () {
  this.timeout(60_000)

  it('renames within a directory and moves across directories: the importer\'s CID of the result', async () => {
    const { fs, blockstore } = setup()
    await fs.writeBytes(one, '/a/one', { parents: true })
    await fs.writeBytes(two, '/a/two')
    await fs.mkdir('/b')
    await fs.mv('/a/one', '/a/uno')
    await fs.mv('/a/two', '/b/two')
    expect((await all(fs.ls('/a'))).map(e => e.name)).to.deep.equal(['uno'])
    expect(await bytesOf(fs.cat('/b/two'))).to.equalBytes(two)
    const expected = await importRoot(blockstore, [{ path: 'a/uno', content: one }, { path: 'b/two', content: two }])
    expect((await fs.flush()).toString()).to.equal(expected.toString())
  })

  it('moves a directory with its unflushed edits', async () => {
    const { fs, blockstore } = setup()
    await fs.mkdir('/src/deep', { parents: true })
    await fs.writeBytes(one, '/src/deep/one', { flush: false })
    await fs.mv('/src', '/dst', { flush: false })
    expect(await bytesOf(fs.cat('/dst/deep/one'))).to.equalBytes(one)
    await expect(fs.stat('/src')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
    const expected = await importRoot(blockstore, [{ path: 'dst/deep/one', content: one }])
    expect((await fs.flush()).toString()).to.equal(expected.toString())
  })

  it('moves out of and into HAMTs', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore, 300), '/h')
    await fs.mv('/h/file-7', '/file-7')
    await fs.mv('/file-7', '/h/file-7-again')
    const names = (await all(fs.ls('/h'))).map(e => e.name)
    expect(names).to.have.lengthOf(300)
    expect(names).to.include('file-7-again').and.not.include('file-7')
  })

  it('refuses a missing source, an existing destination (unless force), and a move into itself', async () => {
    const { fs } = setup()
    await fs.writeBytes(one, '/a/one', { parents: true })
    await fs.writeBytes(two, '/two')
    const before = await fs.flush()
    await expect(fs.mv('/nope', '/x')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
    await expect(fs.mv('/two', '/a/one')).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
    await expect(fs.mv('/a', '/a/b')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(fs.mv('/two', '/x/y')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
    expect((await fs.flush()).toString()).to.equal(before.toString())
    await fs.mv('/two', '/a/one', { force: true })
    expect(await bytesOf(fs.cat('/a/one'))).to.equalBytes(two)
    await fs.mv('/a/one', '/x/y/one', { parents: true })
    expect(await bytesOf(fs.cat('/x/y/one'))).to.equalBytes(two)
  })
})
