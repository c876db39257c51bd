/**
 * `npm run test:docs` (`npm test` runs it last): every TypeScript example in
 * the docs compiles against the built package, and every one that can run
 * runs, in Node, against real nodes, so an example can neither drift from
 * the API nor crash on a user who copies it.
 *
 * - Which blocks: every fenced block whose info string starts with
 *   `TypeScript`, `typescript` or `ts` in README.md, CONTRIBUTING.md and
 *   docs/*.md. A block whose info string also holds `no-check`
 *   (` ```TypeScript no-check `) is skipped; none does today.
 * - Compile: each block becomes its own ES module in dist/docs-check/, and one
 *   `tsc --noEmit` run checks them all (strict, module and resolution
 *   `nodenext`, target ES2022, DOM and Node types, skipLibCheck). The folder
 *   is inside the repo, so `helia-dynamic-directory` and its subpaths
 *   (`helia-dynamic-directory/unixfs`) resolve to dist/src through the
 *   package's own `exports`, as a package's self-reference does, and every
 *   other import resolves to node_modules. Nothing ignores a missing module.
 * - Run: then every block runs, one after the other, as an ES module in
 *   Node (the block transpiled, nothing else changed), and a throw, a
 *   rejection nobody handles or more than RUN_TIMEOUT_MS fails the run. A
 *   block that cannot run says so and why in its info string:
 *   ` ```TypeScript compile-only: a browser page `; it is compiled only. So a
 *   new block runs unless its author says otherwise. What a block prints is
 *   shown only when it fails.
 * - Names a block may use without declaring them (the prelude): `helia` (a
 *   started Helia node, connected to a provider), `libp2pOptions` (a node
 *   made from them dials the provider once started), and the provider's CIDs
 *   `rootCid` and `someDirectoryCid` (a HAMT of 6,001 entries, `old.txt`
 *   among them, no `new.txt`), `fileCid` and `otherCid` (files of 6 and
 *   1,234 bytes). To compile, the script appends
 *   `declare const <name>: <type>` (PRELUDE below) after a block that uses
 *   one of them undeclared (after it, so that error lines map straight back
 *   to the markdown); to run, the block gets the values from
 *   test/docs/harness.ts (built into dist/test/docs/), a new node and new
 *   options for each block. Any other undeclared name is an error. After a
 *   block, the Helia nodes it made and left in a top-level variable are
 *   stopped.
 *
 * Errors print as `<file>:<line>:<column> <message>` and the exit code is 1.
 * Run after `npm run build`. `--keep` keeps dist/docs-check/.
 */

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { inspect } from 'node:util'
import ts from 'typescript'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const work = join(root, 'dist', 'docs-check')
const harnessModule = join(root, 'dist', 'test', 'docs', 'harness.js')

/** How long one block may run */
const RUN_TIMEOUT_MS = 60_000

/** Where a running block finds the values of the prelude's names */
const CONTEXT = Symbol.for('helia-dynamic-directory:check-docs')

/** The names a block may use undeclared: the type each gets, and the type imports that type needs */
const PRELUDE = {
  helia: { type: 'DocsHelia', imports: ["import type { Helia as DocsHelia } from 'helia'"] },
  libp2pOptions: { type: 'DocsLibp2pOptions', imports: ["import type { CreateLibp2pOptions as DocsLibp2pOptions } from '@helia/libp2p'"] },
  rootCid: { type: 'DocsCID', imports: ["import type { CID as DocsCID } from 'multiformats/cid'"] },
  fileCid: { type: 'DocsCID', imports: ["import type { CID as DocsCID } from 'multiformats/cid'"] },
  otherCid: { type: 'DocsCID', imports: ["import type { CID as DocsCID } from 'multiformats/cid'"] },
  someDirectoryCid: { type: 'DocsCID', imports: ["import type { CID as DocsCID } from 'multiformats/cid'"] }
}

function markdownFiles () {
  const files = ['README.md', 'CONTRIBUTING.md'].filter(file => existsSync(join(root, file)))
  const docs = join(root, 'docs')

  if (existsSync(docs)) {
    for (const file of readdirSync(docs).sort()) {
      if (file.endsWith('.md')) {
        files.push(`docs/${file}`)
      }
    }
  }

  return files
}

/**
 * The TypeScript blocks of a markdown file: `{ code, line, compileOnly }`,
 * `line` the 1-based line of the block's first code line, `compileOnly` the
 * reason a block is not run (undefined for a block that runs)
 */
function blocksOf (text) {
  const blocks = []
  const lines = text.split('\n')

  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^(`{3,})\s*(TypeScript|typescript|ts)\b(.*)$/)

    if (open == null) {
      continue
    }

    const fence = open[1]
    const start = i + 1
    let end = start

    while (end < lines.length && !lines[end].startsWith(fence)) {
      end++
    }

    if (end === lines.length) {
      throw new Error(`unclosed code block at line ${i + 1}`)
    }

    const compileOnly = open[3].match(/\bcompile-only\b:?(.*)$/)
    if (compileOnly != null && compileOnly[1].trim() === '') {
      throw new Error(`line ${i + 1}: say why the block is compile-only: \`\`\`TypeScript compile-only: <reason>`)
    }

    if (!/\bno-check\b/.test(open[3])) {
      blocks.push({ code: lines.slice(start, end).join('\n'), line: start + 1, compileOnly: compileOnly?.[1].trim() })
    }

    i = end
  }

  return blocks
}

/**
 * Names the block declares at its top level (imports, variables, functions,
 * classes), those of them that are variables, and every identifier it uses
 */
function namesOf (code) {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)
  const declared = new Set()
  const variables = new Set()
  const used = new Set()

  const bind = (name, into = declared) => {
    if (ts.isIdentifier(name)) {
      into.add(name.text)
      declared.add(name.text)
    } else if (ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) {
      for (const element of name.elements) {
        if (!ts.isOmittedExpression(element)) {
          bind(element.name, into)
        }
      }
    }
  }

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && statement.importClause != null) {
      const clause = statement.importClause
      if (clause.name != null) {
        bind(clause.name)
      }
      if (clause.namedBindings != null) {
        if (ts.isNamespaceImport(clause.namedBindings)) {
          bind(clause.namedBindings.name)
        } else {
          clause.namedBindings.elements.forEach(element => { bind(element.name) })
        }
      }
    } else if (ts.isVariableStatement(statement)) {
      statement.declarationList.declarations.forEach(declaration => { bind(declaration.name, variables) })
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name != null) {
      bind(statement.name)
    }
  }

  const visit = (node) => {
    if (ts.isIdentifier(node)) {
      used.add(node.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)

  return { declared, variables, used }
}

/** The prelude's names that the block uses and does not declare */
function preludeNamesOf ({ declared, used }) {
  return Object.keys(PRELUDE).filter(name => used.has(name) && !declared.has(name))
}

/** The block as a module to compile, with the prelude of the names it uses undeclared after it */
function moduleOf (code) {
  const names = preludeNamesOf(namesOf(code))
  const imports = new Set(names.flatMap(name => PRELUDE[name].imports))
  const declarations = names.map(name => `declare const ${name}: ${PRELUDE[name].type}`)

  return [code, '', '// check-docs prelude', ...imports, ...declarations, 'export {}', ''].join('\n')
}

/**
 * The block as a module to run: the prelude's names read from the harness's
 * context at the start of its first line (so lines stay the markdown's), and
 * its top-level variables exported at the end, for the nodes to be stopped
 */
function runnableOf (code, name) {
  const names = namesOf(code)
  const given = preludeNamesOf(names)
  const head = given.length === 0 ? '' : `const { ${given.join(', ')} } = globalThis[Symbol.for('${CONTEXT.description}')]; `
  const tail = names.variables.size === 0 ? '' : `\nexport { ${[...names.variables].join(', ')} }`

  return ts.transpileModule(`${head}${code}${tail}\n`, {
    fileName: name,
    compilerOptions: {
      module: ts.ModuleKind.ES2022,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      inlineSources: true,
      // imports stay as written: a block of import lines alone still loads its modules
      verbatimModuleSyntax: true
    }
  }).outputText
}

/** `dist/docs-check/<name>.ts:line:col` in a stack or message -> `<file>.md:line:col` */
function toMarkdown (text, origins) {
  return text.replace(/(?:file:\/\/)?[^\s(]*?([\w-]+_L\d+\.ts):(\d+)(?::(\d+))?/g, (match, name, line, column) => {
    const origin = origins.get(name)
    return origin == null ? match : `${origin.file}:${origin.line + Number(line) - 1}${column == null ? '' : `:${column}`}`
  })
}

/** Stops whatever in the block's exports looks like a started Helia node */
async function stopNodes (exports) {
  const nodes = Object.values(exports ?? {}).filter(value => value != null && typeof value.stop === 'function' && typeof value.start === 'function' && value.blockstore != null)
  await Promise.allSettled(nodes.map(async node => node.stop()))
}

/** Runs one block with a new context from the harness; resolves to `{ error, output, dialFailures, ms }`, `ms` the block's own time */
async function runBlock (harness, name) {
  const output = []
  const unhandled = []
  const original = { log: console.log, info: console.info, debug: console.debug }
  const capture = (...args) => { output.push(args.map(arg => typeof arg === 'string' ? arg : inspect(arg)).join(' ')) }
  const onUnhandled = (err) => { unhandled.push(err) }
  let started
  let block
  let exports
  let error
  let timer

  process.on('unhandledRejection', onUnhandled)

  try {
    block = await harness.block()
    started = Date.now()
    globalThis[CONTEXT] = block.context
    Object.assign(console, { log: capture, info: capture, debug: capture })
    exports = await Promise.race([
      import(pathToFileURL(join(work, name.replace(/\.ts$/, '.js'))).href),
      new Promise((resolve, reject) => {
        timer = setTimeout(() => { reject(new Error(`did not finish within ${RUN_TIMEOUT_MS} ms`)) }, RUN_TIMEOUT_MS)
      })
    ])
    // a rejection the block left unhandled shows up on the next turns of the event loop
    await new Promise(resolve => setTimeout(resolve, 10))
    error = unhandled[0]
  } catch (err) {
    error = err
  } finally {
    clearTimeout(timer)
    Object.assign(console, original)
    process.off('unhandledRejection', onUnhandled)
    delete globalThis[CONTEXT]
    await stopNodes(exports)
    await block?.stop()
  }

  return { error, output, dialFailures: block?.dialFailures ?? [], ms: started == null ? 0 : Date.now() - started }
}

if (!existsSync(join(root, 'dist', 'src', 'index.d.ts')) || !existsSync(harnessModule)) {
  console.error('check-docs: dist/src/index.d.ts or dist/test/docs/harness.js is missing: run `npm run build` first')
  process.exit(1)
}

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

/** Module file name -> where its block starts in the markdown, and why it is not run (if so) */
const origins = new Map()

for (const file of markdownFiles()) {
  for (const block of blocksOf(readFileSync(join(root, file), 'utf8'))) {
    const name = `${file.replace(/[/.]/g, '_')}_L${block.line}.ts`
    writeFileSync(join(work, name), moduleOf(block.code))
    if (block.compileOnly == null) {
      writeFileSync(join(work, name.replace(/\.ts$/, '.js')), runnableOf(block.code, name))
    }
    origins.set(name, { file, line: block.line, lines: block.code.split('\n').length, compileOnly: block.compileOnly })
  }
}

writeFileSync(join(work, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    strict: true,
    noEmit: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: ['node'],
    skipLibCheck: true
  },
  files: [...origins.keys()]
}, null, 2))

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
let output = ''

try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
} catch (err) {
  output = `${err.stdout ?? ''}${err.stderr ?? ''}`
  if (output.trim() === '') {
    output = err.message
  }
}

const keep = args.includes('--keep')
const blocks = origins.size
const files = new Set([...origins.values()].map(origin => origin.file)).size

/** Ends the script: removes dist/docs-check/ unless `--keep` */
function exit (code) {
  if (!keep) {
    rmSync(work, { recursive: true, force: true })
  }
  process.exit(code)
}

if (output !== '') {
  // `name.ts(line,col): error TSnnnn: message` -> `file.md:line:col error TSnnnn: message`
  for (const line of output.split('\n')) {
    const match = line.match(/^(.+?\.ts)\((\d+),(\d+)\): (.*)$/)
    const origin = match == null ? undefined : origins.get(relative(work, resolve(work, match[1])))

    if (match == null || origin == null) {
      if (line.trim() !== '') {
        console.error(`check-docs: ${line}`)
      }
      continue
    }

    const inBlock = Number(match[2]) <= origin.lines
    const where = inBlock ? `${origin.file}:${origin.line + Number(match[2]) - 1}:${match[3]}` : `${origin.file}:${origin.line} (prelude)`
    console.error(`${where} ${match[4]}`)
  }

  console.error(`check-docs: the TypeScript blocks of the docs do not compile${keep ? ` (kept ${relative(root, work)})` : ''}`)
  exit(1)
}

console.info(`check-docs: ${blocks} TypeScript blocks in ${files} files compile`)

// stack frames of a block point at its .ts lines, which toMarkdown maps back
process.setSourceMapsEnabled(true)
const { startDocsHarness } = await import(pathToFileURL(harnessModule).href)
const harness = await startDocsHarness()
let ran = 0
let failed = 0

for (const [name, origin] of origins) {
  const where = `${origin.file}:${origin.line}`

  if (origin.compileOnly != null) {
    console.info(`check-docs: ${where} compile-only: ${origin.compileOnly}`)
    continue
  }

  const { error, output, dialFailures, ms } = await runBlock(harness, name)
  ran++

  if (error == null) {
    console.info(`check-docs: ${where} ran (${ms} ms)`)
    continue
  }

  failed++
  console.error(`check-docs: ${where} failed after ${ms} ms: ${toMarkdown(error?.stack ?? String(error), origins)}`)
  if (error?.cause != null) {
    console.error(`  cause: ${toMarkdown(error.cause.stack ?? String(error.cause), origins)}`)
  }
  dialFailures.forEach(err => { console.error(`  a node made from libp2pOptions could not dial the provider: ${err.stack ?? err}`) })
  if (output.length > 0) {
    console.error(`  what it printed (last 20 of ${output.length} lines):\n${output.slice(-20).map(line => `    ${line}`).join('\n')}`)
  }
}

await harness.stop()

if (failed > 0) {
  console.error(`check-docs: ${failed} of ${ran} runnable blocks failed${keep ? ` (kept ${relative(root, work)})` : ''}`)
  exit(1)
}

console.info(`check-docs: ${ran} blocks ran against real nodes, ${blocks - ran} compile-only`)
exit(0)
