import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory, withDynamicDirectory } from '../../src/index.js'
import { CountingBlockstore, toBytes } from '../fixtures/counting-blockstore.js'
import { asciiEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { connect, createNode, stopAll } from '../fixtures/nodes.js'
import type { DirectoryEntry } from '../../src/index.js'
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

async function copyOf (blockstore: MemoryBlockstore): Promise<MemoryBlockstore> {
  const copy = new MemoryBlockstore()
  for await (const { cid, bytes } of blockstore.getAll()) {
    await copy.put(cid, await toBytes(bytes))
  }
  return copy
}
