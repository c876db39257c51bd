/**
 * The shard decoder fuzz at length: `npm run fuzz`.
 *
 * FUZZ_RUNS (default 200,000) mutated shard blocks, from FUZZ_SEED (default:
 * a random seed, printed first so a failure can be replayed). Runs in chunks
 * of FUZZ_CHUNK, each with its own seed derived from the first, and stops at
 * the first failure with fast-check's seed, path and shrunk counterexample.
 */

import { loadSeedBlocks, runFuzz, seedFromEnv } from '../hamt/codec-property.js'

const log = (line: string): void => { process.stdout.write(`${line}\n`) }
const fail = (line: string): void => { process.stderr.write(`${line}\n`) }

const runs = Number(process.env.FUZZ_RUNS ?? 200_000)
const chunk = Number(process.env.FUZZ_CHUNK ?? 20_000)
const seed = seedFromEnv(Math.floor(Math.random() * 0x7FFFFFFF))

if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(chunk) || chunk < 1) {
  throw new Error('FUZZ_RUNS and FUZZ_CHUNK must be positive integers')
}

const seeds = await loadSeedBlocks()
log(`fuzzing decodeShard: ${runs} runs over ${seeds.length} seed blocks, FUZZ_SEED=${seed}`)

const totals: Record<string, number> = {}
const started = Date.now()
let done = 0

for (let i = 0; done < runs; i++) {
  const chunkSeed = (seed + i * 0x9E3779B1) | 0
  const report = runFuzz(seeds, Math.min(chunk, runs - done), chunkSeed)
  for (const [outcome, count] of Object.entries(report.outcomes)) {
    totals[outcome] = (totals[outcome] ?? 0) + count
  }
  if (report.failure != null) {
    fail(`FAILED in chunk ${i} (FUZZ_SEED=${seed}); replay this chunk with FUZZ_SEED=${chunkSeed} FUZZ_RUNS=${chunk} FUZZ_CHUNK=${chunk}`)
    fail(report.failure)
    process.exit(1)
  }
  done += report.runs
  log(`${done}/${runs} runs, ${((Date.now() - started) / 1000).toFixed(1)} s, ${JSON.stringify(totals)}`)
}

log(`ok: ${done} runs in ${((Date.now() - started) / 1000).toFixed(1)} s, no untyped error and no decoded node that re-encodes differently (FUZZ_SEED=${seed})`)
