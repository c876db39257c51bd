/**
 * rm/cp calls chained through the returned CIDs, as an MFS-style app makes
 * them: one seeded plan and one runner for every chain in the benchmarks,
 * whichever API makes the calls (the service, the drop-in, `@helia/unixfs`).
 */

import * as raw from 'multiformats/codecs/raw'
import { randomFor } from '../../../dist/test/fixtures/entries.js'
import type { BenchContext } from './context.js'
import type { Client } from './two-nodes.js'
import type { DirectoryEntry } from 'helia-dynamic-directory'
import type { CID } from 'multiformats/cid'

/** One call of a chain: remove an entry, or link one back in */
export interface ChainCall {
  op: 'rm' | 'cp'
  entry: DirectoryEntry
}

/** What a chain calls: the service, the drop-in and `@helia/unixfs` all have these two */
export interface ChainApi {
  rm(root: CID, name: string): Promise<CID>
  cp(source: CID, root: CID, name: string): Promise<CID>
}

/**
 * `calls` seeded rm/cp calls that put back every entry they remove: `calls / 2`
 * rm of distinct entries and as many cp of them back, interleaved (a cp with
 * probability 0.4 while something is out); the chain ends on the directory it
 * started from
 */
export function planChain (entries: DirectoryEntry[], calls: number): ChainCall[] {
  const random = randomFor(1010)
  const removed: DirectoryEntry[] = []
  const victims = random.shuffle(entries).slice(0, calls / 2)
  const out: ChainCall[] = []
  while (out.length < calls) {
    const mustPutBack = victims.length === 0
    if (removed.length > 0 && (mustPutBack || random.next() < 0.4)) {
      out.push({ op: 'cp', entry: removed.splice(random.int(removed.length), 1)[0] })
    } else {
      const entry = victims.pop()
      if (entry == null) {
        break
      }
      removed.push(entry)
      out.push({ op: 'rm', entry })
    }
  }
  return out
}

const encoder = new TextEncoder()

/** Puts the cp sources (raw blocks holding their names) in B's own blockstore: an app's own files */
export async function putSources (client: Pick<Client, 'local'>, calls: ChainCall[]): Promise<void> {
  for (const { op, entry } of calls) {
    if (op === 'cp' && entry.cid.code === raw.code) {
      await client.local.put(entry.cid, encoder.encode(entry.name))
    }
  }
}

export interface ChainRun {
  /** Calls made (fewer than planned when capped) */
  done: number
  ms: number
  capped: boolean
  /** `ms`, extrapolated by calls when capped */
  estimateMs: number
  /** The CID the last call returned */
  root: string
}

/** Makes `calls` through `api`, each on the CID the previous one returned, from `root`; stops after `capMs` */
export async function runChain (api: ChainApi, root: CID, calls: ChainCall[], capMs = Infinity): Promise<ChainRun> {
  const start = performance.now()
  let done = 0
  for (const { op, entry } of calls) {
    if (performance.now() - start > capMs) {
      break
    }
    // no size for cp: the source's root block is read for its Tsize, as @helia/unixfs does
    root = op === 'rm' ? await api.rm(root, entry.name) : await api.cp(entry.cid, root, entry.name)
    done++
  }
  const ms = performance.now() - start
  const capped = done < calls.length
  return { done, ms, capped, estimateMs: capped ? ms * calls.length / done : ms, root: root.toString() }
}

/** A chain's time for a table: with the extrapolation spelled out when capped */
export function chainTime (run: ChainRun): string | number {
  return run.capped ? `${Math.round(run.ms * 10) / 10} (capped; ~${Math.round(run.estimateMs)} extrapolated)` : Math.round(run.ms * 10) / 10
}

/** The importer's CID for `entries` after the first `done` calls of a chain */
export async function canonicalAfter (ctx: Pick<BenchContext, 'canonical'>, entries: DirectoryEntry[], calls: ChainCall[], done: number): Promise<string> {
  const present = new Map(entries.map(entry => [entry.name, entry]))
  for (const { op, entry } of calls.slice(0, done)) {
    if (op === 'rm') {
      present.delete(entry.name)
    } else {
      present.set(entry.name, entry)
    }
  }
  return ctx.canonical([...present.values()])
}
