/**
 * History and kubo's MFS (docs/kubo-divergences.md). boxo's DynamicDirectory
 * (under kubo's MFS) turns a HAMT basic only when the net link-size change
 * since it loaded the directory is negative, and never turns a basic
 * directory into a HAMT on a removal. This package gives a shrinking edit of
 * a HAMT the shape its entries call for, and makes any edited basic directory
 * over the threshold a HAMT, as `ipfs-unixfs-importer` would build it.
 *
 * Measured on kubo 0.43.1: the net-change rule does not show through `ipfs
 * files` (removing the entry that made a directory a HAMT gives the basic
 * directory back, flushed or not); a basic directory over the threshold,
 * built with a larger one, stays basic in kubo on a delete (the divergence);
 * a HAMT under the threshold, built with a smaller one, stays a HAMT on a
 * growing edit in kubo and here (the importer would build it basic). Each
 * case compares kubo's CID, this package's and the importer's for the final
 * entries; kubo takes the directories the Helia node holds over Bitswap.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CID } from 'multiformats/cid'
import { dynamicDirectory } from '../../../src/index.js'
import { storedShape } from '../../fixtures/build.js'
import { KUBO_VERSION, connectKubo, describeKubo, importerAddDirectory, kuboAddDirectory, mfsHash, startKubo } from '../../fixtures/kubo.js'
import { createNode, stopAll } from '../../fixtures/nodes.js'
import { findBoundary } from './helpers.js'
import { MODES } from './modes.js'
import type { Boundary } from './helpers.js'
import type { KuboMode } from './modes.js'
import type { KuboFile, KuboNode } from '../../fixtures/kubo.js'
import type { TestNode } from '../../fixtures/nodes.js'

/** With KUBO_LOG set, prints the CIDs a divergence is shown with (for docs/kubo-divergences.md) */
function note (mode: KuboMode, label: string, cids: Record<string, unknown>): void {
  if (process.env.KUBO_LOG != null) {
    // eslint-disable-next-line no-console
    console.log(mode.title, label, JSON.stringify(Object.fromEntries(Object.entries(cids).map(([key, value]) => [key, String(value)]))))
  }
}

function historySuite (mode: KuboMode): void {
  describeKubo(`kubo ${KUBO_VERSION} history: ${mode.title}`, function () {
    this.timeout(300_000)

    let kubo: KuboNode
    let helia: TestNode
    let boundary: Boundary

    /** A file kubo holds (added through it) that no directory here has */
    async function extraFile (name: string): Promise<{ name: string, cid: CID }> {
      const { cid } = await kubo.api.add(new TextEncoder().encode(`extra ${name}`), { ...mode.add, pin: false })
      return { name, cid }
    }

    /** The root block's shape, read on the Helia node (fetched from kubo when it is kubo's) */
    async function shapeOf (cid: CID | string): Promise<string> {
      return (await dynamicDirectory(helia, mode.init).open(typeof cid === 'string' ? CID.parse(cid) : cid)).shape
    }

    before(async () => {
      kubo = await startKubo({ profile: mode.profile })
      helia = await createNode()
      await connectKubo(helia, kubo)
      boundary = await findBoundary(kubo.api, helia, mode)
    })

    after(async () => {
      await stopAll(helia)
      await kubo?.stop()
    })

    it('removing the entry that made a basic directory a HAMT: basic in kubo, here and in the importer, flushed or not', async () => {
      const { files, over } = boundary
      const base = files.slice(0, over - 1)
      const baseRoot = await kuboAddDirectory(kubo.api, base, mode.add)
      const last = files[over - 1]
      const { cid: lastCid } = await kubo.api.add(last.content, { ...mode.add, pin: false })

      // kubo: load the basic directory, add the entry that takes it over, remove it again
      await kubo.api.files.cp(`/ipfs/${baseRoot}`, '/grown')
      await kubo.api.files.cp(`/ipfs/${lastCid}`, `/grown/${last.name}`)
      const kuboGrown = await mfsHash(kubo.api, '/grown')
      await kubo.api.files.rm(`/grown/${last.name}`)
      const kuboBack = await mfsHash(kubo.api, '/grown')

      // this package, the same edits
      const directory = await dynamicDirectory(helia, mode.init).open(baseRoot)
      expect(directory.shape).to.equal('basic')
      await directory.set(last.name, lastCid)
      expect(directory.shape).to.equal('hamt')
      const grown = await directory.flush()
      await directory.delete(last.name)
      const back = await directory.flush()

      // the HAMT on the way agrees with kubo and the importer
      expect(grown.toString()).to.equal(kuboGrown)
      expect(grown.toString()).to.equal((await importerAddDirectory(files.slice(0, over), mode.importer)).toString())

      // back to the first entries: this package and the importer give the basic directory kubo added
      expect(directory.shape).to.equal('basic')
      expect(back.toString()).to.equal(baseRoot.toString())
      expect(back.toString()).to.equal((await importerAddDirectory(base, mode.importer)).toString())

      // kubo's MFS with each command flushed (the default) reloads the directory in between: the same basic directory
      expect(kuboBack).to.equal(baseRoot.toString())

      // with the adds unflushed too: kubo 0.43.1 does not carry boxo's net size change from one command to the next
      await kubo.api.files.cp(`/ipfs/${baseRoot}`, '/held', { flush: false })
      await kubo.api.files.cp(`/ipfs/${lastCid}`, `/held/${last.name}`, { flush: false })
      // (kubo's `files rm` always flushes)
      await kubo.api.files.rm(`/held/${last.name}`)
      const kuboHeld = await mfsHash(kubo.api, '/held')
      note(mode, 'grown-then-back', { entries: base.length, kuboFlushed: kuboBack, kuboUnflushed: kuboHeld, importer: back })
      expect(kuboHeld).to.equal(baseRoot.toString())
    })

    it('a basic directory over the threshold (built with a larger one): a delete keeps it basic in kubo, makes a HAMT here and in the importer', async () => {
      const { files, over } = boundary
      const big = files.slice(0, over + 20)
      // the Helia node holds it; kubo fetches it over Bitswap
      const bigRoot = await importerAddDirectory(big, { ...mode.importer, shardSplitThresholdBytes: 1_048_576 }, helia.blockstore)
      expect(await storedShape(helia.blockstore, bigRoot)).to.equal('basic')
      const victim = big[0]
      const rest = big.slice(1)

      await kubo.api.files.cp(`/ipfs/${bigRoot}`, '/big')
      await kubo.api.files.rm(`/big/${victim.name}`)
      const kuboCid = await mfsHash(kubo.api, '/big')

      const directory = await dynamicDirectory(helia, mode.init).open(bigRoot)
      await directory.delete(victim.name)
      const cid = await directory.flush()
      const expected = await importerAddDirectory(rest, mode.importer)

      note(mode, 'big-basic-delete', { entries: rest.length, start: bigRoot, kubo: kuboCid, importer: expected })
      expect(directory.shape).to.equal('hamt')
      expect(cid.toString()).to.equal(expected.toString())
      expect(kuboCid).to.not.equal(expected.toString())
      expect(await shapeOf(kuboCid)).to.equal('basic')

      // the next growing edit re-encodes it in kubo: the CIDs meet again
      const extra = await extraFile('extra-00001.txt')
      await kubo.api.files.cp(`/ipfs/${extra.cid}`, `/big/${extra.name}`)
      await directory.set(extra.name, extra.cid)
      expect((await directory.flush()).toString()).to.equal(await mfsHash(kubo.api, '/big'))
    })

    it('a HAMT under the threshold (built with a smaller one): an add keeps a HAMT in kubo and here; removing it again is basic in all three', async () => {
      const small: KuboFile[] = boundary.files.slice(0, 300)
      const smallRoot = await importerAddDirectory(small, { ...mode.importer, shardSplitThresholdBytes: 1_000 }, helia.blockstore)
      expect(await storedShape(helia.blockstore, smallRoot)).to.equal('hamt')
      const extra = await extraFile('extra-00002.txt')

      await kubo.api.files.cp(`/ipfs/${smallRoot}`, '/small')
      await kubo.api.files.cp(`/ipfs/${extra.cid}`, `/small/${extra.name}`)
      const kuboGrown = await mfsHash(kubo.api, '/small')
      await kubo.api.files.rm(`/small/${extra.name}`)
      const kuboBack = await mfsHash(kubo.api, '/small')

      const directory = await dynamicDirectory(helia, mode.init).open(smallRoot)
      await directory.set(extra.name, extra.cid)
      const grown = await directory.flush()
      await directory.delete(extra.name)
      const back = await directory.flush()

      // a growing edit never turns a HAMT basic, in either: both differ from the importer's basic directory
      expect(grown.toString()).to.equal(kuboGrown)
      expect(await storedShape(helia.blockstore, grown)).to.equal('hamt')
      const importerStore = new MemoryBlockstore()
      const importerGrown = await importerAddDirectory([...small, { name: extra.name, content: new TextEncoder().encode(`extra ${extra.name}`) }], mode.importer, importerStore)
      expect(importerGrown.toString()).to.not.equal(grown.toString())
      expect(await storedShape(importerStore, importerGrown)).to.equal('basic')

      // the removal, each command flushed: kubo reloads the directory and checks, basic in all three
      const importerBack = await importerAddDirectory(small, mode.importer)
      expect(back.toString()).to.equal(importerBack.toString())
      expect(kuboBack).to.equal(importerBack.toString())

      // the add unflushed too: the same (kubo 0.43.1 does not carry boxo's net size change from one command to the next)
      await kubo.api.files.cp(`/ipfs/${smallRoot}`, '/small-held', { flush: false })
      await kubo.api.files.cp(`/ipfs/${extra.cid}`, `/small-held/${extra.name}`, { flush: false })
      await kubo.api.files.rm(`/small-held/${extra.name}`)
      const kuboHeld = await mfsHash(kubo.api, '/small-held')
      note(mode, 'small-hamt-grown-back', { entries: small.length, start: smallRoot, grown, importerGrown, kuboFlushed: kuboBack, kuboUnflushed: kuboHeld, importer: importerBack })
      expect(kuboHeld).to.equal(importerBack.toString())

      // a removal of one of the loaded entries is checked in kubo too: basic in both
      await kubo.api.files.cp(`/ipfs/${smallRoot}`, '/small2')
      await kubo.api.files.rm(`/small2/${small[0].name}`)
      const fresh = await dynamicDirectory(helia, mode.init).open(smallRoot)
      await fresh.delete(small[0].name)
      expect((await fresh.flush()).toString()).to.equal(await mfsHash(kubo.api, '/small2'))
      expect(fresh.shape).to.equal('basic')
    })
  })
}

for (const mode of MODES) {
  historySuite(mode)
}
