/**
 * A peer that hangs up in the middle of a listing.
 *
 * The rule: by default only the caller's signal bounds the wait, and the
 * listing's wants stay wanted, so a provider that comes back (a redial)
 * answers them and the listing resumes where it was. With `stallTimeoutMs`,
 * the listing ends with a FetchStalledError once no block has arrived for
 * that long, and the Directory is unchanged: a later listing over a new
 * connection gives every entry.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { withDynamicDirectory } from '../../src/index.js'
import { collect } from '../fixtures/build.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { asciiEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { startLatencyProxy } from '../fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, reconnect, stopAll } from '../fixtures/nodes.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'
import type { LatencyProxy } from '../fixtures/latency-proxy.js'
import type { TestNode } from '../fixtures/nodes.js'

describe('network: a peer that hangs up in the middle of a listing', function () {
  this.timeout(120_000)

  const entries = asciiEntries(10_000, 'stall-')
  let a: TestNode | undefined
  let b: TestNode | undefined
  let proxy: LatencyProxy | undefined

  afterEach(async () => {
    await proxy?.close()
    await stopAll(a, b)
    a = b = proxy = undefined
  })

  /** A listing cut by the hang-up: what it gives from there, and ways to go on */
  interface Cut {
    rest: Promise<DirectoryEntry[] | Error>
    listed: DirectoryEntry[]
    /** Every entry of the Directory, listed again */
    open(): Promise<DirectoryEntry[]>
    /** B dials A directly */
    redial(): Promise<void>
  }

  /** A serving the HAMT slowly through a proxy; B connected through it; a listing that has taken `before` entries */
  async function listingCutAfter (before: number, init: DynamicDirectoryInit, signal: AbortSignal): Promise<Cut> {
    const memory = new MemoryBlockstore()
    const root = await importerDirectory(entries, {}, memory)
    a = await createNode({ blockstore: new CountingBlockstore(memory, { delayMs: 1 }) })
    proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a) }, delayMs: 5 })
    const nodeA = a
    const nodeB = b = await createNode()
    await connect(nodeB, nodeA, proxiedAddress(nodeA, proxy.port))
    // as a Helia app has it: the mixin also forgets cancelled wants when a peer connects anew
    const dirs = withDynamicDirectory(nodeB, init).directories
    const directory = await dirs.open(root)

    const iterator = directory.entries({ signal })
    const listed: DirectoryEntry[] = []
    while (listed.length < before) {
      const next = await iterator.next()
      if (next.done === true) {
        throw new Error('the listing ended before the hang-up')
      }
      listed.push(next.value)
    }
    // the peer hangs up: every socket through the proxy is destroyed
    await proxy.close()
    proxy = undefined
    const rest = (async () => {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) {
        listed.push(next.value)
      }
      return listed
    })().catch((err: Error) => err)
    return {
      rest,
      listed,
      open: async () => collect(directory),
      redial: async () => {
        await reconnect(nodeB, nodeA)
      }
    }
  }

  it('with stallTimeoutMs, ends with a FetchStalledError and leaves the directory to list in full over a new connection', async () => {
    // the bound is generous: on a loaded machine the first want's reply alone has taken seconds
    const cut = await listingCutAfter(500, { stallTimeoutMs: 10_000 }, AbortSignal.timeout(40_000))
    const err = await cut.rest
    expect(err).to.be.an.instanceOf(Error)
    expect(err).to.have.property('name', 'FetchStalledError')
    expect(cut.listed.length).to.be.below(entries.length)

    // @helia/bitswap sends no CANCEL, so A may still hold the wants the stall ended, and answer
    // none of B's new wants for those blocks: a stalled relist is hung up on and tried again
    let all: DirectoryEntry[] | undefined
    for (let attempt = 1; all == null; attempt++) {
      await cut.redial()
      all = await cut.open().catch((err: Error) => {
        if (err.name !== 'FetchStalledError' || attempt >= 3) {
          throw err
        }
        return undefined
      })
    }
    expect(all.map(entry => entry.name).sort()).to.deep.equal(entries.map(entry => entry.name))
  })

  it('without it, waits under the caller\'s signal and resumes once the peer is back', async () => {
    const cut = await listingCutAfter(500, {}, AbortSignal.timeout(60_000))
    let settled = false
    void cut.rest.finally(() => { settled = true })
    await new Promise(resolve => setTimeout(resolve, 6_000))
    expect(settled).to.equal(false, 'the listing ended on its own')

    await cut.redial()
    const listed = await cut.rest
    expect(listed).to.not.be.an.instanceOf(Error)
    expect((listed as DirectoryEntry[]).map(entry => entry.name).sort()).to.deep.equal(entries.map(entry => entry.name))
  })
})
