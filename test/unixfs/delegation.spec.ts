import { expect } from 'aegir/chai'
import * as index from '../../src/index.js'
import { all, setup } from './setup.js'

describe('unixfs drop-in: everything else is @helia/unixfs\'s', function () {
  this.timeout(60_000)

  it('is exported from the main entry next to every earlier export', () => {
    expect(index.unixfs).to.be.a('function')
    expect(index.dynamicDirectory).to.be.a('function')
    expect(index.withDynamicDirectory).to.be.a('function')
    expect(new index.NotUnixFSError().name).to.equal('NotUnixFSError')
  })

  it('adds, reads, chmods and touches as @helia/unixfs', async () => {
    const s = await setup()
    const bytes = new TextEncoder().encode('hello world')
    const mtime = { secs: 10n, nsecs: 0 }

    expect((await s.fs.addBytes(bytes)).toString()).to.equal((await s.peer.addBytes(bytes)).toString())
    expect((await s.fs.addByteStream([bytes])).toString()).to.equal((await s.peer.addByteStream([bytes])).toString())
    expect((await s.fs.addFile({ path: 'a.txt', content: bytes, mode: 0o600, mtime })).toString())
      .to.equal((await s.peer.addFile({ path: 'a.txt', content: bytes, mode: 0o600, mtime })).toString())
    expect((await s.fs.addDirectory({ path: 'dir' })).toString()).to.equal((await s.peer.addDirectory({ path: 'dir' })).toString())
    const source = [{ path: 'd/a', content: bytes }, { path: 'd/b', content: bytes }]
    const ours = (await all(s.fs.addAll(source))).map(result => `${result.path} ${result.cid}`)
    expect(ours).to.deep.equal((await all(s.peer.addAll(source))).map(result => `${result.path} ${result.cid}`))

    const file = await s.fs.addBytes(bytes)
    const dir = await s.fs.cp(file, s.emptyDir, 'f')
    expect(await all(s.fs.cat(dir, { path: 'f', offset: 6 }))).to.deep.equal(await all(s.peer.cat(dir, { path: 'f', offset: 6 })))
    expect((await s.fs.chmod(dir, 0o700, { path: 'f' })).toString()).to.equal((await s.peer.chmod(dir, 0o700, { path: 'f' })).toString())
    expect((await s.fs.touch(dir, { mtime })).toString()).to.equal((await s.peer.touch(dir, { mtime })).toString())
    expect(await s.fs.stat(file)).to.deep.equal(await s.peer.stat(file))
  })

  it('a scenario through both: the same CIDs while they agree on the shape', async () => {
    const s = await setup()
    const encoder = new TextEncoder()
    const options = { shardSplitThresholdBytes: 2000 }
    let ours = s.emptyDir
    let theirs = s.emptyDir
    for (let i = 0; i < 80; i++) {
      const cid = await s.fs.addBytes(encoder.encode(`file ${i}`))
      ours = await s.fs.cp(cid, ours, `f${i}`, options)
      theirs = await s.peer.cp(cid, theirs, `f${i}`, options)
      if (i % 3 === 0) {
        ours = await s.fs.mkdir(ours, `d${i}`, options)
        theirs = await s.peer.mkdir(theirs, `d${i}`, options)
      }
      if (i % 5 === 4) {
        ours = await s.fs.rm(ours, `f${i - 2}`, options)
        theirs = await s.peer.rm(theirs, `f${i - 2}`, options)
      }
      // @helia/unixfs's unsharding check over-counts, so it may keep a HAMT the importer (and the drop-in) makes basic
      if ((await s.peer.stat(theirs)).unixfs?.type === (await s.fs.stat(ours)).unixfs?.type) {
        expect(ours.toString()).to.equal(theirs.toString())
      }
    }
    expect((await s.fs.stat(ours)).unixfs?.type).to.equal('hamt-sharded-directory')
    const listed = await all(s.fs.ls(ours))
    expect(listed.map(entry => entry.name)).to.deep.equal((await all(s.peer.ls(ours))).map(entry => entry.name))
  })
})
