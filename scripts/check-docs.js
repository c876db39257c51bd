/**
 * `npm run test:docs` (`npm test` runs it last): every TypeScript example in
 * the docs compiles against the built package, so an example cannot drift
 * from the API.
 *
 * - Which blocks: every fenced block whose info string starts with
 *   `TypeScript`, `typescript` or `ts` in README.md, CONTRIBUTING.md and
 *   docs/*.md. A block whose info string also holds `no-check`
 *   (` ```TypeScript no-check `) is skipped; none does today.
 * - How: each block becomes its own ES module in dist/docs-check/, and one
 *   `tsc --noEmit` run checks them all (strict, module and resolution
 *   `nodenext`, target ES2022, DOM and Node types, skipLibCheck). The folder
 *   is inside the repo, so `helia-dynamic-directory` and its subpaths
 *   (`helia-dynamic-directory/unixfs`) resolve to dist/src through the
 *   package's own `exports`, as a package's self-reference does, and every
 *   other import resolves to node_modules. Nothing ignores a missing module.
 * - Names a block may use without declaring them (the hidden prelude): if a
 *   block uses one of the names in PRELUDE below and does not declare it
 *   itself, the script appends `declare const <name>: <type>` after the
 *   block (after it, so that error lines map straight back to the markdown).
 *   They are the values an example gets from elsewhere: `helia` (a Helia
 *   node), `libp2pOptions`, and the CIDs `rootCid`, `fileCid`, `otherCid`,
 *   `someDirectoryCid`. Any other undeclared name is an error.
 *
 * Errors print as `<file>:<line>:<column> <message>` and the exit code is 1.
 * Run after `npm run build`. `--keep` keeps dist/docs-check/.
 */

import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const work = join(root, 'dist', 'docs-check')

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

/** The TypeScript blocks of a markdown file: `{ code, line }`, `line` the 1-based line of the block's first code line */
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

    if (!/\bno-check\b/.test(open[3])) {
      blocks.push({ code: lines.slice(start, end).join('\n'), line: start + 1 })
    }

    i = end
  }

  return blocks
}

/** Names the block declares at its top level (imports, variables, functions, classes), and every identifier it uses */
function namesOf (code) {
  const source = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS)
  const declared = new Set()
  const used = new Set()

  const bind = (name) => {
    if (ts.isIdentifier(name)) {
      declared.add(name.text)
    } else if (ts.isObjectBindingPattern(name) || ts.isArrayBindingPattern(name)) {
      for (const element of name.elements) {
        if (!ts.isOmittedExpression(element)) {
          bind(element.name)
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
      statement.declarationList.declarations.forEach(declaration => { bind(declaration.name) })
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

  return { declared, used }
}

/** The block as a module, with the prelude of the names it uses undeclared after it */
function moduleOf (code) {
  const { declared, used } = namesOf(code)
  const imports = new Set()
  const declarations = []

  for (const [name, { type, imports: needs }] of Object.entries(PRELUDE)) {
    if (used.has(name) && !declared.has(name)) {
      needs.forEach(line => imports.add(line))
      declarations.push(`declare const ${name}: ${type}`)
    }
  }

  return [code, '', '// check-docs prelude', ...imports, ...declarations, 'export {}', ''].join('\n')
}

if (!existsSync(join(root, 'dist', 'src', 'index.d.ts'))) {
  console.error('check-docs: dist/src/index.d.ts is missing: run `npm run build` first')
  process.exit(1)
}

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

/** Module file name -> where its block starts in the markdown */
const origins = new Map()

for (const file of markdownFiles()) {
  for (const block of blocksOf(readFileSync(join(root, file), 'utf8'))) {
    const name = `${file.replace(/[/.]/g, '_')}_L${block.line}.ts`
    writeFileSync(join(work, name), moduleOf(block.code))
    origins.set(name, { file, line: block.line, lines: block.code.split('\n').length })
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
if (!keep) {
  rmSync(work, { recursive: true, force: true })
}

const blocks = origins.size
const files = new Set([...origins.values()].map(origin => origin.file)).size

if (output === '') {
  console.info(`check-docs: ${blocks} TypeScript blocks in ${files} files compile`)
  process.exit(0)
}

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
process.exit(1)
