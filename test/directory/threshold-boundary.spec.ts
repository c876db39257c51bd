import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { encodeBasic } from '../../src/basic/codec.js'
import { dynamicDirectory } from '../../src/index.js'
import { buildDirectory, storedShape } from '../fixtures/build.js'
import { randomEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { DirectoryEntry, ShardSplitStrategy } from '../../src/index.js'

/** The estimate each strategy makes, computed independently of src/size.ts */
function estimate (entries: DirectoryEntry[], strategy: ShardSplitStrategy): number {
  if (strategy === 'block-bytes') {
    return encodeBasic({ entries: entries.map(e => ({ ...e, size: Number(e.size) })) }).byteLength
  }
  const encoder = new TextEncoder()
  return entries.reduce((total, e) => total + encoder.encode(e.name).byteLength + e.cid.bytes.byteLength, 0)
}

describe('the threshold boundary', function () {
  this.timeout(30_000)

  for (const strategy of ['links-bytes', 'block-bytes'] as const) {
    describe(strategy, () => {
      const entries = randomEntries(60, 7)
      const size = estimate(entries, strategy)

      it('exactly at the threshold stays basic', async () => {
        const init = { shardSplitThresholdBytes: size, shardSplitStrategy: strategy }
        const { cid, directory, blockstore } = await buildDirectory(entries, init)
        expect(directory.shape).to.equal('basic')
        expect(await storedShape(blockstore, cid)).to.equal('basic')
        expect(cid.toString()).to.equal((await importerDirectory(entries, init)).toString())
      })

      it('one byte over the threshold is a HAMT', async () => {
        const init = { shardSplitThresholdBytes: size - 1, shardSplitStrategy: strategy }
        const { cid, directory, blockstore } = await buildDirectory(entries, init)
        expect(directory.shape).to.equal('hamt')
        expect(await storedShape(blockstore, cid)).to.equal('hamt')
        expect(cid.toString()).to.equal((await importerDirectory(entries, init)).toString())
      })

      it('a delete that brings a HAMT exactly to the threshold turns it basic', async () => {
        const last = entries[entries.length - 1]
        const init = { shardSplitThresholdBytes: estimate(entries.slice(0, -1), strategy), shardSplitStrategy: strategy }
        const blockstore = new MemoryBlockstore()
        const dirs = dynamicDirectory({ blockstore }, init)
        const { cid } = await buildDirectory(entries, init, blockstore)
        const directory = await dirs.open(cid)
        expect(directory.shape).to.equal('hamt')
        await directory.delete(last.name)
        expect(directory.shape).to.equal('basic')
        expect((await directory.flush()).toString()).to.equal((await importerDirectory(entries.slice(0, -1), init)).toString())
      })

      it('an overwrite with a shorter CID that brings it to the threshold turns it basic', async () => {
        // a CIDv1 entry (36 bytes) re-pointed at a CIDv0 (34 bytes)
        const target = entries.find(e => e.cid.version === 1)
        if (target == null) {
          throw new Error('fixture needs a CIDv1 entry')
        }
        const shorter = { ...target, cid: randomEntries(1, 99, { cidKinds: ['v0'] })[0].cid }
        const after = entries.map(e => e.name === target.name ? shorter : e)
        const init = { shardSplitThresholdBytes: estimate(after, strategy), shardSplitStrategy: strategy }
        expect(estimate(entries, strategy)).to.be.greaterThan(init.shardSplitThresholdBytes)

        const blockstore = new MemoryBlockstore()
        const { cid } = await buildDirectory(entries, init, blockstore)
        const directory = await dynamicDirectory({ blockstore }, init).open(cid)
        expect(directory.shape).to.equal('hamt')
        await directory.set(shorter.name, shorter.cid, { size: shorter.size })
        expect(directory.shape).to.equal('basic')
        expect((await directory.flush()).toString()).to.equal((await importerDirectory(after, init)).toString())
      })
    })
  }
})
