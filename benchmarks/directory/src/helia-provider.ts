/**
 * A provider in a process of its own: a Helia node (TCP on 127.0.0.1, noise,
 * yamux, Bitswap) holding the importer's HAMTs of the sizes given as
 * arguments, built here into its own blockstore with the entries' raw
 * blocks. When it listens it prints one JSON line on stdout:
 * `{ "address": "/ip4/127.0.0.1/tcp/.../p2p/...", "roots": { "10000": "bafy..." } }`.
 * Over the IPC channel it answers `served` with how many gets its blockstore
 * has served, and stops on `stop` or when the parent goes away.
 *
 * Run as `node dist/helia-provider.js 10000 50000` (providers.ts forks it).
 */

import { MemoryBlockstore } from 'blockstore-core/memory'
import { CountingBlockstore } from '../../../dist/test/fixtures/counting-blockstore.js'
import { addressOf, createNode } from '../../../dist/test/fixtures/nodes.js'
import { buildHamt } from './context.js'

const store = new CountingBlockstore(new MemoryBlockstore())
const roots: Record<string, string> = {}
for (const count of process.argv.slice(2).map(Number)) {
  roots[count] = (await buildHamt(store, count)).cid.toString()
}
const node = await createNode({ blockstore: store })

const stop = async (): Promise<void> => {
  await node.stop().catch(() => {})
  // libp2p can leave timers behind after stop
  process.exit(0)
}

process.on('message', (message) => {
  if (message === 'served') {
    process.send?.({ served: store.totalGets })
  } else if (message === 'stop') {
    void stop()
  }
})
process.on('disconnect', () => { void stop() })
process.stdout.write(`${JSON.stringify({ address: addressOf(node).toString(), roots })}\n`)
