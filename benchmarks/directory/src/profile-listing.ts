/**
 * Where node B's CPU goes in a cold listing with the provider out of
 * process: a Helia provider in a child process holds the importer's HAMT of
 * `count` entries (default 50,000); B, in this process, behind the latency
 * proxy, lists it with the library after one untimed warm-up listing, then
 * fetches the same blocks as the floor does. Each of the two is profiled
 * alone (node:inspector, in this process only) and its CPU time measured
 * (process.cpuUsage); the profiles are written as `listing.cpuprofile` and
 * `floor.cpuprofile` in `dir` (default: the working directory), to open in
 * Chrome's DevTools or to sum with scripts of your own.
 *
 * Run as `node dist/profile-listing.js [count] [dir]` after a build;
 * `PROFILE_INIT='{"listWindow":1024}'` passes service options to the
 * listing.
 */

import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { buildHamt } from './context.js'
import { levelFloor, timeListing } from './listing.js'
import { startHeliaChild } from './providers.js'
import { onFreshClient } from './two-nodes.js'
import type { Client } from './two-nodes.js'
import type { DynamicDirectoryInit } from 'helia-dynamic-directory'

const count = Number(process.argv[2] ?? 50_000)
const init: DynamicDirectoryInit = JSON.parse(process.env.PROFILE_INIT ?? '{}')
const dir = process.argv[3] ?? '.'
const fixture = await buildHamt(new MemoryBlockstore(), count)
const names = new Set(fixture.entries.map(entry => entry.name))
const provider = await startHeliaChild([fixture])
const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 200 })

/** The package a profiled function comes from, by its script's path */
function bucket (url: string, functionName: string): string {
  if (url === '') {
    return functionName === '(garbage collector)' ? 'GC' : functionName === '(idle)' ? 'idle' : 'V8 and native (program, no script)'
  }
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/')
    const name = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]
    return name
  }
  if (url.startsWith('node:')) {
    return 'node internals'
  }
  if (url.includes('/benchmarks/directory/dist/')) {
    return 'bench harness (B\'s NetworkCounter, the listing loop)'
  }
  if (url.includes('/dist/test/fixtures/latency-proxy')) {
    return 'latency proxy (test fixture)'
  }
  if (url.includes('/dist/test/')) {
    return 'test fixtures'
  }
  if (url.includes('/dist/src/')) {
    return 'helia-dynamic-directory (dist/src)'
  }
  return url
}

interface ProfileNode { id: number, callFrame: { functionName: string, url: string, lineNumber: number }, hitCount?: number }

/** Self time by package, and this package's costliest functions, from a CPU profile */
function summarize (profile: { nodes: ProfileNode[], startTime: number, endTime: number, samples?: number[] }, blocks: number): string {
  const samples = profile.samples?.length ?? 0
  const msPerSample = samples === 0 ? 0 : (profile.endTime - profile.startTime) / 1000 / samples
  const byBucket = new Map<string, number>()
  const ours = new Map<string, number>()
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerSample
    const name = bucket(node.callFrame.url, node.callFrame.functionName)
    byBucket.set(name, (byBucket.get(name) ?? 0) + ms)
    if (name.startsWith('helia-dynamic-directory')) {
      const where = `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.slice(node.callFrame.url.indexOf('/dist/src/') + 1)}:${node.callFrame.lineNumber + 1}`
      ours.set(where, (ours.get(where) ?? 0) + ms)
    }
  }
  const lines = [...byBucket].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 1).map(([name, ms]) => `  ${ms.toFixed(0).padStart(7)} ms  ${(ms / blocks).toFixed(3)} ms/block  ${name}`)
  const top = [...ours].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, ms]) => `  ${ms.toFixed(1).padStart(7)} ms  ${name}`)
  return ['self time by package (sampled):', ...lines, 'helia-dynamic-directory, costliest functions (self):', ...top].join('\n')
}

const list = async (client: Client): Promise<void> => {
  const listing = await timeListing(async function * () {
    yield * (await dynamicDirectory({ blockstore: client.net }, init).open(fixture.cid)).entries()
  }, names)
  if (!listing.complete) {
    throw new Error(`listed ${listing.listed} of ${count}`)
  }
}

const profiled = async (name: string, fn: (client: Client) => Promise<unknown>): Promise<void> => {
  const phase = await onFreshClient(provider, 'proxy', async (client) => {
    await session.post('Profiler.start')
    const cpu = process.cpuUsage()
    await fn(client)
    const used = process.cpuUsage(cpu)
    const { profile } = await session.post('Profiler.stop')
    await writeFile(join(dir, `${name}.cpuprofile`), JSON.stringify(profile))
    return { cpuMs: (used.user + used.system) / 1000, profile }
  }, name)
  const blocks = phase.network.requested
  process.stdout.write(`${name}: ${phase.ms} ms wall, ${Math.round(phase.result.cpuMs)} ms CPU (user+system) of this process, ${blocks} blocks: ${(phase.result.cpuMs / blocks).toFixed(3)} ms CPU per block\n${summarize(phase.result.profile as any, blocks)}\n`)
}

try {
  process.stderr.write(`warm-up listing of ${count} entries, untimed\n`)
  await onFreshClient(provider, 'proxy', list, 'warm-up')
  await profiled('listing', list)
  await profiled('floor', async (client) => levelFloor(client.net, fixture.cid))
} finally {
  session.disconnect()
  await provider.close()
}
process.exit(0)
