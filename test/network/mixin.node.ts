import { withBitswap } from '@helia/bitswap'
import { withLibp2pLight } from '@helia/libp2p'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { createHeliaLight } from 'helia'
import { dynamicDirectory, withDynamicDirectory } from '../../src/index.js'
import { CountingBlockstore, toBytes } from '../fixtures/counting-blockstore.js'
import { asciiEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { connect, createNode, loopbackLibp2pOptions, stopAll } from '../fixtures/nodes.js'
import type { DirectoryEntry, HeliaWithDirectories } from '../../src/index.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { CID } from 'multiformats/cid'

/** Checked against the importer every this many calls, and at the last: 500 importer builds of 20,000 entries would take minutes */
const IMPORTER_EVERY = 25

describe('withDynamicDirectory on two libp2p nodes', function () {
  this.timeout(300_000)

  let a: TestNode | undefined
  let b: TestNode | undefined

  afterEach(async () => {
    await stopAll(a, b)
    a = b = undefined
  })

  it('500 rm/cp calls chained through the returned CIDs give the importer\'s CIDs and fetch each shard block from A at most once', async () => {
    const entries = asciiEntries(20_000, 'chain-')
    const memory = new MemoryBlockstore()
    const root = await importerDirectory(entries, {}, memory)
    const served = new CountingBlockstore(memory)
    a = await createNode({ blockstore: served })
    const helia = withDynamicDirectory(await createNode())
    b = helia
    await connect(helia, a)
    served.reset()

    // a reference over a local copy of A's blocks, checked against the importer at the checkpoints, follows every step
    const reference = { directories: dynamicDirectory({ blockstore: await copyOf(memory) }) }
    const random = randomFor(20)
    const model = new Map(entries.map(entry => [entry.name, entry]))
    const extra = asciiEntries(300, 'added-')
    let cid: CID = root
    let referenceCid: CID = root
    let checked = 0

    for (let call = 1; call <= 500; call++) {
      let entry: DirectoryEntry
      if (random.next() < 0.6) {
        do {
          entry = entries[random.int(entries.length)]
        } while (!model.has(entry.name))
        cid = await helia.directories.rm(cid, entry.name)
        referenceCid = await reference.directories.rm(referenceCid, entry.name)
        model.delete(entry.name)
      } else {
        entry = extra[random.int(extra.length)]
        cid = await helia.directories.cp(entry.cid, cid, entry.name, { size: entry.size, force: true })
        referenceCid = await reference.directories.cp(entry.cid, referenceCid, entry.name, { size: entry.size, force: true })
        model.set(entry.name, entry)
      }

      expect(cid.toString()).to.equal(referenceCid.toString(), `call ${call}`)
      if (call % IMPORTER_EVERY === 0 || call === 500) {
        expect(cid.toString()).to.equal((await importerDirectory(model.values())).toString(), `call ${call}`)
        checked++
      }
    }

    expect(checked).to.equal(500 / IMPORTER_EVERY)
    expect(served.duplicates()).to.deep.equal([])
    expect(served.totalGets).to.be.greaterThan(1)
  })

  it('stop in the middle of a burst rejects the call with NotStartedError, writes nothing, and a restarted node serves the call', async () => {
    const entries = asciiEntries(10_000, 'stop-')
    const memory = new MemoryBlockstore()
    const root = await importerDirectory(entries, {}, memory)
    const served = new CountingBlockstore(memory, { delayMs: 50 })
    a = await createNode({ blockstore: served })
    const local = new CountingBlockstore(new MemoryBlockstore())
    const refetchTimeoutMs = 2_000
    const helia = withDynamicDirectory(await createNode({ blockstore: local }), { refetchTimeoutMs })
    b = helia
    await connect(helia, a)

    const victim = entries[4321]
    const expected = await importerDirectory(entries.filter(entry => entry !== victim))
    const pending = helia.directories.rm(root, victim.name)
    // the root arrives, then the size check's first burst is on its way
    while (served.totalGets < 3) {
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    await helia.stop()

    await expect(pending).to.eventually.be.rejected.with.property('name', 'NotStartedError')
    await expect(helia.directories.rm(root, victim.name)).to.eventually.be.rejected.with.property('name', 'NotStartedError')
    // nothing written: B holds only blocks it fetched from A
    for await (const { cid } of local.getAll()) {
      expect(await memory.has(cid)).to.equal(true, `B wrote ${cid}`)
    }

    await helia.start()
    served.delayMs = 0
    await connect(helia, a)
    // blocks A sent as the stop cancelled them may count as sent in A's Bitswap ledger if it still
    // holds the old one: asking again then ends in a BlockFetchError that says to reconnect, not a hang
    const first = await helia.directories.rm(root, victim.name).then(cid => cid, (err: Error) => err)
    let result = first
    if (!('version' in first)) {
      expect(first).to.have.property('name', 'BlockFetchError')
      await helia.libp2p.hangUp(a.libp2p.peerId)
      await connect(helia, a)
      result = await helia.directories.rm(root, victim.name)
    }
    expect(result.toString()).to.equal(expected.toString())
  })
})

describe('withDynamicDirectory composed as the README composes it', function () {
  this.timeout(120_000)

  let a: TestNode | undefined
  let b: HeliaWithDirectories<TestNode> | TestNode | undefined

  afterEach(async () => {
    await stopAll(a, b)
    a = b = undefined
  })

  it('wraps a node before its start, and edits and lists over Bitswap before and after a restart', async () => {
    // one directory a life, so that each life fetches its shards from A
    const memory = new MemoryBlockstore()
    const lives = []
    for (const life of ['first', 'after a restart']) {
      const entries = asciiEntries(6_000, `readme-${lives.length}-`)
      lives.push({ life, entries, root: await importerDirectory(entries, {}, memory) })
    }
    a = await createNode({ blockstore: memory })

    // the README's line: withLibp2pLight's `libp2p` getter throws until the node starts
    const helia = withDynamicDirectory(withBitswap(withLibp2pLight(createHeliaLight(), loopbackLibp2pOptions())))
    b = helia
    await expect(helia.directories.rm(lives[0].root, lives[0].entries[0].name)).to.eventually.be.rejected.with.property('name', 'NotStartedError')
    await helia.start()

    /** Listeners of libp2p's `peer:connect` while the node runs */
    let listeners: number | undefined
    for (const { life, entries, root } of lives) {
      await connect(helia, a)
      listeners ??= helia.libp2p.listenerCount('peer:connect')
      // one listener a life: the stop took the first one off, the start put one back
      expect(helia.libp2p.listenerCount('peer:connect')).to.equal(listeners, life)

      const victim = entries[1234]
      const [added] = asciiEntries(1, 'added-')
      let cid = await helia.directories.rm(root, victim.name)
      cid = await helia.directories.cp(added.cid, cid, added.name, { size: added.size })
      const expected = [...entries.filter(entry => entry !== victim), added]
      expect(cid.toString()).to.equal((await importerDirectory(expected)).toString(), life)

      const listed: string[] = []
      for await (const entry of helia.directories.ls(cid)) {
        listed.push(entry.name)
      }
      expect(listed.sort()).to.deep.equal(expected.map(entry => entry.name).sort(), life)
      expect(await helia.directories.stat(cid)).to.include({ shape: 'hamt', knownEntries: expected.length, sizeExact: true })

      await helia.stop()
      expect(helia.libp2p.listenerCount('peer:connect')).to.equal(listeners - 1, `${life}: stopped`)
      await expect(helia.directories.rm(root, victim.name)).to.eventually.be.rejected.with.property('name', 'NotStartedError')
      await helia.start()
    }
  })

  it('wrapped inside withLibp2pLight, hears peer:connect from its first start on, once a life', async () => {
    // withBitswap's type drops what the node had: the directories are the inner node's
    const inner = withDynamicDirectory(createHeliaLight())
    const helia = withBitswap(withLibp2pLight(inner, loopbackLibp2pOptions()))
    b = helia
    const plain = withBitswap(withLibp2pLight(createHeliaLight(), loopbackLibp2pOptions()))
    a = plain

    await Promise.all([helia.start(), plain.start()])
    // libp2p's own listeners, and the mixin's one
    const listeners = plain.libp2p.listenerCount('peer:connect') + 1
    for (const life of ['first', 'after a restart']) {
      expect(helia.libp2p.listenerCount('peer:connect')).to.equal(listeners, life)
      await helia.stop()
      expect(helia.libp2p.listenerCount('peer:connect')).to.equal(listeners - 1, `${life}: stopped`)
      await helia.start()
    }
    const [entry] = asciiEntries(1)
    const cid = await inner.directories.cp(entry.cid, await inner.directories.create().flush(), entry.name, { size: entry.size })
    expect(cid.toString()).to.equal((await importerDirectory([entry])).toString())
  })
})

async function copyOf (blockstore: MemoryBlockstore): Promise<MemoryBlockstore> {
  const copy = new MemoryBlockstore()
  for await (const { cid, bytes } of blockstore.getAll()) {
    await copy.put(cid, await toBytes(bytes))
  }
  return copy
}
