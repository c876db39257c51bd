/**
 * `gateways` in the init of the two drop-ins and of `withDynamicDirectory`:
 * a Helia node with no peer lists and edits a 10,000-entry HAMT it gets from
 * a trustless gateway (test/fixtures/gateway-server.ts) alone, to the CIDs
 * the same edit gives offline.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { MemoryDatastore } from 'datastore-core'
import { createHeliaLight } from 'helia'
import { dynamicDirectory, withDynamicDirectory } from '../../src/index.js'
import { mfs } from '../../src/mfs/index.js'
import { unixfs } from '../../src/unixfs/index.js'
import { contentTree, middleName } from '../fixtures/cold-delete.js'
import { startGateway } from '../fixtures/gateway-server.js'
import { createNode, stopAll } from '../fixtures/nodes.js'
import type { ContentTree } from '../fixtures/cold-delete.js'
import type { GatewayServer } from '../fixtures/gateway-server.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { CID } from 'multiformats/cid'

describe('gateway transport: the drop-ins and the mixin', function () {
  this.timeout(60_000)
  let tree: ContentTree
  let victim: string
  let deleted: CID
  let gateway: GatewayServer
  const nodes: TestNode[] = []

  before(async () => {
    tree = await contentTree(10_000)
    victim = middleName(tree)
    const directory = await dynamicDirectory({ blockstore: tree.store }).open(tree.root)
    await directory.delete(victim)
    deleted = await directory.flush()
  })

  beforeEach(async () => {
    gateway = await startGateway(tree.store)
  })

  afterEach(async () => {
    await gateway.stop()
    await stopAll(...nodes.splice(0))
  })

  const node = async (): Promise<TestNode> => {
    const helia = await createNode()
    nodes.push(helia)
    return helia
  }

  it('unixfs(helia, { gateways }): ls with one CAR, rm with one CAR for the path', async () => {
    const fs = unixfs(await node(), { gateways: [gateway.url], stallTimeoutMs: 5_000 })
    let count = 0
    for await (const entry of fs.ls(tree.root)) {
      count += entry.name === '' ? 0 : 1
    }
    expect(count).to.equal(tree.entries.length)
    expect(gateway.requests.filter(url => url.includes('dag-scope=entity'))).to.have.length(1)

    const other = unixfs(await node(), { gateways: [gateway.url], stallTimeoutMs: 5_000 })
    expect((await other.rm(tree.root, victim)).toString()).to.equal(deleted.toString())
    expect(gateway.requests.filter(url => url.includes('dag-scope=block'))).to.deep.equal([`/ipfs/${tree.root}/${victim}?format=car&dag-scope=block`])
  })

  it('mfs(helia, { gateways }): cp of the CID, then rm, to the offline CID', async () => {
    const helia = await node()
    const fs = mfs({ blockstore: helia.blockstore, datastore: new MemoryDatastore() }, { gateways: [gateway.url], stallTimeoutMs: 5_000 })
    await fs.cp(tree.root, '/d')
    await fs.rm(`/d/${victim}`)
    expect((await fs.stat('/d')).cid.toString()).to.equal(deleted.toString())
    expect(gateway.requests.filter(url => url.includes('dag-scope=block'))).to.have.length(1)
  })

  it('withDynamicDirectory(helia, { gateways }): rm on a node with no block broker but the gateways', async () => {
    const helia = withDynamicDirectory(createHeliaLight({ blockstore: new MemoryBlockstore() }), { gateways: [gateway.url], stallTimeoutMs: 5_000 })
    await helia.start()
    try {
      expect((await helia.directories.rm(tree.root, victim)).toString()).to.equal(deleted.toString())
    } finally {
      await helia.stop()
    }
  })
})
