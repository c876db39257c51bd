/**
 * The gateway transport against a small trustless gateway in the test
 * (test/fixtures/gateway-server.ts), honest and hostile: wrong bytes, a block
 * nothing links to, a truncated CAR, blocks out of order, a CAR that never
 * ends, 404, 500, a body that is not a CAR. Whatever the gateway does, a
 * listing and a delete give what the same calls give offline, every block
 * the client stored hashes to its CID and belongs to the directory, and when
 * no one else can answer, the call fails with a typed error and the
 * directory is as it was.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { verifyBlock } from '../../src/verify.js'
import { contentNamed } from '../fixtures/cold-delete.js'
import { STRAY, startGateway } from '../fixtures/gateway-server.js'
import { importerDirectory } from '../fixtures/importer.js'
import { NetworkStore } from '../fixtures/network-store.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'
import type { GatewayFault, GatewayServer } from '../fixtures/gateway-server.js'
import type { CID } from 'multiformats/cid'

/** A HAMT of fanout 16 over a low threshold: a few dozen shard nodes, three levels */
const SHAPE = { shardSplitThresholdBytes: 1000, shardFanoutBits: 4, cidVersion: 1 } as const
const COUNT = 150

interface Tree { entries: DirectoryEntry[], root: CID, store: MemoryBlockstore, blocks: number }

async function shardTree (): Promise<Tree> {
  const entries = contentNamed(COUNT)
  const store = new MemoryBlockstore()
  const root = await importerDirectory(entries, SHAPE, store)
  let blocks = 0
  for await (const _ of store.getAll()) {
    blocks++
  }
  return { entries, root, store, blocks }
}

function names (entries: Iterable<{ name: string }>): string[] {
  return [...entries].map(entry => entry.name).sort()
}

/** Every block the client stored hashes to its CID and is one of the tree's */
async function storedOnlyVerified (client: NetworkStore, tree: Tree): Promise<number> {
  const stored = await client.stored()
  for (const { cid, bytes } of stored) {
    await verifyBlock(cid, bytes)
    expect(await tree.store.has(cid), `${cid} is not the tree's`).to.equal(true)
  }
  return stored.length
}

describe('gateway transport: hostile gateways', function () {
  this.timeout(30_000)
  let tree: Tree
  let offlineDelete: CID
  const victim = 'file-0000075.txt'
  const servers: GatewayServer[] = []
  const init = (gateways: GatewayServer[], more: DynamicDirectoryInit = {}): DynamicDirectoryInit => ({ ...SHAPE, gateways: gateways.map(g => g.url), stallTimeoutMs: 400, ...more })
  const serve = async (fault: GatewayFault): Promise<GatewayServer> => {
    const server = await startGateway(tree.store, fault)
    servers.push(server)
    return server
  }

  before(async () => {
    tree = await shardTree()
    const directory = await dynamicDirectory({ blockstore: tree.store }, SHAPE).open(tree.root)
    expect(directory.shape).to.equal('hamt')
    expect(await directory.delete(victim)).to.equal(true)
    offlineDelete = await directory.flush()
  })

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async server => server.stop()))
  })

  it('an honest gateway: a listing is the root then one CAR, with no Bitswap', async () => {
    const gateway = await serve('honest')
    const client = new NetworkStore()
    const directory = await dynamicDirectory({ blockstore: client }, init([gateway])).open(tree.root)
    expect(names(await all(directory.entries()))).to.deep.equal(names(tree.entries))
    expect(gateway.requests).to.deep.equal([`/ipfs/${tree.root}?format=raw`, `/ipfs/${tree.root}?format=car&dag-scope=entity`])
    expect(client.bitswapGets).to.equal(0)
    expect(await storedOnlyVerified(client, tree)).to.equal(tree.blocks)
  })

  it('an honest gateway: a delete takes its path in one CAR and gives the offline CID', async () => {
    const gateway = await serve('honest')
    const client = new NetworkStore()
    const directory = await dynamicDirectory({ blockstore: client }, init([gateway])).open(tree.root)
    expect(await directory.delete(victim)).to.equal(true)
    expect((await directory.flush()).toString()).to.equal(offlineDelete.toString())
    const cars = gateway.requests.filter(url => url.includes('format=car'))
    expect(cars).to.deep.equal([`/ipfs/${tree.root}/${victim}?format=car&dag-scope=block`])
    expect(client.bitswapGets).to.equal(0)
    await storedOnlyVerified(client, tree)
  })

  it('a name is URL-encoded in the path', async () => {
    const entries = [...contentNamed(COUNT), { ...contentNamed(1)[0], name: 'a name?#%&.txt' }]
    const store = new MemoryBlockstore()
    const root = await importerDirectory(entries, SHAPE, store)
    const gateway = await startGateway(store)
    servers.push(gateway)
    const directory = await dynamicDirectory({ blockstore: new NetworkStore() }, init([gateway])).open(root)
    expect(await directory.has('a name?#%&.txt')).to.equal(true)
    expect(gateway.requests).to.include(`/ipfs/${root}/a%20name%3F%23%25%26.txt?format=car&dag-scope=block`)
  })

  const faults: GatewayFault[] = ['wrong-bytes', 'unlinked', 'truncated', 'out-of-order', 'never-ends', 'silent', '404', '500', 'not-car']
  for (const fault of faults) {
    it(`${fault}: the listing and the delete fall over to the next gateway, storing only verified blocks`, async () => {
      const bad = await serve(fault)
      const good = await serve('honest')
      const client = new NetworkStore()
      const dirs = dynamicDirectory({ blockstore: client }, init([bad, good]))
      const listed = await dirs.open(tree.root)
      expect(names(await all(listed.entries()))).to.deep.equal(names(tree.entries))
      const edited = await dirs.open(tree.root)
      expect(await edited.delete(victim)).to.equal(true)
      expect((await edited.flush()).toString()).to.equal(offlineDelete.toString())
      expect(client.bitswapGets).to.equal(0)
      await storedOnlyVerified(client, tree)
      expect(await client.has(await strayCid())).to.equal(false)
    })

    it(`${fault}: alone, the listing and the delete fall over to Bitswap, storing only verified blocks`, async () => {
      const bad = await serve(fault)
      const client = new NetworkStore(tree.store)
      const dirs = dynamicDirectory({ blockstore: client }, init([bad]))
      const listed = await dirs.open(tree.root)
      expect(names(await all(listed.entries()))).to.deep.equal(names(tree.entries))
      const fresh = new NetworkStore(tree.store)
      const edited = await dynamicDirectory({ blockstore: fresh }, init([bad])).open(tree.root)
      expect(await edited.delete(victim)).to.equal(true)
      expect((await edited.flush()).toString()).to.equal(offlineDelete.toString())
      await storedOnlyVerified(client, tree)
      await storedOnlyVerified(fresh, tree)
      if (fault === 'out-of-order' || fault === 'unlinked') {
        // a usable CAR: everything came from it
        expect(client.bitswapGets).to.equal(0)
      }
    })
  }

  it('a lying gateway and no one else: a typed error, nothing unverified stored, the directory unchanged', async () => {
    const bad = await serve('wrong-bytes')
    const client = new NetworkStore()
    await client.put(tree.root, await toBytes(tree.store, tree.root))
    const directory = await dynamicDirectory({ blockstore: client }, init([bad])).open(tree.root)
    await expect(directory.delete(victim)).to.eventually.be.rejected.with.property('name', 'FetchStalledError')
    expect((await directory.flush()).toString()).to.equal(tree.root.toString())
    expect(await storedOnlyVerified(client, tree)).to.equal(1)
  })

  it('a gateway that never answers and no one else: a typed error', async () => {
    const bad = await serve('silent')
    const client = new NetworkStore()
    await expect(dynamicDirectory({ blockstore: client }, init([bad])).open(tree.root)).to.eventually.be.rejected.with.property('name', 'FetchStalledError')
    expect(await storedOnlyVerified(client, tree)).to.equal(0)
  })

  it('a gateway that goes silent once it has sent the root, and no one else: a typed error, the root alone stored', async () => {
    const bad = await serve('never-ends')
    const client = new NetworkStore()
    const directory = await dynamicDirectory({ blockstore: client }, init([bad])).open(tree.root)
    bad.fault = 'silent'
    await expect(all(directory.entries())).to.eventually.be.rejected.with.property('name', 'FetchStalledError')
    expect(await storedOnlyVerified(client, tree)).to.equal(1)
  })

  it('refuses a gateway that is not an http: or https: URL', () => {
    expect(() => dynamicDirectory({ blockstore: new NetworkStore() }, { gateways: ['ftp://example.com'] })).to.throw().with.property('name', 'InvalidParametersError')
    expect(() => dynamicDirectory({ blockstore: new NetworkStore() }, { gateways: ['not a url'] })).to.throw().with.property('name', 'InvalidParametersError')
  })

  async function strayCid (): Promise<CID> {
    const { CID } = await import('multiformats/cid')
    const { sha256 } = await import('multiformats/hashes/sha2')
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

async function toBytes (store: MemoryBlockstore, cid: CID): Promise<Uint8Array> {
  const { toBytes } = await import('../fixtures/counting-blockstore.js')
  return toBytes(store.get(cid))
}
