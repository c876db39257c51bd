import { expect } from 'aegir/chai'
import { all, files, imported, setup } from './setup.js'

describe('unixfs drop-in: option bags', function () {
  this.timeout(60_000)

  it('stat and ls take keys they do not use ({ force: true }, another call\'s bag), as @helia/unixfs', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const bag: any = { force: true, recursive: true, parents: true, flush: false, rawLeaves: true, cidVersion: 1, shardSplitThresholdBytes: 500 }
    for (const dir of [await imported(s, entries), await imported(s, entries, { shardSplitThresholdBytes: 500 })]) {
      expect(await s.fs.stat(dir, { force: true } as any)).to.deep.equal(await s.peer.stat(dir, { force: true } as any))
      expect(await s.fs.stat(dir, bag)).to.deep.equal(await s.peer.stat(dir, bag))
      expect(await s.fs.stat(dir, { ...bag, extended: true })).to.deep.equal(await s.peer.stat(dir, { ...bag, extended: true }))
      expect((await all(s.fs.ls(dir, { force: true } as any))).map(entry => entry.name)).to.deep.equal((await all(s.peer.ls(dir))).map(entry => entry.name))
      expect(await all(s.fs.ls(dir, { ...bag, path: entries[0].name }))).to.have.lengthOf(1)
    }
  })

  it('edits take keys they do not use, and give the CIDs they give without them', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const dir = await imported(s, entries)
    const unused: any = { recursive: true, parents: true, flush: false, rawLeaves: true, wrapWithDirectory: true, extended: true, long: true }
    const [extra] = await files(s.fs, 1, 'extra-')
    expect((await s.fs.cp(extra.cid, dir, extra.name, unused)).toString()).to.equal((await s.fs.cp(extra.cid, dir, extra.name)).toString())
    expect((await s.fs.rm(dir, entries[0].name, unused)).toString()).to.equal((await s.fs.rm(dir, entries[0].name)).toString())
    expect((await s.fs.mkdir(dir, 'sub', unused)).toString()).to.equal((await s.fs.mkdir(dir, 'sub')).toString())
    // a cidVersion on cp and rm: the directory keeps its own, as @helia/unixfs keeps it (it writes `target.version`)
    for (const cidVersion of [0, 1]) {
      const ours = await s.fs.cp(extra.cid, dir, extra.name, { cidVersion } as any)
      expect(ours.toString()).to.equal((await s.peer.cp(extra.cid, dir, extra.name, { cidVersion } as any)).toString())
      expect(ours.version).to.equal(dir.version)
      expect((await s.fs.rm(dir, entries[0].name, { cidVersion } as any)).version).to.equal(dir.version)
    }
  })

  it('refuses the values it cannot honour, whatever the call', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    const dir = await s.fs.cp(file.cid, s.emptyDir, file.name)
    const refused: Array<[string, () => Promise<unknown>]> = [
      ['cp providers', async () => s.fs.cp(file.cid, dir, 'x', { providers: [file.cid] } as any)],
      ['cp force', async () => s.fs.cp(file.cid, dir, 'x', { force: 'yes' } as any)],
      ['rm shardFanoutBits', async () => s.fs.rm(dir, file.name, { shardFanoutBits: 11 })],
      ['mkdir cidVersion', async () => s.fs.mkdir(dir, 'x', { cidVersion: 2 } as any)],
      ['stat extended', async () => s.fs.stat(dir, { extended: 'yes' } as any)],
      ['stat providers with a path', async () => s.fs.stat(dir, { path: file.name, providers: [file.cid] } as any)],
      ['ls offset', async () => all(s.fs.ls(dir, { offset: -1 }))],
      ['ls offline', async () => all(s.fs.ls(dir, { offline: 'yes' } as any))]
    ]
    for (const [what, call] of refused) {
      await expect(call(), what).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    }
  })
})
