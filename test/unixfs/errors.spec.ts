import * as anchor from '@helia/unixfs/errors'
import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { sha256 } from 'multiformats/hashes/sha2'
import * as index from '../../src/index.js'
import * as dropIn from '../../src/unixfs/index.js'
import { all, files, imported, setup } from './setup.js'
import type { Setup } from './setup.js'

type AnchorClass = new (...args: any[]) => Error

/** The error `call` rejects with, checked to be `Class` with its `name` and `code` */
async function rejection (call: Promise<unknown> | AsyncIterable<unknown>, Class: AnchorClass, code: string, name = new Class().name): Promise<Error & { code?: string }> {
  const promise = Symbol.asyncIterator in call ? all(call) : call
  const err = await promise.then(() => { throw new Error(`expected ${name}, the call succeeded`) }, (err: Error) => err)
  expect(err, String(err)).to.be.an.instanceOf(Class)
  expect(err).to.include({ name, code })
  return err
}

/** A basic directory (as the importer writes one) linking `links` */
async function directoryOf (s: Setup, links: Array<{ name: string, cid: CID, size: number }>): Promise<CID> {
  const bytes = dagPb.encode(dagPb.prepare({
    Data: new UnixFS({ type: 'directory' }).marshal(),
    Links: links.map(link => ({ Name: link.name, Hash: link.cid, Tsize: link.size })).sort((a, b) => a.Name < b.Name ? -1 : 1)
  }))
  const cid = CID.createV1(dagPb.code, await sha256.digest(bytes))
  await s.blockstore.put(cid, bytes)
  return cid
}

describe('unixfs drop-in: @helia/unixfs\'s error classes and codes', function () {
  this.timeout(60_000)

  it('exports @helia/unixfs\'s classes under the names it exported', () => {
    expect(dropIn.NotUnixFSError).to.equal(anchor.NotUnixFSError)
    expect(dropIn.InvalidPBNodeError).to.equal(anchor.InvalidPBNodeError)
    expect(index.NotUnixFSError).to.equal(anchor.NotUnixFSError)
    expect(index.InvalidPBNodeError).to.equal(anchor.InvalidPBNodeError)
    expect(new dropIn.NotUnixFSError()).to.include({ name: 'NotUnixFSError', code: 'ERR_NOT_UNIXFS' })
  })

  it('AlreadyExistsError (ERR_ALREADY_EXISTS) from cp and mkdir, in basic and HAMT directories, as @helia/unixfs', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    for (const dir of [await imported(s, entries), await imported(s, entries, { shardSplitThresholdBytes: 500 })]) {
      for (const fs of [s.fs, s.peer]) {
        const err = await rejection(fs.cp(entries[1].cid, dir, entries[0].name), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS')
        await rejection(fs.mkdir(dir, entries[0].name), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS')
        if (fs === s.fs) {
          // the engine's error is kept as the cause
          expect(err.cause).to.have.property('name', 'AlreadyExistsError')
          expect(err.cause).to.be.an.instanceOf(index.AlreadyExistsError)
        }
      }
    }
  })

  it('NotADirectoryError (ERR_NOT_A_DIRECTORY) for a target that is a file, raw or dag-pb, as @helia/unixfs', async () => {
    const s = await setup()
    const raw = await s.fs.addBytes(Uint8Array.from([1, 2, 3]))
    const file = await s.fs.addBytes(Uint8Array.from([1, 2, 3]), { rawLeaves: false })
    for (const target of [raw, file]) {
      for (const fs of [s.fs, s.peer]) {
        await rejection(fs.cp(raw, target, 'x'), anchor.NotADirectoryError, 'ERR_NOT_A_DIRECTORY')
        await rejection(fs.mkdir(target, 'x'), anchor.NotADirectoryError, 'ERR_NOT_A_DIRECTORY')
      }
    }
  })

  it('NotUnixFSError (ERR_NOT_UNIXFS) for a cp source that is not UnixFS, as @helia/unixfs', async () => {
    const s = await setup()
    const source = CID.createV1(identity.code, identity.digest(new TextEncoder().encode('derp')))
    for (const fs of [s.fs, s.peer]) {
      await rejection(fs.cp(source, s.emptyDir, 'x'), anchor.NotUnixFSError, 'ERR_NOT_UNIXFS')
    }
  })

  it('InvalidParametersError (ERR_INVALID_PARAMETERS) for a bad name or a value it cannot honour', async () => {
    const s = await setup()
    const [file] = await files(s.fs, 1)
    const dir = await s.fs.cp(file.cid, s.emptyDir, file.name)
    await rejection(s.fs.cp(file.cid, dir, 'a/b'), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.peer.cp(file.cid, dir, 'a/b'), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.fs.rm(dir, 'a/b'), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.fs.mkdir(dir, '..'), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.fs.cp(file.cid, dir, 'x', { shardFanoutBits: 11 }), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.fs.cp(file.cid, dir, 'x', { providers: [file.cid] } as any), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.fs.ls(dir, { offset: -1 }), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    await rejection(s.fs.stat(dir, { offline: 'yes' } as any), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS')
    expect(() => dropIn.unixfs(s, { fetchBudget: 0 })).to.throw(anchor.InvalidParametersError).with.property('code', 'ERR_INVALID_PARAMETERS')
  })

  it('NotFoundError with ERR_NOT_FOUND for an absent path segment or name and for a missing block, as @helia/unixfs\'s', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    for (const fs of [s.fs, s.peer]) {
      for (const call of [fs.stat(hamt, { path: 'absent' }), fs.ls(hamt, { path: `absent/${entries[0].name}` })]) {
        await rejection(call, Error, 'ERR_NOT_FOUND', 'NotFoundError')
      }
    }
    // @helia/unixfs throws a plain Error here: the drop-in's NotFoundError is also the engine's
    const err = await rejection(s.fs.rm(hamt, 'absent'), index.NotFoundError, 'ERR_NOT_FOUND')
    expect(err.cause).to.be.an.instanceOf(index.NotFoundError)
    await s.blockstore.delete(hamt)
    for (const fs of [s.fs, s.peer]) {
      await rejection(fs.ls(hamt, { offline: true }), Error, 'ERR_NOT_FOUND', 'NotFoundError')
      await rejection(fs.rm(hamt, entries[0].name, { offline: true }), Error, 'ERR_NOT_FOUND', 'NotFoundError')
    }
  })

  it('InvalidPBNodeError (ERR_INVALID_PB_NODE) and UnknownError from stat with extended, as @helia/unixfs', async () => {
    const s = await setup()
    const empty = dagPb.encode({ Links: [] })
    const noData = CID.createV1(dagPb.code, await sha256.digest(empty))
    await s.blockstore.put(noData, empty)
    const broken = await directoryOf(s, [{ name: 'no-data', cid: noData, size: empty.byteLength }])
    // dag-cbor's empty map
    const cborBytes = Uint8Array.from([0xa0])
    const cbor = CID.createV1(0x71, await sha256.digest(cborBytes))
    await s.blockstore.put(cbor, cborBytes)
    const foreign = await directoryOf(s, [{ name: 'cbor', cid: cbor, size: cborBytes.byteLength }])
    for (const fs of [s.fs, s.peer]) {
      await rejection(fs.stat(broken, { extended: true }), anchor.InvalidPBNodeError, 'ERR_INVALID_PB_NODE')
      // @helia/unixfs's UnknownError carries InvalidPBNodeError's name
      await rejection(fs.stat(foreign, { extended: true }), anchor.UnknownError, 'ERR_UNKNOWN_ERROR', 'InvalidPBNodeError')
    }
  })

  it('NotAFileError (ERR_NOT_A_FILE) from cat of a directory, basic or HAMT, as @helia/unixfs', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const dir = await s.fs.cp(hamt, s.emptyDir, 'hamt')
    for (const fs of [s.fs, s.peer]) {
      await rejection(fs.cat(dir), anchor.NotAFileError, 'ERR_NOT_A_FILE')
      await rejection(fs.cat(dir, { path: 'hamt' }), anchor.NotAFileError, 'ERR_NOT_A_FILE')
    }
  })

  it('every engine-run method throws @helia/unixfs\'s class for what the engine refuses', async () => {
    const s = await setup()
    const entries = await files(s.fs, 40)
    const hamt = await imported(s, entries, { shardSplitThresholdBytes: 500 })
    const raw = entries[0].cid
    const calls: Array<[() => Promise<unknown> | AsyncIterable<unknown>, AnchorClass, string]> = [
      [() => s.fs.cp(raw, hamt, entries[1].name), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS'],
      [() => s.fs.mkdir(hamt, entries[1].name), anchor.AlreadyExistsError, 'ERR_ALREADY_EXISTS'],
      [() => s.fs.rm(raw, 'x'), anchor.NotADirectoryError, 'ERR_NOT_A_DIRECTORY'],
      [() => s.fs.ls(hamt, { length: -1 }), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS'],
      [() => s.fs.stat(hamt, { extended: 1 } as any), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS'],
      [() => s.fs.chmod(hamt, 0o700, { offline: 'no' } as any), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS'],
      [() => s.fs.touch(hamt, { offline: 'no' } as any), anchor.InvalidParametersError, 'ERR_INVALID_PARAMETERS']
    ]
    for (const [call, Class, code] of calls) {
      expect(await rejection(call(), Class, code)).to.be.an.instanceOf(anchor.UnixFSError)
    }
  })
})
