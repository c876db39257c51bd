/**
 * The MFS through `helia.gc()`, on nodes composed as the README composes
 * them (Helia light, libp2p over loopback TCP, Bitswap) over on-disk stores
 * (`blockstore-fs`, `datastore-fs`), restarted where it matters: the MFS's
 * root and every local block it references survive, the gc fetches nothing,
 * what the MFS no longer references is collected, and a block only this node
 * had is never asked of the network. And every `mfs(helia)` of a node is one
 * MFS.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import { createHeliaLight } from 'helia'
import { Key } from 'interface-datastore'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { readBlock } from '../../src/blocks.js'
import { withDynamicDirectory } from '../../src/index.js'
import { mfs } from '../../src/mfs/index.js'
import { connect, createNode, loopbackLibp2pOptions, stopAll } from '../fixtures/nodes.js'
import { all, bytesOf, importRoot } from './setup.js'
import type { TestNode } from '../fixtures/nodes.js'

type Node = TestNode

interface Started {
  helia: Node
  /** The on-disk blockstore under Helia's: what a block deleted behind Helia's back is deleted from */
  disk: FsBlockstore
  stop(): Promise<void>
}

const ROOT_KEY = new Key('/locals/filesroot')

/** A node as the README composes it, on on-disk stores in `dir` */
async function start (dir: string): Promise<Started> {
  const disk = new FsBlockstore(join(dir, 'blocks'))
  const datastore = new FsDatastore(join(dir, 'datastore'))
  await disk.open()
  await datastore.open()
  const helia = withDynamicDirectory(withBitswap(withLibp2pLight(createHeliaLight({ blockstore: disk, datastore }), loopbackLibp2pOptions()))) as unknown as Node
  await helia.start()
  return {
    helia,
    disk,
    stop: async () => {
      await helia.stop()
      await disk.close()
      await datastore.close()
    }
  }
}

function keyOf (cid: CID): string {
  return base58btc.encode(cid.multihash.bytes)
}

/** The local blocks reachable from `root`, read offline */
async function localDag (helia: Node, root: CID): Promise<Map<string, CID>> {
  const found = new Map<string, CID>()
  const queue = [root]
  while (queue.length > 0) {
    const cid = queue.pop() as CID
    if (found.has(keyOf(cid)) || !await helia.blockstore.has(cid)) {
      continue
    }
    found.set(keyOf(cid), cid)
    if (cid.code === dagPb.code) {
      const bytes = await readBlock({ get: (c, o) => helia.blockstore.get(c, { ...o, offline: true }) }, cid)
      queue.push(...dagPb.decode(bytes).Links.map(link => link.Hash))
    }
  }
  return found
}

/** Records, by block, what `helia.blockstore` fetched (asked for while not local) and wrote */
function record (helia: Node): { fetched: Map<string, CID>, written: Map<string, CID> } {
  const fetched = new Map<string, CID>()
  const written = new Map<string, CID>()
  const blockstore = helia.blockstore
  const get = blockstore.get.bind(blockstore)
  const put = blockstore.put.bind(blockstore)
  blockstore.get = async function * (cid, options) {
    if (!await blockstore.has(cid)) {
      fetched.set(keyOf(cid), cid)
    }
    yield * get(cid, options)
  }
  blockstore.put = async (cid, bytes, options) => {
    written.set(keyOf(cid), cid)
    return put(cid, bytes, options)
  }
  return { fetched, written }
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value)

describe('mfs: helia.gc() keeps the MFS (README-composed nodes, on-disk stores)', function () {
  this.timeout(180_000)
  let dir: string
  const running: Started[] = []
  let provider: Node | undefined

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mfs-gc-'))
  })

  afterEach(async () => {
    for (const node of running.splice(0)) {
      await node.stop().catch(() => {})
    }
    await stopAll(provider)
    provider = undefined
    await rm(dir, { recursive: true, force: true })
  })

  async function open (): Promise<Started> {
    const started = await start(dir)
    running.push(started)
    return started
  }

  async function restart (node: Started): Promise<Started> {
    running.splice(running.indexOf(node), 1)
    await node.stop()
    return open()
  }

  it('a file at /photos/2026/a.jpg: stat and cat work offline after gc, and after a restart and a gc before any mfs()', async () => {
    let node = await open()
    const fs = mfs(node.helia)
    const photo = text('not really a jpeg\n')
    await fs.mkdir('/photos/2026', { parents: true })
    await fs.writeBytes(photo, '/photos/2026/a.jpg')
    const root = await fs.flush()

    await node.helia.gc()
    expect((await fs.stat('/photos/2026/a.jpg', { offline: true })).cid.toString()).to.equal((await fs.stat('/photos/2026/a.jpg')).cid.toString())
    expect(await bytesOf(fs.cat('/photos/2026/a.jpg', { offline: true }))).to.equalBytes(photo)
    const kept = await localDag(node.helia, root)
    expect(kept.size).to.equal(4, 'the root, /photos, /photos/2026, a.jpg')

    // the pins are in the datastore: a gc before any mfs() keeps it too
    node = await restart(node)
    await node.helia.gc()
    expect((await localDag(node.helia, root)).size).to.equal(kept.size)
    const again = mfs(node.helia)
    await node.helia.gc()
    expect(await bytesOf(again.cat('/photos/2026/a.jpg', { offline: true }))).to.equalBytes(photo)
    expect((await again.flush()).toString()).to.equal(root.toString())
  })

  it('a removed file and a replaced root are collected; what is still referenced is not', async () => {
    const node = await open()
    const fs = mfs(node.helia)
    const gone = text('removed soon\n')
    const stays = text('stays\n')
    await fs.mkdir('/a')
    await fs.mkdir('/b')
    await fs.writeBytes(gone, '/a/gone.txt')
    await fs.writeBytes(stays, '/b/stays.txt')
    const before = await fs.flush()
    const goneCid = (await fs.stat('/a/gone.txt')).cid
    const a = (await fs.stat('/a')).cid
    await fs.rm('/a/gone.txt')
    const after = await fs.flush()

    await node.helia.gc()
    expect(await node.helia.blockstore.has(goneCid)).to.be.false('the removed file')
    expect(await node.helia.blockstore.has(before)).to.be.false('the replaced root')
    expect(await node.helia.blockstore.has(a)).to.be.false('the replaced /a')
    // the empty /a has the CID every empty directory has, and one is still linked: /a itself
    const now = await localDag(node.helia, after)
    expect(now.size).to.equal(4, 'the root, /a (empty), /b, stays.txt')
    expect(await bytesOf(fs.cat('/b/stays.txt', { offline: true }))).to.equalBytes(stays)
    expect(await all(fs.ls('/a', { offline: true }))).to.have.lengthOf(0)
  })

  it('file blocks written with flush: false survive a gc before the flush, and a write in progress keeps its blocks', async () => {
    let node = await open()
    const fs = mfs(node.helia)
    // three 1 MiB leaves and a root
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 31) % 251)
    await fs.writeBytes(big, '/held.bin', { flush: false })

    // a stream that stops half way while the gc runs: its first leaves are written, linked nowhere yet
    let resume = (): void => {}
    const paused = new Promise<void>(resolve => { resume = resolve })
    let reached = (): void => {}
    const halfway = new Promise<void>(resolve => { reached = resolve })
    const streamed = big.map(byte => byte ^ 0x55)
    const writing = fs.writeByteStream((async function * () {
      yield streamed.subarray(0, 2 * 1024 * 1024 + 1)
      reached()
      await paused
      yield streamed.subarray(2 * 1024 * 1024 + 1)
    })(), '/streamed.bin', { flush: false, blockWriteConcurrency: 1 })
    await halfway
    // one block written at a time: the importer has written the first two leaves by the time it asks for more
    await new Promise(resolve => setTimeout(resolve, 200))

    await node.helia.gc()
    resume()
    await writing
    expect(await bytesOf(fs.cat('/held.bin', { offline: true }))).to.equalBytes(big)
    expect(await bytesOf(fs.cat('/streamed.bin', { offline: true }))).to.equalBytes(streamed)

    const root = await fs.flush()
    await node.helia.gc()
    node = await restart(node)
    await node.helia.gc()
    const again = mfs(node.helia)
    expect((await again.flush()).toString()).to.equal(root.toString())
    expect(await bytesOf(again.cat('/held.bin', { offline: true }))).to.equalBytes(big)
    expect(await bytesOf(again.cat('/streamed.bin', { offline: true }))).to.equalBytes(streamed)
  })

  it('an app\'s own pin of a block the MFS holds: no AlreadyPinnedError either way, and its unpin leaves the block kept', async () => {
    const node = await open()
    const fs = mfs(node.helia)
    await fs.writeBytes(text('shared\n'), '/shared.txt')
    const cid = (await fs.stat('/shared.txt')).cid
    await all(node.helia.pins.add(cid))
    await fs.writeBytes(text('shared\n'), '/again.txt')
    await all(node.helia.pins.rm(cid))
    await node.helia.gc()
    expect(await bytesOf(fs.cat('/shared.txt', { offline: true }))).to.equalBytes(text('shared\n'))
  })

  it('unflushed edits lost at a stop leave nothing kept: their blocks are collected after the restart', async () => {
    let node = await open()
    const fs = mfs(node.helia)
    await fs.writeBytes(text('flushed\n'), '/kept.txt')
    const root = await fs.flush()
    await fs.writeBytes(text('never flushed\n'), '/lost.txt', { flush: false })
    const lost = (await fs.stat('/lost.txt')).cid
    node = await restart(node)
    mfs(node.helia)
    await node.helia.gc()
    expect(await node.helia.blockstore.has(lost)).to.be.false()
    expect((await localDag(node.helia, root)).size).to.equal(2)
  })

  it('a peer\'s 10,000-entry HAMT at /big, one rm: gc keeps every block still referenced that it fetched or wrote, fetches nothing, and stat(\'/big\') answers offline', async () => {
    const memory = new MemoryBlockstore()
    const names = Array.from({ length: 10_000 }, (_, i) => ({ path: `file-${String(i + 1).padStart(6, '0')}.txt`, content: text(`content ${i + 1}`) }))
    const hamt = await importRoot(memory, names, { cidVersion: 1, rawLeaves: true })
    provider = await createNode({ blockstore: memory })

    const node = await open()
    await connect(node.helia, provider)
    const { fetched, written } = record(node.helia)
    const fs = mfs(node.helia)
    await fs.cp(hamt, '/big')
    await fs.rm('/big/file-005000.txt')
    const root = await fs.flush()
    const big = (await fs.stat('/big')).cid

    const referenced = await localDag(node.helia, root)
    const touched = new Map([...fetched, ...written])
    const kept = [...touched.keys()].filter(key => referenced.has(key))
    const replaced = [...touched.entries()].filter(([key]) => !referenced.has(key)).map(([, cid]) => cid)
    expect(kept.length).to.be.greaterThan(100)

    fetched.clear()
    await node.helia.gc()
    expect(fetched.size).to.equal(0, 'the gc asked for blocks that were not local')
    for (const cid of referenced.values()) {
      expect(await node.helia.blockstore.has(cid)).to.be.true(`${cid} is referenced by the MFS`)
    }
    for (const cid of replaced) {
      expect(await node.helia.blockstore.has(cid)).to.be.false(`${cid} is no longer referenced`)
    }
    expect(replaced.map(String)).to.include(hamt.toString())

    // the peer gone, nothing to ask: /big's root is this node's own block
    await node.helia.libp2p.hangUp(provider.libp2p.peerId)
    expect((await fs.stat('/big', { offline: true })).cid.toString()).to.equal(big.toString())
    expect((await fs.stat('/big', { signal: AbortSignal.timeout(5_000) })).cid.toString()).to.equal(big.toString())
    expect(fetched.size).to.equal(0)
  })

  it('stat of a block only this node had, deleted behind the gc\'s back: a LostBlockError, not a wait on the connected peer', async () => {
    provider = await createNode()
    let node = await open()
    const fs = mfs(node.helia)
    await fs.mkdir('/d/e', { parents: true })
    await fs.writeBytes(text('x'), '/d/e/x')
    const d = (await fs.stat('/d')).cid
    await fs.flush()
    node = await restart(node)
    await connect(node.helia, provider)
    await node.disk.delete(d)

    // a wait on the network would end in the signal's TimeoutError
    const err = await mfs(node.helia).stat('/d/e', { signal: AbortSignal.timeout(10_000) }).then(() => undefined, (err: Error) => err)
    expect(err).to.be.an.instanceOf(Error)
    expect([err?.name, (err?.cause as Error | undefined)?.name]).to.include('LostBlockError')
  })

  it('two mfs(helia) on one node are one MFS: 22 interleaved writes through both, none lost, after a restart too', async () => {
    let node = await open()
    const first = mfs(node.helia)
    const second = mfs(node.helia)
    await Promise.all(Array.from({ length: 22 }, async (_, i) => (i % 2 === 0 ? first : second).writeBytes(text(`write ${i}`), `/w${i}`, { flush: i % 3 !== 0 })))
    await second.flush()
    const names = Array.from({ length: 22 }, (_, i) => `w${i}`).sort()
    expect((await all(first.ls('/'))).map(entry => entry.name).sort()).to.deep.equal(names)
    expect((await all(second.ls('/'))).map(entry => entry.name).sort()).to.deep.equal(names)
    expect(CID.decode(await node.helia.datastore.get(ROOT_KEY)).toString()).to.equal((await first.flush()).toString())
    // another options bag on the same node and key is refused, not a second root
    expect(() => mfs(node.helia, { noFlushLimit: 3 })).to.throw().with.property('name', 'InvalidParametersError')

    node = await restart(node)
    const [a, b] = [mfs(node.helia), mfs(node.helia)]
    expect((await all(a.ls('/'))).map(entry => entry.name).sort()).to.deep.equal(names)
    await Promise.all([a.writeBytes(text('one more'), '/x'), b.writeBytes(text('and another'), '/y')])
    expect(await all(b.ls('/'))).to.have.lengthOf(24)
  })
})
