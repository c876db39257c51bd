import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { collect } from '../fixtures/build.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { asciiEntries, linksBytes, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { DirectoryEntry } from '../../src/index.js'

describe('concurrent callers', function () {
  this.timeout(120_000)

  it('1,000 overlapping operations from 50 tasks end in the state a serial run gives', async () => {
    const TASKS = 50
    const OPS_PER_TASK = 20
    const existing = asciiEntries(3_000, 'old-')
    const added = asciiEntries(1_000, 'new-')
    // deletes outrun sets, so the directory drifts under the threshold while the tasks run
    const init = { shardSplitThresholdBytes: linksBytes(existing.slice(0, 2_900)), fetchBudget: 8 }
    const memory = new MemoryBlockstore()
    const root = await importerDirectory(existing, init, memory)
    const store = new CountingBlockstore(memory, { delayMs: 1 })
    const directory = await dynamicDirectory({ blockstore: store }, init).open(root)
    expect(directory.shape).to.equal('hamt')

    const model = new Map<string, DirectoryEntry>(existing.map(entry => [entry.name, entry]))
    const shapes = new Set<string>()
    let flushes = 0

    // each task edits its own names, so the final state does not depend on how tasks interleave
    const task = async (id: number): Promise<void> => {
      const random = randomFor(id)
      const mine = existing.filter((_, index) => index % TASKS === id)
      const mineNew = added.filter((_, index) => index % TASKS === id)
      for (let op = 0; op < OPS_PER_TASK; op++) {
        const roll = random.next()
        if (roll < 0.45) {
          const entry = random.pick(mine)
          expect(await directory.delete(entry.name)).to.equal(model.delete(entry.name))
        } else if (roll < 0.75) {
          const entry = random.pick(mineNew)
          await directory.set(entry.name, entry.cid, { size: entry.size })
          model.set(entry.name, entry)
        } else if (roll < 0.9) {
          const entry = random.pick(mine)
          expect(await directory.has(entry.name)).to.equal(model.has(entry.name))
        } else if (roll < 0.95) {
          await directory.flush()
          flushes++
        } else {
          await collect(directory)
        }
        shapes.add(directory.shape)
      }
    }

    await Promise.all(Array.from({ length: TASKS }, async (_, id) => task(id)))

    expect(flushes).to.be.greaterThan(0)
    const listed = await collect(directory)
    expect(listed.map(entry => entry.name).sort()).to.deep.equal([...model.keys()].sort())
    expect((await directory.flush()).toString()).to.equal((await importerDirectory(model.values(), init)).toString())
    expect(store.duplicates()).to.deep.equal([])
    expect([...shapes].sort()).to.deep.equal(['basic', 'hamt'])
  })
})
