/**
 * The MFS on Helia nodes composed as the README composes them (Bitswap over
 * libp2p, wrapped before start): offline reads ask no peer, even one that
 * has the block; and what a flushing call wrote, a copy's own edits
 * included, is there after the node stops and starts again on its stores.
 */

import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { readBlock } from '../../src/blocks.js'
import { mfs } from '../../src/mfs/index.js'
import { connect, createNode, loopbackLibp2pOptions, stopAll } from '../fixtures/nodes.js'
import { all, bytesOf, createShardedDirectory, importRoot } from './setup.js'
import type { TestNode } from '../fixtures/nodes.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)

/** A node on these stores, as the README composes one: the mixins wrapped before start */
async function startNode (blockstore: MemoryBlockstore, datastore: MemoryDatastore): Promise<TestNode> {
  const helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore, datastore }), loopbackLibp2pOptions()))
  await helia.start()
  return helia as unknown as TestNode
}

describe('mfs: offline reads and restarts on Helia nodes', function () {
  this.timeout(60_000)
  let nodes: TestNode[] = []

  afterEach(async () => {
    await stopAll(...nodes)
    nodes = []
  })

  it('ls, stat and cat with offline: true fail at once on a block only a connected peer has, and fetch nothing', async () => {
    const provider = await createNode()
    const client = await createNode()
    nodes.push(provider, client)
    await connect(client, provider)
    const tree = await importRoot(provider.blockstore, [{ path: 'sub/f', content: bytes('f') }])
    const hamt = await createShardedDirectory(provider.blockstore as any, 300)
    const fs = mfs(client)
    // fetches the two roots only
    await fs.cp(tree, '/d')
    await fs.cp(hamt, '/h')
    const sub = dagPb.decode(await readBlock(client.blockstore, tree)).Links.find(link => link.Name === 'sub')?.Hash
    if (sub == null) {
      throw new Error('the imported tree has no sub')
    }
    expect(await client.blockstore.has(sub)).to.equal(false)

    const offline = { offline: true, signal: AbortSignal.timeout(10_000) }
    const started = Date.now()
    await expect(fs.stat('/d/sub', offline)).to.eventually.be.rejected.with.property('name', 'BlockNotFoundWhileOfflineError')
    await expect(fs.stat('/d/sub/f', offline)).to.eventually.be.rejected.with.property('name', 'BlockNotFoundWhileOfflineError')
    await expect(all(fs.ls('/d/sub', offline))).to.eventually.be.rejected.with.property('name', 'BlockNotFoundWhileOfflineError')
    await expect(all(fs.ls('/h', offline))).to.eventually.be.rejected.with.property('name', 'BlockNotFoundWhileOfflineError')
    await expect(bytesOf(fs.cat('/d/sub/f', offline))).to.eventually.be.rejected.with.property('name', 'BlockNotFoundWhileOfflineError')
    expect(Date.now() - started).to.be.below(5_000)
    expect(await client.blockstore.has(sub)).to.equal(false)

    // what is local reads offline, the path's missing parts still refused
    expect((await fs.stat('/h', offline)).type).to.equal('directory')
    expect((await all(fs.ls('/d', offline))).map(entry => entry.name)).to.deep.equal(['sub'])
    await expect(fs.stat('/d/nope', offline)).to.eventually.be.rejected.with.property('name', 'DoesNotExistError')

    // and online the same calls fetch from the peer
    expect((await fs.stat('/d/sub')).type).to.equal('directory')
    expect(await all(fs.ls('/h'))).to.have.lengthOf(300)
    expect((await all(fs.ls('/d/sub', offline))).map(entry => entry.name)).to.deep.equal(['f'])
    expect(await all(fs.ls('/h', offline))).to.have.lengthOf(300)
  })

  it('after a stop and a start: a flushing no-op wrote the pending edits, and a copy kept its own entries', async () => {
    const blockstore = new MemoryBlockstore()
    const datastore = new MemoryDatastore()
    let node = await startNode(blockstore, datastore)
    nodes.push(node)
    let fs = mfs(node)
    await fs.writeBytes(bytes('f'), '/x/s/f', { parents: true })
    expect(await all(fs.ls('/x/s'))).to.have.lengthOf(1)
    await fs.cp('/x', '/y', { flush: false })
    await fs.mv('/x/s/f', '/y/s/g', { flush: false })
    await fs.writeBytes(bytes('p'), '/pending', { flush: false })
    await fs.mkdir('/x', { parents: true })
    await fs.rm('/missing', { force: true })
    await node.stop()

    node = await startNode(blockstore, datastore)
    nodes.push(node)
    fs = mfs(node)
    expect(await all(fs.ls('/x/s'))).to.deep.equal([])
    expect((await all(fs.ls('/y/s'))).map(entry => entry.name).sort()).to.deep.equal(['f', 'g'])
    expect(await bytesOf(fs.cat('/pending'))).to.equalBytes(bytes('p'))
  })
})
