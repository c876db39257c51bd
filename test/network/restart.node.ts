/**
 * A node that stops and starts while a listing has wants on the wire must not
 * carry those cancelled wants into its next life: the next edit on the same
 * root asks for the blocks again, over the new connection, and finishes,
 * instead of waiting out `refetchTimeoutMs` for a want nobody is sent.
 *
 * Without that, the edit failed with a BlockFetchError in most rounds: the stop
 * cancelled the listing's wants after @helia/bitswap had been told but before
 * it withdrew them, and its stop dropped the timer that would have, so the
 * next want for each of those blocks joined a cancelled entry and was never
 * sent; only the refetch deadline ended the wait.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { withDynamicDirectory } from '../../src/index.js'
import { asciiEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { startLatencyProxy } from '../fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, stopAll } from '../fixtures/nodes.js'
import type { LatencyProxy } from '../fixtures/latency-proxy.js'
import type { TestNode } from '../fixtures/nodes.js'

/** Rounds of listing, stop, start, redial and rm: without the rule, each one failed more often than not */
const ROUNDS = 3

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

describe('network: a node restarted in the middle of a listing', function () {
  this.timeout(120_000)

  let a: TestNode | undefined
  let b: TestNode | undefined
  let proxy: LatencyProxy | undefined

  afterEach(async () => {
    await proxy?.close()
    await stopAll(a, b)
    a = b = proxy = undefined
  })

  it('edits the same root after each restart without waiting on the wants the stop cancelled', async () => {
    const entries = asciiEntries(20_000, 'restart-')
    const memory = new MemoryBlockstore()
    const root = await importerDirectory(entries, {}, memory)
    a = await createNode({ blockstore: memory })
    // a 20 ms round trip
    proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a) }, delayMs: 10 })
    // a deadline the rm must not need: it would end the rm with a BlockFetchError
    const helia = withDynamicDirectory(await createNode(), { refetchTimeoutMs: 3_000 })
    b = helia
    const victim = entries[12_345]
    const expected = await importerDirectory(entries.filter(entry => entry !== victim))

    for (let round = 1; round <= ROUNDS; round++) {
      await connect(helia, a, proxiedAddress(a, proxy.port))
      // a cold listing (the stop drops the cached trees), cut by the stop once its window is on the wire
      const listing = (async () => {
        for await (const entry of helia.directories.ls(root)) {
          void entry
        }
      })().then(() => undefined, (err: Error) => err)
      await sleep(400)
      await helia.stop()
      expect(await listing).to.have.property('name', 'NotStartedError')

      await helia.start()
      await connect(helia, a, proxiedAddress(a, proxy.port))
      const result = await helia.directories.rm(root, victim.name, { signal: AbortSignal.timeout(60_000) }).then(cid => cid, (err: Error) => err)
      expect(result).to.not.be.an.instanceOf(Error, `round ${round}: the rm failed: ${(result as Error).message}`)
      expect(result.toString()).to.equal(expected.toString(), `round ${round}`)
      // the next round starts from a stop too
      await helia.stop()
      await helia.start()
    }
  })
})
