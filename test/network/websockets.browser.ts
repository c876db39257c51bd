/**
 * Two nodes, one in the browser: a browser Helia node (WebSockets, noise,
 * yamux, identify, Bitswap) dials the Node Helia node that `.aegir.js`
 * `test.before` started (`test/fixtures/browser-peer.ts`) and edits and
 * lists its 10,000-entry HAMT. Each test starts from an empty blockstore, so
 * every shard block crosses the WebSocket.
 */

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { webSockets } from '@libp2p/websockets'
import { multiaddr } from '@multiformats/multiaddr'
import { expect } from 'aegir/chai'
import { createHeliaLight } from 'helia'
import { CID } from 'multiformats/cid'
import { dynamicDirectory } from '../../src/index.js'
import { BROWSER_PEER_ENTRIES, BROWSER_PEER_SEED, BROWSER_PEER_VICTIM } from '../fixtures/browser-peer-env.js'
import { collect } from '../fixtures/build.js'
import { randomEntries } from '../fixtures/entries.js'
import { BITSWAP_PROTOCOL, waitForProtocol } from '../fixtures/peers.js'
import type { DirectoryEntry } from '../../src/index.js'
import type { BrowserPeerEnv } from '../fixtures/browser-peer-env.js'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { Identify } from '@libp2p/identify'

type BrowserNode = HeliaWithLibp2p<{ identify: Identify }>

function peerEnv (): BrowserPeerEnv {
  const env = process.env
  const read = (name: keyof BrowserPeerEnv): string => {
    const value = env[name]

    if (value == null || value === '') {
      throw new Error(`${name} is not set: .aegir.js test.before starts the Node peer for the browser run`)
    }

    return value
  }

  return {
    BROWSER_PEER_ADDR: read('BROWSER_PEER_ADDR'),
    BROWSER_PEER_ROOT: read('BROWSER_PEER_ROOT'),
    BROWSER_PEER_AFTER_DELETE: read('BROWSER_PEER_AFTER_DELETE')
  }
}

/** A started browser Helia node with an empty blockstore, connected to the Node peer */
async function browserNode (addr: string): Promise<BrowserNode> {
  const node = withBitswap(withLibp2pLight(createHeliaLight(), {
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify()
    },
    peerDiscovery: [],
    connectionMonitor: {
      enabled: false
    },
    // a browser node refuses insecure WebSockets and private addresses by default: the peer is ws:// on 127.0.0.1
    connectionGater: {
      denyDialMultiaddr: () => false
    }
  }))
  await node.start()

  try {
    const signal = AbortSignal.timeout(20_000)
    const connection = await node.libp2p.dial(multiaddr(addr), { signal })
    await waitForProtocol(node.libp2p, connection.remotePeer, BITSWAP_PROTOCOL, signal)
  } catch (err) {
    await node.stop()
    throw err
  }

  return node
}

function byName (a: DirectoryEntry, b: DirectoryEntry): number {
  if (a.name === b.name) {
    return 0
  }

  return a.name < b.name ? -1 : 1
}

function plain (entries: DirectoryEntry[]): Array<{ name: string, cid: string, size: bigint }> {
  return [...entries].sort(byName).map(({ name, cid, size }) => ({ name, cid: cid.toString(), size }))
}

/** Registers the specs; test/browser.ts calls it (a bare import of a module without side effects is dropped from the bundle) */
export function websocketsSpecs (): void {
  describe('browser: a browser Helia node edits a Node peer\'s HAMT over WebSockets', function () {
    this.timeout(180_000)

    let env: BrowserPeerEnv
    let node: BrowserNode | undefined

    before(() => {
      env = peerEnv()
    })

    beforeEach(async () => {
      node = await browserNode(env.BROWSER_PEER_ADDR)
    })

    afterEach(async () => {
      await node?.stop()
      node = undefined
    })

    it('a cold delete gives the importer\'s CID', async () => {
      if (node == null) {
        throw new Error('no node')
      }

      const entries = randomEntries(BROWSER_PEER_ENTRIES, BROWSER_PEER_SEED)
      const directory = await dynamicDirectory(node).open(CID.parse(env.BROWSER_PEER_ROOT))
      expect(directory.shape).to.equal('hamt')

      expect(await directory.delete(entries[BROWSER_PEER_VICTIM].name, { signal: AbortSignal.timeout(120_000) })).to.equal(true)
      const cid = await directory.flush()

      expect(cid.toString()).to.equal(env.BROWSER_PEER_AFTER_DELETE)
      expect(directory.shape).to.equal('hamt')
      // partial: the delete proved the size over the threshold without the whole tree
      expect(directory.stats.sizeExact).to.equal(false)
      expect(directory.stats.fetchedBlocks).to.be.greaterThan(1)
    })

    it('a full listing returns every entry', async () => {
      if (node == null) {
        throw new Error('no node')
      }

      const directory = await dynamicDirectory(node).open(CID.parse(env.BROWSER_PEER_ROOT))
      const listed = await collect(directory)

      expect(listed).to.have.lengthOf(BROWSER_PEER_ENTRIES)
      expect(plain(listed)).to.deep.equal(plain(randomEntries(BROWSER_PEER_ENTRIES, BROWSER_PEER_SEED)))
      expect(directory.stats.sizeExact).to.equal(true)
    })
  })
}
