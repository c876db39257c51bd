/**
 * What verifying block bytes against their CID costs a listing:
 * `node dist/bench/verify-cost.js` (after `npm run build`).
 *
 * Builds a 50,000-entry HAMT with the importer in a memory blockstore, then
 * times cold listings (a new service each round: every shard block read and
 * decoded) and reports the median per block. Also times `verifyBlock` alone
 * over the same blocks. Run it against a build without verification for the
 * "before" row: compile this file into that build's `bench/` and run it
 * there (it then reports no `verifyBlock` row).
 */

import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { toBytes } from '../../../dist/test/fixtures/counting-blockstore.js'
import { asciiEntries } from '../../../dist/test/fixtures/entries.js'
import { importerDirectory } from '../../../dist/test/fixtures/importer.js'
import type { CID } from 'multiformats/cid'

const ENTRIES = Number(process.env.VERIFY_ENTRIES ?? 50_000)
const ROUNDS = Number(process.env.VERIFY_ROUNDS ?? 9)
const WARMUP = 2

function median (values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

async function main (): Promise<void> {
  const memory = new MemoryBlockstore()
  const root = await importerDirectory(asciiEntries(ENTRIES, 'verify-'), {}, memory)
  const blocks: Array<{ cid: CID, bytes: Uint8Array }> = []
  for await (const { cid, bytes } of memory.getAll()) {
    blocks.push({ cid, bytes: await toBytes(bytes) })
  }

  const listing: number[] = []
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const dirs = dynamicDirectory({ blockstore: memory })
    const start = performance.now()
    const directory = await dirs.open(root)
    let count = 0
    for await (const entry of directory.entries()) {
      count += entry.name.length > 0 ? 1 : 0
    }
    const ms = performance.now() - start
    if (count !== ENTRIES) {
      throw new Error(`listed ${count} of ${ENTRIES}`)
    }
    if (round >= WARMUP) {
      listing.push(ms)
    }
  }

  const perBlockUs = (ms: number): number => Math.round(ms * 1000 / blocks.length * 10) / 10
  const rows: Record<string, unknown> = {
    entries: ENTRIES,
    blocks: blocks.length,
    meanBlockBytes: Math.round(blocks.reduce((total, block) => total + block.bytes.length, 0) / blocks.length),
    listingMedianMs: Math.round(median(listing) * 10) / 10,
    listingPerBlockUs: perBlockUs(median(listing))
  }

  // only in a build with verification
  const verify = await import('../../../dist/src/verify.js').catch(() => undefined)
  if (verify != null) {
    const times: number[] = []
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const start = performance.now()
      for (const { cid, bytes } of blocks) {
        await verify.verifyBlock(cid, bytes)
      }
      if (round >= WARMUP) {
        times.push(performance.now() - start)
      }
    }
    rows.verifyPerBlockUs = perBlockUs(median(times))
  }

  // eslint-disable-next-line no-console
  console.log(JSON.stringify(rows))
}

await main()
