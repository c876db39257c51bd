import { expect } from 'aegir/chai'
import { all, bytesOf, createShardedDirectory, setup, smallFile } from './setup.js'

describe('mfs: option bags', function () {
  this.timeout(60_000)

  it('every call takes keys it does not use: one bag through every call, as apps pass them', async () => {
    const { fs, blockstore } = setup()
    const bag: any = { force: true, parents: true, recursive: true, rawLeaves: true, cidVersion: 1, extended: true, long: true, offset: 0, wrapWithDirectory: true }
    await fs.writeBytes(smallFile, '/a/f', bag)
    await fs.mkdir('/a/d', bag)
    await fs.cp(await createShardedDirectory(blockstore, 20), '/a/h', bag)
    await fs.cp('/a/f', '/a/g', bag)
    await fs.chmod('/a/g', 0o700, bag)
    await fs.touch('/a/g', { ...bag, mtime: { secs: 5n, nsecs: 0 } })
    await fs.mv('/a/g', '/a/moved', bag)
    expect(await bytesOf(fs.cat('/a/moved', bag))).to.equalBytes(smallFile)
    expect((await all(fs.ls('/a', bag))).map(entry => entry.name)).to.deep.equal(['d', 'f', 'h', 'moved'])
    expect(await fs.stat('/a/moved', { force: true } as any)).to.include({ mode: 0o700 })
    expect(await fs.stat('/a/h', bag)).to.deep.equal(await fs.stat('/a/h', { extended: true }))
    await fs.rm('/a/h', bag)
    await fs.flush('/', bag)
    expect((await all(fs.ls('/a'))).map(entry => entry.name)).to.deep.equal(['d', 'f', 'moved'])
  })

  it('stat takes the bag whole, as @helia/mfs passes it to @helia/unixfs: a path in it is walked below the MFS path', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/a/f', { parents: true })
    const below = await fs.stat('/a', { path: 'f' } as any)
    expect(below.cid.toString()).to.equal((await fs.stat('/a/f')).cid.toString())
  })

  it('refuses the values it cannot honour', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/f')
    await expect(all(fs.ls('/', { offset: -1 }))).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(fs.stat('/f', { extended: 'yes' } as any)).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    await expect(fs.mkdir('/d', { shardFanoutBits: 11 })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })
})
