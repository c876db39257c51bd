import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { mfs } from '../../src/mfs/index.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { all, bytesOf, createShardedDirectory, createSubshardedDirectory, setup } from './setup.js'

describe('mfs: cp (@helia/mfs 8.0.5 cp.spec)', function () {
  this.timeout(120_000)

  it('refuses to copy without a source or a destination', async () => {
    const { fs } = setup()
    // @ts-expect-error invalid args
    await expect(fs.cp()).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    // @ts-expect-error invalid args
    await expect(fs.cp('/source')).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
    // @ts-expect-error invalid args
    await expect(fs.cp('/source', {})).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')
  })

  it('refuses to copy an unreadable node with NotUnixFSError', async () => {
    const { fs } = setup()
    const source = CID.createV1(identity.code, identity.digest(new TextEncoder().encode('derp')))
    await expect(fs.cp(source, '/foo.txt')).to.eventually.be.rejected.with.property('name', 'NotUnixFSError')
  })

  it('refuses to copy a path that does not exist with DoesNotExistError', async () => {
    const { fs } = setup()
    await expect(fs.cp('/foo.txt', '/bar.txt')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
  })

  it('refuses to copy onto an existing file unless force', async () => {
    const { fs } = setup()
    await fs.writeBytes(Uint8Array.from([0, 1, 3, 4]), '/foo.txt')
    await expect(fs.cp('/foo.txt', '/foo.txt')).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
    await expect(fs.cp('/foo.txt', '/foo.txt', { force: true })).to.eventually.be.undefined()
  })

  it('copies a file to a new location', async () => {
    const { fs } = setup()
    const data = Uint8Array.from([0, 1, 3, 4])
    await fs.writeBytes(data, '/foo.txt')
    await fs.cp('/foo.txt', '/bar')
    expect(await bytesOf(fs.cat('/bar'))).to.equalBytes(data)
  })

  it('copies directories', async () => {
    const { fs } = setup()
    await fs.mkdir('/foo')
    await fs.cp('/foo', '/bar')
    await expect(fs.stat('/bar')).to.eventually.include({ type: 'directory' })
  })

  it('copies a sharded directory into a normal directory', async () => {
    const { fs, blockstore } = setup()
    const sharded = await createShardedDirectory(blockstore)
    await fs.cp(sharded, '/sharded-dir')
    await expect(fs.stat('/')).to.eventually.have.nested.property('unixfs.type', 'directory')
    const stats = await fs.stat('/sharded-dir')
    expect(stats).to.have.nested.property('unixfs.type', 'hamt-sharded-directory')
    expect(stats.cid.toString()).to.equal(sharded.toString())
  })

  it('copies a normal directory into a sharded directory', async () => {
    const { fs, blockstore } = setup()
    await fs.mkdir('/normal-dir')
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-dir')
    await fs.cp('/normal-dir', '/sharded-dir/normal-dir')
    await expect(fs.stat('/sharded-dir')).to.eventually.have.nested.property('unixfs.type', 'hamt-sharded-directory')
    const stats = await fs.stat('/sharded-dir/normal-dir')
    expect(stats).to.have.nested.property('unixfs.type', 'directory')
    expect(stats.cid.toString()).to.equal('bafybeiczsscdsbs7ffqz55asqdf3smv6klcw3gofszvwlyarci47bgf354')
  })

  it('copies a file from a normal directory into a sharded directory', async () => {
    const { fs, blockstore } = setup()
    const path = `/file-${Math.random()}.txt`
    await fs.writeBytes(Uint8Array.from([0, 1, 3, 4]), path, { rawLeaves: false })
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-dir')
    await fs.cp(path, `/sharded-dir${path}`)
    await expect(fs.stat('/sharded-dir')).to.eventually.have.nested.property('unixfs.type', 'hamt-sharded-directory')
    const stats = await fs.stat(`/sharded-dir${path}`)
    expect(stats).to.have.nested.property('unixfs.type', 'file')
    expect(stats.cid.toString()).to.equal('bafybeibyuhrlz5wvmzhn5twibjtpofeek4v6afw3uvk6jkewrdkgivvcea')
  })

  it('refuses to copy onto an existing file in a sharded directory unless force', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/sharded-dir')
    const [file] = await all(fs.ls('/sharded-dir'))
    await expect(fs.cp(file.cid, `/sharded-dir/${file.name}`)).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
    await expect(fs.cp(file.cid, `/sharded-dir/${file.name}`, { force: true })).to.eventually.be.undefined()
  })

  it('copies a file into a sharded directory, making a sub-shard: the importer\'s CID', async () => {
    const { fs, blockstore } = setup()
    const { containingDirCid, fileName, importerCid } = await createSubshardedDirectory(blockstore)
    await fs.cp(importerCid, '/sharded-dir')
    await fs.cp(CID.parse('bafkreiaixnpf23vkyecj5xqispjq5ubcwgsntnnurw2bjby7khe4wnjihu'), `/sharded-dir/${fileName}`)
    expect((await fs.stat('/sharded-dir')).cid.toString()).to.equal(containingDirCid.toString())
  })

  it('a copied directory (unflushed edits, a HAMT inside) changes apart from its source and reads no block twice', async () => {
    const { blockstore: memory, datastore } = setup()
    const first = mfs({ blockstore: memory, datastore })
    await first.cp(await createShardedDirectory(memory, 500), '/src/h', { parents: true })
    const blockstore = new CountingBlockstore(memory)
    const fs = mfs({ blockstore, datastore })
    await fs.writeBytes(Uint8Array.from([1]), '/src/h/new', { flush: false })
    await fs.cp('/src', '/dst')
    await fs.writeBytes(Uint8Array.from([2]), '/dst/h/only-in-copy')
    await fs.rm('/src/h/file-1')
    expect(blockstore.duplicates()).to.deep.equal([])
    const src = (await all(fs.ls('/src/h'))).map(e => e.name)
    const dst = (await all(fs.ls('/dst/h'))).map(e => e.name)
    expect(src).to.include('new').and.not.include('only-in-copy').and.not.include('file-1')
    expect(dst).to.include('new').and.include('only-in-copy').and.include('file-1')
  })

  it('creates missing parents with parents (or force), and refuses without', async () => {
    const { fs } = setup()
    await fs.writeBytes(Uint8Array.from([1]), '/f')
    await expect(fs.cp('/f', '/a/b/f')).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
    await fs.cp('/f', '/a/b/f', { parents: true })
    await fs.cp('/f', '/c/f', { force: true })
    expect(await bytesOf(fs.cat('/a/b/f'))).to.equalBytes(Uint8Array.from([1]))
    expect(await bytesOf(fs.cat('/c/f'))).to.equalBytes(Uint8Array.from([1]))
  })
})
