/**
 * In-process Helia nodes that talk Bitswap to each other over loopback TCP
 * only: no bootstrap, discovery, delegated routing or HTTP gateways, so
 * nothing leaves the machine.
 */

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { createHeliaLight } from 'helia'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { Identify } from '@libp2p/identify'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

export const BITSWAP_PROTOCOL = '/ipfs/bitswap/1.2.0'

export type TestNode = HeliaWithLibp2p<{ identify: Identify }>

/** `@multiformats/multiaddr`'s `Multiaddr`, without depending on that package */
export type Multiaddr = ReturnType<TestNode['libp2p']['getMultiaddrs']>[number]

export interface CreateNodeOptions {
  /** Where the node keeps its blocks (Helia's default is a new `MemoryBlockstore`) */
  blockstore?: Blockstore
}

/** A started Helia node with libp2p (TCP on 127.0.0.1, noise, yamux, identify) and Bitswap */
export async function createNode (options: CreateNodeOptions = {}): Promise<TestNode> {
  const helia = withLibp2pLight(createHeliaLight({
    blockstore: options.blockstore
  }), {
    addresses: {
      listen: ['/ip4/127.0.0.1/tcp/0']
    },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify()
    },
    peerDiscovery: [],
    // a busy event loop otherwise gets connections aborted
    connectionMonitor: {
      enabled: false
    }
  })

  const node = withBitswap(helia)
  await node.start()

  return node
}

/** The node's loopback TCP multiaddr, with its /p2p/ peer id */
export function addressOf (node: TestNode): Multiaddr {
  const addr = node.libp2p.getMultiaddrs().find(ma => ma.toString().startsWith('/ip4/127.0.0.1/tcp/'))

  if (addr == null) {
    throw new Error('The node has no loopback TCP address')
  }

  return addr
}

/**
 * `node`'s address as reached through a proxy listening on `port` on
 * 127.0.0.1: `/ip4/127.0.0.1/tcp/<port>/p2p/<node's peer id>`
 */
export function proxiedAddress (node: TestNode, port: number): Multiaddr {
  return addressOf(node).decapsulate('/tcp/').encapsulate(`/tcp/${port}/p2p/${node.libp2p.peerId}`)
}

/** The TCP port the node listens on */
export function portOf (node: TestNode): number {
  return Number(addressOf(node).toString().split('/')[4])
}

async function waitForProtocol (node: TestNode, peer: TestNode, protocol: string, signal: AbortSignal): Promise<void> {
  const peerId = peer.libp2p.peerId

  while (true) {
    signal.throwIfAborted()

    try {
      const record = await node.libp2p.peerStore.get(peerId)

      if (record.protocols.includes(protocol)) {
        return
      }
    } catch {
      // not in the peer store yet
    }

    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

export interface ConnectOptions extends AbortOptions {
  /** How long to wait for the connection and identify @default 20000 */
  timeoutMs?: number
}

/**
 * Dials `to` from `from` (at `addr`, e.g. through a proxy, or at `to`'s own
 * address) and waits until identify has recorded Bitswap for the peer on
 * both sides
 */
export async function connect (from: TestNode, to: TestNode, addr?: Multiaddr, options: ConnectOptions = {}): Promise<void> {
  const signal = AbortSignal.any([
    AbortSignal.timeout(options.timeoutMs ?? 20_000),
    ...(options.signal == null ? [] : [options.signal])
  ])

  await from.libp2p.dial(addr ?? addressOf(to), { signal })
  await Promise.all([
    waitForProtocol(from, to, BITSWAP_PROTOCOL, signal),
    waitForProtocol(to, from, BITSWAP_PROTOCOL, signal)
  ])
}

/** Stops every node, even when one fails to stop */
export async function stopAll (...nodes: Array<TestNode | undefined>): Promise<void> {
  const results = await Promise.allSettled(nodes.map(async node => node?.stop()))
  const failure = results.find(result => result.status === 'rejected')

  if (failure != null) {
    throw failure.reason
  }
}
