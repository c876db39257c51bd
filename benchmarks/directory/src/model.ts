/**
 * The shape-only model's table alone (10^4 to 10^8 entries, thresholds,
 * fanouts, names), without blocks or a network: `npm run model` here, after
 * a root build. About 10 minutes and 3 GB of heap, most of it the 10^8 row.
 */

import { modelled } from './scenarios/scale.js'
import { renderTable } from './table.js'

const started = performance.now()
const table = modelled({ log: (message: string) => { process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`) } }, [])
process.stdout.write(`${renderTable(table)}\n`)
