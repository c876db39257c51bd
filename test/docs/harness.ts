/**
 * What the docs examples are given when `npm run test:docs`
 * (`scripts/check-docs.js`) runs them: real nodes, nothing stubbed. A
 * provider, a Helia node over loopback TCP with Bitswap, holds a HAMT of
 * 6,001 entries (`old.txt` among them, no `new.txt`) and two small files;
 * each block gets a new started node connected to it (`helia`), libp2p
 * options of its own (`libp2pOptions`: a node made from them dials the
 * provider once it starts), and the provider's CIDs.
 */

import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { identify } from '@libp2p/identify'
import { MemoryBlockstore } from 'blockstore-core'
import { createHeliaLight } from 'helia'
import { importBytes } from 'ipfs-unixfs-importer'
import { asciiEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { addressOf, connect, loopbackLibp2pOptions } from '../fixtures/nodes.js'
import type { Multiaddr, TestNode } from '../fixtures/nodes.js'
import type { CreateLibp2pOptions } from '@helia/libp2p'
import type { Identify } from '@libp2p/identify'
import type { CID } from 'multiformats/cid'

/** The names a docs block may use without declaring them (check-docs.js's PRELUDE gives their types) */
export interface DocsContext {
  /** A started Helia node (libp2p over loopback TCP, Bitswap) connected to the provider */
  helia: TestNode
  /** Options for `withLibp2pLight`: a node made from them dials the provider once it starts */
  libp2pOptions: CreateLibp2pOptions<{ identify: Identify, dialProvider: object }>
  /** The provider's HAMT: 6,001 entries, `old.txt` among them */
  rootCid: CID
  /** The same HAMT */
  someDirectoryCid: CID
  /** A file on the provider, 6 bytes */
  fileCid: CID
  /** A file on the provider, 1,234 bytes */
  otherCid: CID
}

export interface DocsBlock {
  /** What the block is given */
  context: DocsContext
  /** Dials from nodes made from `libp2pOptions` to the provider that failed: a block that waits on the provider then fails on its timeout */
  dialFailures: Error[]
  /** Stops the block's node (the nodes a block makes itself, check-docs.js stops) */
  stop(): Promise<void>
}

export interface DocsHarness {
  /** A new node, new options and the provider's CIDs, for one block */
  block(): Promise<DocsBlock>
  /** Stops the provider */
  stop(): Promise<void>
}

/** A libp2p service that dials `addr` once libp2p has started, as a bootstrap list of one peer would */
function dialOnStart (addr: Multiaddr, failures: Error[]) {
  return (components: { connectionManager: { openConnection(addr: Multiaddr): Promise<unknown> } }) => ({
    [Symbol.toStringTag]: 'docs-dial-provider',
    start: () => {},
    stop: () => {},
    afterStart: () => {
      components.connectionManager.openConnection(addr).catch((err: Error) => {
        failures.push(err)
      })
    }
  })
}

/** Starts the provider and puts the HAMT and the files in its blockstore */
export async function startDocsHarness (): Promise<DocsHarness> {
  const blockstore = new MemoryBlockstore()
  const file = { cidVersion: 1, rawLeaves: true } as const
  const encoder = new TextEncoder()
  const oldFile = await importBytes(encoder.encode('old\n'), blockstore, file)
  const fileCid = (await importBytes(encoder.encode('hello\n'), blockstore, file)).cid
  const otherCid = (await importBytes(new Uint8Array(1234).fill(7), blockstore, file)).cid
  const entries = [...asciiEntries(6_000, 'file-'), { name: 'old.txt', cid: oldFile.cid, size: oldFile.size }]
  const rootCid = await importerDirectory(entries, {}, blockstore)
  // every block's node dials it within a second or two (loopbackLibp2pOptions lifts libp2p's inbound rate limit)
  const provider = withBitswap(withLibp2pLight(createHeliaLight({ blockstore }), loopbackLibp2pOptions()))
  await provider.start()

  return {
    async block () {
      const helia = withBitswap(withLibp2pLight(createHeliaLight(), loopbackLibp2pOptions()))

      try {
        await helia.start()
        await connect(helia, provider)
      } catch (err) {
        await helia.stop()
        throw err
      }

      const dialFailures: Error[] = []
      const libp2pOptions = { ...loopbackLibp2pOptions(), services: { identify: identify(), dialProvider: dialOnStart(addressOf(provider), dialFailures) } }

      return {
        context: { helia, libp2pOptions, rootCid, someDirectoryCid: rootCid, fileCid, otherCid },
        dialFailures,
        stop: async () => { await helia.stop() }
      }
    },
    async stop () {
      await provider.stop()
    }
  }
}
