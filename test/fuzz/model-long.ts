/**
 * The long model-based fuzz run: `npm run fuzz:model` (MODEL_RUNS and
 * MODEL_SEED to change it). Prints the seed of any failing run.
 */

/* eslint-disable no-console */

import { runModel } from '../fixtures/model.js'

const runs = Number(process.env.MODEL_RUNS ?? 400)
const seed = Number(process.env.MODEL_SEED ?? Date.now() % 1_000_000)
const inits = [
  { shardSplitThresholdBytes: 800, shardFanoutBits: 5, fetchBudget: 4 },
  { shardSplitThresholdBytes: 1_500, shardSplitStrategy: 'block-bytes' as const, shardFanoutBits: 4, fetchBudget: 2 },
  { shardSplitThresholdBytes: 1, shardFanoutBits: 3, cidVersion: 0 as const },
  { shardSplitThresholdBytes: 3_000, shardFanoutBits: 5 }
]

const started = Date.now()
for (let run = 0; run < runs; run++) {
  const init = inits[run % inits.length]
  try {
    await runModel({ seed: seed + run, steps: 600, init, poolSize: 120 })
  } catch (err: any) {
    console.error(`FAILED: seed ${seed + run} with ${JSON.stringify(init)}\n${err.stack}`)
    process.exit(1)
  }
  if (run % 20 === 19) {
    console.info(`${run + 1}/${runs} runs from seed ${seed} passed (${Math.round((Date.now() - started) / 1000)} s)`)
  }
}
console.info(`all ${runs} runs from seed ${seed} passed`)
