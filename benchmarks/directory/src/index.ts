/**
 * Benchmarks: `npm run bench` at the repository root (builds the library,
 * then this package, then runs `node --expose-gc dist/index.js` here).
 *
 * Prints markdown tables on stdout (progress goes to stderr), and writes
 * each scenario that ran to the end under results/ as `<scenario>.md` and
 * `<scenario>.json`, replacing its last run.
 *
 * Choose scenarios with `BENCH=list,memory` or as arguments
 * (`npm run bench -- delete-one collapse`), and the networks with
 * `BENCH_MODES=direct` or `BENCH_MODES=proxy` (the `providers` scenario is
 * always through the proxy; `BENCH_PROVIDERS=helia,kubo,in-process` chooses
 * its providers).
 */

import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, platform, release, totalmem } from 'node:os'
import { createContext } from './context.js'
import { canCollect } from './gc.js'
import { buildScenario } from './scenarios/build.js'
import { chainScenario } from './scenarios/chain.js'
import { collapseScenario } from './scenarios/collapse.js'
import { deleteManyScenario } from './scenarios/delete-many.js'
import { deleteOneScenario } from './scenarios/delete-one.js'
import { dropinScenario } from './scenarios/dropin.js'
import { gatewayScenario } from './scenarios/gateway.js'
import { kuboClientScenario } from './scenarios/kubo-client.js'
import { listScenario } from './scenarios/list.js'
import { memoryScenario } from './scenarios/memory.js'
import { mfsScenario } from './scenarios/mfs.js'
import { providersScenario } from './scenarios/providers.js'
import { scaleScenario } from './scenarios/scale.js'
import { streamScenario } from './scenarios/stream.js'
import { treeScenario } from './scenarios/tree.js'
import { renderTable } from './table.js'
import { incidents, networkLabel } from './two-nodes.js'
import type { BenchContext } from './context.js'
import type { Table } from './table.js'
import type { Mode } from './two-nodes.js'

const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<Table[]>> = {
  build: buildScenario,
  'delete-one': deleteOneScenario,
  'delete-many': deleteManyScenario,
  collapse: collapseScenario,
  list: listScenario,
  memory: memoryScenario,
  chain: chainScenario,
  tree: treeScenario,
  stream: streamScenario,
  dropin: dropinScenario,
  providers: providersScenario,
  scale: scaleScenario,
  mfs: mfsScenario,
  'kubo-client': kuboClientScenario,
  gateway: gatewayScenario
}

function selected (): string[] {
  const asked = [...(process.env.BENCH ?? '').split(','), ...process.argv.slice(2)]
    .map(name => name.trim())
    .filter(name => name !== '' && name !== 'all')

  for (const name of asked) {
    if (SCENARIOS[name] == null) {
      throw new Error(`Unknown scenario "${name}": choose from ${Object.keys(SCENARIOS).join(', ')}`)
    }
  }

  return asked.length === 0 ? Object.keys(SCENARIOS) : Object.keys(SCENARIOS).filter(name => asked.includes(name))
}

function selectedModes (): Mode[] {
  const asked = (process.env.BENCH_MODES ?? 'direct,proxy').split(',').map(mode => mode.trim()).filter(mode => mode !== '')
  for (const mode of asked) {
    if (mode !== 'direct' && mode !== 'proxy') {
      throw new Error(`Unknown network "${mode}": choose direct and/or proxy`)
    }
  }
  return asked as Mode[]
}

async function main (): Promise<number> {
  const names = selected()
  const modes = selectedModes()
  const started = new Date()
  const cpuList = cpus()
  const environment = {
    timestamp: started.toISOString(),
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${release()}`,
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model ?? 'unknown',
    memoryGB: Math.round(totalmem() / 1e8) / 10,
    exposeGc: canCollect(),
    scenarios: names,
    networks: modes.map(networkLabel)
  }

  const header = [
    '# helia-dynamic-directory benchmarks',
    '',
    `- time: ${environment.timestamp}`,
    `- node ${environment.node} (V8 ${environment.v8}), ${environment.platform}`,
    `- ${environment.cpus} CPUs (${environment.cpuModel}), ${environment.memoryGB} GB`,
    `- scenarios: ${names.join(', ')}; networks: ${environment.networks.join(', ')}`,
    '- provider: node A in this Node process ("A in-process") unless a row names another',
    ...(environment.exposeGc ? [] : ['- gc is not exposed: run with `node --expose-gc` for memory figures'])
  ].join('\n')
  process.stdout.write(`${header}\n\n`)

  const ctx = createContext(modes)
  const results: Array<{ scenario: string, ms: number, tables: Table[], error?: string }> = []
  let failed = false

  try {
    for (const name of names) {
      const start = performance.now()
      let tables: Table[]
      let error: string | undefined
      try {
        tables = await SCENARIOS[name](ctx)
      } catch (err: any) {
        failed = true
        error = err?.stack ?? String(err)
        ctx.log(`scenario ${name} failed: ${error}`)
        tables = [{ title: `${name}: FAILED`, columns: ['error'], rows: [{ error: String(err?.message ?? err) }] }]
      }
      const ms = Math.round(performance.now() - start)
      results.push({ scenario: name, ms, tables, error })
      for (const table of tables) {
        process.stdout.write(`${renderTable(table)}\n\n`)
      }
      process.stdout.write(`_${name}: ${(ms / 1000).toFixed(1)} s_\n\n`)
    }
  } finally {
    await ctx.close()
  }

  const totalMs = Math.round(Date.now() - started.getTime())
  const incidentsText = incidents.length === 0 ? '' : ['### Incidents (stalled phases, retried)', '', ...incidents.map(incident => `- ${incident}`)].join('\n')
  if (incidentsText !== '') {
    process.stdout.write(`${incidentsText}\n\n`)
  }
  process.stdout.write(`_total: ${(totalMs / 1000).toFixed(1)} s_\n`)

  // each scenario that ran to the end replaces its own latest results; a failed one keeps the last good run's
  const dir = new URL('../results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  for (const result of results.filter(result => result.error == null)) {
    const markdown = [header.replace(/^- scenarios: .*$/m, `- scenario: ${result.scenario}; networks: ${environment.networks.join(', ')}`), ...result.tables.map(renderTable), `_${result.scenario}: ${(result.ms / 1000).toFixed(1)} s_`].join('\n\n')
    await writeFile(new URL(`${result.scenario}.md`, dir), markdown + '\n')
    await writeFile(new URL(`${result.scenario}.json`, dir), JSON.stringify({ environment: { ...environment, scenarios: [result.scenario] }, incidents, result }, null, 2) + '\n')
    process.stderr.write(`wrote results/${result.scenario}.md and .json\n`)
  }

  return failed ? 1 : 0
}

main().then(code => {
  // libp2p can leave timers behind after stop
  process.exit(code)
}, err => {
  process.stderr.write(`${err?.stack ?? err}\n`)
  process.exit(1)
})
