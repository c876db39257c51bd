import * as anchor from '@helia/unixfs/errors'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import * as index from '../../src/index.js'
import * as dropIn from '../../src/mfs/index.js'
import { all, setup, smallFile } from './setup.js'

type AnchorClass = new (...args: any[]) => Error

/** The error `call` rejects with, checked to be `Class` with its `name` and `code` */
async function rejection (call: Promise<unknown> | AsyncIterable<unknown>, Class: AnchorClass, code: string | undefined): Promise<Error & { code?: string }> {
  const promise = Symbol.asyncIterator in call ? all(call) : call
  const err = await promise.then(() => { throw new Error(`expected ${Class.name}, the call succeeded`) }, (err: Error) => err)
  expect(err, String(err)).to.be.an.instanceOf(Class)
  // the instance's name: a bundler may rename the class binding (esbuild: AlreadyExistsError2)
  expect(err).to.have.property('name', new Class().name)
  expect(err).to.have.property('code', code)
  return err
}

describe('mfs: @helia/unixfs\'s error classes and codes, as @helia/mfs throws them', function () {
  this.timeout(60_000)

  it('exports DoesNotExistError as @helia/unixfs\'s class; its own errors under their names', () => {
    expect(dropIn.DoesNotExistError).to.equal(anchor.DoesNotExistError)
    expect(new dropIn.DoesNotExistError()).to.include({ name: 'DoesNotExistError', code: 'ERR_DOES_NOT_EXIST' })
    expect(new dropIn.DirectoryNotEmptyError().name).to.equal('DirectoryNotEmptyError')
    expect(new dropIn.NoFlushLimitError().name).to.equal('NoFlushLimitError')
  })

  it('AlreadyExistsError (ERR_ALREADY_EXISTS) from mkdir, cp, writeBytes and mv onto an existing path', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/f')
    await fs.mkdir('/d')
    const err = await rejection(fs.mkdir('/d'), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS')
    // the engine's error is kept as the cause
    expect(err.cause).to.be.an.instanceOf(index.AlreadyExistsError)
    await rejection(fs.cp('/f', '/d'), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS')
    await rejection(fs.writeBytes(smallFile, '/f'), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS')
    await rejection(fs.mv('/f', '/d'), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS')
  })

  it('DoesNotExistError (ERR_DOES_NOT_EXIST) from every call on a missing path', async () => {
    const { fs } = setup()
    await fs.mkdir('/d')
    const calls: Array<() => Promise<unknown> | AsyncIterable<unknown>> = [
      () => fs.stat('/nope'),
      () => fs.stat('/no/such/path'),
      () => fs.cat('/nope'),
      () => fs.ls('/nope'),
      () => fs.rm('/nope'),
      () => fs.cp('/nope', '/x'),
      () => fs.mv('/nope', '/x'),
      () => fs.chmod('/nope', 0o700),
      () => fs.touch('/nope'),
      () => fs.flush('/nope')
    ]
    for (const call of calls) {
      await rejection(call(), anchor.DoesNotExistError, 'ERR_DOES_NOT_EXIST')
    }
  })

  it('NotADirectoryError (ERR_NOT_A_DIRECTORY) for a file on the path', async () => {
    const { fs } = setup()
    await fs.writeBytes(smallFile, '/f')
    await rejection(fs.mkdir('/f/sub'), anchor.NotADirectoryError, 'ERR_NOT_A_DIRECTORY')
    await rejection(fs.writeBytes(smallFile, '/f/sub/x', { parents: true }), anchor.NotADirectoryError, 'ERR_NOT_A_DIRECTORY')
    await rejection(fs.cp('/f', '/f/copy'), anchor.NotADirectoryError, 'ERR_NOT_A_DIRECTORY')
  })

  it('InvalidParametersError (ERR_INVALID_PARAMETERS) for a missing or relative path, the root, a bad value', async () => {
    const { fs } = setup()
    // @ts-expect-error invalid args
    await rejection(fs.cp(), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    // @ts-expect-error invalid args
    await rejection(fs.rm(), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(fs.rm('/'), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(fs.stat('relative'), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(fs.ls('/', { offset: -1 }), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(fs.mkdir('/x', { shardFanoutBits: 11 }), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    expect(() => dropIn.mfs({ blockstore: new MemoryBlockstore(), datastore: new MemoryDatastore() }, { noFlushLimit: -1 }))
      .to.throw(anchor.InvalidParametersError).with.property('code', 'ERR_INVALID_PARAMETERS')
  })

  it('NotUnixFSError (ERR_NOT_UNIXFS) from cp of a source that is not UnixFS, NotAFileError (ERR_NOT_A_FILE) from cat of a directory', async () => {
    const { fs } = setup()
    const source = CID.createV1(identity.code, identity.digest(new TextEncoder().encode('derp')))
    await rejection(fs.cp(source, '/x'), anchor.NotUnixFSError, 'ERR_NOT_UNIXFS')
    await fs.mkdir('/d')
    await rejection(fs.cat('/d'), anchor.NotAFileError, 'ERR_NOT_A_FILE')
    await rejection(fs.cat('/'), anchor.NotAFileError, 'ERR_NOT_A_FILE')
  })

  it('what @helia/mfs has no class for stays this package\'s: DirectoryNotEmptyError, NoFlushLimitError', async () => {
    const { fs } = setup({ noFlushLimit: 1 })
    await fs.writeBytes(smallFile, '/a/f', { parents: true })
    const notEmpty = await fs.rm('/a', { recursive: false }).catch((err: Error) => err)
    expect(notEmpty).to.be.an.instanceOf(dropIn.DirectoryNotEmptyError).and.not.an.instanceOf(anchor.UnixFSError)
    await fs.mkdir('/b', { flush: false })
    const limit = await fs.mkdir('/c', { flush: false }).catch((err: Error) => err)
    expect(limit).to.be.an.instanceOf(dropIn.NoFlushLimitError).and.not.an.instanceOf(anchor.UnixFSError)
  })
})
