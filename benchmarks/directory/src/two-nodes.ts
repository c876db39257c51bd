/**
 * The benchmark network: one serving node A whose blockstore counts the gets
 * Bitswap serves, a latency proxy in front of it, and fresh fetching nodes B
 * that dial A directly or through the proxy.
 *
 * B's blockstore, as the code under test sees it, is a `NetworkCounter`: it
 * passes everything to Helia's networked blockstore and counts the gets of
 * blocks B does not hold yet (requests that go to the network), how many are
 * in flight at once, and the rounds: how often the number in flight rose
 * from 0 to 1. Code that fetches one block at a time has as many rounds as
 * blocks; code that fetches in parallel bursts has about one round per burst.
 */

import { multiaddr } from '@multiformats/multiaddr'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CountingBlockstore, blockKey } from '../../../dist/test/fixtures/counting-blockstore.js'
import { startLatencyProxy } from '../../../dist/test/fixtures/latency-proxy.js'
import { BITSWAP_PROTOCOL, connect, createNode, portOf, proxiedAddress, stopAll } from '../../../dist/test/fixtures/nodes.js'
import { waitForProtocol } from '../../../dist/test/fixtures/peers.js'
import type { LatencyProxy } from '../../../dist/test/fixtures/latency-proxy.js'
import type { TestNode } from '../../../dist/test/fixtures/nodes.js'
import type { AbortOptions, PeerId } from '@libp2p/interface'
import type { Blockstore, InputPair, Pair } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export type Mode = 'direct' | 'proxy'

export const PROXY_DELAY_MS = 10

/** The network alone: direct, or through the proxy */
export function networkLabel (mode: Mode): string {
  return mode === 'direct' ? 'direct' : `proxy ${PROXY_DELAY_MS} ms each way`
}

/** The provider, its process and the network, for a row against the in-process A */
export function modeLabel (mode: Mode): string {
  return `A in-process, ${networkLabel(mode)}`
}

/**
 * Where B fetches from: a node B dials, directly or through the latency
 * proxy in front of it, in this process or in another one
 */
export interface Provider {
  /** Who serves and in which process, as the tables say it */
  label: string
  /** Dials the provider from `node` (directly or through the proxy) and waits until Bitswap can run */
  connect(node: TestNode, mode: Mode, options?: AbortOptions): Promise<PeerId>
  /** Blocks the provider has served so far, where it can tell */
  served(): Promise<number | null>
  /** Its multiaddr through the proxy, for clients that are not Helia nodes (a provider in another process) */
  proxiedAddress?: string
  close(): Promise<void>
}

/** The in-process A */
export interface Server extends Provider {
  node: TestNode
  /** A's blockstore: counts every get Bitswap makes to serve a block */
  store: CountingBlockstore
  proxy: LatencyProxy
}

export async function startServer (): Promise<Server> {
  const store = new CountingBlockstore(new MemoryBlockstore())
  const node = await createNode({ blockstore: store })
  const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(node) }, delayMs: PROXY_DELAY_MS })

  return {
    label: 'A in-process',
    node,
    store,
    proxy,
    connect: async (from, mode) => {
      await connect(from, node, mode === 'proxy' ? proxiedAddress(node, proxy.port) : undefined)
      return node.libp2p.peerId
    },
    served: async () => store.totalGets,
    close: async () => {
      await proxy.close()
      await stopAll(node)
    }
  }
}

/**
 * A provider in another process, at `address` (its loopback TCP multiaddr
 * with /p2p/), with `proxy` in front of it
 */
export async function remoteProvider (label: string, address: string, served: () => Promise<number | null>, close: () => Promise<void>, proxy: { port: number, close(): Promise<void> }): Promise<Provider> {
  const direct = multiaddr(address)
  const port = Number(direct.toString().split('/')[4])
  const proxied = multiaddr(direct.toString().replace(`/tcp/${port}/`, `/tcp/${proxy.port}/`))

  return {
    label,
    proxiedAddress: proxied.toString(),
    connect: async (from, mode, options = {}) => {
      const signal = AbortSignal.any([AbortSignal.timeout(20_000), ...(options.signal == null ? [] : [options.signal])])
      const connection = await from.libp2p.dial(mode === 'proxy' ? proxied : direct, { signal })
      await waitForProtocol(from.libp2p, connection.remotePeer, BITSWAP_PROTOCOL, signal)
      return connection.remotePeer
    },
    served,
    close: async () => {
      await proxy.close()
      await close()
    }
  }
}

export interface NetworkStats {
  /** Every get, local or not */
  reads: number
  /** Gets of blocks that were not local when asked for */
  requested: number
  /** Rises of the number of network gets in flight from 0 to 1 */
  rounds: number
  /** The most network gets in flight at once */
  maxInFlight: number
}

/** B's networked blockstore, counting the gets that go to the network */
export class NetworkCounter implements Blockstore {
  readonly stats: NetworkStats = { reads: 0, requested: 0, rounds: 0, maxInFlight: 0 }
  /** The blocks requested from the network, for a floor of the same blocks */
  private readonly requestedCids: CID[] = []
  private readonly networked: Blockstore
  private readonly local: Blockstore
  private inFlight = 0
  /** `performance.now()` of the last call, or of the last network get's end */
  lastActivity = performance.now()

  /** Network gets in flight now */
  get pending (): number {
    return this.inFlight
  }

  constructor (networked: Blockstore, local: Blockstore) {
    this.networked = networked
    this.local = local
  }

  reset (): void {
    this.stats.reads = 0
    this.stats.requested = 0
    this.stats.rounds = 0
    this.stats.maxInFlight = 0
    this.requestedCids.length = 0
  }

  /** The blocks requested from the network so far, as block keys (computed here, not while timed) */
  get requestedKeys (): Set<string> {
    return new Set(this.requestedCids.map(blockKey))
  }

  async * get (key: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    this.lastActivity = performance.now()
    this.stats.reads++
    if (await this.local.has(key)) {
      yield * this.networked.get(key, options)
      return
    }

    this.stats.requested++
    this.requestedCids.push(key)
    if (this.inFlight === 0) {
      this.stats.rounds++
    }
    this.inFlight++
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight)
    let done = false

    try {
      // read the whole block before handing it on, so the request ends when the block is here
      const chunks: Uint8Array[] = []
      for await (const chunk of this.networked.get(key, options)) {
        chunks.push(chunk)
      }
      this.inFlight--
      done = true
      this.lastActivity = performance.now()
      yield * chunks
    } finally {
      if (!done) {
        this.inFlight--
      }
    }
  }

  put (key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: AbortOptions): CID | Promise<CID> {
    this.lastActivity = performance.now()
    return this.networked.put(key, val, options)
  }

  has (key: CID, options?: AbortOptions): boolean | Promise<boolean> {
    this.lastActivity = performance.now()
    return this.networked.has(key, options)
  }

  delete (key: CID, options?: AbortOptions): void | Promise<void> {
    return this.networked.delete(key, options)
  }

  putMany (source: Iterable<InputPair> | AsyncIterable<InputPair>, options?: AbortOptions): Generator<CID> | AsyncGenerator<CID> {
    return this.networked.putMany(source, options)
  }

  async * getMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const cid of source) {
      yield { cid, bytes: this.get(cid, options) }
    }
  }

  deleteMany (source: Iterable<CID> | AsyncIterable<CID>, options?: AbortOptions): Generator<CID> | AsyncGenerator<CID> {
    return this.networked.deleteMany(source, options)
  }

  getAll (options?: AbortOptions): Generator<Pair> | AsyncGenerator<Pair> {
    return this.networked.getAll(options)
  }
}

export interface Client {
  node: TestNode
  /** B's own blocks */
  local: MemoryBlockstore
  /** The blockstore to hand to the code under test */
  net: NetworkCounter
  /** The provider's peer id */
  peer: PeerId
  close(): Promise<void>
}

/** A new node B, connected to the provider directly or through its proxy */
export async function startClient (provider: Provider, mode: Mode): Promise<Client> {
  const local = new MemoryBlockstore()
  const node = await createNode({ blockstore: local })
  let peer: PeerId

  try {
    peer = await provider.connect(node, mode)
  } catch (err) {
    await stopAll(node)
    throw err
  }

  return {
    node,
    local,
    peer,
    net: new NetworkCounter(node.blockstore, local),
    close: async () => { await stopAll(node) }
  }
}

export interface Phase<T> {
  result: T
  /** Wall time of `fn`, ms */
  ms: number
  /** Gets the provider served while `fn` ran, where it can tell */
  served: number | null
  network: NetworkStats
}

/** A phase that takes longer than this fails (with its node stopped) instead of hanging the run */
export const PHASE_TIMEOUT_MS = 300_000
/** A phase whose node B made no blockstore call for this long has stalled: it is retried once on a new node */
export const STALL_MS = 45_000

/** Phases that stalled or failed and were retried, for the report */
export const incidents: string[] = []

class StallError extends Error {}

/**
 * Runs `fn` against a fresh B: only `fn` is timed; the node is started and
 * connected before, and stopped after. If B stalls (no blockstore call for
 * STALL_MS), the phase is run again once on a new node, and the incident is
 * recorded.
 */
export async function onFreshClient <T> (provider: Provider, mode: Mode, fn: (client: Client) => Promise<T>, label: string = 'a phase'): Promise<Phase<T>> {
  try {
    return await attempt(provider, mode, fn)
  } catch (err: any) {
    if (!(err instanceof StallError)) {
      throw err
    }
    const where = `${provider.label}, ${networkLabel(mode)}`
    incidents.push(`${label} (${where}): ${err.message}; retried on a new node B`)
    process.stderr.write(`STALL in ${label} (${where}): ${err.message}; retrying on a new node B\n`)
    return attempt(provider, mode, fn)
  }
}

async function attempt <T> (provider: Provider, mode: Mode, fn: (client: Client) => Promise<T>): Promise<Phase<T>> {
  const client = await startClient(provider, mode)
  let watchdog: ReturnType<typeof setInterval> | undefined

  try {
    const servedBefore = await provider.served()
    const start = performance.now()
    const stalled = new Promise<never>((resolve, reject) => {
      watchdog = setInterval(() => {
        const now = performance.now()
        const idle = now - client.net.lastActivity
        if (now - start > PHASE_TIMEOUT_MS) {
          reject(new Error(`did not finish in ${PHASE_TIMEOUT_MS / 1000} s`))
        } else if (idle > STALL_MS) {
          const peers = client.node.libp2p.getConnections(client.peer)
          reject(new StallError(`no progress for ${Math.round(idle / 1000)} s after ${Math.round((now - start) / 1000)} s: ${client.net.stats.requested} blocks requested, ${client.net.pending} network gets pending, ${peers.length} connection(s) to the provider (${peers.map(c => `${c.status}, ${c.streams.length} streams`).join('; ')})`))
        }
      }, 1000)
    })
    const running = fn(client)
    // a stalled run ends when its node stops: nobody is listening then
    running.catch(() => {})
    const result = await Promise.race([running, stalled])
    const ms = Math.round((performance.now() - start) * 10) / 10
    const servedAfter = await provider.served()
    return { result, ms, served: servedBefore == null || servedAfter == null ? null : servedAfter - servedBefore, network: { ...client.net.stats } }
  } finally {
    clearInterval(watchdog)
    await client.close()
  }
}
