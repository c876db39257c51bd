/**
 * Edits that must never lose or share an entry: a copy and its original
 * change apart (they share opened sub-directories in memory), `mv` never
 * drops what it moves, and every call that flushes writes what earlier
 * `flush: false` calls left, even when it changes nothing itself. "After a
 * restart" is a new `mfs()` on the same stores here; `edits.node.ts` stops
 * and starts a Helia node.
 */

import { expect } from 'aegir/chai'
import { mfs } from '../../src/mfs/index.js'
import { all, bytesOf, createShardedDirectory, importRoot, setup } from './setup.js'
import type { MFS } from '../../src/mfs/index.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

async function names (fs: MFS, path: string): Promise<string[]> {
  return (await all(fs.ls(path))).map(entry => entry.name).sort()
}

describe('mfs: edits that must not lose or share entries', function () {
  this.timeout(60_000)

  describe('a copy changes apart from its original', () => {
    it('mv from the original into the copy: each tree ends as the move says, flushed and after a restart', async () => {
      const { fs, blockstore, datastore } = setup()
      await fs.writeBytes(bytes('f'), '/x/s/f', { parents: true })
      await fs.writeBytes(bytes('k'), '/x/s/k')
      // opens /x/s in memory, so the copy shares the opened node
      expect(await names(fs, '/x/s')).to.deep.equal(['f', 'k'])
      await fs.cp('/x', '/y')
      await fs.mv('/x/s/f', '/y/s/g')

      const check = async (fs: MFS): Promise<void> => {
        expect(await names(fs, '/x/s')).to.deep.equal(['k'])
        expect(await names(fs, '/y/s')).to.deep.equal(['f', 'g', 'k'])
        expect(await bytesOf(fs.cat('/y/s/g'))).to.equalBytes(bytes('f'))
        expect(await bytesOf(fs.cat('/y/s/f'))).to.equalBytes(bytes('f'))
      }
      await check(fs)
      const expected = await importRoot(blockstore, [
        { path: 'x/s/k', content: bytes('k') },
        { path: 'y/s/f', content: bytes('f') },
        { path: 'y/s/g', content: bytes('f') },
        { path: 'y/s/k', content: bytes('k') }
      ])
      expect((await fs.flush()).toString()).to.equal(expected.toString())

      const restarted = mfs({ blockstore, datastore })
      await check(restarted)
      expect((await restarted.flush()).toString()).to.equal(expected.toString())
    })

    it('edits on both sides of a copy, deep and in a HAMT, stay on their side', async () => {
      const { fs, blockstore, datastore } = setup()
      await fs.cp(await createShardedDirectory(blockstore, 40), '/x/s/h', { parents: true })
      await fs.writeBytes(bytes('f'), '/x/s/deep/f', { parents: true })
      expect(await names(fs, '/x/s/deep')).to.deep.equal(['f'])
      expect(await all(fs.ls('/x/s/h'))).to.have.lengthOf(40)
      await fs.cp('/x', '/y', { flush: false })
      // each call edits both sides under directories the copy shares
      await fs.mv('/y/s/h/file-1', '/x/s/h/moved', { flush: false })
      await fs.mv('/y/s/deep/f', '/x/s/deep/back', { flush: false })
      await fs.writeBytes(bytes('x'), '/x/s/h/extra', { flush: false })
      await fs.rm('/x/s/deep/f', { flush: false })
      await fs.writeBytes(bytes('y'), '/y/s/deep/y', { flush: false })
      await fs.flush()

      for (const view of [fs, mfs({ blockstore, datastore })]) {
        const x = await names(view, '/x/s/h')
        const y = await names(view, '/y/s/h')
        expect(x).to.have.lengthOf(42).and.include.members(['extra', 'moved', 'file-1'])
        expect(y).to.have.lengthOf(39).and.not.include.members(['extra']).and.not.include.members(['moved']).and.not.include.members(['file-1'])
        expect(await names(view, '/x/s/deep')).to.deep.equal(['back'])
        expect(await names(view, '/y/s/deep')).to.deep.equal(['y'])
      }
    })

    it('a copy of the root\'s directory into itself is a snapshot', async () => {
      const { fs } = setup()
      await fs.writeBytes(bytes('f'), '/x/s/f', { parents: true })
      expect(await names(fs, '/x/s')).to.deep.equal(['f'])
      await fs.cp('/x', '/x/s/copy')
      await fs.writeBytes(bytes('n'), '/x/s/copy/s/new')
      expect(await names(fs, '/x/s')).to.deep.equal(['copy', 'f'])
      expect(await names(fs, '/x/s/copy/s')).to.deep.equal(['f', 'new'])
    })
  })

  describe('mv never loses the entry it moves', () => {
    for (const [from, to] of [['/dir/sub', '/dir'], ['/dir/sub/x', '/dir'], ['/dir/y', '/dir'], ['/dir/sub/x', '/dir/sub']]) {
      it(`refuses mv('${from}', '${to}') with MoveOntoAncestorError, with and without force, and changes nothing`, async () => {
        const { fs } = setup()
        await fs.writeBytes(bytes('x'), '/dir/sub/x', { parents: true })
        await fs.writeBytes(bytes('y'), '/dir/y')
        const before = await fs.flush()
        await expect(fs.mv(from, to, { force: true })).to.eventually.be.rejected.with.property('name', 'MoveOntoAncestorError')
        await expect(fs.mv(from, to)).to.eventually.be.rejected.with.property('name', 'MoveOntoAncestorError')
        expect((await fs.flush()).toString()).to.equal(before.toString())
        expect(await bytesOf(fs.cat('/dir/sub/x'))).to.equalBytes(bytes('x'))
      })
    }

    it('moves over a sibling, up to a parent\'s sibling and down into a sibling, keeping the entry', async () => {
      const { fs, blockstore } = setup()
      await fs.writeBytes(bytes('x'), '/dir/sub/x', { parents: true })
      await fs.writeBytes(bytes('y'), '/dir/y')
      await fs.mkdir('/dir/other')
      await fs.mv('/dir/sub/x', '/dir/y', { force: true })
      await fs.mv('/dir/y', '/top', { flush: false })
      await fs.mv('/top', '/dir/sub/deeper/top', { parents: true, flush: false })
      await fs.mv('/dir/other', '/dir/sub/deeper/top2', { force: true })
      expect(await bytesOf(fs.cat('/dir/sub/deeper/top'))).to.equalBytes(bytes('x'))
      await fs.rm('/dir/sub/deeper/top2')
      const expected = await importRoot(blockstore, [{ path: 'dir/sub/deeper/top', content: bytes('x') }])
      expect((await fs.flush()).toString()).to.equal(expected.toString())
    })
  })

  describe('a call that flushes writes what is pending, even when it changes nothing', () => {
    const noOps: Array<[string, (fs: MFS) => Promise<void>]> = [
      ['mkdir with parents of an existing directory', async (fs) => { await fs.mkdir('/d', { parents: true }) }],
      ['mkdir with parents of the root', async (fs) => { await fs.mkdir('/', { parents: true }) }],
      ['rm with force of a missing path', async (fs) => { await fs.rm('/missing', { force: true }) }],
      ['rm with force under a missing directory', async (fs) => { await fs.rm('/missing/deeper', { force: true }) }],
      ['mv of a path onto itself', async (fs) => { await fs.mv('/d', '/d') }]
    ]
    for (const [what, call] of noOps) {
      it(`${what}: the earlier flush: false edits are there after a restart`, async () => {
        const { fs, blockstore, datastore } = setup()
        await fs.mkdir('/d')
        await fs.writeBytes(bytes('pending'), '/d/pending', { flush: false })
        await fs.rm('/d', { recursive: true, flush: false })
        await fs.writeBytes(bytes('kept'), '/d/kept', { parents: true, flush: false })
        await call(fs)
        const restarted = mfs({ blockstore, datastore })
        expect(await names(restarted, '/d')).to.deep.equal(['kept'])
        expect(await bytesOf(restarted.cat('/d/kept'))).to.equalBytes(bytes('kept'))
      })
    }

    it('a call with flush: false that changes nothing writes nothing', async () => {
      const { fs, blockstore, datastore } = setup()
      await fs.mkdir('/d')
      await fs.writeBytes(bytes('pending'), '/d/pending', { flush: false })
      await fs.mkdir('/d', { parents: true, flush: false })
      await fs.rm('/missing', { force: true, flush: false })
      expect(await names(mfs({ blockstore, datastore }), '/d')).to.deep.equal([])
    })
  })
})
