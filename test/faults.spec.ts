/**
 * Faults a long-running node meets, one regression spec each:
 * a prefetch racing the foreground, concurrent opens of one cold CID, the
 * retained-tree bound over many listings, bytes that do not match their CID,
 * options out of range and a blockstore whose `put` fails. The restart and the peer that hangs up need real nodes: see
 * `network/restart.node.ts` and `network/stall.node.ts`.
 */

import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { sha512 } from 'multiformats/hashes/sha2'
import { dynamicDirectory } from '../src/index.js'
import { collect } from './fixtures/build.js'
import { CountingBlockstore, blockKey, toBytes } from './fixtures/counting-blockstore.js'
import { asciiEntries, randomFor } from './fixtures/entries.js'
import { importerDirectory } from './fixtures/importer.js'
import { storedHamt } from './fixtures/stored-hamt.js'
import type { DirectoryService } from '../src/service.js'
import type { StoredHamt } from './fixtures/stored-hamt.js'
import type { AbortOptions } from '@libp2p/interface'

async function until (condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`not met within ${timeoutMs} ms`)
    }
    await new Promise(resolve => setTimeout(resolve, 5))
  }
}

/** The error `promise` rejects with; fails the test if it resolves */
async function failure (promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  expect.fail('expected a rejection')
}

/** A blockstore over `inner` that answers some blocks with other bytes, and whose `put` can be made to fail */
class LyingBlockstore {
  readonly inner: MemoryBlockstore
  readonly lies = new Map<string, Uint8Array>()
  failPut?: (cid: CID) => boolean

  constructor (inner: MemoryBlockstore) {
    this.inner = inner
  }

  get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> | Generator<Uint8Array> {
    const lie = this.lies.get(blockKey(cid))
    return lie == null ? this.inner.get(cid, options) : (function * () { yield lie })()
  }

  async put (cid: CID, bytes: Uint8Array, options?: AbortOptions): Promise<CID> {
    if (this.failPut?.(cid) === true) {
      throw new Error('LyingBlockstore: put failed on purpose')
    }
    return this.inner.put(cid, bytes, options)
  }

  has (cid: CID, options?: AbortOptions): boolean | Promise<boolean> {
    return this.inner.has(cid, options)
  }
}

async function bytesOf (store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  return toBytes(store.get(cid))
}

describe('faults of a long-running node', function () {
  this.timeout(120_000)
  let hamt: StoredHamt

  before(async () => {
    hamt = await storedHamt(10_000, 'fault-')
  })

  // the prefetch asked first and was held back; the listing read the block meanwhile
  it('a prefetch held back behind a listing does not read again what the listing read', async () => {
    const random = randomFor(17)
    const store = new CountingBlockstore(hamt.store, { delayFor: () => random.int(3) })
    const directory = await dynamicDirectory({ blockstore: store }).open(hamt.root, { prefetch: true })
    expect((await collect(directory)).length).to.equal(hamt.entries.length)
    await until(() => !directory.stats.prefetching && store.inFlight === 0)

    expect(store.duplicates()).to.deep.equal([], 'blocks read twice')
    expect(store.totalGets).to.equal(hamt.nodes.length)
  })

  // two opens (and two edits) of one cold CID at once share one tree
  it('concurrent calls on one cold CID open it once and share its tree', async () => {
    const store = new CountingBlockstore(hamt.store, { delayMs: 1 })
    const dirs = dynamicDirectory({ blockstore: store })
    const [first, second] = await Promise.all([dirs.open(hamt.root), dirs.open(hamt.root)])
    expect(store.count(hamt.root)).to.equal(1)
    expect((await collect(first)).length).to.equal(hamt.entries.length)
    const gets = store.totalGets
    expect((await collect(second)).length).to.equal(hamt.entries.length)
    expect(store.totalGets).to.equal(gets, 'the second Directory fetched again what the first listed')

    const names = asciiEntries(10_000, 'other-')
    const other = await importerDirectory(names, {}, hamt.store)
    store.reset()
    const [a, b] = [names[2].name, names[7_000].name]
    const [withoutA, withoutB] = await Promise.all([dirs.rm(other, a), dirs.rm(other, b)])
    expect(store.duplicates()).to.deep.equal([], 'blocks two concurrent rm read twice')
    expect(withoutA.toString()).to.equal((await importerDirectory(names.filter(e => e.name !== a))).toString())
    expect(withoutB.toString()).to.equal((await importerDirectory(names.filter(e => e.name !== b))).toString())
  })

  // each listing must not keep up to cacheNodes more nodes (201, 401, ... 1,601)
  it('the retained-tree bound holds over many listings, with and without prefetch', async () => {
    for (const prefetch of [false, true]) {
      for (const bound of [50]) {
        const dirs = dynamicDirectory({ blockstore: hamt.store }, { cacheNodes: bound, prefetch }) as DirectoryService
        for (let listing = 1; listing <= 5; listing++) {
          const directory = await dirs.open(hamt.root)
          expect((await collect(directory)).length).to.equal(hamt.entries.length)
          let names = 0
          for await (const entry of dirs.ls(hamt.root)) {
            names += entry.name.length > 0 ? 1 : 0
          }
          expect(names).to.equal(hamt.entries.length)
          await until(() => !directory.stats.prefetching)
          expect(dirs.cachedNodes).to.be.at.most(bound, `prefetch ${prefetch}, bound ${bound}, listing ${listing}`)
        }
      }
    }
  })

  // bytes that do not hash to their CID are refused, and nothing of them enters the shared tree
  it('refuses block bytes that do not match their CID, leaving the directory unchanged', async () => {
    const store = new LyingBlockstore(hamt.store)
    const dirs = dynamicDirectory({ blockstore: store })
    const directory = await dirs.open(hamt.root)
    const shard = hamt.nodes[3]
    const honest = dagPb.decode(await bytesOf(hamt.store, shard.cid))
    // one entry's Tsize changed
    store.lies.set(blockKey(shard.cid), dagPb.encode({ ...honest, Links: honest.Links.map((link, i) => i === 0 ? { ...link, Tsize: (link.Tsize ?? 0) + 1 } : link) }))
    expect(await failure(collect(directory))).to.have.property('name', 'BlockVerificationError')
    // another file's CID swapped in, through the CID-in, CID-out calls
    const swapped = hamt.entries[0].cid
    store.lies.set(blockKey(shard.cid), dagPb.encode({ ...honest, Links: honest.Links.map((link, i) => i === 0 && link.Name?.length !== 2 ? { ...link, Hash: swapped } : link) }))
    const err = await failure((async () => { for await (const entry of dirs.ls(hamt.root)) { void entry } })())
    expect(err).to.have.property('name', 'BlockVerificationError')

    // nothing of the lie stayed: the honest store lists and edits the same Directory correctly
    store.lies.clear()
    expect((await collect(directory)).map(entry => entry.name).sort()).to.deep.equal(hamt.entries.map(entry => entry.name).sort())
    expect((await dirs.rm(hamt.root, hamt.entries[1].name)).toString()).to.equal((await importerDirectory(hamt.entries.filter((_, i) => i !== 1))).toString())

    // a child read for its size: truncated bytes, a hash nobody here can check, then sha2-512 and identity
    const child = Uint8Array.from({ length: 100 }, (_, i) => i)
    const childCid = CID.createV1(raw.code, await (await import('multiformats/hashes/sha2')).sha256.digest(child))
    await hamt.store.put(childCid, child)
    store.lies.set(blockKey(childCid), child.subarray(0, 50))
    const small = dynamicDirectory({ blockstore: store }).create()
    expect(await failure(small.set('child', childCid))).to.have.property('name', 'BlockVerificationError')
    expect(await small.has('child')).to.equal(false)
    const murmur = CID.createV1(raw.code, { code: 0x22, size: 8, digest: new Uint8Array(8), bytes: Uint8Array.of(0x22, 8, 0, 0, 0, 0, 0, 0, 0, 0) })
    expect(await failure(small.set('murmur', murmur))).to.have.property('name', 'BlockVerificationError')
    store.lies.clear()
    await small.set('child', childCid)
    const long = CID.createV1(raw.code, await sha512.digest(child))
    await hamt.store.put(long, child)
    await small.set('long', long)
    const inline = CID.createV1(raw.code, identity.digest(child.subarray(0, 20)))
    await small.set('inline', inline)
    expect((await small.get('child'))?.size).to.equal(100n)
    expect((await small.get('long'))?.size).to.equal(100n)
    expect((await small.get('inline'))?.size).to.equal(20n)
  })

  // the cache's options are checked like every other numeric option; a failed put is typed
  it('refuses bad cacheNodes and prefetchNodes, and types a failed put, leaving a retry canonical', async () => {
    const blockstore = hamt.store
    for (const name of ['cacheNodes', 'prefetchNodes', 'stallTimeoutMs']) {
      for (const value of [-1, NaN, Infinity, 1.5, '10']) {
        expect(() => dynamicDirectory({ blockstore }, { [name]: value })).to.throw().with.property('name', 'InvalidParametersError', `${name}: ${String(value)}`)
      }
    }

    const store = new LyingBlockstore(hamt.store)
    const directory = await dynamicDirectory({ blockstore: store }).open(hamt.root)
    expect(await directory.delete(hamt.entries[3].name)).to.equal(true)
    let puts = 0
    store.failPut = () => ++puts === 2
    const err = await failure(directory.flush())
    expect(err).to.have.property('name', 'BlockWriteError')
    expect(err.cause).to.have.property('message', 'LyingBlockstore: put failed on purpose')
    store.failPut = undefined
    expect(await directory.has(hamt.entries[3].name)).to.equal(false)
    expect((await directory.flush()).toString()).to.equal((await importerDirectory(hamt.entries.filter((_, i) => i !== 3))).toString())
  })
})
