/**
 * kubo in its own process, against a Helia node with this package over
 * loopback TCP and Bitswap. Per import mode (a daemon each, see modes.ts):
 * kubo adds directories of 10,000 and 50,000 files, whose root CIDs must be
 * `ipfs-unixfs-importer`'s for the same files and options; the Helia node
 * opens them from kubo and lists what `ipfs ls` lists; after each edit
 * (delete, add, overwrite) its CID is what kubo's MFS gives for the same edit
 * (`files cp /ipfs/<root> /d`, `files rm`, `files cp [--force]`,
 * `files stat --hash`), and kubo fetches the edited directory back from the
 * Helia node (before its own MFS holds it) and lists it. Deletes that turn a
 * HAMT basic run on a directory just over the threshold.
 */

import { expect } from 'aegir/chai'
import { dynamicDirectory } from '../../../src/index.js'
import { KUBO_VERSION, connectKubo, describeKubo, importerAddDirectory, kuboAddDirectory, kuboLs, mfsHash, numberedFiles, startKubo } from '../../fixtures/kubo.js'
import { createNode, stopAll } from '../../fixtures/nodes.js'
import { findBoundary, listed, modelList } from './helpers.js'
import { MODES } from './modes.js'
import type { KuboMode } from './modes.js'
import type { KuboFile, KuboNode } from '../../fixtures/kubo.js'
import type { TestNode } from '../../fixtures/nodes.js'
import type { CID } from 'multiformats/cid'

/**
 * Opens `root` (kubo's) on the Helia node, checks its listing against
 * `ipfs ls`, then deletes, adds and overwrites one entry; after each edit
 * kubo lists the flushed CID (fetching its new blocks from the Helia node)
 * and kubo's MFS, given the same edit, gives the same CID
 */
async function editsMatchMfs (kubo: KuboNode, helia: TestNode, mode: KuboMode, files: KuboFile[], root: CID): Promise<void> {
  const count = files.length
  const dirs = dynamicDirectory(helia, mode.init)
  const directory = await dirs.open(root)
  expect(directory.shape).to.equal('hamt')

  const kuboListing = await kuboLs(kubo.api, root)
  expect(kuboListing).to.have.length(count)
  expect(await listed(directory)).to.deep.equal(kuboListing)

  const model = new Map(kuboListing.map(({ name, cid }) => [name, cid]))
  const mfs = `/edit-${count}`
  await kubo.api.files.cp(`/ipfs/${root}`, mfs)
  expect(await mfsHash(kubo.api, mfs)).to.equal(root.toString())

  const added = await kubo.api.add(new TextEncoder().encode(`added to ${count}`), { ...mode.add, pin: false })
  const edits: Array<{ title: string, helia(): Promise<unknown>, kubo(): Promise<unknown>, model(): void }> = [{
    title: 'delete',
    helia: async () => directory.delete(files[Math.floor(count / 2)].name),
    kubo: async () => kubo.api.files.rm(`${mfs}/${files[Math.floor(count / 2)].name}`),
    model: () => model.delete(files[Math.floor(count / 2)].name)
  }, {
    title: 'add',
    helia: async () => directory.set('added.txt', added.cid),
    kubo: async () => kubo.api.files.cp(`/ipfs/${added.cid}`, `${mfs}/added.txt`),
    model: () => model.set('added.txt', added.cid.toString())
  }, {
    title: 'overwrite',
    helia: async () => directory.set(files[1].name, added.cid),
    kubo: async () => kubo.api.files.cp(`/ipfs/${added.cid}`, `${mfs}/${files[1].name}`, { force: true } as any),
    model: () => model.set(files[1].name, added.cid.toString())
  }]

  for (const edit of edits) {
    await edit.helia()
    edit.model()
    const cid = await directory.flush()
    // kubo has not made this directory yet: its new shard blocks come from the Helia node
    const received = (await kubo.api.bitswap.stat()).blocksReceived
    expect(await kuboLs(kubo.api, cid)).to.deep.equal(modelList(model), `kubo's listing after ${edit.title}`)
    expect((await kubo.api.bitswap.stat()).blocksReceived > received).to.equal(true, `kubo fetched blocks after ${edit.title}`)
    await edit.kubo()
    expect(await mfsHash(kubo.api, mfs)).to.equal(cid.toString(), `CID after ${edit.title}`)
  }
  expect(await listed(directory)).to.deep.equal(modelList(model))
}

function kuboSuite (mode: KuboMode): void {
  describeKubo(`kubo ${KUBO_VERSION}: ${mode.title}`, function () {
    this.timeout(600_000)

    let kubo: KuboNode
    let helia: TestNode

    before(async () => {
      kubo = await startKubo({ profile: mode.profile })
      helia = await createNode()
      await connectKubo(helia, kubo)
    })

    after(async () => {
      await stopAll(helia)
      await kubo?.stop()
    })

    // the 50,000-file directory is edited in the first mode only; its root CID is checked in each
    const sizes = [10_000, 50_000]
    sizes.forEach(count => {
      const edits = count === 10_000 || mode === MODES[0]
      describe(`${count.toLocaleString('en')} files`, () => {
        let files: KuboFile[]
        let root: CID

        before(async () => {
          files = numberedFiles(count)
          root = await kuboAddDirectory(kubo.api, files, mode.add)
        })

        it('kubo\'s root CID is the importer\'s for the same files', async () => {
          const expected = await importerAddDirectory(files, mode.importer)
          expect(root.toString()).to.equal(expected.toString())
        })

        if (edits) {
          it('opened over Bitswap, then deleted from, added to and overwritten: each CID is kubo MFS\'s, kubo fetches it back', async () => {
            await editsMatchMfs(kubo, helia, mode, files, root)
          })
        }
      })
    })

    it('deletes that turn a HAMT basic: each CID is kubo MFS\'s and the importer\'s', async () => {
      const { files: sample, over } = await findBoundary(kubo.api, helia, mode)

      // one over the count: still a HAMT after one delete, basic after two
      const files = sample.slice(0, over + 1)
      const root = await kuboAddDirectory(kubo.api, files, mode.add)
      const directory = await dynamicDirectory(helia, mode.init).open(root)
      expect(directory.shape).to.equal('hamt')
      const mfs = '/to-basic'
      await kubo.api.files.cp(`/ipfs/${root}`, mfs)

      const shapes: string[] = []
      let left = files
      for (const victim of [files[over], files[3]]) {
        left = left.filter(file => file !== victim)
        await directory.delete(victim.name)
        const cid = await directory.flush()
        await kubo.api.files.rm(`${mfs}/${victim.name}`)
        expect(await mfsHash(kubo.api, mfs)).to.equal(cid.toString(), `after deleting ${victim.name}`)
        expect(cid.toString()).to.equal((await importerAddDirectory(left, mode.importer)).toString())
        shapes.push(directory.shape)
      }
      expect(shapes).to.deep.equal(['hamt', 'basic'])
    })
  })
}

for (const mode of MODES) {
  kuboSuite(mode)
}
