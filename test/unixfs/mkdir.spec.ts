import { expect } from 'aegir/chai'
import { all, files, imported, setup, typeOf } from './setup.js'

describe('unixfs drop-in: mkdir', function () {
  this.timeout(60_000)

  it('makes an empty directory: the CID of @helia/unixfs and of the importer', async () => {
    const s = await setup()
    const ours = await s.fs.mkdir(s.emptyDir, 'foo')
    expect(ours.toString()).to.equal((await s.peer.mkdir(s.emptyDir, 'foo')).toString())
    const entries = await all(s.fs.ls(ours))
    expect(entries).to.have.lengthOf(1)
    expect(entries[0]).to.include({ name: 'foo', path: `${ours}/foo` })
    expect(ours.toString()).to.equal((await imported(s, [{ name: 'foo', cid: s.emptyDir, size: entries[0].size }])).toString())
  })

  it('sets mode and mtime on the new directory, with @helia/unixfs\'s default mode', async () => {
    const s = await setup()
    const withMode = await s.fs.mkdir(s.emptyDir, 'sub', { mode: 0o700 })
    expect(await s.fs.stat(withMode, { path: 'sub' })).to.have.property('mode', 0o700)
    const plain = await s.fs.mkdir(s.emptyDir, 'sub')
    expect(await s.fs.stat(plain, { path: 'sub' })).to.have.property('mode', 0o755)
    const mtime = { secs: 5n, nsecs: 0 }
    const withMtime = await s.fs.mkdir(s.emptyDir, 'sub', { mtime })
    expect(await s.fs.stat(withMtime, { path: 'sub' })).to.have.deep.property('mtime', mtime)
    expect(withMtime.toString()).to.equal((await s.peer.mkdir(s.emptyDir, 'sub', { mtime })).toString())
  })

  it('refuses an existing name with AlreadyExistsError unless forced', async () => {
    const s = await setup()
    const dir = await s.fs.mkdir(s.emptyDir, 'qux')
    await expect(s.fs.mkdir(dir, 'qux')).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
    const forced = await s.fs.mkdir(dir, 'qux', { force: true, mode: 0o700 })
    expect((await s.fs.stat(forced, { path: 'qux' })).mode).to.equal(0o700)
  })

  it('keeps the parent\'s CID version; cidVersion (or a profile) is the new directory\'s', async () => {
    const s = await setup()
    const parentV0 = await s.peer.addDirectory({}, { cidVersion: 0 })
    const dir = await s.fs.mkdir(parentV0, 'sub', { cidVersion: 1 })
    expect(dir.version).to.equal(0)
    expect((await s.fs.stat(dir, { path: 'sub' })).cid.version).to.equal(1)
    const byProfile = await s.fs.mkdir(s.emptyDir, 'sub', { profile: 'unixfs-v0-2015' })
    expect(byProfile.version).to.equal(1)
    expect((await s.fs.stat(byProfile, { path: 'sub' })).cid.version).to.equal(0)
  })

  it('makes a directory inside a HAMT, which stays a HAMT with the importer\'s CID', async () => {
    const s = await setup()
    const entries = await files(s.fs, 50)
    const options = { shardSplitThresholdBytes: 100 }
    const hamt = await imported(s, entries, options)
    const ours = await s.fs.mkdir(hamt, 'new-dir', options)
    expect(await typeOf(s.fs, ours)).to.equal('hamt-sharded-directory')
    expect((await s.fs.stat(ours, { path: 'new-dir' })).unixfs?.type).to.equal('directory')
    const emptySize = (await all(s.fs.ls(await s.fs.mkdir(s.emptyDir, 'x'))))[0].size
    expect(ours.toString()).to.equal((await imported(s, [...entries, { name: 'new-dir', cid: s.emptyDir, size: emptySize }], options)).toString())
    expect(ours.toString()).to.equal((await s.peer.mkdir(hamt, 'new-dir', options)).toString())
  })

  it('gives NotFoundError for a missing parent and NotADirectoryError for a file, and refuses bad names and option values', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    await expect(s.fs.mkdir(file.cid, 'dir')).to.eventually.be.rejected.with.property('name', 'NotADirectoryError')
    await s.blockstore.delete(file.cid)
    await expect(s.fs.mkdir(file.cid, 'dir', { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await expect(s.peer.mkdir(file.cid, 'dir', { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await expect(s.fs.mkdir(s.emptyDir, 'a/b')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(s.fs.mkdir(s.emptyDir, 'a', { cidVersion: 2 } as any)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
