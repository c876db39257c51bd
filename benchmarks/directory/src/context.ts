/**
 * What the scenarios share: the serving node (started on first use), the
 * HAMTs built on it once each, canonical CIDs, and progress logging.
 */

import { MemoryBlockstore } from 'blockstore-core/memory'
import * as raw from 'multiformats/codecs/raw'
import { asciiEntries } from '../../../dist/test/fixtures/entries.js'
import { importerDirectory } from '../../../dist/test/fixtures/importer.js'
import { readTree } from '../../../dist/test/fixtures/tree-oracle.js'
import { startServer } from './two-nodes.js'
import type { Mode, Server } from './two-nodes.js'
import type { ImporterDirectoryOptions } from '../../../dist/test/fixtures/importer.js'
import type { DirectoryEntry } from 'helia-dynamic-directory'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export interface Fixture {
  cid: CID
  entries: DirectoryEntry[]
  /** Shard blocks in the HAMT, the root included */
  blocks: number
}

export interface BenchContext {
  modes: Mode[]
  server(): Promise<Server>
  /** An importer-built HAMT (default threshold) of `count` entries, in A's blockstore */
  hamt(count: number): Promise<Fixture>
  /** The importer's CID for exactly these entries, as a string */
  canonical(entries: DirectoryEntry[], options?: ImporterDirectoryOptions): Promise<string>
  log(message: string): void
  close(): Promise<void>
}

const encoder = new TextEncoder()

/**
 * `count` entries `file-000000`, ... pointing at raw blocks holding their own
 * names, with Tsize = the block's length: a real DAG, so code that reads the
 * children (as `@helia/unixfs` does when it turns a HAMT basic) finds them
 * and Tsize is the true cumulative size
 */
export function benchEntries (count: number): DirectoryEntry[] {
  return asciiEntries(count, 'file-').map(entry => ({ ...entry, size: BigInt(encoder.encode(entry.name).byteLength) }))
}

/** The importer's HAMT of `benchEntries(count)` in `store`, the entries' raw blocks with it */
export async function buildHamt (store: Pick<Blockstore, 'put' | 'get'>, count: number): Promise<Fixture> {
  const entries = benchEntries(count)
  for (const entry of entries) {
    if (entry.cid.code === raw.code) {
      await store.put(entry.cid, encoder.encode(entry.name))
    }
  }
  const cid = await importerDirectory(entries, {}, store)
  const blocks = (await readTree(store, cid)).length
  return { cid, entries, blocks }
}

export function createContext (modes: Mode[]): BenchContext {
  const started = performance.now()
  let server: Promise<Server> | undefined
  const fixtures = new Map<number, Promise<Fixture>>()
  const canonicals = new Map<string, Promise<string>>()

  const log = (message: string): void => {
    process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`)
  }

  const getServer = async (): Promise<Server> => {
    server ??= startServer()
    return server
  }

  const build = async (count: number): Promise<Fixture> => {
    const { store } = await getServer()
    const start = performance.now()
    const fixture = await buildHamt(store, count)
    log(`built the ${count}-entry HAMT (${fixture.blocks} shard blocks) on A with the importer in ${Math.round(performance.now() - start)} ms: ${fixture.cid}`)
    return fixture
  }

  return {
    modes,
    server: getServer,
    log,
    hamt: async (count) => {
      let fixture = fixtures.get(count)
      if (fixture == null) {
        fixture = build(count)
        fixtures.set(count, fixture)
      }
      return fixture
    },
    canonical: async (entries, options = {}) => {
      const key = `${JSON.stringify(options)}:${entries.map(entry => entry.name).sort().join('/')}`
      let cid = canonicals.get(key)
      if (cid == null) {
        cid = importerDirectory(entries, options, new MemoryBlockstore()).then(cid => cid.toString())
        canonicals.set(key, cid)
      }
      return cid
    },
    close: async () => {
      if (server != null) {
        await (await server).close()
      }
    }
  }
}
