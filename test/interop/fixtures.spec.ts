import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { dynamicDirectory } from '../../src/index.js'
import { decodeUnixFSData } from '../../src/pb/unixfs-data.js'
import { buildDirectory, collect } from '../fixtures/build.js'
import { GWC_CAR, GWC_ROOT, GWC_TSV, KUBO_CAR, KUBO_ROOT, KUBO_TSV, entriesFromTsv, loadCar } from '../fixtures/car.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'
import type { CID } from 'multiformats/cid'

const fixtures: Array<{ name: string, car: string, root: CID, tsv: string, init: DynamicDirectoryInit, shards: number }> = [
  // made with sharding forced: its entries add up to 42,893 links-bytes
  { name: 'gateway-conformance single-layer HAMT', car: GWC_CAR, root: GWC_ROOT, tsv: GWC_TSV, init: { shardSplitThresholdBytes: 1 }, shards: 237 },
  { name: 'kubo TestGatewayHAMTDirectory', car: KUBO_CAR, root: KUBO_ROOT, tsv: KUBO_TSV, init: {}, shards: 961 }
]

function sortByName (entries: DirectoryEntry[]): Array<[string, string, bigint]> {
  return entries.map((e): [string, string, bigint] => [e.name, e.cid.toString(), e.size]).sort((a, b) => a[0].localeCompare(b[0]))
}

describe('public HAMT fixtures', function () {
  this.timeout(60_000)

  for (const fixture of fixtures) {
    describe(fixture.name, () => {
      it('building the listed entries gives the published root CID', async () => {
        const entries = await entriesFromTsv(fixture.tsv)
        const { cid, directory } = await buildDirectory(entries, fixture.init)
        expect(directory.shape).to.equal('hamt')
        expect(cid.toString()).to.equal(fixture.root.toString())
      })

      it('opening the CAR root lists every entry, with each shard fetched once', async () => {
        const { blockstore } = await loadCar(fixture.car)
        const directory = await dynamicDirectory({ blockstore }, fixture.init).open(fixture.root)
        expect(directory.shape).to.equal('hamt')
        expect(directory.stats.fetchedBlocks).to.equal(1)

        const listed = await collect(directory)
        expect(sortByName(listed)).to.deep.equal(sortByName(await entriesFromTsv(fixture.tsv)))
        expect(directory.stats.fetchedBlocks).to.equal(fixture.shards)
        expect(directory.stats.retainedNodes).to.equal(fixture.shards)
        expect(directory.stats.sizeExact).to.equal(true)

        // unchanged, it flushes to its own CID without writing a new root
        expect((await directory.flush()).toString()).to.equal(fixture.root.toString())
      })

      it('rewriting the root after an edit keeps hashType 0x22 and round-trips to the published CID', async () => {
        const { blockstore } = await loadCar(fixture.car)
        const dirs = dynamicDirectory({ blockstore }, fixture.init)
        const directory = await dirs.open(fixture.root)
        const [first] = await collect(directory)
        expect(await directory.delete(first.name)).to.equal(true)
        const edited = await directory.flush()
        expect(edited.toString()).to.not.equal(fixture.root.toString())
        const { Data } = dagPb.decode(await toBytes(blockstore.get(edited)))
        expect(decodeUnixFSData(Data ?? new Uint8Array()).hashType).to.equal(0x22)

        const reopened = await dirs.open(edited)
        await reopened.set(first.name, first.cid, { size: first.size })
        expect((await reopened.flush()).toString()).to.equal(fixture.root.toString())
      })
    })
  }
})
