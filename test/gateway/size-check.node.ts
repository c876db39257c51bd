/**
 * A size check through a gateway: when the directory's estimated entry
 * bytes are at most a few times what the check still misses (it will read
 * most of the directory anyway), its burst is asked as the whole directory
 * in one `dag-scope=entity` CAR instead of a request per node; in a
 * directory many times the threshold, it stays a request per node, which
 * fetches a small part. Either way the delete gives the importer's CID, and
 * a hostile gateway before a good one only costs the fall-over.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { asciiEntries } from '../fixtures/entries.js'
import { startGateway } from '../fixtures/gateway-server.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { GatewayFault, GatewayServer } from '../fixtures/gateway-server.js'
import type { CID } from 'multiformats/cid'

interface Case {
  root: CID
  expected: CID
  victim: string
  store: MemoryBlockstore
}

async function directoryOf (count: number): Promise<Case> {
  const entries = asciiEntries(count, 'size-check-')
  const store = new MemoryBlockstore()
  const root = await importerDirectory(entries, {}, store)
  const victim = entries[Math.floor(count / 2)].name
  const expected = await importerDirectory(entries.filter(entry => entry.name !== victim))
  return { root, expected, victim, store }
}

describe('gateway transport: the size check of a delete', function () {
  this.timeout(120_000)
  const servers: GatewayServer[] = []

  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async server => server.stop()))
  })

  /** Deletes the victim through gateways with these faults, in this order; the requests are the first one's */
  async function deleteThrough (tree: Case, faults: GatewayFault[] = ['honest']): Promise<{ cid: CID, requests: string[] }> {
    const started = await Promise.all(faults.map(async fault => startGateway(tree.store, fault, [tree.root])))
    servers.push(...started)
    const directory = await dynamicDirectory({ blockstore: new MemoryBlockstore() }, { gateways: started.map(server => server.url) }).open(tree.root)
    expect(await directory.delete(tree.victim)).to.equal(true)
    return { cid: await directory.flush(), requests: started[0].requests }
  }

  it('a directory about twice the threshold (10,000 entries): the size check is one entity CAR', async () => {
    const tree = await directoryOf(10_000)
    const { cid, requests } = await deleteThrough(tree)
    expect(cid.toString()).to.equal(tree.expected.toString())
    expect(requests.filter(url => url.includes('dag-scope=entity'))).to.deep.equal([`/ipfs/${tree.root}?format=car&dag-scope=entity`])
    expect(requests.filter(url => url.includes('format=raw'))).to.deep.equal([`/ipfs/${tree.root}?format=raw`])
  })

  it('a directory many times the threshold (50,000 entries): a request per node, no entity CAR', async () => {
    const tree = await directoryOf(50_000)
    const { cid, requests } = await deleteThrough(tree)
    expect(cid.toString()).to.equal(tree.expected.toString())
    expect(requests.filter(url => url.includes('dag-scope=entity'))).to.deep.equal([])
    expect(requests.filter(url => url.includes('format=raw')).length).to.be.within(20, 200)
  })

  for (const fault of ['wrong-bytes', 'truncated', 'out-of-order'] as const) {
    it(`a gateway whose every response has ${fault}, before a good one: the delete gives the importer's CID`, async () => {
      const tree = await directoryOf(10_000)
      const { cid, requests } = await deleteThrough(tree, [fault, 'honest'])
      expect(cid.toString()).to.equal(tree.expected.toString())
      expect(requests).to.include(`/ipfs/${tree.root}?format=car&dag-scope=entity`)
    })
  }
})
