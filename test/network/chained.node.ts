/**
 * Chained CID-in, CID-out calls over Bitswap, interleaved with everything
 * that ends wants early: prefetches that end (an opener's abort, a close, a
 * tree pushed out of a small cache, a version replaced in the cache by an
 * equal one), listings dropped part way, and callers that stop waiting.
 *
 * The rule: whatever ends early may stop asking for new blocks, but no later
 * call waits on a want nobody will answer. With @helia/bitswap 4.0.19 a want
 * cancelled after it reached the peer is never answered again on that
 * connection, so a cancelled want that a later call needs shows as a
 * BlockFetchError after `refetchTimeoutMs`.
 *
 * A seeded stream of calls against a model: the entries of each version, and
 * the CID of `ipfs-unixfs-importer` for them. Node B is composed as the
 * README does (the mixin wrapped before start) and reaches A through a 20 ms
 * round-trip proxy. `CHAINED_SEED` picks another stream.
 */

import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { createHeliaLight } from 'helia'
import { importer } from 'ipfs-unixfs-importer'
import { withDynamicDirectory } from '../../src/index.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { startLatencyProxy } from '../fixtures/latency-proxy.js'
import { connect, createNode, loopbackLibp2pOptions, portOf, proxiedAddress, stopAll } from '../fixtures/nodes.js'
import type { DirectoryEntry, DynamicDirectories, DynamicDirectoryInit } from '../../src/index.js'
import type { Random } from '../fixtures/entries.js'
import type { LatencyProxy } from '../fixtures/latency-proxy.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { CID } from 'multiformats/cid'

const FILES = 10_000
const CALLS = 200
/** Calls between two checks of the CID against the importer's */
const IMPORTER_EVERY = 50
/** The versions a listing or an opener may pick from */
const RECENT = 8
const SEED = Number(process.env.CHAINED_SEED ?? 0x26c4a1)

/** A directory version as the model has it: name to entry */
type Entries = Map<string, DirectoryEntry>

interface Version {
  cid: CID
  entries: Entries
}

/** B as the README composes it: the mixin wrapped before start */
async function readmeNode (blockstore: MemoryBlockstore, init: DynamicDirectoryInit): Promise<TestNode & { directories: DynamicDirectories }> {
  const helia = withDynamicDirectory(withBitswap(withLibp2pLight(createHeliaLight({ blockstore }), loopbackLibp2pOptions())), init)
  await helia.start()
  return helia
}

/** The importer's files `file-000001.txt` ... holding `content k`, as entries, with their blocks in `blockstore` */
async function importFiles (blockstore: MemoryBlockstore): Promise<{ root: CID, files: DirectoryEntry[] }> {
  const encoder = new TextEncoder()
  const source = Array.from({ length: FILES }, (_, i) => ({ path: `file-${String(i + 1).padStart(6, '0')}.txt`, content: encoder.encode(`content ${i + 1}`) }))
  const files: DirectoryEntry[] = []
  let root: CID | undefined
  for await (const result of importer(source, blockstore, { cidVersion: 1, rawLeaves: true, wrapWithDirectory: true })) {
    if (result.path === '') {
      root = result.cid
    } else {
      files.push({ name: result.path ?? '', cid: result.cid, size: result.size })
    }
  }
  if (root == null) {
    throw new Error('the importer wrote no root')
  }
  return { root, files }
}

async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

describe('network: chained calls with prefetch, listings and a small cache', function () {
  this.timeout(180_000)

  let a: TestNode | undefined
  let b: TestNode | undefined
  let proxy: LatencyProxy | undefined

  afterEach(async () => {
    await proxy?.close()
    await stopAll(a, b)
    a = b = proxy = undefined
  })

  /** Runs the seeded stream of calls on a fresh pair of nodes and checks every result against the model */
  async function chained (init: DynamicDirectoryInit, seed: number): Promise<void> {
    const served = new MemoryBlockstore()
    const { root, files } = await importFiles(served)
    expect((await importerDirectory(files)).toString()).to.equal(root.toString(), 'the model\'s reference CID')
    // the files `cp` links are B's already: only shard blocks cross Bitswap
    const local = new MemoryBlockstore()
    for (const file of files) {
      await local.put(file.cid, await toBytes(served.get(file.cid)))
    }
    a = await createNode({ blockstore: served })
    proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a) }, delayMs: 10 })
    const helia = await readmeNode(local, init)
    b = helia
    await connect(helia, a, proxiedAddress(a, proxy.port))
    const dirs = helia.directories

    const rng: Random = randomFor(seed)
    let current: Version = { cid: root, entries: new Map(files.map(file => [file.name, file])) }
    const recent: Version[] = [current]
    const removed: DirectoryEntry[] = []
    /** Listings and openers left running beside the chain */
    const beside: Array<Promise<void>> = []
    const step = (call: number, what: string): string => `call ${call} (${what}), seed ${seed}`

    /** Takes `count` entries of a version's listing, each checked against the model, then drops the listing */
    const listPart = async (version: Version, count: number, what: string): Promise<void> => {
      let taken = 0
      for await (const entry of dirs.ls(version.cid)) {
        expect(version.entries.get(entry.name)?.cid.toString()).to.equal(entry.cid.toString(), `${what}: ${entry.name}`)
        if (++taken >= count) {
          break
        }
      }
      expect(taken).to.equal(Math.min(count, version.entries.size), what)
    }

    /** Opens a version with a prefetch and ends it one way or another soon after */
    const prefetchThenEnd = async (version: Version, what: string): Promise<void> => {
      const opener = new AbortController()
      const directory = await dirs.open(version.cid, { prefetch: true, signal: opener.signal })
      const name = rng.pick([...version.entries.keys()])
      const ending = rng.int(3)
      await sleep(rng.int(60))
      if (ending === 0) {
        opener.abort()
      } else if (ending === 1) {
        directory.close()
      }
      expect((await directory.get(name))?.cid.toString()).to.equal(version.entries.get(name)?.cid.toString(), `${what}: ${name}`)
    }

    for (let call = 1; call <= CALLS; call++) {
      const roll = rng.next()
      if (roll < 0.4 || (roll < 0.65 && removed.length === 0)) {
        const name = rng.pick([...current.entries.keys()])
        const cid = await dirs.rm(current.cid, name)
        const entries = new Map(current.entries)
        removed.push(entries.get(name) as DirectoryEntry)
        entries.delete(name)
        current = { cid, entries }
      } else if (roll < 0.65) {
        // putting back the entry removed last gives an earlier version's CID again
        const entry = removed.splice(rng.next() < 0.5 ? removed.length - 1 : rng.int(removed.length), 1)[0]
        const cid = await dirs.cp(entry.cid, current.cid, entry.name)
        current = { cid, entries: new Map(current.entries).set(entry.name, entry) }
      } else if (roll < 0.8) {
        const version = rng.pick(recent)
        const listing = listPart(version, 1 + rng.int(rng.next() < 0.2 ? FILES : 300), step(call, 'ls'))
        if (rng.next() < 0.5) {
          await listing
        } else {
          beside.push(listing)
        }
      } else if (roll < 0.9) {
        const opened = prefetchThenEnd(rng.pick(recent), step(call, 'open'))
        beside.push(opened)
      } else {
        const name = rng.pick([...current.entries.keys()])
        await expect(dirs.cp(current.entries.get(name)?.cid as CID, current.cid, name)).to.eventually.be.rejected.with.property('name', 'AlreadyExistsError')
        const gone = removed.at(-1)
        if (gone != null) {
          await expect(dirs.rm(current.cid, gone.name)).to.eventually.be.rejected.with.property('name', 'NotFoundError')
        }
      }

      if (recent.at(-1) !== current) {
        recent.push(current)
        recent.splice(0, recent.length - RECENT)
      }
      if (call % IMPORTER_EVERY === 0) {
        expect(current.cid.toString()).to.equal((await importerDirectory(current.entries.values())).toString(), step(call, 'importer'))
      }
    }

    await Promise.all(beside)
    const listed = new Map<string, string>()
    for await (const entry of dirs.ls(current.cid)) {
      listed.set(entry.name, entry.cid.toString())
    }
    expect(listed).to.deep.equal(new Map([...current.entries].map(([name, entry]) => [name, entry.cid.toString()])))
  }

  it('with prefetch on, every call answers and matches the model', async () => {
    await chained({ prefetch: true }, SEED)
  })

  it('with prefetch on and a cache too small for one tree, every call answers and matches the model', async () => {
    await chained({ prefetch: true, cacheNodes: 64 }, SEED + 1)
  })

  it('with a narrow fetch budget and list window, every call answers and matches the model', async () => {
    await chained({ prefetch: true, cacheNodes: 300, fetchBudget: 4, listWindow: 16 }, SEED + 2)
  })
})
