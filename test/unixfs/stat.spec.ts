import { expect } from 'aegir/chai'
import { files, imported, setup } from './setup.js'
import type { DirectoryEntry } from '../../src/index.js'
import type { UnixFS } from '@helia/unixfs'
import type { CID } from 'multiformats/cid'

/** A tree: files, a subdirectory, the same file twice, a multi-block dag-pb file */
async function tree (fs: UnixFS, entries: DirectoryEntry[], emptyDir: CID, options: { shardSplitThresholdBytes: number, shardFanoutBits?: number }): Promise<CID> {
  const big = await fs.addBytes(new Uint8Array(300_000).fill(7), { rawLeaves: false })
  let dir = emptyDir
  for (const entry of entries) {
    dir = await fs.cp(entry.cid, dir, entry.name, options)
  }
  const sub = await fs.cp(entries[0].cid, await fs.cp(big, emptyDir, 'big'), 'again')
  dir = await fs.cp(sub, dir, 'sub', options)
  return fs.cp(entries[1].cid, dir, 'twice', options)
}

describe('unixfs drop-in: stat', function () {
  this.timeout(60_000)

  it('gives a directory @helia/unixfs\'s fields, basic or HAMT, with mode and mtime', async () => {
    const s = await setup()
    const entries = await files(s.fs, 100)
    const basic = await imported(s, entries)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const touched = await s.peer.touch(basic, { mtime: { secs: 100n, nsecs: 5 } })
    const chmodded = await s.peer.chmod(basic, 0o700)
    for (const cid of [basic, hamt, touched, chmodded, s.emptyDir]) {
      expect(await s.fs.stat(cid)).to.deep.equal(await s.peer.stat(cid))
    }
    const stats = await s.fs.stat(hamt)
    expect(stats).to.include({ type: 'directory', size: 0n, mode: 0o755 })
    expect(stats.unixfs?.type).to.equal('hamt-sharded-directory')
  })

  it('extended: the DAG totals of @helia/unixfs for basic and HAMT directories (files, subdirectories, duplicates)', async () => {
    const s = await setup()
    const entries = await files(s.fs, 60)
    for (const options of [{ shardSplitThresholdBytes: 1_000_000 }, { shardSplitThresholdBytes: 300 }]) {
      const dir = await tree(s.peer, entries, s.emptyDir, options)
      const ours = await s.fs.stat(dir, { extended: true })
      const theirs = await s.peer.stat(dir, { extended: true })
      expect(ours).to.deep.equal(theirs)
      expect(ours.blocks > ours.uniqueBlocks).to.be.true()
      expect(ours.size).to.equal(300_000n + entries.reduce((total, entry) => total + entry.size, 0n) + entries[0].size + entries[1].size)
    }
  })

  it('extended: uses the caller\'s filter', async () => {
    const s = await setup()
    const entries = await files(s.fs, 10)
    const dir = await imported(s, entries)
    const seen: Uint8Array[] = []
    const filter = { has: () => true, add: (item: Uint8Array) => { seen.push(item) } }
    const ours = await s.fs.stat(dir, { extended: true, filter: filter as any })
    expect(ours.uniqueBlocks).to.equal(0n)
    expect(ours.blocks).to.equal(11n)
    expect(seen).to.have.lengthOf(11)
    // without extended, the filter is not used, as by @helia/unixfs
    expect(await s.fs.stat(dir, { filter } as any)).to.deep.equal(await s.peer.stat(dir, { filter } as any))
    expect(seen).to.have.lengthOf(11)
  })

  it('extended: counts HAMT entries by the shard\'s own prefix width (fanout 16); @helia/unixfs assumes 256', async () => {
    const s = await setup()
    // one-character names: at fanout 16 an entry link is two characters long, as long as a sub-shard link at 256
    const encoder = new TextEncoder()
    const entries = await Promise.all('abcdefghijklmnopqrstuvwxyz'.split('').map(async name => {
      const bytes = encoder.encode(`file ${name}\n`)
      return { name, cid: await s.fs.addBytes(bytes), size: BigInt(bytes.byteLength) }
    }))
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 10, shardFanoutBits: 4 })
    const ours = await s.fs.stat(hamt, { extended: true })
    expect(ours.size).to.equal(entries.reduce((total, entry) => total + entry.size, 0n))
    const theirs = await s.peer.stat(hamt, { extended: true })
    expect(theirs.size < ours.size).to.be.true()
    expect({ ...ours, size: 0n }).to.deep.equal({ ...theirs, size: 0n })
  })

  it('walks a path through HAMT and basic directories; files are stat\'ed as by @helia/unixfs', async () => {
    const s = await setup()
    const entries = await files(s.fs, 200)
    const pbFile = await s.fs.addBytes(Uint8Array.from([1, 2, 3]), { rawLeaves: false })
    const hamt = await imported(s, [...entries, { name: 'pb', cid: pbFile, size: 20n }], { shardSplitThresholdBytes: 1000 })
    const top = await s.fs.cp(hamt, s.emptyDir, 'h')
    for (const path of ['h', `h/${entries[7].name}`, 'h/pb']) {
      expect(await s.fs.stat(top, { path })).to.deep.equal(await s.peer.stat(top, { path }))
      expect(await s.fs.stat(top, { path, extended: true })).to.deep.equal(await s.peer.stat(top, { path, extended: true }))
    }
    for (const path of ['h/absent', `h/${entries[7].name}/x`]) {
      await expect(s.fs.stat(top, { path })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
      await expect(s.peer.stat(top, { path })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    }
    // one segment past a dag-pb file: @helia/unixfs (walkPath) stats the file, the drop-in finds no such entry
    await expect(s.fs.stat(top, { path: 'h/pb/x' })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    expect((await s.peer.stat(top, { path: 'h/pb/x' })).cid.toString()).to.equal(pbFile.toString())
  })

  it('gives NotFoundError for missing blocks, and with offline counts only what is present', async () => {
    const s = await setup()
    const entries = await files(s.fs, 10)
    const dir = await imported(s, entries)
    await s.blockstore.delete(entries[0].cid)
    const ours = await s.fs.stat(dir, { extended: true, offline: true })
    expect(ours).to.deep.equal(await s.peer.stat(dir, { extended: true, offline: true }))
    expect(ours.blocks).to.equal(10n)
    await expect(s.fs.stat(dir, { extended: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await s.blockstore.delete(dir)
    await expect(s.fs.stat(dir, { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await expect(s.fs.stat(dir, { path: 'x', providers: [dir] })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
