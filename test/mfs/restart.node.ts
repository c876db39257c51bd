/**
 * A root persisted across a restart of the node: a Helia node on a real
 * on-disk blockstore and datastore (`blockstore-fs`, `datastore-fs`), stopped
 * and started again on the same directories.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'aegir/chai'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import { createHeliaLight } from 'helia'
import { mfs } from '../../src/mfs/index.js'
import { all, bytesOf, createShardedDirectory, importRoot } from './setup.js'
import type { Helia } from 'helia'

describe('mfs: a root persisted across a restart (blockstore-fs, datastore-fs)', function () {
  this.timeout(120_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mfs-restart-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function start (): Promise<Helia> {
    const blockstore = new FsBlockstore(join(dir, 'blocks'))
    const datastore = new FsDatastore(join(dir, 'datastore'))
    await blockstore.open()
    await datastore.open()
    const helia = createHeliaLight({ blockstore, datastore })
    await helia.start()
    return helia
  }

  async function stop (helia: Helia): Promise<void> {
    await helia.stop()
    await (helia.blockstore as any).child?.close?.()
  }

  it('what was flushed is there after the restart; what was held unflushed at the stop is not', async () => {
    let helia = await start()
    let fs = mfs(helia)
    await fs.mkdir('/docs/2026', { parents: true })
    await fs.writeBytes(new TextEncoder().encode('hello\n'), '/docs/2026/hello.txt')
    await fs.cp(await createShardedDirectory(helia.blockstore as any, 300), '/docs/hamt')
    await fs.writeBytes(Uint8Array.from([1]), '/docs/hamt/extra', { flush: false })
    await fs.mv('/docs/2026/hello.txt', '/docs/hello.txt', { flush: false })
    const flushed = await fs.flush()
    await fs.writeBytes(Uint8Array.from([2]), '/lost', { flush: false })
    await stop(helia)

    helia = await start()
    fs = mfs(helia)
    expect((await fs.flush()).toString()).to.equal(flushed.toString())
    expect(await bytesOf(fs.cat('/docs/hello.txt'))).to.equalBytes(new TextEncoder().encode('hello\n'))
    expect(await all(fs.ls('/docs/hamt'))).to.have.lengthOf(301)
    await expect(fs.stat('/lost')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')

    // and it edits on from there
    await fs.rm('/docs/hamt', { recursive: true })
    await fs.rm('/docs/2026')
    const expected = await importRoot(helia.blockstore as any, [{ path: 'docs/hello.txt', content: new TextEncoder().encode('hello\n') }])
    expect((await fs.flush()).toString()).to.equal(expected.toString())
    await stop(helia)
  })
})
