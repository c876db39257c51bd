import { expect } from 'aegir/chai'
import { buildDirectory, shuffled, storedShape } from '../fixtures/build.js'
import { randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { DynamicDirectoryInit, ShardSplitStrategy } from '../../src/index.js'

const SEED = Number(process.env.PARITY_SEED ?? 0x5eed)
const THRESHOLDS = [1, 1_000, 262_144]
const FANOUT_BITS = [4, 8]
const STRATEGIES: ShardSplitStrategy[] = ['links-bytes', 'block-bytes']

describe('parity with ipfs-unixfs-importer', function () {
  this.timeout(120_000)

  let combo = 0
  for (const shardSplitThresholdBytes of THRESHOLDS) {
    for (const shardFanoutBits of FANOUT_BITS) {
      for (const shardSplitStrategy of STRATEGIES) {
        const init: DynamicDirectoryInit = { shardSplitThresholdBytes, shardFanoutBits, shardSplitStrategy }
        const seed = SEED + combo++
        const random = randomFor(seed)
        // 0 and 1 entries, then a small, a middling and a large random set of up to 20,000
        const counts = [0, 1, random.range(2, 200), random.range(200, 3_000), random.range(3_000, 20_000)]

        it(`matches at ${JSON.stringify(init)} for ${counts.join(', ')} entries (seed ${seed})`, async () => {
          for (const [index, count] of counts.entries()) {
            const entries = randomEntries(count, seed * 10 + index)
            const expected = await importerDirectory(entries, init)
            const { cid, directory, blockstore } = await buildDirectory(shuffled(entries, random), init)
            expect(cid.toString()).to.equal(expected.toString(), `${count} entries, seed ${seed}`)
            expect(await storedShape(blockstore, cid)).to.equal(directory.shape)
          }
        })
      }
    }
  }

  const presets: DynamicDirectoryInit[] = [
    { cidVersion: 0, shardSplitThresholdBytes: 1_000 },
    { profile: 'unixfs-v0-2015', shardSplitThresholdBytes: 1_000 },
    { profile: 'unixfs-v1-2025', shardSplitThresholdBytes: 1_000 },
    { profile: 'unixfs-v1-2025', cidVersion: 0, shardSplitThresholdBytes: 20_000, shardFanoutBits: 3 },
    { shardFanoutBits: 10, shardSplitThresholdBytes: 1 }
  ]

  for (const init of presets) {
    it(`matches with ${JSON.stringify(init)}`, async () => {
      for (const count of [0, 5, 800, 4_000]) {
        const entries = randomEntries(count, SEED + count)
        const expected = await importerDirectory(entries, init)
        const { cid } = await buildDirectory(entries, init)
        expect(cid.toString()).to.equal(expected.toString(), `${count} entries`)
      }
    })
  }
})
