import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { readBlock } from '../../src/blocks.js'
import { decodeUnixFSData } from '../../src/pb/unixfs-data.js'
import { all, files, imported, setup } from './setup.js'
import type { Setup } from './setup.js'
import type { CID } from 'multiformats/cid'

async function hashTypeOf (s: Setup, cid: CID): Promise<number | undefined> {
  return decodeUnixFSData(dagPb.decode(await readBlock(s.blockstore, cid)).Data ?? new Uint8Array()).hashType
}

describe('unixfs drop-in: chmod and touch of a HAMT run on the engine', function () {
  this.timeout(60_000)

  it('keep hashType 0x22: the importer\'s CID, and the next stat works (three of @helia/unixfs 8.0.5\'s tests)', async () => {
    const s = await setup()
    const entries = await files(s.fs, 100)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })

    const chmodded = await s.fs.chmod(hamt, 0o700)
    expect(await hashTypeOf(s, chmodded)).to.equal(0x22)
    expect((await s.fs.stat(chmodded)).mode).to.equal(0o700)
    const touched = await s.fs.touch(chmodded, { mtime: { secs: 100n, nsecs: 5 } })
    const stats = await s.fs.stat(touched)
    expect(stats).to.include({ mode: 0o700 })
    expect(stats.mtime).to.deep.equal({ secs: 100n, nsecs: 5 })
    expect(stats.unixfs?.type).to.equal('hamt-sharded-directory')
    expect(await hashTypeOf(s, touched)).to.equal(0x22)

    // @helia/unixfs writes the same root but without hashType: its Data is 2 bytes shorter
    const theirs = await s.peer.touch(await s.peer.chmod(hamt, 0o700), { mtime: { secs: 100n, nsecs: 5 } })
    expect(await hashTypeOf(s, theirs)).to.be.undefined()
    const ours = await readBlock(s.blockstore, touched)
    expect(ours.byteLength - (await readBlock(s.blockstore, theirs)).byteLength).to.equal(2)
  })

  it('through a path: the HAMT is changed on the engine and each directory above links it', async () => {
    const s = await setup()
    const entries = await files(s.fs, 100)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const outer = await s.fs.cp(hamt, s.emptyDir, 'h')
    const updated = await s.fs.chmod(outer, 0o711, { path: 'h' })
    const inner = await s.fs.stat(updated, { path: 'h' })
    expect(inner.mode).to.equal(0o711)
    expect(await hashTypeOf(s, inner.cid)).to.equal(0x22)
    expect((await s.fs.chmod(hamt, 0o711)).toString()).to.equal(inner.cid.toString())
  })

  it('a HAMT root @helia/unixfs wrote without hashType is read as murmur3 and rewritten with it', async () => {
    const s = await setup()
    const hamt = await imported(s, await files(s.fs, 100), { shardSplitThresholdBytes: 500 })
    const legacy = await s.peer.chmod(hamt, 0o700)
    const repaired = await s.fs.touch(legacy, { mtime: { secs: 7n } })
    expect(await hashTypeOf(s, repaired)).to.equal(0x22)
    expect(await s.fs.stat(repaired)).to.include({ mode: 0o700 })
    expect(repaired.toString()).to.equal((await s.fs.touch(await s.fs.chmod(hamt, 0o700), { mtime: { secs: 7n } })).toString())
  })

  it('stat, ls, cp and rm read a hashType-less root as murmur3: @helia/unixfs\'s stat and listing, edits written with hashType', async () => {
    const s = await setup()
    const entries = await files(s.fs, 100)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const legacy = await s.peer.touch(hamt, { mtime: { secs: 3n } })
    expect(await s.fs.stat(legacy)).to.deep.equal(await s.peer.stat(legacy))
    expect(await all(s.fs.ls(legacy))).to.deep.equal(await all(s.peer.ls(legacy)))
    const fixed = await s.fs.touch(hamt, { mtime: { secs: 3n } })
    const [extra] = await files(s.fs, 1, 'extra-')
    const added = await s.fs.cp(extra.cid, legacy, extra.name, { shardSplitThresholdBytes: 500 })
    expect(await hashTypeOf(s, added)).to.equal(0x22)
    expect(added.toString()).to.equal((await s.fs.cp(extra.cid, fixed, extra.name, { shardSplitThresholdBytes: 500 })).toString())
    const removed = await s.fs.rm(legacy, entries[0].name, { shardSplitThresholdBytes: 500 })
    expect(removed.toString()).to.equal((await s.fs.rm(fixed, entries[0].name, { shardSplitThresholdBytes: 500 })).toString())
  })

  it('files, basic directories and recursive changes are @helia/unixfs\'s, as before', async () => {
    const s = await setup()
    const entries = await files(s.fs, 5)
    const basic = await imported(s, entries)
    expect((await s.fs.chmod(basic, 0o700)).toString()).to.equal((await s.peer.chmod(basic, 0o700)).toString())
    expect((await s.fs.touch(entries[0].cid, { mtime: { secs: 1n } })).toString()).to.equal((await s.peer.touch(entries[0].cid, { mtime: { secs: 1n } })).toString())
    expect((await s.fs.chmod(basic, 0o700, { recursive: true })).toString()).to.equal((await s.peer.chmod(basic, 0o700, { recursive: true })).toString())
  })
})
