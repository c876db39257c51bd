/**
 * The gateway transport against a small trustless gateway in the test
 * (test/fixtures/gateway-server.ts), honest and hostile: wrong bytes, a block
 * nothing links to, a truncated CAR, blocks out of order, a CAR that never
 * ends, a gateway that never answers, 404, 500, a body that is not a CAR.
 * The client is a Helia node with Bitswap; the provider, when there is one,
 * another, over loopback TCP. Whatever the gateway does, a listing and a
 * delete give what the same calls give offline, every block the client
 * stored hashes to its CID and belongs to the directory, and when no one
 * else can answer, the call fails with a typed error and the directory is as
 * it was. A client with no peer that succeeds got every block from gateways:
 * a Bitswap want would stall.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { dynamicDirectory } from '../../src/index.js'
import { verifyBlock } from '../../src/verify.js'
import { contentNamed } from '../fixtures/cold-delete.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { STRAY, startGateway } from '../fixtures/gateway-server.js'
import { importerDirectory } from '../fixtures/importer.js'
import { connect, createNode, stopAll } from '../fixtures/nodes.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'
import type { GatewayFault, GatewayServer } from '../fixtures/gateway-server.js'
import type { TestNode } from '../fixtures/nodes.js'

/** A HAMT of fanout 16 over a low threshold: a few dozen shard nodes, three levels */
const SHAPE = { shardSplitThresholdBytes: 1000, shardFanoutBits: 4, cidVersion: 1 } as const
const COUNT = 150

interface Tree { entries: DirectoryEntry[], root: CID, store: MemoryBlockstore, blocks: number }

async function shardTree (): Promise<Tree> {
  const entries = contentNamed(COUNT)
  const store = new MemoryBlockstore()
  const root = await importerDirectory(entries, SHAPE, store)
  let blocks = 0
  for await (const { cid } of store.getAll()) {
    blocks += cid == null ? 0 : 1
  }
  return { entries, root, store, blocks }
}

function names (entries: Iterable<{ name: string }>): string[] {
  return [...entries].map(entry => entry.name).sort()
}

/** A Helia node with its own blockstore, to look into */
interface Client { helia: TestNode, store: MemoryBlockstore }

/** Every block the client stored hashes to its CID and is one of the tree's; how many */
async function storedOnlyVerified (client: Client, tree: Tree): Promise<number> {
  let count = 0
  for await (const { cid, bytes } of client.store.getAll()) {
    await verifyBlock(cid, await toBytes(bytes))
    expect(await tree.store.has(cid), `${cid} is not the tree's`).to.equal(true)
    count++
  }
  return count
}

describe('gateway transport: hostile gateways', function () {
  this.timeout(30_000)
  let tree: Tree
  let offlineDelete: CID
  const victim = 'file-0000075.txt'
  const servers: GatewayServer[] = []
  const nodes: TestNode[] = []
  let provider: TestNode
  /** A fresh client node; connected to the provider when `bitswap` */
  const client = async (bitswap = false): Promise<Client> => {
    const store = new MemoryBlockstore()
    const helia = await createNode({ blockstore: store })
    nodes.push(helia)
    if (bitswap) {
      await connect(helia, provider)
    }
    return { helia, store }
  }
  const init = (gateways: GatewayServer[], more: DynamicDirectoryInit = {}): DynamicDirectoryInit => ({ ...SHAPE, gateways: gateways.map(g => g.url), stallTimeoutMs: 1_000, ...more })
  /** A gateway with `fault`, which serves the root honestly, so that the client asks it for CARs */
  const serve = async (fault: GatewayFault): Promise<GatewayServer> => {
    const server = await startGateway(tree.store, fault, [tree.root])
    servers.push(server)
    return server
  }

  before(async () => {
    tree = await shardTree()
    provider = await createNode({ blockstore: tree.store })
    const directory = await dynamicDirectory({ blockstore: tree.store }, SHAPE).open(tree.root)
    expect(directory.shape).to.equal('hamt')
    expect(await directory.delete(victim)).to.equal(true)
    offlineDelete = await directory.flush()
  })

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async server => server.stop()))
    await stopAll(...nodes.splice(0))
  })

  after(async () => {
    await stopAll(provider)
  })

  it('an honest gateway: a listing is the root then one CAR, and every block is stored', async () => {
    const gateway = await serve('honest')
    const peer = await client()
    const directory = await dynamicDirectory(peer.helia, init([gateway])).open(tree.root)
    expect(names(await all(directory.entries()))).to.deep.equal(names(tree.entries))
    expect(gateway.requests).to.deep.equal([`/ipfs/${tree.root}?format=raw`, `/ipfs/${tree.root}?format=car&dag-scope=entity`])
    expect(await storedOnlyVerified(peer, tree)).to.equal(tree.blocks)
  })

  it('an honest gateway: a delete takes its path in one CAR and gives the offline CID', async () => {
    const gateway = await serve('honest')
    const peer = await client()
    const directory = await dynamicDirectory(peer.helia, init([gateway])).open(tree.root)
    expect(await directory.delete(victim)).to.equal(true)
    expect((await directory.flush()).toString()).to.equal(offlineDelete.toString())
    const cars = gateway.requests.filter(url => url.includes('format=car'))
    expect(cars).to.deep.equal([`/ipfs/${tree.root}/${victim}?format=car&dag-scope=block`])
    await storedOnlyVerified(peer, tree)
  })

  it('a name is URL-encoded in the path', async () => {
    const entries = [...contentNamed(COUNT), { ...contentNamed(1)[0], name: 'a name?#%&.txt' }]
    const store = new MemoryBlockstore()
    const root = await importerDirectory(entries, SHAPE, store)
    const gateway = await startGateway(store)
    servers.push(gateway)
    const directory = await dynamicDirectory((await client()).helia, init([gateway])).open(root)
    expect(await directory.has('a name?#%&.txt')).to.equal(true)
    expect(gateway.requests).to.include(`/ipfs/${root}/a%20name%3F%23%25%26.txt?format=car&dag-scope=block`)
  })

  const faults: GatewayFault[] = ['wrong-bytes', 'unlinked', 'truncated', 'out-of-order', 'never-ends', 'silent', '404', '500', 'not-car']
  faults.forEach(fault => {
    it(`${fault}: the listing and the delete fall over to the next gateway, storing only verified blocks`, async () => {
      const bad = await serve(fault)
      const good = await serve('honest')
      const peer = await client()
      const listed = await dynamicDirectory(peer.helia, init([bad, good])).open(tree.root)
      expect(names(await all(listed.entries()))).to.deep.equal(names(tree.entries))
      const other = await client()
      const edited = await dynamicDirectory(other.helia, init([bad, good])).open(tree.root)
      expect(await edited.delete(victim)).to.equal(true)
      expect((await edited.flush()).toString()).to.equal(offlineDelete.toString())
      await storedOnlyVerified(peer, tree)
      await storedOnlyVerified(other, tree)
      expect(bad.requests).to.include(`/ipfs/${tree.root}?format=car&dag-scope=entity`)
      expect(bad.requests).to.include(`/ipfs/${tree.root}/${victim}?format=car&dag-scope=block`)
    })

    it(`${fault}: alone, the listing and the delete fall over to Bitswap, storing only verified blocks`, async () => {
      const bad = await serve(fault)
      // a CAR that is still usable needs no one else
      const bitswap = fault !== 'out-of-order' && fault !== 'unlinked'
      const peer = await client(bitswap)
      const listed = await dynamicDirectory(peer.helia, init([bad])).open(tree.root)
      expect(names(await all(listed.entries()))).to.deep.equal(names(tree.entries))
      const other = await client(bitswap)
      const edited = await dynamicDirectory(other.helia, init([bad])).open(tree.root)
      expect(await edited.delete(victim)).to.equal(true)
      expect((await edited.flush()).toString()).to.equal(offlineDelete.toString())
      await storedOnlyVerified(peer, tree)
      await storedOnlyVerified(other, tree)
      expect(await peer.store.has(await strayCid())).to.equal(false)
      expect(bad.requests).to.include(`/ipfs/${tree.root}?format=car&dag-scope=entity`)
    })
  })

  it('a lying gateway and no one else: a typed error, nothing unverified stored, the directory unchanged', async () => {
    const bad = await serve('wrong-bytes')
    const peer = await client()
    const directory = await dynamicDirectory(peer.helia, init([bad])).open(tree.root)
    await expect(directory.delete(victim)).to.eventually.be.rejected.with.property('name', 'FetchStalledError')
    expect((await directory.flush()).toString()).to.equal(tree.root.toString())
    expect(await storedOnlyVerified(peer, tree)).to.equal(1)
  })

  it('a gateway that never answers and no one else: a typed error', async () => {
    const bad = await startGateway(tree.store, 'silent')
    servers.push(bad)
    const peer = await client()
    await expect(dynamicDirectory(peer.helia, init([bad])).open(tree.root)).to.eventually.be.rejected.with.property('name', 'FetchStalledError')
    expect(await storedOnlyVerified(peer, tree)).to.equal(0)
  })

  it('a gateway that goes silent once it has sent the root, and no one else: a typed error, the root alone stored', async () => {
    const bad = await serve('honest')
    const peer = await client()
    const directory = await dynamicDirectory(peer.helia, init([bad])).open(tree.root)
    bad.fault = 'silent'
    await expect(all(directory.entries())).to.eventually.be.rejected.with.property('name', 'FetchStalledError')
    expect(await storedOnlyVerified(peer, tree)).to.equal(1)
  })

  async function strayCid (): Promise<CID> {
    return CID.createV1(0x70, await sha256.digest(STRAY))
  }
})

async function all <T> (source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of source) {
    out.push(item)
  }
  return out
}
