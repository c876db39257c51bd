/**
 * `npm run test:browser`: runs the suite in headless Chromium
 * (`aegir test -t browser`), with the Chromium found on this machine (see
 * chromium.js). Extra arguments go to aegir.
 *
 * `--if-chromium` (what `npm test` passes): when no Chromium is found, say so
 * in one line and exit 0, so `npm test` runs the Node part alone. On CI
 * (CI=true) a missing Chromium fails anyway: `.ci/run` installs Debian's.
 */

import { spawnSync } from 'node:child_process'
import { findChromium, preparePlaywright } from './chromium.js'

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
const result = spawnSync('aegir', ['test', '-t', 'browser', ...aegirArgs], { stdio: 'inherit', env })

process.exit(result.status ?? 1)
