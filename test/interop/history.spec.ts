import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../../src/index.js'
import { buildDirectory, collect } from '../fixtures/build.js'
import { randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'

const SEED = Number(process.env.HISTORY_SEED ?? 0xd1ec)

/**
 * Random sets, overwrites and deletes, flushing (and sometimes reopening the
 * flushed CID) in between; the final CID must be that of a fresh build of the
 * final entries.
 */
async function randomHistory (init: DynamicDirectoryInit, seed: number, steps: number, poolSize: number): Promise<{ crossings: number }> {
  const random = randomFor(seed)
  const pool = randomEntries(poolSize, seed)
  const replacements = randomEntries(poolSize, seed + 1)
  const blockstore = new MemoryBlockstore()
  const dirs = dynamicDirectory({ blockstore }, init)
  let directory = dirs.create()
  const model = new Map<string, DirectoryEntry>()
  let crossings = 0

  for (let step = 0; step < steps; step++) {
    const index = random.int(pool.length)
    const entry = pool[index]
    const roll = random.next()
    const shapeBefore = directory.shape

    if (roll < 0.5) {
      await directory.set(entry.name, entry.cid, { size: entry.size })
      model.set(entry.name, entry)
    } else if (roll < 0.6) {
      // overwrite with another CID and size, possibly shorter
      const replacement = { ...replacements[index], name: entry.name }
      await directory.set(entry.name, replacement.cid, { size: replacement.size })
      model.set(entry.name, replacement)
    } else {
      expect(await directory.delete(entry.name)).to.equal(model.delete(entry.name), `delete at step ${step}, seed ${seed}`)
    }

    if (directory.shape !== shapeBefore) {
      crossings++
    }

    if (random.next() < 0.05) {
      const cid = await directory.flush()
      if (random.next() < 0.5) {
        directory = await dirs.open(cid)
      }
    }
  }

  const final = [...model.values()]
  const cid = await directory.flush()
  expect(cid.toString()).to.equal((await importerDirectory(final, init)).toString(), `seed ${seed}`)
  expect(cid.toString()).to.equal((await buildDirectory(final, init)).cid.toString(), `seed ${seed}`)
  const listed = await collect(directory)
  expect(listed.map(e => e.name).sort()).to.deep.equal(final.map(e => e.name).sort())
  return { crossings }
}

describe('history independence', function () {
  this.timeout(120_000)

  for (const init of [
    { shardSplitThresholdBytes: 2_000 },
    { shardSplitThresholdBytes: 2_000, shardSplitStrategy: 'block-bytes' as const },
    { shardSplitThresholdBytes: 1_500, shardFanoutBits: 4, cidVersion: 0 as const },
    { shardSplitThresholdBytes: 1 }
  ]) {
    it(`random sets, overwrites and deletes give the fresh build's CID at ${JSON.stringify(init)}`, async () => {
      let crossings = 0
      for (let run = 0; run < 6; run++) {
        crossings += (await randomHistory(init, SEED + run, 600, 80)).crossings
      }
      if (init.shardSplitThresholdBytes > 1) {
        // the pool's entries add up past the threshold, so runs cross it both ways
        expect(crossings).to.be.greaterThan(2)
      }
    })
  }

  it('deleting exactly the entry that made it a HAMT turns it back into the basic directory', async () => {
    const entries = randomEntries(400, SEED)
    const init = { shardSplitThresholdBytes: 5_000 }
    const blockstore = new MemoryBlockstore()
    const directory = dynamicDirectory({ blockstore }, init).create()
    let added = 0
    let basicCid = await directory.flush()
    while (directory.shape === 'basic') {
      basicCid = await directory.flush()
      const entry = entries[added++]
      await directory.set(entry.name, entry.cid, { size: entry.size })
    }
    expect(added).to.be.greaterThan(1)
    const hamtCid = await directory.flush()
    expect(hamtCid.toString()).to.equal((await importerDirectory(entries.slice(0, added), init)).toString())

    await directory.delete(entries[added - 1].name)
    expect(directory.shape).to.equal('basic')
    expect((await directory.flush()).toString()).to.equal(basicCid.toString())

    // and back up again, through a reopened directory
    const reopened = await dynamicDirectory({ blockstore }, init).open(basicCid)
    const last = entries[added - 1]
    await reopened.set(last.name, last.cid, { size: last.size })
    expect(reopened.shape).to.equal('hamt')
    expect((await reopened.flush()).toString()).to.equal(hamtCid.toString())
  })

  it('a flush between edits does not change the final CID', async () => {
    const entries = randomEntries(3_000, SEED + 99)
    const init = { shardSplitThresholdBytes: 20_000 }
    const once = await buildDirectory(entries, init)

    const blockstore = new MemoryBlockstore()
    const dirs = dynamicDirectory({ blockstore }, init)
    let directory = dirs.create()
    for (const [index, entry] of entries.entries()) {
      await directory.set(entry.name, entry.cid, { size: entry.size })
      if (index % 500 === 499) {
        directory = await dirs.open(await directory.flush())
      }
    }
    expect((await directory.flush()).toString()).to.equal(once.cid.toString())
  })
})
