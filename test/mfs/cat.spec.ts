import { expect } from 'aegir/chai'
import { bytesOf, createShardedDirectory, setup, smallFile } from './setup.js'

describe('mfs: cat (@helia/mfs 8.0.5 cat.spec)', () => {
  it('reads a small file', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/foo.txt')
    expect(await bytesOf(fs.cat('/foo.txt'))).to.equalBytes(smallFile)
  })

  it('reads a file with an offset, a length, and both', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/foo.txt')
    expect(await bytesOf(fs.cat('/foo.txt', { offset: 10 }))).to.equalBytes(smallFile.subarray(10))
    expect(await bytesOf(fs.cat('/foo.txt', { length: 10 }))).to.equalBytes(smallFile.subarray(0, 10))
    expect(await bytesOf(fs.cat('/foo.txt', { offset: 2, length: 5 }))).to.equalBytes(smallFile.subarray(2, 7))
  })

  it('refuses to read a directory with NotAFileError', async () => {
    const { fs } = setup()
    await fs.mkdir('/foo')
    await expect(bytesOf(fs.cat('/foo'))).to.eventually.be.rejected.with.property('name', 'NotAFileError')
  })

  it('refuses a missing path with DoesNotExistError', async () => {
    const { fs } = setup()
    await expect(bytesOf(fs.cat('/nope'))).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')
  })

  it('reads a file from inside a sharded directory', async () => {
    const { fs, blockstore } = setup()
    await fs.cp(await createShardedDirectory(blockstore), '/foo')
    await fs.writeBytes(smallFile, '/foo/new-file.txt')
    expect(await bytesOf(fs.cat('/foo/new-file.txt'))).to.equalBytes(smallFile)
  })
})
