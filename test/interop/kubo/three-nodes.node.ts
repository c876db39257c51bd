/**
 * Three nodes: kubo and a Helia node (B) each hold part of a 10,000-entry
 * HAMT's shard blocks (kubo the root and every other shard, through a CAR,
 * B the rest); a second Helia node (C) with this package, connected to both,
 * lists and edits the directory. Its CIDs are the importer's; kubo then lists
 * C's edited directory, fetching the shards it never had.
 */

import { CarWriter } from '@ipld/car'
import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { importer } from 'ipfs-unixfs-importer'
import { concat } from 'uint8arrays/concat'
import { dynamicDirectory } from '../../../src/index.js'
import { CountingBlockstore, toBytes } from '../../fixtures/counting-blockstore.js'
import { KUBO_VERSION, connectKubo, describeKubo, importerAddDirectory, kuboLs, numberedFiles, startKubo } from '../../fixtures/kubo.js'
import { connect, createNode, stopAll } from '../../fixtures/nodes.js'
import { listed, modelList } from './helpers.js'
import { MODES } from './modes.js'
import type { KuboNode } from '../../fixtures/kubo.js'
import type { TestNode } from '../../fixtures/nodes.js'
import type { CID } from 'multiformats/cid'

const mode = MODES[0]

/** The HAMT's own blocks, root first, breadth-first: sub-shard links are the ones named by the slot prefix alone (2 characters at fanout 256) */
async function shardBlocks (store: MemoryBlockstore, root: CID): Promise<Array<{ cid: CID, bytes: Uint8Array }>> {
  const out: Array<{ cid: CID, bytes: Uint8Array }> = []
  const queue = [root]
  while (queue.length > 0) {
    const cid = queue.shift() as CID
    const bytes = await toBytes(store.get(cid))
    out.push({ cid, bytes })
    for (const link of dagPb.decode(bytes).Links) {
      if (link.Name?.length === 2) {
        queue.push(link.Hash)
      }
    }
  }
  return out
}

async function carOf (root: CID, blocks: Array<{ cid: CID, bytes: Uint8Array }>): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create([root])
  const chunks: Uint8Array[] = []
  const drained = (async () => {
    for await (const chunk of out) {
      chunks.push(chunk)
    }
  })()
  for (const block of blocks) {
    await writer.put(block)
  }
  await writer.close()
  await drained
  return concat(chunks)
}

describeKubo(`kubo ${KUBO_VERSION} and two Helia nodes: ${mode.title}`, function () {
  this.timeout(300_000)

  let kubo: KuboNode
  let holder: TestNode
  let holderStore: CountingBlockstore
  let editor: TestNode

  before(async () => {
    kubo = await startKubo({ profile: mode.profile })
    holderStore = new CountingBlockstore(new MemoryBlockstore())
    holder = await createNode({ blockstore: holderStore })
    editor = await createNode()
  })

  after(async () => {
    await stopAll(holder, editor)
    await kubo?.stop()
  })

  it('the shards split between kubo and a Helia node: the editor lists and edits with the importer\'s CIDs, kubo lists the result', async () => {
    const files = numberedFiles(10_000)
    const source = new MemoryBlockstore()
    const root = await importerAddDirectory(files, mode.importer, source)
    const blocks = await shardBlocks(source, root)
    expect(blocks.length).to.be.greaterThan(200)

    const toKubo = blocks.filter((_, index) => index % 2 === 0)
    const toHolder = blocks.filter((_, index) => index % 2 === 1)
    for await (const result of kubo.api.dag.import([await carOf(root, toKubo)], { pinRoots: false })) {
      expect(result).to.not.equal(undefined)
    }
    for (const { cid, bytes } of toHolder) {
      await holderStore.put(cid, bytes)
    }

    await connectKubo(editor, kubo)
    await connect(editor, holder)
    const sentBefore = (await kubo.api.bitswap.stat()).blocksSent

    const directory = await dynamicDirectory(editor, mode.init).open(root)
    const expected = files.map(file => file.name)
    const names = (await listed(directory)).map(entry => entry.name)
    expect(names).to.deep.equal(expected)

    // each peer served its own part
    const kuboSent = Number((await kubo.api.bitswap.stat()).blocksSent - sentBefore)
    expect(kuboSent).to.be.at.least(toKubo.length - 1)
    expect(holderStore.totalGets).to.be.at.least(toHolder.length)

    // a delete and an add, checked against the importer for the edited files
    const model = new Map((await listed(directory)).map(({ name, cid }) => [name, cid]))
    const added = { name: 'added.txt', content: new TextEncoder().encode('added by the editor') }
    let addedCid: CID | undefined
    for await (const result of importer([{ content: added.content }], editor.blockstore, mode.importer)) {
      addedCid = result.cid
    }
    if (addedCid == null) {
      throw new Error('the importer returned no file')
    }
    await directory.delete(files[4_321].name)
    model.delete(files[4_321].name)
    await directory.set(added.name, addedCid)
    model.set(added.name, addedCid.toString())
    const cid = await directory.flush()

    const edited = [...files.filter(file => file !== files[4_321]), added]
    expect(cid.toString()).to.equal((await importerAddDirectory(edited, mode.importer)).toString())

    // kubo never had half of the shards nor the new ones: it lists the edited directory from the editor
    expect(await kuboLs(kubo.api, cid)).to.deep.equal(modelList(model))
  })
})
