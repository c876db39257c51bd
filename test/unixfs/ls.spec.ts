import { expect } from 'aegir/chai'
import { all, files, imported, setup } from './setup.js'

function plain (entries: any[]): any[] {
  return entries.map(({ cid, name, path, size }) => ({ cid: cid.toString(), name, path, size }))
}

describe('unixfs drop-in: ls', function () {
  this.timeout(60_000)

  it('lists basic and HAMT directories as @helia/unixfs does: same entries, order, path and size', async () => {
    const s = await setup()
    const entries = await files(s.fs, 300)
    for (const threshold of [1_000_000, 1000]) {
      const dir = await imported(s, entries, { shardSplitThresholdBytes: threshold })
      const ours = await all(s.fs.ls(dir))
      expect(ours).to.have.lengthOf(300)
      expect(ours[0].path).to.equal(`${dir}/${ours[0].name}`)
      expect(plain(ours)).to.deep.equal(plain(await all(s.peer.ls(dir))))
    }
  })

  it('honours offset and length: as @helia/unixfs on a basic directory, the same slice on a HAMT', async () => {
    const s = await setup()
    const entries = await files(s.fs, 100)
    const basic = await imported(s, entries)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const hamtAll = plain(await all(s.fs.ls(hamt)))
    for (const [offset, length] of [[0, 10], [5, 3], [95, 10], [100, 1], [150, undefined], [0, 0], [7, undefined], [undefined, 4]]) {
      expect(plain(await all(s.fs.ls(basic, { offset, length })))).to.deep.equal(plain(await all(s.peer.ls(basic, { offset, length }))))
      // @helia/unixfs's HAMT listing skips the wrong entries for an offset: the drop-in slices as for a basic directory
      const start = offset ?? 0
      expect(plain(await all(s.fs.ls(hamt, { offset, length })))).to.deep.equal(hamtAll.slice(start, length == null ? undefined : start + length))
    }
    await expect(all(s.fs.ls(basic, { offset: -1 }))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(all(s.fs.ls(basic, { length: 1.5 }))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('walks a path through HAMT and basic directories', async () => {
    const s = await setup()
    const inner = await files(s.fs, 5, 'inner-')
    const innerDir = await imported(s, inner)
    const outer = await files(s.fs, 200, 'outer-')
    const hamt = await imported(s, [...outer, { name: 'sub', cid: innerDir, size: 1000n }], { shardSplitThresholdBytes: 1000 })
    const top = await s.fs.cp(hamt, s.emptyDir, 'sharded')

    for (const path of ['sharded/sub', '/sharded/sub/', 'sharded//sub']) {
      const ours = await all(s.fs.ls(top, { path }))
      expect(plain(ours)).to.deep.equal(plain(await all(s.peer.ls(top, { path }))))
      expect(ours.map(entry => entry.name)).to.deep.equal(inner.map(entry => entry.name))
      expect(ours[0].path).to.equal(`${innerDir}/${inner[0].name}`)
    }
  })

  it('lists a file (raw or dag-pb) at a path as @helia/unixfs: that one entry', async () => {
    const s = await setup()
    const raw = await s.fs.addBytes(Uint8Array.from([0, 1, 2, 3]))
    const pb = await s.fs.addBytes(Uint8Array.from([0, 1, 2, 3]), { rawLeaves: false })
    const dir = await s.fs.cp(pb, await s.fs.cp(raw, s.emptyDir, 'raw'), 'pb')
    for (const [path, type] of [['raw', 'raw'], ['pb', 'file']]) {
      const ours = await all(s.fs.ls(dir, { path }))
      expect(ours).to.have.lengthOf(1)
      expect(ours[0]).to.include({ type, size: 4n })
      expect(ours[0].cid.toString()).to.equal((await all(s.peer.ls(dir, { path })))[0].cid.toString())
    }
  })

  it('gives NotFoundError for an absent segment, a segment through a file, and missing blocks', async () => {
    const s = await setup()
    const entries = await files(s.fs, 50)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 100 })
    for (const path of ['absent', `${entries[0].name}/deeper`, '..']) {
      await expect(all(s.fs.ls(hamt, { path }))).to.eventually.be.rejected.with.property('name', 'NotFoundError')
      await expect(all(s.peer.ls(hamt, { path }))).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    }
    await s.blockstore.delete(hamt)
    await expect(all(s.fs.ls(hamt, { offline: true }))).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    await s.blockstore.delete(entries[0].cid)
    await expect(all(s.fs.ls(entries[0].cid, { offline: true }))).to.eventually.be.rejected.with.property('name', 'NotFoundError')
  })
})
