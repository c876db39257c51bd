/**
 * `npm run test:browser`: runs the suite in headless Chromium
 * (`aegir test -t browser`), with the Chromium found on this machine (see
 * chromium.js). Extra arguments go to aegir.
 *
 * `--if-chromium` (what `npm test` passes): when no Chromium is found, say so
 * in one line and exit 0, so `npm test` runs the Node part alone. On CI
 * (CI=true) a missing Chromium fails anyway: `.ci/run` installs Debian's.
 *
 * A full run (no `-f`/`--files`, `-g`/`--grep`) fails unless each suite of
 * EXPECTED_SUITES shows in the reporter's output with at least one passing
 * test: a spec the bundle loses runs nothing and fails nothing, so only its
 * absence tells.
 */

import { spawn } from 'node:child_process'
import { findChromium, preparePlaywright } from './chromium.js'

/**
 * The suites test/browser.ts registers: they run in the browser through it
 * alone (playwright-test globs `*.spec.*js` outside `fixtures` folders, and
 * esbuild drops a bare import of a module without side effects)
 */
const EXPECTED_SUITES = [
  'browser: a browser Helia node edits a Node peer\'s HAMT over WebSockets',
  'fixtures: CAR and TSV',
  'fixtures: CountingBlockstore',
  'fixtures: entries',
  'fixtures: importerDirectory'
]

/**
 * The expected suites that the spec reporter's output does not show with a
 * passing test: a suite's title on a line of its own, then its tests indented
 * deeper (a passed one marked ✔, ✓ or ✅), up to the next line indented as
 * much as the title or less
 */
function missingSuites (output) {
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split(/\r?\n/)
  const indent = line => line.length - line.trimStart().length

  return EXPECTED_SUITES.filter(title => {
    const start = lines.findIndex(line => line.trim() === title)
    if (start === -1) {
      return true
    }

    let passed = 0
    for (let i = start + 1; i < lines.length && (lines[i].trim() === '' || indent(lines[i]) > indent(lines[start])); i++) {
      if (/^(✔|✓|✅)/.test(lines[i].trim())) {
        passed++
      }
    }

    return passed === 0
  })
}

const args = process.argv.slice(2)
const optional = args.includes('--if-chromium')
const aegirArgs = args.filter(arg => arg !== '--if-chromium')
const ci = process.env.CI != null && process.env.CI !== '' && process.env.CI !== 'false'

const chromium = findChromium()

if (chromium == null) {
  if (optional && !ci) {
    console.info('browser tests skipped: no Chromium found (install Debian\'s `chromium`, or set CHROMIUM_BIN)')
    process.exit(0)
  }

  console.error('no Chromium found: install Debian\'s `chromium` (.ci/chromium.sh does) or set CHROMIUM_BIN')
  process.exit(1)
}

const env = { ...process.env, ...(await preparePlaywright(chromium)) }
const full = !aegirArgs.some(arg => /^(-f|--files|-g|--grep)(=|$)/.test(arg))
const child = spawn('aegir', ['test', '-t', 'browser', ...aegirArgs], { stdio: ['inherit', 'pipe', 'pipe'], env })
let output = ''

for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
  from.setEncoding('utf8')
  from.on('data', chunk => {
    output += chunk
    to.write(chunk)
  })
}

const status = await new Promise(resolve => {
  child.on('close', code => { resolve(code ?? 1) })
})

if (status === 0 && full) {
  const missing = missingSuites(output)

  if (missing.length > 0) {
    console.error(`test-browser: ${missing.length} of the ${EXPECTED_SUITES.length} suites that test/browser.ts registers did not run (or passed no test):`)
    missing.forEach(title => { console.error(`  - ${title}`) })
    console.error('test-browser: a module that test/browser.ts only imports is dropped from the bundle: import its register function and call it')
    process.exit(1)
  }

  console.info(`test-browser: the ${EXPECTED_SUITES.length} suites that test/browser.ts registers ran and passed`)
}

process.exit(status)
