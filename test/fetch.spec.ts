import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { CID } from 'multiformats/cid'
import { BlockFetchError } from '../src/errors.js'
import { BlockFetcher } from '../src/fetch.js'
import { CountingBlockstore, blockKey } from './fixtures/counting-blockstore.js'
import { cidOf } from './fixtures/entries.js'

const DAG_PB = 0x70
const REFETCH_TIMEOUT_MS = 200

interface Block {
  cid: CID
  bytes: Uint8Array
}

/** `count` distinct raw blocks */
function blocks (count: number): Block[] {
  return Array.from({ length: count }, (_, i) => {
    const bytes = Uint8Array.from({ length: 16 + i }, (_, j) => (i * 31 + j) & 0xff)
    return { cid: cidOf(bytes, 'v1-raw'), bytes }
  })
}

/** A counting store over a memory store holding `list` */
async function storeWith (list: Block[], delayMs: number): Promise<CountingBlockstore> {
  const inner = new MemoryBlockstore()
  for (const { cid, bytes } of list) {
    await inner.put(cid, bytes)
  }
  return new CountingBlockstore(inner, { delayMs })
}

/** The error `promise` rejects with; fails the test if it resolves */
async function failure (promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  expect.fail('expected a rejection')
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** A signal that never aborts */
const never = (): AbortSignal => new AbortController().signal

/** Asks for `block` and cancels every request on the wire (a stop), so that its request is cancelled in flight; resolves once it has ended */
async function cancelInFlight (fetcher: BlockFetcher, block: Block): Promise<void> {
  const first = fetcher.get(block.cid, { signal: never() })
  fetcher.cancelAll(new Error('stopped'))
  await failure(first)
  await fetcher.landing(never())
}

describe('BlockFetcher', () => {
  // the limit caps the blockstore's concurrent gets, and every caller still gets its own block
  it('never has more than its limit of requests in flight', async () => {
    const budget = 3
    const list = blocks(3 * budget)
    const store = await storeWith(list, 30)
    const fetcher = new BlockFetcher(store, { limit: budget, refetchTimeoutMs: REFETCH_TIMEOUT_MS })

    const gets = list.map(({ cid }) => fetcher.get(cid, { signal: never() }))
    expect(fetcher.inFlight).to.equal(budget)
    expect(store.inFlight).to.equal(budget)

    const got = await Promise.all(gets)
    expect(got).to.deep.equal(list.map(block => block.bytes))
    expect(store.maxInFlight).to.equal(budget)
    expect(store.totalGets).to.equal(list.length)
    expect(store.duplicates()).to.deep.equal([])
    expect(fetcher.inFlight).to.equal(0)
  })

  // concurrent gets of one multihash, under CIDv0, CIDv1 raw and CIDv1 dag-pb, share one request
  it('joins a request in flight for the same multihash', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 50)
    const fetcher = new BlockFetcher(store, { limit: 4, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const v0 = CID.createV0(block.cid.multihash as any)
    const pb = CID.createV1(DAG_PB, block.cid.multihash)

    const gets = [block.cid, block.cid, v0, pb].map(cid => fetcher.get(cid, { signal: never() }))
    expect(fetcher.inFlight).to.equal(1)
    expect(fetcher.isInFlight(v0)).to.equal(true)
    expect(fetcher.isInFlight(pb)).to.equal(true)

    expect(await Promise.all(gets)).to.deep.equal([block.bytes, block.bytes, block.bytes, block.bytes])
    expect(store.totalGets).to.equal(1)
    expect(store.count(block.cid)).to.equal(1)
    expect(fetcher.isInFlight(block.cid)).to.equal(false)
  })

  // one of two callers aborting leaves the shared request to land for the other
  it('does not cancel a shared request when only one caller aborts', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 100)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const a = new AbortController()
    const b = new AbortController()

    const first = fetcher.get(block.cid, { signal: a.signal })
    const second = fetcher.get(CID.createV1(DAG_PB, block.cid.multihash), { signal: b.signal })
    a.abort()

    const err = await failure(first)
    expect(err).to.equal(a.signal.reason)
    expect(err).to.have.property('name', 'AbortError')
    expect(fetcher.isInFlight(block.cid)).to.equal(true)
    expect(await second).to.deep.equal(block.bytes)
    expect(store.aborted).to.deep.equal([])
    expect(store.totalGets).to.equal(1)
  })

  // a want on the wire is never cancelled because its callers left: with @helia/bitswap a cancelled want is not answered again on that connection
  it('leaves a request every caller has left to land, and a later caller joins it', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 200)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const a = new AbortController()
    const b = new AbortController()

    const first = fetcher.get(block.cid, { signal: a.signal })
    const second = fetcher.get(block.cid, { signal: b.signal })
    a.abort()
    b.abort()

    const errors = [await failure(first), await failure(second)]
    expect(errors[0]).to.equal(a.signal.reason)
    expect(errors[1]).to.equal(b.signal.reason)
    expect(errors.map(err => err.name)).to.deep.equal(['AbortError', 'AbortError'])
    expect(fetcher.isInFlight(block.cid)).to.equal(true)
    expect(fetcher.orphaned).to.equal(1)

    expect(await fetcher.get(block.cid, { signal: never() })).to.deep.equal(block.bytes)
    expect(store.totalGets).to.equal(1)
    expect(store.aborted).to.deep.equal([])
    expect(fetcher.inFlight).to.equal(0)
    expect(fetcher.orphaned).to.equal(0)
  })

  // orphaned requests have `limit` of room of their own: they never hold a caller back, and past it they count against the callers
  it('gives requests no caller waits on room of their own, bounded by the limit', async () => {
    const list = blocks(5)
    const store = await storeWith(list, 300)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const left = new AbortController()
    const orphans = list.slice(0, 2).map(({ cid }) => fetcher.get(cid, { signal: left.signal }))
    left.abort()
    await Promise.all(orphans.map(failure))
    expect(fetcher.orphaned).to.equal(2)

    // the callers' whole limit is free
    const gets = list.slice(2, 4).map(({ cid }) => fetcher.get(cid, { signal: never() }))
    expect(store.inFlight).to.equal(4)
    // the bound: nothing more goes out until a request lands
    const waiting = fetcher.get(list[4].cid, { signal: never() })
    expect(store.inFlight).to.equal(4)

    expect(await Promise.all([...gets, waiting])).to.deep.equal(list.slice(2).map(block => block.bytes))
    expect(store.maxInFlight).to.equal(4)
    expect(store.aborted).to.deep.equal([])
    expect(store.totalGets).to.equal(5)
  })

  // a stop ends every request on the wire, whether a caller waits on it or not
  it('cancelAll ends every request on the wire with its reason', async () => {
    const [held, orphan] = blocks(2)
    const store = await storeWith([held, orphan], 10_000)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const left = new AbortController()
    const orphaned = fetcher.get(orphan.cid, { signal: left.signal })
    left.abort()
    await failure(orphaned)
    const waiting = fetcher.get(held.cid, { signal: never() })

    const reason = new Error('stopped')
    fetcher.cancelAll(reason)
    expect(await failure(waiting)).to.equal(reason)
    await fetcher.settled(1_000)
    expect(store.aborted.map(blockKey).sort()).to.deep.equal([blockKey(held.cid), blockKey(orphan.cid)].sort())
    expect(fetcher.inFlight).to.equal(0)
    expect(fetcher.orphaned).to.equal(0)
  })

  // an aborting caller rejects with its own signal's reason, whether joined to a request or waiting for room
  it('rejects an aborting caller with its own signal\'s reason', async () => {
    const [shared, other] = blocks(2)
    const store = await storeWith([shared, other], 300)
    const fetcher = new BlockFetcher(store, { limit: 1, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const a = new AbortController()
    const b = new AbortController()
    const c = new AbortController()

    const first = fetcher.get(shared.cid, { signal: a.signal })
    const second = fetcher.get(shared.cid, { signal: b.signal })
    // the budget is full: this one waits for room
    const waiting = fetcher.get(other.cid, { signal: c.signal })
    await sleep(20)
    expect(store.totalGets).to.equal(1)

    const reasons = [new Error('a gave up'), new Error('b gave up'), new Error('c gave up')]
    c.abort(reasons[2])
    a.abort(reasons[0])
    b.abort(reasons[1])

    expect(await failure(first)).to.equal(reasons[0])
    expect(await failure(second)).to.equal(reasons[1])
    expect(await failure(waiting)).to.equal(reasons[2])
    await fetcher.landing(never())
    // the waiting caller never reached the blockstore
    expect(store.log.map(blockKey)).to.deep.equal([blockKey(shared.cid)])
  })

  // a blockstore failure becomes a BlockFetchError that keeps the original error as its cause
  it('types a failing blockstore get as BlockFetchError with a cause', async () => {
    const [bad, good] = blocks(2)
    const store = await storeWith([bad, good], 0)
    store.failOn = cid => cid.multihash.bytes.join() === bad.cid.multihash.bytes.join()
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })

    const [err, bytes] = await Promise.all([
      failure(fetcher.get(bad.cid, { signal: never() })),
      fetcher.get(good.cid, { signal: never() })
    ])

    expect(err).to.be.an.instanceOf(BlockFetchError)
    expect(err).to.have.property('name', 'BlockFetchError')
    expect(err.cause).to.be.an.instanceOf(Error)
    expect(err.cause.message).to.match(/failed on purpose/)
    expect(bytes).to.deep.equal(good.bytes)
    expect(store.failed.map(blockKey)).to.deep.equal([blockKey(bad.cid)])
  })

  // a block cancelled in flight, asked for again from a store that never answers, fails after refetchTimeoutMs
  it('gives a block cancelled in flight a deadline when it is asked for again', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 600_000)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })

    await cancelInFlight(fetcher, block)
    expect(store.aborted).to.have.lengthOf(1)

    // aborted at the end only so that a regression cannot leave the store's get pending
    const cleanup = new AbortController()
    try {
      const started = Date.now()
      const err = await failure(fetcher.get(block.cid, { signal: AbortSignal.any([cleanup.signal, AbortSignal.timeout(10_000)]) }))
      expect(err).to.have.property('name', 'BlockFetchError')
      expect(err.cause).to.have.property('name', 'TimeoutError')
      // loosely: it was the deadline, not something immediate
      expect(Date.now() - started).to.be.at.least(REFETCH_TIMEOUT_MS / 2)
      expect(store.totalGets).to.equal(2)
      expect(fetcher.inFlight).to.equal(0)
    } finally {
      cleanup.abort()
    }
  })

  // a block never cancelled waits as long as the store takes, past refetchTimeoutMs
  it('waits without a deadline for a block never cancelled', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 2 * REFETCH_TIMEOUT_MS)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })

    const started = Date.now()
    expect(await fetcher.get(block.cid, { signal: never() })).to.deep.equal(block.bytes)
    expect(Date.now() - started).to.be.at.least(REFETCH_TIMEOUT_MS)
    expect(store.aborted).to.deep.equal([])
  })

  // once a cancelled block arrives on a later request, the next request has no deadline again
  it('drops the deadline once a cancelled block has arrived', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 600_000)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })

    await cancelInFlight(fetcher, block)

    store.delayMs = 10
    expect(await fetcher.get(block.cid, { signal: never() })).to.deep.equal(block.bytes)
    store.delayMs = 2 * REFETCH_TIMEOUT_MS
    expect(await fetcher.get(block.cid, { signal: never() })).to.deep.equal(block.bytes)
    expect(store.totalGets).to.equal(3)
    expect(store.aborted).to.have.lengthOf(1)
  })

  // an already-aborted signal rejects at once, before any blockstore get
  it('rejects an already-aborted signal before any blockstore get', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 0)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const signal = AbortSignal.abort()

    const err = await failure(fetcher.get(block.cid, { signal }))
    expect(err).to.equal(signal.reason)
    expect(err).to.have.property('name', 'AbortError')
    expect(store.totalGets).to.equal(0)
    expect(fetcher.inFlight).to.equal(0)
  })

  // landing() resolves at once with nothing in flight, else only when a request ends; it honours its signal
  it('landing() resolves when a request ends', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 100)
    const fetcher = new BlockFetcher(store, { limit: 2, refetchTimeoutMs: REFETCH_TIMEOUT_MS })

    await fetcher.landing(never())

    const get = fetcher.get(block.cid, { signal: never() })
    let landed = false
    const landing = fetcher.landing(never()).then(() => { landed = true })
    await sleep(30)
    expect(landed).to.equal(false)
    expect(fetcher.inFlight).to.equal(1)

    await landing
    expect(landed).to.equal(true)
    expect(fetcher.inFlight).to.equal(0)
    expect(fetcher.isInFlight(block.cid)).to.equal(false)
    expect(await get).to.deep.equal(block.bytes)

    const again = fetcher.get(block.cid, { signal: never() })
    const reason = new Error('stopped waiting')
    expect(await failure(fetcher.landing(AbortSignal.abort(reason)))).to.equal(reason)
    await again
  })

  // a request cancelled by a stop, still winding down, is not joined: a new caller sends its own
  it('does not hand a late caller the reason of a request cancelled in flight', async () => {
    const [block] = blocks(1)
    const store = await storeWith([block], 40)
    const fetcher = new BlockFetcher(store, { limit: 4, refetchTimeoutMs: 5_000 })
    const first = fetcher.get(block.cid, { signal: never() })
    const reason = new Error('stopped')
    fetcher.cancelAll(reason)
    const late = fetcher.get(block.cid, { signal: never() })

    expect(await failure(first)).to.equal(reason)
    expect(await late).to.deep.equal(block.bytes)
    expect(store.count(block.cid)).to.equal(2)
  })

  // a background request waits while a foreground one is on its way, then goes
  it('sends a background request only while nothing in the foreground is on its way', async () => {
    const list = blocks(3)
    const store = await storeWith(list, 30)
    const fetcher = new BlockFetcher(store, { limit: 4, refetchTimeoutMs: REFETCH_TIMEOUT_MS })
    const foreground = fetcher.get(list[0].cid, { signal: never() })
    const background = fetcher.get(list[1].cid, { signal: never(), background: true })
    await sleep(10)
    expect(store.log.map(blockKey)).to.deep.equal([blockKey(list[0].cid)])

    await foreground
    expect(await background).to.deep.equal(list[1].bytes)
    expect(store.log.map(blockKey)).to.deep.equal([blockKey(list[0].cid), blockKey(list[1].cid)])

    // joining a block a foreground caller already asked for costs nothing and waits for nothing else
    const again = fetcher.get(list[2].cid, { signal: never() })
    expect(await fetcher.get(list[2].cid, { signal: never(), background: true })).to.deep.equal(list[2].bytes)
    await again
    expect(store.count(list[2].cid)).to.equal(1)
  })
})
