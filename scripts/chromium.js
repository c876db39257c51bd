/**
 * Finds a Chromium on this machine and makes playwright-test (which aegir's
 * browser tests run) use it instead of downloading its own build, which needs
 * a network this project does not assume.
 *
 * playwright always runs its installer before launching; the installer skips
 * the download when the folder it expects for `chromium-headless-shell` holds
 * an executable and an `INSTALLATION_COMPLETE` marker. So this links the
 * found Chromium there, in a cache under node_modules (PLAYWRIGHT_BROWSERS_PATH,
 * so nothing outside the project is touched), and the caller also passes the
 * executable to the launch (`.aegir.js` reads CHROMIUM_BIN).
 *
 * Where it looks: $CHROMIUM_BIN, then chromium, chromium-browser,
 * google-chrome-stable, google-chrome on PATH.
 */

import { accessSync, constants, existsSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']

function executable (path) {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The folder of package `name` as Node would resolve it from `fromDir` */
function packageDir (name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)

    if (existsSync(join(candidate, 'package.json'))) {
      return candidate
    }

    if (dirname(dir) === dir) {
      throw new Error(`${name} not found from ${fromDir}`)
    }
  }
}

/** The path of a Chromium executable, or undefined */
export function findChromium (env = process.env) {
  if (env.CHROMIUM_BIN != null && env.CHROMIUM_BIN !== '') {
    return executable(env.CHROMIUM_BIN) ? env.CHROMIUM_BIN : undefined
  }

  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      if (dir !== '' && executable(join(dir, name))) {
        return join(dir, name)
      }
    }
  }

  return undefined
}

/**
 * Links `chromium` where playwright expects its headless shell, under
 * `browsersPath`; returns the env the browser run needs
 */
export async function preparePlaywright (chromium, browsersPath = join(root, 'node_modules', '.cache', 'ms-playwright')) {
  process.env.PLAYWRIGHT_BROWSERS_PATH = browsersPath
  // the playwright-core that aegir's playwright-test launches with (it pins a version)
  const playwrightTest = packageDir('playwright-test', packageDir('aegir', root))
  const playwrightCore = packageDir('playwright-core', playwrightTest)
  const { registry: { registry } } = await import(pathToFileURL(join(playwrightCore, 'lib', 'coreBundle.js')).href)
  const shell = registry.findExecutable('chromium-headless-shell')
  const target = shell.executablePath()

  if (target == null || shell.directory == null) {
    throw new Error('playwright-core names no chromium-headless-shell for this platform')
  }

  let linked = false
  try {
    linked = readlinkSync(target) === chromium
  } catch {}

  if (!linked) {
    rmSync(target, { force: true })
    mkdirSync(dirname(target), { recursive: true })
    symlinkSync(chromium, target)
  }

  const marker = join(shell.directory, 'INSTALLATION_COMPLETE')
  if (!existsSync(marker)) {
    writeFileSync(marker, '')
  }

  return {
    PLAYWRIGHT_BROWSERS_PATH: browsersPath,
    CHROMIUM_BIN: chromium
  }
}
