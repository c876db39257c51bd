/**
 * The gateway transport against kubo's own trustless gateway (loopback, in
 * its own process): kubo holds an importer-shaped HAMT of 10,000 files
 * (CIDv1, raw leaves); a Helia node with `gateways` set to kubo's gateway and
 * no Bitswap connection to it lists the directory (every entry, as kubo's
 * `ls` lists it) with one CAR after the root, and deletes a name with one
 * CAR for the path and one for the size check (the directory is about
 * twice the threshold), to the CID kubo's MFS gives for the same delete. Every
 * block the node stored hashes to its CID. A proxy in front of the gateway
 * counts the requests.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { verifyBlock } from '../../src/verify.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { startCountingProxy } from '../fixtures/gateway-server.js'
import { byName, describeKubo, importerAddDirectory, kuboAddDirectory, kuboLs, mfsHash, numberedFiles, startKubo } from '../fixtures/kubo.js'
import { createNode, stopAll } from '../fixtures/nodes.js'
import type { KuboFile, KuboNode } from '../fixtures/kubo.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { CID } from 'multiformats/cid'

const COUNT = 10_000

describeKubo('gateway transport: kubo\'s trustless gateway', function () {
  this.timeout(180_000)
  let kubo: KuboNode
  let files: KuboFile[]
  let root: CID
  let proxy: Awaited<ReturnType<typeof startCountingProxy>>
  const nodes: TestNode[] = []

  /** A Helia node that has never met kubo over Bitswap, with its own blockstore */
  const client = async (): Promise<{ helia: TestNode, store: MemoryBlockstore }> => {
    const store = new MemoryBlockstore()
    const helia = await createNode({ blockstore: store })
    nodes.push(helia)
    return { helia, store }
  }

  before(async () => {
    kubo = await startKubo()
    files = numberedFiles(COUNT)
    root = await kuboAddDirectory(kubo.api, files, { cidVersion: 1, rawLeaves: true })
    expect(root.toString()).to.equal((await importerAddDirectory(files, { cidVersion: 1, rawLeaves: true })).toString())
    const gateway = (await kubo.info()).gateway.trim()
    const port = /(?:tcp\/|:)(\d+)\/?$/.exec(gateway)?.[1]
    expect(port, `kubo's gateway address: ${gateway}`).to.be.a('string')
    proxy = await startCountingProxy(`http://127.0.0.1:${port}`)
  })

  afterEach(async () => {
    await stopAll(...nodes.splice(0))
    proxy.requests.length = 0
  })

  after(async () => {
    await proxy?.stop()
    await kubo?.stop()
  })

  it('lists the HAMT with the root and one CAR, every entry as kubo lists it, every stored block verified', async () => {
    const { helia, store } = await client()
    expect(helia.libp2p.getConnections()).to.have.length(0)
    const directory = await dynamicDirectory(helia, { gateways: [proxy.url] }).open(root)
    const listed: Array<{ name: string, cid: string }> = []
    for await (const entry of directory.entries()) {
      listed.push({ name: entry.name, cid: entry.cid.toString() })
    }
    listed.sort(byName)
    expect(listed).to.deep.equal(await kuboLs(kubo.api, root))
    expect(proxy.requests).to.deep.equal([`/ipfs/${root}?format=raw`, `/ipfs/${root}?format=car&dag-scope=entity`])

    let stored = 0
    for await (const { cid, bytes } of store.getAll()) {
      await verifyBlock(cid, await toBytes(bytes))
      stored++
    }
    expect(stored).to.equal(directory.stats.retainedNodes)
  })

  it('deletes a name with one CAR for its path and one for the size check, to the CID of kubo\'s files rm', async () => {
    const victim = files[COUNT / 2 - 1].name
    await kubo.api.files.cp(`/ipfs/${root}`, '/d')
    await kubo.api.files.rm(`/d/${victim}`)
    const expected = await mfsHash(kubo.api, '/d')

    const { helia, store } = await client()
    const directory = await dynamicDirectory(helia, { gateways: [proxy.url] }).open(root)
    expect(await directory.delete(victim)).to.equal(true)
    expect((await directory.flush()).toString()).to.equal(expected)
    // 10,000 entries are about twice the threshold: the size check reads most of the directory, as one entity CAR
    const cars = proxy.requests.filter(url => url.includes('format=car'))
    expect(cars).to.have.members([`/ipfs/${root}/${victim}?format=car&dag-scope=block`, `/ipfs/${root}?format=car&dag-scope=entity`])
    expect(proxy.requests.filter(url => !url.includes('format=car'))).to.deep.equal([`/ipfs/${root}?format=raw`])

    for await (const { cid, bytes } of store.getAll()) {
      await verifyBlock(cid, await toBytes(bytes))
    }
  })
})
