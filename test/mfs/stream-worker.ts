/**
 * The child process of `kills.node.ts`: opens the MFS on `blockstore-fs`
 * and `datastore-fs` stores in the folder given (the two stores `mfs(helia)`
 * takes from a node; Helia itself is left out, as it takes a second to
 * load and the MFS writes through the stores alone), and runs
 * the calls of the JSON file given, one after the other, writing
 * `begin <i>` before call i and `end <i> ok` or `end <i> <error name>`
 * after it (synchronous writes: a line written is a line the parent reads,
 * however the process ends). The parent kills it at random points.
 */

import { writeSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import { mfs } from '../../src/mfs/index.js'
import type { Call } from './stream-model.js'
import type { MFS } from '../../src/mfs/index.js'

const [dir, callsFile] = process.argv.slice(2)
const calls: Call[] = JSON.parse(await readFile(callsFile, 'utf8'))
const blockstore = new FsBlockstore(join(dir, 'blocks'))
const datastore = new FsDatastore(join(dir, 'datastore'))
await blockstore.open()
await datastore.open()
const fs = mfs({ blockstore, datastore })

async function run (fs: MFS, call: Call): Promise<unknown> {
  switch (call.op) {
    case 'write': return fs.writeBytes(new TextEncoder().encode(call.content), call.path, call.options)
    case 'mkdir': return fs.mkdir(call.path, call.options)
    case 'rm': return fs.rm(call.path, call.options)
    case 'mv': return fs.mv(call.path, call.to as string, call.options)
    case 'cp': return fs.cp(call.path, call.to as string, call.options)
    case 'flush': return fs.flush()
    default: throw new Error(`unknown call ${JSON.stringify(call)}`)
  }
}

writeSync(1, 'ready\n')
for (let i = 0; i < calls.length; i++) {
  writeSync(1, `begin ${i}\n`)
  let outcome = 'ok'
  try {
    await run(fs, calls[i])
  } catch (err: any) {
    outcome = err.name
  }
  writeSync(1, `end ${i} ${outcome}\n`)
}
process.exit(0)
