/**
 * Results that must depend only on the final entries and the options, never
 * on which cached tree or which earlier shape an edit started from.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import * as api from '../../src/index.js'
import { dynamicDirectory } from '../../src/index.js'
import { asciiEntries, linksBytes } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { subShards } from '../fixtures/shard-layout.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'
import type { CID } from 'multiformats/cid'

async function importerCid (entries: Iterable<DirectoryEntry>, init: DynamicDirectoryInit = {}): Promise<string> {
  return (await importerDirectory(entries, init)).toString()
}

/** Names of the error classes the package exports */
const ERROR_NAMES = Object.values(api)
  .filter((value): value is typeof Error => typeof value === 'function' && value.prototype instanceof Error)
  .map(type => type.name)

describe('results that once depended on the cache or history', function () {
  this.timeout(60_000)

  describe('a HAMT that turned basic and back takes the options\' fanout', () => {
    const THRESHOLD = 123
    const FANOUT_16 = { shardSplitThresholdBytes: THRESHOLD, shardFanoutBits: 4 }
    const FANOUT_256 = { shardSplitThresholdBytes: THRESHOLD, shardFanoutBits: 8 }
    // 39 bytes each by links-bytes: 20 make a HAMT, 3 a basic directory, 4 a HAMT again
    const entries = asciiEntries(20, 'h', { digits: 2 })
    const added = asciiEntries(5, 'k', { digits: 2 })
    let c0: CID
    let blockstore: MemoryBlockstore
    let removals: DirectoryEntry[]
    let kept: DirectoryEntry[]

    before(async () => {
      blockstore = new MemoryBlockstore()
      c0 = await importerDirectory(entries, FANOUT_16, blockstore)
      const firstBasic = entries.findIndex((_, i) => linksBytes(entries.slice(i + 1)) <= THRESHOLD)
      removals = entries.slice(0, firstBasic + 1)
      kept = entries.slice(firstBasic + 1)
      expect(kept).to.have.lengthOf(3)
    })

    /** The entries after the removals and `count` additions, and the CID the importer gives them with fanout 256 */
    async function expected (count: number): Promise<string> {
      const final = [...kept, ...added.slice(0, count)]
      // the check can fail: fanout 16 would give another CID
      expect(await importerCid(final, FANOUT_16)).to.not.equal(await importerCid(final, FANOUT_256))
      return importerCid(final, FANOUT_256)
    }

    /** rm until basic, then cp until a HAMT, through the CID API of `service(call)` */
    async function throughCids (service: (call: number) => api.DynamicDirectories): Promise<{ cid: CID, count: number }> {
      let call = 0
      let cid = c0
      expect((await service(call++).stat(cid)).shape).to.equal('hamt')
      for (const [i, entry] of removals.entries()) {
        cid = await service(call++).rm(cid, entry.name)
        expect((await service(call++).stat(cid)).shape).to.equal(i === removals.length - 1 ? 'basic' : 'hamt')
      }
      let count = 0
      while ((await service(call++).stat(cid)).shape === 'basic') {
        const entry = added[count++]
        cid = await service(call++).cp(entry.cid, cid, entry.name, { size: entry.size })
      }
      return { cid, count }
    }

    // (i) one service: each call starts from the tree the previous call cached
    it('through one service (cache hits)', async () => {
      const dirs = dynamicDirectory({ blockstore }, FANOUT_256)
      const { cid, count } = await throughCids(() => dirs)
      expect(count).to.equal(1)
      expect(cid.toString()).to.equal(await expected(count))
    })

    // (ii) one opened Directory: delete until basic, set until a HAMT, flush
    it('through open(), set and flush', async () => {
      const directory = await dynamicDirectory({ blockstore }, FANOUT_256).open(c0)
      for (const entry of removals) {
        expect(directory.shape).to.equal('hamt')
        expect(await directory.delete(entry.name)).to.equal(true)
      }
      expect(directory.shape).to.equal('basic')
      let count = 0
      while (directory.shape === 'basic') {
        const entry = added[count++]
        await directory.set(entry.name, entry.cid, { size: entry.size })
      }
      expect(count).to.equal(1)
      expect((await directory.flush()).toString()).to.equal(await expected(count))
    })

    // (iii) a fresh service per call: nothing cached
    it('through a fresh service per call', async () => {
      const { cid, count } = await throughCids(() => dynamicDirectory({ blockstore }, FANOUT_256))
      expect(count).to.equal(1)
      expect(cid.toString()).to.equal(await expected(count))
    })
  })

  describe('an empty directory has one CID, even under a threshold below its own size', () => {
    const [entry] = asciiEntries(1, 'a')

    for (const threshold of [0, 1, 2, 3]) {
      const init = { shardSplitStrategy: 'block-bytes', shardSplitThresholdBytes: threshold } as const

      // set then delete of the only entry flushes to the empty directory the importer and create() give
      it(`block-bytes, threshold ${threshold}: create, set, delete, flush`, async () => {
        const dirs = dynamicDirectory({ blockstore: new MemoryBlockstore() }, init)
        const empty = await importerCid([], init)
        expect((await dirs.create().flush()).toString()).to.equal(empty)

        const directory = dirs.create()
        await directory.set(entry.name, entry.cid, { size: entry.size })
        expect(await directory.delete(entry.name)).to.equal(true)
        expect((await directory.flush()).toString()).to.equal(empty)
      })

      // the same through the CID API: cp into the empty directory, then rm
      it(`block-bytes, threshold ${threshold}: cp then rm`, async () => {
        const dirs = dynamicDirectory({ blockstore: new MemoryBlockstore() }, init)
        const empty = await importerCid([], init)
        const c0 = await dirs.create().flush()
        const c1 = await dirs.cp(entry.cid, c0, entry.name, { size: entry.size })
        expect(c1.toString()).to.equal(await importerCid([entry], init))
        expect((await dirs.rm(c1, entry.name)).toString()).to.equal(empty)
      })
    }
  })

  // a sub-shard whose cumulative Tsize passes 2^53 cannot be written: flush says so with a typed error, and nothing changes
  it('flush refuses a Tsize over 2^53 with a typed error and leaves the directory as it was', async () => {
    const init = { shardSplitThresholdBytes: 1000 }
    const entries = asciiEntries(1_000, 'big-')
    const blockstore = new MemoryBlockstore()
    const root = await importerDirectory(entries, init, blockstore)
    // two names held directly by one sub-shard of the root
    const shard = (await subShards(blockstore, root)).find(s => s.direct.length >= 2)
    if (shard == null) {
      throw new Error('fixture needs a sub-shard holding two entries')
    }
    const [first, second] = shard.direct.map(name => entries.find(e => e.name === name) as DirectoryEntry)
    // each fits a link; together they pass Number.MAX_SAFE_INTEGER
    const huge = 2n ** 52n

    const directory = await dynamicDirectory({ blockstore }, init).open(root)
    await directory.set(first.name, first.cid, { size: huge })
    await directory.set(second.name, second.cid, { size: huge })

    for (let attempt = 0; attempt < 2; attempt++) {
      const err = await directory.flush().then(() => undefined, (err: Error) => err)
      expect(err, 'flush should reject').to.be.an('error')
      expect(err?.name).to.not.equal('Error')
      expect(ERROR_NAMES).to.include(err?.name)
      expect((await directory.get(first.name))?.size).to.equal(huge)
      expect((await directory.get(second.name))?.size).to.equal(huge)
    }

    expect(await directory.delete(first.name)).to.equal(true)
    const final = entries.filter(e => e.name !== first.name).map(e => e.name === second.name ? { ...e, size: huge } : e)
    expect((await directory.flush()).toString()).to.equal(await importerCid(final, init))
  })
})
