import { expect } from 'aegir/chai'
import { runModel } from './fixtures/model.js'
import type { ModelReport } from './fixtures/model.js'

const SEED = Number(process.env.MODEL_SEED ?? 0xface)
const INITS = [
  { shardSplitThresholdBytes: 800, shardFanoutBits: 5, fetchBudget: 4 },
  { shardSplitThresholdBytes: 800, shardSplitStrategy: 'block-bytes' as const, shardFanoutBits: 4, fetchBudget: 2 },
  { shardSplitThresholdBytes: 1, shardFanoutBits: 3, cidVersion: 0 as const }
]

describe('model-based fuzz against a Map', function () {
  this.timeout(120_000)

  for (const init of INITS) {
    it(`random operations with injected failures and aborts agree with the model at ${JSON.stringify(init)}`, async () => {
      const total: ModelReport = { flushes: 0, reopens: 0, injectedFailures: 0, aborts: 0, shapeChanges: 0 }
      for (let run = 0; run < 8; run++) {
        const report = await runModel({ seed: SEED + run, steps: 250, init, poolSize: 60 })
        for (const key of Object.keys(total) as Array<keyof ModelReport>) {
          total[key] += report[key]
        }
      }
      // the runs did exercise what they are for
      expect(total.flushes).to.be.greaterThan(50)
      expect(total.reopens).to.be.greaterThan(20)
      expect(total.injectedFailures).to.be.greaterThan(0)
      expect(total.aborts).to.be.greaterThan(0)
      if (init.shardSplitThresholdBytes > 1) {
        expect(total.shapeChanges).to.be.greaterThan(10)
      }
    })
  }
})
