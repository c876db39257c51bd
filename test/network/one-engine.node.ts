/**
 * One engine per node: on a node composed as the README composes it
 * (`withDynamicDirectory` over Helia light, libp2p and Bitswap),
 * `helia.directories`, `unixfs(helia)` and `mfs(helia)` work on the node's
 * one directory service, so a block on its way is asked of the node's
 * blockstore once, whichever of them asks and however they overlap. With a
 * service per drop-in, each would ask the blockstore for it.
 */

import { expect } from 'aegir/chai'
import { base58btc } from 'multiformats/bases/base58'
import { withDynamicDirectory } from '../../src/index.js'
import { mfs } from '../../src/mfs/index.js'
import { unixfs } from '../../src/unixfs/index.js'
import { asciiEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { connect, createNode, stopAll } from '../fixtures/nodes.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

function keyOf (cid: CID): string {
  return base58btc.encode(cid.multihash.bytes)
}

/** Counts, per block, the node blockstore's `get` calls made while the block was not local: asks of the network */
function countAsks (blockstore: Pick<Blockstore, 'get' | 'has'>): Map<string, number> {
  const asks = new Map<string, number>()
  const get = blockstore.get.bind(blockstore)
  blockstore.get = async function * (cid, options) {
    if (!await blockstore.has(cid)) {
      asks.set(keyOf(cid), (asks.get(keyOf(cid)) ?? 0) + 1)
    }
    yield * get(cid, options)
  }
  return asks
}

async function count (source: AsyncIterable<unknown>): Promise<number> {
  let n = 0
  for await (const entry of source) {
    if (entry != null) {
      n++
    }
  }
  return n
}

describe('one engine per node: helia.directories, unixfs() and mfs() share one block fetcher', function () {
  this.timeout(120_000)
  let provider: TestNode | undefined
  let node: TestNode | undefined

  afterEach(async () => {
    await stopAll(node, provider)
    node = provider = undefined
  })

  it('a block on its way is asked of the blockstore once, whichever of the three asks for it', async () => {
    const entries = asciiEntries(10_000, 'one-engine-')
    provider = await createNode()
    const root = await importerDirectory(entries, {}, provider.blockstore)
    const helia = withDynamicDirectory(await createNode())
    node = helia
    await connect(helia, provider)
    const asks = countAsks(helia.blockstore)
    const fs = unixfs(helia)
    const files = mfs(helia)

    // all three open the cold root at once: the MFS reads it for its Tsize, the others open it
    await Promise.all([
      helia.directories.stat(root),
      fs.stat(root),
      files.cp(root, '/big')
    ])
    expect(asks.get(keyOf(root))).to.equal(1)

    // three full listings at once, each through its own door
    const listed = await Promise.all([
      count(helia.directories.ls(root)),
      count(fs.ls(root)),
      count(files.ls('/big'))
    ])
    expect(listed).to.deep.equal([entries.length, entries.length, entries.length])
    expect(asks.size).to.be.greaterThan(30, 'the listing fetched the shard nodes')
    const repeated = [...asks].filter(([, n]) => n > 1)
    expect(repeated).to.deep.equal([], 'blocks asked of the blockstore more than once')
  })

  it('an mfs() with edit options of its own edits by them on the node\'s engine, and the node\'s defaults stay', async () => {
    const helia = withDynamicDirectory(await createNode())
    node = helia
    const small = mfs(helia, { key: '/locals/small-threshold', shardSplitThresholdBytes: 1_000 })
    const plain = mfs(helia)
    for (let i = 0; i < 40; i++) {
      const name = `a-file-with-a-long-enough-name-${String(i).padStart(3, '0')}.txt`
      await small.writeBytes(new TextEncoder().encode(`${i}`), `/d/${name}`, { parents: true })
      await plain.writeBytes(new TextEncoder().encode(`${i}`), `/d/${name}`, { parents: true })
    }
    expect((await small.stat('/d')).unixfs?.type).to.equal('hamt-sharded-directory')
    expect((await plain.stat('/d')).unixfs?.type).to.equal('directory')
    expect((await helia.directories.stat((await small.stat('/d')).cid)).shape).to.equal('hamt')
  })
})
