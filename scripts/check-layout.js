/**
 * `npm run test:imports` (with the import check): every folder under src/
 * has a row in docs/design.md's layout table, so a new room is written down
 * where a reader looks for it.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const design = readFileSync(join(root, 'docs', 'design.md'), 'utf8')
const table = design.slice(design.indexOf('## Layout'))
const rows = new Set([...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap(match => [...match[1].matchAll(/`([^`]+)`/g)].map(name => name[1].replace(/\/$/, ''))))

const folders = readdirSync(join(root, 'src'), { withFileTypes: true }).filter(entry => entry.isDirectory()).map(entry => `src/${entry.name}`)
const missing = folders.filter(folder => !rows.has(folder))
if (missing.length > 0) {
  console.error(`docs/design.md's layout table has no row for ${missing.join(', ')}: say what each room holds`)
  process.exit(1)
}
console.info(`layout ok: ${folders.length} folders under src/, each with a row in docs/design.md`)
