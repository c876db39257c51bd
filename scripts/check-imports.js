/**
 * `npm run test:imports`: the import graph of src/ flows one way.
 *
 * - No module under src/ imports a package entry (src/index.ts, or the
 *   entry of an export path such as src/unixfs/index.ts): an entry only
 *   composes, so importing it back makes a cycle through every module.
 * - No import cycle at all among src/ modules, type imports included: data
 *   flows entry -> service -> directory -> enumerate -> tree -> bytes.
 *
 * Reads the sources as text: every import and re-export here is a static
 * `from '...'` with a relative specifier ending in `.js`.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const src = join(root, 'src')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** The source of every export path: dist/src/x/index.js -> src/x/index.ts */
const entries = new Set(Object.values(pkg.exports).map(target => join(root, target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts'))))

function sources (dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) {
      return sources(path)
    }
    return path.endsWith('.ts') ? [path] : []
  })
}

const graph = new Map()
for (const file of sources(src)) {
  const text = readFileSync(file, 'utf8')
  const imports = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?\bfrom\s+'(\.[^']+)'/gm)]
    .map(match => resolve(dirname(file), match[1]).replace(/\.js$/, '.ts'))
  graph.set(file, imports)
}

const problems = []
for (const [file, imports] of graph) {
  for (const target of imports) {
    if (entries.has(target) && !entries.has(file)) {
      problems.push(`${relative(root, file)} imports the package entry ${relative(root, target)}`)
    }
    if (!graph.has(target)) {
      problems.push(`${relative(root, file)} imports ${relative(root, target)}, which is not a module under src/`)
    }
  }
}

// Tarjan's strongly connected components: any component of two or more modules is a cycle
let index = 0
const stack = []
const state = new Map()
function connect (file) {
  const node = { index, low: index, onStack: true }
  index++
  state.set(file, node)
  stack.push(file)
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) {
      continue
    }
    const next = state.get(target)
    if (next == null) {
      node.low = Math.min(node.low, connect(target).low)
    } else if (next.onStack) {
      node.low = Math.min(node.low, next.index)
    }
  }
  if (node.low === node.index) {
    const component = []
    for (let member; member !== file;) {
      member = stack.pop()
      state.get(member).onStack = false
      component.push(member)
    }
    if (component.length > 1) {
      problems.push(`import cycle: ${component.map(member => relative(root, member)).sort().join(', ')}`)
    }
  }
  return node
}
for (const file of graph.keys()) {
  if (!state.has(file)) {
    connect(file)
  }
}

if (problems.length > 0) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.info(`imports ok: ${graph.size} modules under src/, none imports a package entry, no cycles`)
