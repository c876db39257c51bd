/**
 * What of `@helia/unixfs` 8.0.5's own specs (`packages/unixfs/test`) the
 * command specs beside this file do not already cover, written again on the
 * drop-in, each beside `@helia/unixfs` where they agree. Where they do not,
 * the drop-in's answer is the importer's (or boxo's) and the spec says so.
 */

import * as helia from '@helia/unixfs'
import { expect } from 'aegir/chai'
import { importer } from 'ipfs-unixfs-importer'
import * as dropIn from '../../src/unixfs/index.js'
import { createShardedDirectory, createSubshardedDirectory } from '../mfs/setup.js'
import { all, files, imported, setup } from './setup.js'
import type { CID } from 'multiformats/cid'

const five = Uint8Array.from([0, 1, 2, 3, 4])

describe('unixfs drop-in: the rest of @helia/unixfs 8.0.5\'s own specs', function () {
  this.timeout(120_000)

  it('refuses calls without their arguments, as @helia/unixfs', async () => {
    const s = await setup()
    for (const fs of [s.fs, s.peer]) {
      const calls: Array<() => Promise<unknown>> = [
        // @ts-expect-error invalid args
        async () => fs.cp(),
        // @ts-expect-error invalid args
        async () => fs.cp({}),
        // @ts-expect-error invalid args
        async () => fs.cp(s.emptyDir, s.emptyDir),
        // @ts-expect-error invalid args
        async () => fs.rm(),
        // @ts-expect-error invalid args
        async () => fs.mkdir(s.emptyDir),
        // @ts-expect-error invalid args
        async () => all(fs.ls())
      ]
      for (const call of calls) {
        await expect(call()).to.eventually.be.rejected()
      }
    }
  })

  it('exports @helia/unixfs\'s globSource and urlSource, so swapping the import keeps them', () => {
    expect(dropIn.globSource).to.equal(helia.globSource)
    expect(dropIn.urlSource).to.equal(helia.urlSource)
  })

  it('copies a file into a HAMT, making a sub-shard: the importer\'s CID, as @helia/unixfs', async () => {
    const s = await setup()
    const { importerCid, containingDirCid, fileName } = await createSubshardedDirectory(s.blockstore)
    const file = await s.fs.addBytes(five)
    const ours = await s.fs.cp(file, importerCid, fileName)
    expect(ours.toString()).to.equal(containingDirCid.toString())
    expect(ours.toString()).to.equal((await s.peer.cp(file, importerCid, fileName)).toString())
  })

  it('copies directories into a HAMT and a HAMT into a basic directory, as @helia/unixfs', async () => {
    const s = await setup()
    const hamt = await createShardedDirectory(s.blockstore)
    const file = await s.fs.addBytes(Uint8Array.from([0, 1, 3, 4]), { rawLeaves: false })
    for (const [source, target, name] of [[s.emptyDir, hamt, 'normal-dir'], [file, hamt, 'file.txt'], [hamt, s.emptyDir, 'sharded-dir']] as Array<[CID, CID, string]>) {
      const ours = await s.fs.cp(source, target, name)
      expect(ours.toString()).to.equal((await s.peer.cp(source, target, name)).toString())
      expect((await s.fs.stat(ours, { path: name })).cid.toString()).to.equal(source.toString())
    }
  })

  it('removes a HAMT from a basic directory; from a HAMT under the default threshold, the importer\'s basic directory', async () => {
    const s = await setup()
    const hamt = await createShardedDirectory(s.blockstore)
    const outer = await s.fs.cp(hamt, s.emptyDir, 'sharded')
    expect((await s.fs.rm(outer, 'sharded')).toString()).to.equal(s.emptyDir.toString())

    const inner = await s.fs.cp(hamt, hamt, 'subdir')
    // @helia/unixfs gives `hamt` back: its size estimate double-counts and keeps a HAMT whose 1001 short
    // names (46 KiB of links) the importer (and kubo's importer) make a basic directory at the default 256 KiB
    const ours = await s.fs.rm(inner, 'subdir')
    const names = Array.from({ length: 1001 }, (_, i) => ({ path: `file-${i}`, content: five }))
    let importerCid: CID | undefined
    for await (const entry of importer(names, s.blockstore, { wrapWithDirectory: true })) {
      importerCid = entry.cid
    }
    expect(ours.toString()).to.equal(importerCid?.toString())
    expect((await s.fs.stat(ours)).unixfs?.type).to.equal('directory')
    expect((await s.peer.rm(inner, 'subdir')).toString()).to.equal(hamt.toString())
    // at the HAMT's own threshold, the HAMT it was
    expect((await s.fs.rm(inner, 'subdir', { shardSplitThresholdBytes: 1 })).toString()).to.equal(hamt.toString())
  })

  it('stats a touched HAMT: @helia/unixfs\'s totals, and the 2 bytes of hashType it drops from the root', async () => {
    const s = await setup()
    const hamt = await createShardedDirectory(s.blockstore)
    const mtime = { secs: 5n, nsecs: 0 }
    const ours = await s.fs.stat(await s.fs.touch(hamt, { mtime }), { extended: true })
    const theirs = await s.peer.stat(await s.peer.touch(hamt, { mtime }), { extended: true })
    expect(ours).to.include({ type: 'directory', blocks: 1243n, localSize: 5005n, dagSize: 79159n })
    expect(ours.mtime).to.deep.equal(mtime)
    expect(ours.unixfs?.type).to.equal('hamt-sharded-directory')
    // boxo refuses a HAMT root without hashType (hamt.go: "only murmur3 supported as hash function")
    expect(theirs.dagSize).to.equal(ours.dagSize - 2n)
    expect(theirs.blocks).to.equal(ours.blocks)
  })

  it('cat reads a file the drop-in linked into a HAMT, fetching only the blocks on its path', async () => {
    const s = await setup()
    const hamt = await createShardedDirectory(s.blockstore)
    const bytes = new TextEncoder().encode('Hello world!\n')
    const updated = await s.fs.cp(await s.fs.addBytes(bytes), hamt, 'new-file.txt')
    expect(await all(s.fs.cat(updated, { path: 'new-file.txt' }))).to.deep.equal([bytes])

    const added = await all(s.fs.addAll(['index.html', 'script.js', 'style.css', 'image.png'].map((path, i) => ({ path, content: Uint8Array.from([i, i + 1, i + 2]) })), { shardSplitThresholdBytes: 1, wrapWithDirectory: true }))
    const dir = added[added.length - 1].cid
    expect((await s.fs.stat(dir)).unixfs?.type).to.equal('hamt-sharded-directory')
    for (const entry of added.slice(1, 4)) {
      await s.blockstore.delete(entry.cid)
    }
    expect(await all(s.fs.cat(dir, { path: 'index.html' }))).to.deep.equal([Uint8Array.from([0, 1, 2])])
    expect((await all(s.fs.ls(dir))).map(entry => entry.name).sort()).to.deep.equal(['image.png', 'index.html', 'script.js', 'style.css'])
  })

  it('chmod, touch and cat of a missing block with offline: NotFoundError, as @helia/unixfs', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const raw = entries[0].cid
    await s.blockstore.delete(raw)
    await s.blockstore.delete(hamt)
    for (const fs of [s.fs, s.peer]) {
      for (const cid of [raw, hamt]) {
        await expect(fs.chmod(cid, 0o777, { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
        await expect(fs.touch(cid, { offline: true })).to.eventually.be.rejected.with.property('name', 'NotFoundError')
      }
      await expect(all(fs.cat(raw, { offline: true }))).to.eventually.be.rejected.with.property('name', 'NotFoundError')
    }
  })
})
