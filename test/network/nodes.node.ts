import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { cidOf } from '../fixtures/entries.js'
import { BITSWAP_PROTOCOL, connect, createNode, stopAll } from '../fixtures/nodes.js'
import type { TestNode } from '../fixtures/nodes.js'

describe('network: two Helia nodes over Bitswap', function () {
  this.timeout(60_000)

  let a: TestNode | undefined
  let b: TestNode | undefined

  afterEach(async () => {
    await stopAll(a, b)
    a = b = undefined
  })

  it('fetches a block from the other node', async () => {
    a = await createNode()
    b = await createNode({ blockstore: new MemoryBlockstore() })

    const bytes = new TextEncoder().encode(`hello ${Date.now()}`)
    const cid = cidOf(bytes, 'v1-raw')
    await a.blockstore.put(cid, bytes)
    expect(await b.blockstore.has(cid)).to.be.false()

    await connect(b, a)
    expect((await b.libp2p.peerStore.get(a.libp2p.peerId)).protocols).to.include(BITSWAP_PROTOCOL)
    expect(a.libp2p.getMultiaddrs().every(ma => ma.toString().startsWith('/ip4/127.0.0.1/'))).to.be.true()

    const got = await toBytes(b.blockstore.get(cid, { signal: AbortSignal.timeout(20_000) }))
    expect(got).to.deep.equal(bytes)
    // stored locally on the way
    expect(await b.blockstore.has(cid)).to.be.true()
  })
})
