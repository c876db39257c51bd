import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { BlockFetcher } from '../src/fetch.js'
import { CountingBlockstore, blockKey } from './fixtures/counting-blockstore.js'
import { cidOf } from './fixtures/entries.js'
import type { CID } from 'multiformats/cid'

/** `count` distinct raw blocks in a counting store */
async function blocks (count: number, delayMs: number): Promise<{ store: CountingBlockstore, list: Array<{ cid: CID, bytes: Uint8Array }> }> {
  const inner = new MemoryBlockstore()
  const list = Array.from({ length: count }, (_, i) => {
    const bytes = Uint8Array.from({ length: 32 + i }, (_, j) => (i * 17 + j) & 0xff)
    return { cid: cidOf(bytes, 'v1-raw'), bytes }
  })
  for (const { cid, bytes } of list) {
    await inner.put(cid, bytes)
  }
  return { store: new CountingBlockstore(inner, { delayMs }), list }
}

const never = (): AbortSignal => new AbortController().signal

describe('BlockFetcher: requests that fail, stall or are retried', () => {
  it('fails every request on the wire with FetchStalledError once none has landed for stallTimeoutMs', async () => {
    const { store, list } = await blocks(3, 600_000)
    const fetcher = new BlockFetcher(store, { limit: 4, refetchTimeoutMs: 10_000, stallTimeoutMs: 100 })
    const errors = await Promise.all(list.map(async ({ cid }) => fetcher.get(cid, { signal: never() }).then(() => undefined, (err: Error) => err)))
    expect(errors.map(err => err?.name)).to.deep.equal(['FetchStalledError', 'FetchStalledError', 'FetchStalledError'])
    expect(store.aborted).to.have.lengthOf(3)
    expect(fetcher.inFlight).to.equal(0)
  })

  it('after forgetCancelled, a block cancelled in flight is asked for again with no deadline', async () => {
    const { store, list: [block] } = await blocks(1, 600_000)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: 50 })
    const first = fetcher.get(block.cid, { signal: never() }).catch(() => undefined)
    fetcher.cancelAll(new Error('stopped'))
    await first
    await fetcher.landing(never())

    fetcher.forgetCancelled()
    store.delayMs = 200
    expect(await fetcher.get(block.cid, { signal: never() })).to.deep.equal(block.bytes)
  })

  it('does not send a request held back for room when skip says its block landed meanwhile', async () => {
    const { store, list: [a, b] } = await blocks(2, 30)
    const fetcher = new BlockFetcher(store, { limit: 1, refetchTimeoutMs: 10_000 })
    const first = fetcher.get(a.cid, { signal: never() })
    let landed = false
    const held = fetcher.get(b.cid, { signal: never(), skip: () => landed })
    landed = true
    expect(await first).to.deep.equal(a.bytes)
    expect(await held).to.equal(undefined)
    expect(store.log.map(blockKey)).to.deep.equal([blockKey(a.cid)])
  })
})
