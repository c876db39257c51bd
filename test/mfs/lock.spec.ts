import { expect } from 'aegir/chai'
import { all, bytesOf, importRoot, setup } from './setup.js'

const content = (i: number): Uint8Array => new TextEncoder().encode(`writer ${i}\n`)

describe('mfs: one lock, so concurrent calls lose no edit', function () {
  this.timeout(120_000)

  it('200 concurrent writers into shared and separate directories: every edit present, the importer\'s CID', async () => {
    const { fs, blockstore } = setup()
    await fs.mkdir('/shared')
    const calls: Array<Promise<void>> = []
    for (let i = 0; i < 200; i++) {
      calls.push(fs.writeBytes(content(i), `/shared/f${i}`, { flush: i % 3 !== 0 }))
      if (i % 20 === 0) {
        calls.push(fs.mkdir(`/own${i}/sub`, { parents: true }))
      }
    }
    await Promise.all(calls)
    const names = (await all(fs.ls('/shared'))).map(e => e.name)
    expect(names).to.have.lengthOf(200)
    for (let i = 0; i < 200; i += 37) {
      expect(await bytesOf(fs.cat(`/shared/f${i}`))).to.equalBytes(content(i))
    }
    const candidates: Array<{ path: string, content?: Uint8Array }> = []
    for (let i = 0; i < 200; i++) {
      candidates.push({ path: `shared/f${i}`, content: content(i) })
      if (i % 20 === 0) {
        candidates.push({ path: `own${i}/sub` })
      }
    }
    expect((await fs.flush()).toString()).to.equal((await importRoot(blockstore, candidates)).toString())
  })

  it('concurrent moves and removals of the same names: each applies to the state the one before left', async () => {
    const { fs } = setup()
    for (let i = 0; i < 20; i++) {
      await fs.writeBytes(content(i), `/f${i}`, { flush: false })
    }
    const results = await Promise.allSettled(Array.from({ length: 20 }, async (_, i) => {
      await fs.mv(`/f${i}`, `/g${i}`)
      await fs.rm(`/g${i}`)
    }).concat(Array.from({ length: 20 }, async (_, i) => fs.rm(`/f${i}`, { force: true }))))
    expect(results.filter(r => r.status === 'rejected').every(r => (r as PromiseRejectedResult).reason.name === 'DoesNotExistError')).to.be.true()
    expect(await all(fs.ls('/'))).to.have.lengthOf(0)
  })
})
