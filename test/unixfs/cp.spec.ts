import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import { files, imported, linksBytes, setup, typeOf } from './setup.js'

describe('unixfs drop-in: cp', function () {
  this.timeout(60_000)

  it('links a file into a basic directory: the CID of @helia/unixfs and of the importer', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    const ours = await s.fs.cp(file.cid, s.emptyDir, file.name)
    expect(ours.toString()).to.equal((await s.peer.cp(file.cid, s.emptyDir, file.name)).toString())
    expect(ours.toString()).to.equal((await imported(s, [file])).toString())
  })

  it('refuses an existing name with AlreadyExistsError unless forced, in basic and HAMT directories', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const [other] = await files(s.fs, 1, 'other-')
    for (const threshold of [1_000_000, 100]) {
      const dir = await imported(s, entries, { shardSplitThresholdBytes: threshold })
      await expect(s.fs.cp(other.cid, dir, entries[3].name, { shardSplitThresholdBytes: threshold })).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
      const forced = await s.fs.cp(other.cid, dir, entries[3].name, { force: true, shardSplitThresholdBytes: threshold })
      const expected = await imported(s, entries.map((entry, i) => i === 3 ? { ...other, name: entry.name } : entry), { shardSplitThresholdBytes: threshold })
      expect(forced.toString()).to.equal(expected.toString())
    }
  })

  it('adds to a HAMT, and turns a basic directory into a HAMT over the threshold, as @helia/unixfs and the importer', async () => {
    const s = await setup()
    const entries = await files(s.fs, 30)
    const threshold = linksBytes(entries.slice(0, 29))
    let ours = s.emptyDir
    let theirs = s.emptyDir
    for (const entry of entries) {
      ours = await s.fs.cp(entry.cid, ours, entry.name, { shardSplitThresholdBytes: threshold })
      theirs = await s.peer.cp(entry.cid, theirs, entry.name, { shardSplitThresholdBytes: threshold })
    }
    expect(await typeOf(s.fs, ours)).to.equal('hamt-sharded-directory')
    expect(ours.toString()).to.equal(theirs.toString())
    expect(ours.toString()).to.equal((await imported(s, entries, { shardSplitThresholdBytes: threshold })).toString())
  })

  it('follows a profile as the importer does (unixfs-v1-2025 sizes by block-bytes)', async () => {
    const s = await setup()
    const entries = await files(s.fs, 20)
    // between the links-bytes estimate and the block-bytes size: a HAMT only by block-bytes
    const threshold = linksBytes(entries) + 10
    let dir = s.emptyDir
    for (const entry of entries) {
      dir = await s.fs.cp(entry.cid, dir, entry.name, { shardSplitThresholdBytes: threshold, profile: 'unixfs-v1-2025' } as any)
    }
    expect(await typeOf(s.fs, dir)).to.equal('hamt-sharded-directory')
    expect(dir.toString()).to.equal((await imported(s, entries, { shardSplitThresholdBytes: threshold, profile: 'unixfs-v1-2025' })).toString())
  })

  it('copies directories, and a HAMT into a basic directory and back', async () => {
    const s = await setup()
    const entries = await files(s.fs, 20)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 100 })
    const withHamt = await s.fs.cp(hamt, s.emptyDir, 'sharded')
    expect(await typeOf(s.fs, withHamt)).to.equal('directory')
    const stats = await s.fs.stat(withHamt, { path: 'sharded' })
    expect(stats.cid.toString()).to.equal(hamt.toString())
    expect(stats.unixfs?.type).to.equal('hamt-sharded-directory')

    const intoHamt = await s.fs.cp(s.emptyDir, hamt, 'empty')
    expect(intoHamt.toString()).to.equal((await s.peer.cp(s.emptyDir, hamt, 'empty')).toString())
    expect((await s.fs.stat(intoHamt, { path: 'empty' })).cid.toString()).to.equal(s.emptyDir.toString())
  })

  it('refuses a source that is not UnixFS with NotUnixFSError, as @helia/unixfs', async () => {
    const s = await setup()
    const identitySource = CID.createV1(identity.code, identity.digest(new TextEncoder().encode('derp')))
    await expect(s.fs.cp(identitySource, s.emptyDir, 'x')).to.eventually.be.rejected.with.property('name', 'NotUnixFSError')
    await expect(s.peer.cp(identitySource, s.emptyDir, 'x')).to.eventually.be.rejected.with.property('name', 'NotUnixFSError')

    // dag-cbor { a: 1 }
    const cborBytes = Uint8Array.from([0xa1, 0x61, 0x61, 0x01])
    const cbor = CID.createV1(0x71, await sha256.digest(cborBytes))
    await s.blockstore.put(cbor, cborBytes)
    await expect(s.fs.cp(cbor, s.emptyDir, 'x')).to.eventually.be.rejected.with.property('name', 'NotUnixFSError')
    await expect(s.peer.cp(cbor, s.emptyDir, 'x')).to.eventually.be.rejected.with.property('name', 'NotUnixFSError')
  })

  it('refuses a target that is not a directory with NotADirectoryError', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    const identityTarget = CID.createV1(identity.code, identity.digest(new TextEncoder().encode('derp')))
    await expect(s.fs.cp(file.cid, identityTarget, 'x')).to.eventually.be.rejected.with.property('name', 'NotADirectoryError')
    const dagPbFile = await s.fs.addBytes(Uint8Array.from([1, 2, 3]), { rawLeaves: false })
    await expect(s.fs.cp(file.cid, dagPbFile, 'x')).to.eventually.be.rejected.with.property('name', 'NotADirectoryError')
  })

  it('gives NotFoundError for missing blocks, as @helia/unixfs', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    const dir = await s.fs.cp(file.cid, s.emptyDir, file.name)
    await s.blockstore.delete(dir)
    await expect(s.fs.cp(file.cid, dir, 'x', { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await expect(s.peer.cp(file.cid, dir, 'x', { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await s.blockstore.delete(file.cid)
    await expect(s.fs.cp(file.cid, s.emptyDir, 'x')).to.eventually.be.rejected.with.property('name', 'NotFoundError')
  })

  it('refuses bad names and option values it cannot honour with InvalidParametersError', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    for (const name of ['a/b', '', '..']) {
      await expect(s.fs.cp(file.cid, s.emptyDir, name)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
    const refused: any[] = [
      { shardFanoutBits: 11 },
      { shardFanoutBits: 2 },
      { shardSplitStrategy: 'neither' },
      { force: 'yes' },
      { providers: [file.cid] }
    ]
    for (const options of refused) {
      await expect(s.fs.cp(file.cid, s.emptyDir, 'x', options), JSON.stringify(options)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
  })

  it('keeps a HAMT\'s own fanout where @helia/unixfs takes it from the options (importer CID)', async () => {
    const s = await setup()
    const entries = await files(s.fs, 60)
    const options = { shardSplitThresholdBytes: 100, shardFanoutBits: 4 }
    const hamt = await imported(s, entries.slice(0, 59), options)
    // no shardFanoutBits: the node says 16
    const ours = await s.fs.cp(entries[59].cid, hamt, entries[59].name, { shardSplitThresholdBytes: 100 })
    expect(ours.toString()).to.equal((await imported(s, entries, options)).toString())
  })

  it('keeps a basic directory\'s mtime, where @helia/unixfs sets it to the time of the edit', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    const mtime = { secs: 100n, nsecs: 0 }
    const dated = await s.peer.touch(s.emptyDir, { mtime })
    const ours = await s.fs.cp(file.cid, dated, file.name)
    expect((await s.fs.stat(ours)).mtime).to.deep.equal(mtime)
    const theirs = await s.peer.cp(file.cid, dated, file.name)
    expect((await s.peer.stat(theirs)).mtime?.secs).to.not.equal(100n)
  })
})
