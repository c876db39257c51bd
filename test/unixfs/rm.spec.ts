import { expect } from 'aegir/chai'
import { files, imported, linksBytes, setup, typeOf } from './setup.js'

describe('unixfs drop-in: rm', function () {
  this.timeout(60_000)

  it('removes from a basic directory: the CID of @helia/unixfs and of the importer', async () => {
    const s = await setup()
    const entries = await files(s.fs, 10)
    const dir = await imported(s, entries)
    const ours = await s.fs.rm(dir, entries[4].name)
    expect(ours.toString()).to.equal((await s.peer.rm(dir, entries[4].name)).toString())
    expect(ours.toString()).to.equal((await imported(s, entries.filter((_, i) => i !== 4))).toString())
    await expect(s.fs.stat(ours, { path: entries[4].name })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
  })

  it('removes from a HAMT that stays a HAMT (sub-shards pulled up) as the importer', async () => {
    const s = await setup()
    const entries = await files(s.fs, 300)
    const options = { shardSplitThresholdBytes: 1000 }
    let dir = await imported(s, entries, options)
    let left = entries
    for (const victim of entries.slice(0, 40)) {
      const theirs = await s.peer.rm(dir, victim.name, options)
      dir = await s.fs.rm(dir, victim.name, options)
      left = left.filter(entry => entry !== victim)
      expect(dir.toString()).to.equal(theirs.toString())
    }
    expect(await typeOf(s.fs, dir)).to.equal('hamt-sharded-directory')
    expect(dir.toString()).to.equal((await imported(s, left, options)).toString())
  })

  it('turns a HAMT basic as soon as it is at the threshold, as the importer; @helia/unixfs over-counts and keeps a HAMT', async () => {
    const s = await setup()
    const entries = await files(s.fs, 300)
    const threshold = linksBytes(entries.slice(1))
    const dir = await imported(s, entries, { shardSplitThresholdBytes: threshold })
    expect(await typeOf(s.fs, dir)).to.equal('hamt-sharded-directory')

    const ours = await s.fs.rm(dir, entries[0].name, { shardSplitThresholdBytes: threshold })
    const expected = await imported(s, entries.slice(1), { shardSplitThresholdBytes: threshold })
    expect(await typeOf(s.fs, ours)).to.equal('directory')
    expect(ours.toString()).to.equal(expected.toString())

    const theirs = await s.peer.rm(dir, entries[0].name, { shardSplitThresholdBytes: threshold })
    expect(await typeOf(s.fs, theirs)).to.equal('hamt-sharded-directory')
  })

  it('turns a small HAMT basic with the importer\'s CID (directories as entries, non-trivial Tsize)', async () => {
    const s = await setup()
    const entries = await files(s.fs, 3)
    const sub = await imported(s, entries)
    const withDirs = [...entries, { name: 'sub', cid: sub, size: BigInt((await s.fs.stat(sub, { extended: true })).dagSize) }]
    const threshold = linksBytes(withDirs) - 1
    const dir = await imported(s, withDirs, { shardSplitThresholdBytes: threshold })
    expect(await typeOf(s.fs, dir)).to.equal('hamt-sharded-directory')
    const ours = await s.fs.rm(dir, entries[0].name, { shardSplitThresholdBytes: threshold })
    expect(ours.toString()).to.equal((await imported(s, withDirs.slice(1), { shardSplitThresholdBytes: threshold })).toString())
  })

  it('removes a sub-shard whose only child is a sub-shard as the importer', async () => {
    const s = await setup()
    // hash prefixes: other-190.txt 46 B8, file-174.txt 46 63 D5, file-308.txt 46 63 C5
    const names = ['other-190.txt', 'file-174.txt', 'file-308.txt']
    const encoder = new TextEncoder()
    const entries = await Promise.all(names.map(async name => {
      const bytes = encoder.encode(`content of ${name}\n`)
      return { name, cid: await s.fs.addBytes(bytes), size: BigInt(bytes.byteLength) }
    }))
    const options = { shardSplitThresholdBytes: 1 }
    const dir = await imported(s, entries, options)
    const ours = await s.fs.rm(dir, 'other-190.txt', options)
    expect(ours.toString()).to.equal((await imported(s, entries.slice(1), options)).toString())
  })

  it('an absent name: a basic directory comes back unchanged (as @helia/unixfs), a HAMT refuses with NotFoundError', async () => {
    const s = await setup()
    const entries = await files(s.fs, 30)
    const basic = await imported(s, entries)
    expect((await s.fs.rm(basic, 'absent')).toString()).to.equal(basic.toString())
    expect((await s.peer.rm(basic, 'absent')).toString()).to.equal(basic.toString())

    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 100 })
    await expect(s.fs.rm(hamt, 'absent', { shardSplitThresholdBytes: 100 })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
  })

  it('gives NotFoundError for missing blocks and NotADirectoryError for a file, as @helia/unixfs', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    await expect(s.fs.rm(file.cid, 'x')).to.eventually.be.rejected.with.property('name', 'NotADirectoryError')
    await expect(s.peer.rm(file.cid, 'x')).to.eventually.be.rejected.with.property('name', 'NotADirectoryError')
    await s.blockstore.delete(file.cid)
    await expect(s.fs.rm(file.cid, 'x', { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await expect(s.peer.rm(file.cid, 'x', { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
  })

  it('refuses bad names and option values with InvalidParametersError', async () => {
    const s = await setup()
    await expect(s.fs.rm(s.emptyDir, 'a/b')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(s.fs.rm(s.emptyDir, 'x', { shardFanoutBits: 12 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('chained calls reuse the retained tree: a second rm on a returned CID reads no block again', async () => {
    const s = await setup()
    const entries = await files(s.fs, 2000)
    const options = { shardSplitThresholdBytes: 1000 }
    const dir = await imported(s, entries, options)
    // a drop-in on a blockstore that counts reads
    const { unixfs } = await import('../../src/index.js')
    let reads = 0
    const counting = {
      get: (cid: any, opts?: any) => { reads++; return s.blockstore.get(cid, opts) },
      put: async (cid: any, bytes: any, opts?: any) => s.blockstore.put(cid, bytes, opts),
      has: async (cid: any, opts?: any) => s.blockstore.has(cid, opts)
    }
    const fs = unixfs({ blockstore: counting })
    let root = await fs.rm(dir, entries[0].name, options)
    const first = reads
    expect(first).to.be.greaterThan(0)
    root = await fs.rm(root, entries[1].name, options)
    root = await fs.rm(root, entries[2].name, options)
    expect(reads).to.be.lessThan(first + 5)
    expect(root.toString()).to.equal((await imported(s, entries.slice(3), options)).toString())
  })
})
