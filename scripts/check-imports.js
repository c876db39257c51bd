/**
 * `npm run test:imports`: the import graph of src/ flows one way, and each
 * room imports only what it may.
 *
 * - No module under src/ imports a package entry (src/index.ts, or the
 *   entry of an export path such as src/unixfs/index.ts): an entry only
 *   composes, so importing it back makes a cycle through every module. The
 *   one exception: the MFS drop-in uses the unixfs drop-in through its
 *   entry, its public API, as `@helia/mfs` uses `@helia/unixfs`.
 * - No import cycle at all among src/ modules, type imports included: data
 *   flows entry -> service -> directory -> enumerate -> tree -> bytes.
 * - The drop-ins (src/mfs/, src/unixfs/) import their own room, the public
 *   surface (interface.ts, errors.ts, factory.ts), the rooms they share
 *   (drop-in/, compat/), and nothing else of the engine: what they need of
 *   it is on the public surface, or named in drop-in/engine.ts.
 * - src/enumerate/ imports nothing from src/pb/: it prices entries through
 *   the shard's own methods, not by protobuf framing.
 *
 * Reads the sources as text: every import and re-export here is a static
 * `from '...'` with a relative specifier ending in `.js`. Checks the
 * package at the directory given as the first argument, else this one.
 */

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'))
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

/** The room of a module: its first folder under src/, or '' for a module at the top */
function roomOf (file) {
  const parts = relative(src, file).split(/[\\/]/)
  return parts.length > 1 ? parts[0] : ''
}

const DROP_INS = new Set(['mfs', 'unixfs'])
const PUBLIC_SURFACE = new Set(['interface.ts', 'errors.ts', 'factory.ts'].map(name => join(src, name)))
const SHARED_ROOMS = new Set(['drop-in', 'compat'])

/** Why `file` may not import `target`, or undefined when it may */
function roomProblem (file, target) {
  const from = roomOf(file)
  const to = roomOf(target)
  if (DROP_INS.has(from) && to !== from && !PUBLIC_SURFACE.has(target) && !SHARED_ROOMS.has(to) && !(from === 'mfs' && target === join(src, 'unixfs', 'index.ts'))) {
    return `the ${from}/ drop-in imports ${relative(root, target)}, which is neither the public surface nor a shared room (drop-in/, compat/): use the public API, or name the engine helper in src/drop-in/engine.ts`
  }
  if (from === 'enumerate' && to === 'pb') {
    return `enumerate/ imports the bytes module ${relative(root, target)}: price entries through the shard (Shard.entryCost)`
  }
  return undefined
}

const problems = []
for (const [file, imports] of graph) {
  for (const target of imports) {
    const mfsUsesUnixfs = roomOf(file) === 'mfs' && target === join(src, 'unixfs', 'index.ts')
    if (entries.has(target) && !entries.has(file) && !mfsUsesUnixfs) {
      problems.push(`${relative(root, file)} imports the package entry ${relative(root, target)}`)
    }
    const room = roomProblem(file, target)
    if (room != null) {
      problems.push(`${relative(root, file)}: ${room}`)
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
console.info(`imports ok: ${graph.size} modules under src/, none imports a package entry, no cycles, every room imports what it may`)
