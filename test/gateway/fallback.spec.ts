/**
 * The gateway transport in Node and in Chromium alike (`fetch` only): a
 * gateway that cannot be reached hands every request to the blockstore, and
 * a gateway that is not an http: or https: URL is refused up front.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { contentNamed } from '../fixtures/cold-delete.js'
import { importerDirectory } from '../fixtures/importer.js'

/** Port 9 (discard) on loopback: nothing listens there (and Chromium refuses the port outright), so every request fails at once */
const UNREACHABLE = 'http://127.0.0.1:9'

describe('gateway transport: fall-back and options', () => {
  it('a gateway that cannot be reached hands the listing and the delete to the blockstore', async () => {
    const store = new MemoryBlockstore()
    const entries = contentNamed(150)
    const root = await importerDirectory(entries, { shardSplitThresholdBytes: 1000, shardFanoutBits: 4, cidVersion: 1 }, store)
    // as a node that reads over the network: nothing counts as local, so every block is asked of the gateway first
    const blockstore = { get: store.get.bind(store), put: store.put.bind(store), has: async () => false }
    const dirs = dynamicDirectory({ blockstore }, { gateways: [UNREACHABLE], shardSplitThresholdBytes: 1000, stallTimeoutMs: 5_000 })
    const asked: string[] = []
    const original = globalThis.fetch
    globalThis.fetch = async (input, init) => {
      asked.push(String(input))
      return original(input, init)
    }
    try {
      const names: string[] = []
      for await (const entry of (await dirs.open(root)).entries()) {
        names.push(entry.name)
      }
      expect(names.sort()).to.deep.equal(entries.map(entry => entry.name).sort())
      const offline = await dynamicDirectory({ blockstore: store }, { shardSplitThresholdBytes: 1000 }).rm(root, entries[10].name)
      expect((await dirs.rm(root, entries[10].name)).toString()).to.equal(offline.toString())
    } finally {
      globalThis.fetch = original
    }
    expect(asked).to.include(`${UNREACHABLE}/ipfs/${root}?format=raw`)
  })

  it('refuses a gateway that is not an http: or https: URL, or gateways that are not a list', () => {
    const blockstore = new MemoryBlockstore()
    for (const gateways of [['ftp://example.com'], ['not a url'], ['https://example.com/?q=1'], 'https://example.com']) {
      expect(() => dynamicDirectory({ blockstore }, { gateways: gateways as any }), String(gateways)).to.throw().with.property('name', 'InvalidParametersError')
    }
    expect(() => dynamicDirectory({ blockstore }, { gateways: ['http://127.0.0.1:8080/', 'https://example.com'] })).to.not.throw()
  })
})
