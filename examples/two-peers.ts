/**
 * Two Helia nodes in one process, talking Bitswap over loopback TCP.
 *
 * Node A builds a 20,000-file directory (a HAMT: far over the 256 KiB
 * threshold). Node B starts with an empty blockstore, dials A, opens the
 * directory by its CID and deletes files until it is small enough to be a
 * basic directory again. Every shard block B needs crosses the network, in
 * bursts of at most `fetchBudget` blocks, and the report shows them as they
 * go. At the end, B's CID is checked against `ipfs-unixfs-importer`'s CID for
 * the same files.
 *
 * Run with `npm run example` (builds, then `node dist/examples/two-peers.js`).
 * Environment: ENTRIES (default 20000), BUDGET (default 32), SEED.
 */

import { dynamicDirectory } from '../src/index.js'
import { cidOf, randomFor } from '../test/fixtures/entries.js'
import { importerDirectory } from '../test/fixtures/importer.js'
import { connect, createNode, stopAll } from '../test/fixtures/nodes.js'
import type { BurstProgress, Directory, DirectoryEntry } from '../src/index.js'
import type { TestNode } from '../test/fixtures/nodes.js'

const ENTRIES = Number(process.env.ENTRIES ?? 20_000)
const BUDGET = Number(process.env.BUDGET ?? 32)
const SEED = Number(process.env.SEED ?? 2024)
/** A progress line every this many deletions */
const REPORT_EVERY = 2_000

const started = performance.now()
const encoder = new TextEncoder()
const decoder = new TextDecoder()

function elapsed (): string {
  return `${((performance.now() - started) / 1000).toFixed(1).padStart(5)}s`
}

function say (line: string): void {
  process.stdout.write(`${elapsed()}  ${line}\n`)
}

function kib (bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`
}

function statsLine (directory: Directory): string {
  const { fetchedBlocks, bursts, largestBurst, retainedNodes, knownBytes, sizeExact } = directory.stats
  return `shape ${directory.shape.padEnd(5)}  fetched ${fetchedBlocks} blocks in ${bursts} bursts (largest ${largestBurst})  ` +
    `retained ${retainedNodes} nodes  known ${kib(knownBytes)}${sizeExact ? ' (exact)' : ''}`
}

/** Small text files: their blocks live on A, the directory links them */
function makeFiles (count: number): Array<DirectoryEntry & { bytes: Uint8Array }> {
  const files = []
  for (let i = 0; i < count; i++) {
    const name = `file-${i.toString().padStart(6, '0')}.txt`
    const bytes = encoder.encode(`This is ${name}, one of ${count} files on node A\n`)
    files.push({ name, cid: cidOf(bytes, 'v1-raw'), size: BigInt(bytes.length), bytes })
  }
  return files
}

async function main (): Promise<boolean> {
  let a: TestNode | undefined
  let b: TestNode | undefined

  try {
    // 1. two nodes, B dials A
    a = await createNode()
    b = await createNode()
    await connect(b, a)
    say(`node A ${a.libp2p.peerId}`)
    say(`node B ${b.libp2p.peerId}, connected to A over Bitswap`)

    // 2. A builds the directory with this library
    const files = makeFiles(ENTRIES)
    const onA = dynamicDirectory(a).create()
    for (const file of files) {
      await a.blockstore.put(file.cid, file.bytes)
      await onA.set(file.name, file.cid, { size: file.size })
    }
    const root = await onA.flush()
    const importerRoot = await importerDirectory(files)
    say(`A built a ${onA.shape} of ${ENTRIES} files: ${root}`)
    say(`   importer, same files:              ${importerRoot} ${root.equals(importerRoot) ? '(same)' : '(DIFFERENT)'}`)

    // 3. B opens it by CID: only the root block is fetched
    const onB = await dynamicDirectory(b, { fetchBudget: BUDGET }).open(root)
    say(`B opened it: ${statsLine(onB)}`)

    // 4. B deletes files, in random order, until the directory turns basic
    let lookups = 0
    const onProgress = (event: { type: string, detail: BurstProgress }): void => {
      const burst = event.detail
      if (burst.reason === 'lookup') {
        // one block on the path to a name: counted, summed up in the progress lines
        lookups++
        return
      }
      say(`   burst (${burst.reason}): requested ${String(burst.requested).padStart(2)}, arrived ${String(burst.arrived).padStart(2)}, ` +
        `known ${kib(burst.knownBytes)}${burst.sizeExact ? ' (exact)' : ''}`)
    }

    const order = randomFor(SEED).shuffle(files)
    let deleted = 0
    // (read through a function: TypeScript would keep the shape narrowed across the await)
    const shape = (): Directory['shape'] => onB.shape
    while (shape() === 'hamt' && deleted < order.length) {
      await onB.delete(order[deleted++].name, { onProgress })
      if (deleted % REPORT_EVERY === 0 || shape() === 'basic') {
        say(`deleted ${String(deleted).padStart(6)}  ${statsLine(onB)}  (${lookups} lookups so far)`)
      }
    }
    const remaining = order.slice(deleted)
    say(`B's directory turned basic after ${deleted} deletions, ${remaining.length} files left`)

    // 5. the result: B's CID next to the importer's for the same files
    const final = await onB.flush()
    const expected = await importerDirectory(remaining)
    const match = final.equals(expected)
    say(`B's CID:      ${final}`)
    say(`importer CID: ${expected}`)
    say(match ? 'match' : 'MISMATCH')

    // and a file's content, read through the directory, from A
    const sample = await onB.get(remaining[0].name)
    if (sample != null) {
      const chunks: Uint8Array[] = []
      for await (const chunk of b.blockstore.get(sample.cid, { signal: AbortSignal.timeout(10_000) })) {
        chunks.push(chunk)
      }
      say(`${remaining[0].name} reads: ${decoder.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).trim()}`)
    }

    return match
  } finally {
    await stopAll(a, b)
  }
}

main().then((match) => {
  say('both nodes stopped')
  process.exitCode = match ? 0 : 1
}, (err) => {
  process.stderr.write(`${err?.stack ?? err}\n`)
  process.exitCode = 1
})
