/**
 * Building a 100,000-entry directory locally: this library's
 * create/set/flush against `ipfs-unixfs-importer`, each into its own
 * MemoryBlockstore, and whether the two roots are the same CID.
 */

import { MemoryBlockstore } from 'blockstore-core/memory'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { importerDirectory } from '../../../../dist/test/fixtures/importer.js'
import { benchEntries } from '../context.js'
import { collectGarbage } from '../gc.js'
import { ratio, since } from '../table.js'
import type { BenchContext } from '../context.js'
import type { Table } from '../table.js'

export const BUILD_ENTRIES = 100_000

export async function buildScenario (ctx: BenchContext): Promise<Table[]> {
  const entries = benchEntries(BUILD_ENTRIES)

  ctx.log(`build: importer, ${BUILD_ENTRIES} entries`)
  await collectGarbage()
  let start = performance.now()
  const importerCid = await importerDirectory(entries, {}, new MemoryBlockstore())
  const importerMs = since(start)

  ctx.log(`build: library, ${BUILD_ENTRIES} entries`)
  await collectGarbage()
  const directory = dynamicDirectory({ blockstore: new MemoryBlockstore() }).create()
  start = performance.now()
  for (const entry of entries) {
    await directory.set(entry.name, entry.cid, { size: entry.size })
  }
  const setMs = since(start)
  const flushStart = performance.now()
  const libraryCid = await directory.flush()
  const flushMs = since(flushStart)
  const libraryMs = since(start)

  const same = libraryCid.equals(importerCid)

  return [{
    title: `Build a ${BUILD_ENTRIES.toLocaleString('en')}-entry directory locally (MemoryBlockstore, no network)`,
    columns: ['implementation', 'time ms', 'set ms', 'flush ms', 'root CID', 'same CID'],
    rows: [
      { implementation: 'helia-dynamic-directory create/set/flush', 'time ms': libraryMs, 'set ms': setMs, 'flush ms': flushMs, 'root CID': libraryCid.toString(), 'same CID': same },
      { implementation: 'ipfs-unixfs-importer', 'time ms': importerMs, 'root CID': importerCid.toString(), 'same CID': same },
      { implementation: 'ratio library / importer', 'time ms': ratio(libraryMs, importerMs) }
    ],
    notes: [
      'Entries: `file-000000`... pointing at raw blocks, Tsize given to `set` (no child reads); default threshold 262144, links-bytes, fanout 256, CIDv1.',
      `The root CIDs are ${same ? 'equal' : 'DIFFERENT'}.`
    ]
  }]
}
