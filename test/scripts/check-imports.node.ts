/**
 * `scripts/check-imports.js` itself: run on a copy of this package's
 * sources, it passes; with one module added that breaks a room's rule, it
 * fails and names the module and what it imported.
 */

import { execFile } from 'node:child_process'
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'aegir/chai'

const run = promisify(execFile)
const SCRIPT = join(process.cwd(), 'scripts', 'check-imports.js')

/** The script's exit code and output on the package at `dir` */
async function check (dir: string): Promise<{ code: number, output: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [SCRIPT, dir])
    return { code: 0, output: stdout + stderr }
  } catch (err: any) {
    return { code: err.code, output: `${err.stdout as string}${err.stderr as string}` }
  }
}

describe('scripts/check-imports.js', function () {
  this.timeout(60_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'check-imports-'))
    await cp(join(process.cwd(), 'src'), join(dir, 'src'), { recursive: true })
    await cp(join(process.cwd(), 'package.json'), join(dir, 'package.json'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('passes on this package\'s sources', async () => {
    const result = await check(dir)
    expect(result.code).to.equal(0, result.output)
    expect(result.output).to.include('every room imports what it may')
  })

  it('fails on a drop-in that imports an engine internal, naming both', async () => {
    await writeFile(join(dir, 'src', 'unixfs', 'reach.ts'), "import { DirectoryService } from '../service.js'\n\nexport const reach = DirectoryService\n")
    const result = await check(dir)
    expect(result.code).to.equal(1)
    expect(result.output).to.include('src/unixfs/reach.ts: the unixfs/ drop-in imports src/service.ts, which is neither the public surface nor a shared room')
  })

  it('fails on the MFS drop-in reaching into the unixfs drop-in\'s commands rather than its entry', async () => {
    await writeFile(join(dir, 'src', 'mfs', 'reach.ts'), "export type { AnyStatOptions } from '../unixfs/commands/stat.js'\n")
    const result = await check(dir)
    expect(result.code).to.equal(1)
    expect(result.output).to.include('src/mfs/reach.ts: the mfs/ drop-in imports src/unixfs/commands/stat.ts, which is neither the public surface nor a shared room')
  })

  it('fails on enumerate/ importing a bytes module from pb/', async () => {
    await writeFile(join(dir, 'src', 'enumerate', 'framing.ts'), "export { varintLength } from '../pb/varint.js'\n")
    const result = await check(dir)
    expect(result.code).to.equal(1)
    expect(result.output).to.include('src/enumerate/framing.ts: enumerate/ imports the bytes module src/pb/varint.ts')
  })
})
