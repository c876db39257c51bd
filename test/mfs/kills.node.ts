/**
 * A seeded random stream of MFS calls (`stream-model.ts`: writes, mkdir, rm,
 * mv, cp then edits on both sides, flush, `flush: false`, and calls that
 * flush but change nothing) run by a child process on the two stores a node
 * gives the MFS, `blockstore-fs` and `datastore-fs`, and killed (SIGKILL) at
 * random points.
 * After each kill the stores are opened again, as a restart would, and must
 * hold a readable root, every block it reaches, and the model's state either
 * before or after the interrupted call: nothing half-applied, and no edit a
 * finished flushing call wrote lost. Each finished call must have done what
 * the model says, or thrown the error it says.
 *
 * MFS_KILL_SEED and MFS_KILL_ROUNDS change the run (`npm run test:node` runs
 * the default: 20 rounds, about ten seconds).
 */

import { spawn } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import { Key } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { readBlock } from '../../src/blocks.js'
import { DEFAULT_ROOT_KEY, mfs } from '../../src/mfs/index.js'
import { randomFor } from '../fixtures/entries.js'
import { bytesOf } from './setup.js'
import { apply, flushes, nextCall } from './stream-model.js'
import type { Call, Tree } from './stream-model.js'
import type { MFS } from '../../src/mfs/index.js'

const SEED = Number(process.env.MFS_KILL_SEED ?? 26)
const ROUNDS = Number(process.env.MFS_KILL_ROUNDS ?? 20)
const CALLS_PER_ROUND = 10
const WORKER = fileURLToPath(new URL('./stream-worker.js', import.meta.url))

interface WorkerRun {
  /** The outcome of each call that finished: 'ok' or an error name */
  ended: Map<number, string>
  killed: boolean
  stderr: string
}

/** Runs `calls` in a child process, killing it `delayMs` after it begins call `killAt` (never, past the last call) */
async function runWorker (dir: string, calls: Call[], killAt: number, delayMs: number): Promise<WorkerRun> {
  const file = join(dir, 'calls.json')
  await writeFile(file, JSON.stringify(calls))
  const child = spawn(process.execPath, [WORKER, dir, file], { stdio: ['ignore', 'pipe', 'pipe'] })
  const ended = new Map<number, string>()
  const state = { killed: false }
  let stderr = ''
  let buffered = ''
  child.stderr.on('data', (chunk) => { stderr += String(chunk) })
  child.stdout.on('data', (chunk) => {
    buffered += String(chunk)
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      const [what, index, outcome] = line.split(' ')
      if (what === 'end') {
        ended.set(Number(index), outcome)
      }
      if (what === 'begin' && Number(index) === killAt) {
        setTimeout(() => {
          state.killed = child.kill('SIGKILL')
        }, delayMs)
      }
    }
  })
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  if (!state.killed && code !== 0) {
    throw new Error(`the worker exited with ${code}: ${stderr}`)
  }
  return { ended, killed: state.killed, stderr }
}

/** The tree the MFS on these stores holds, read as a restarted process reads it; and every block its root reaches read */
async function reopen (dir: string): Promise<{ tree: Tree, blocks: number }> {
  const blockstore = new FsBlockstore(join(dir, 'blocks'))
  const datastore = new FsDatastore(join(dir, 'datastore'))
  await blockstore.open()
  await datastore.open()
  try {
    let blocks = 0
    if (await datastore.has(new Key(DEFAULT_ROOT_KEY))) {
      const root = CID.decode(await datastore.get(new Key(DEFAULT_ROOT_KEY)))
      const seen = new Set<string>()
      const walk = async (cid: CID): Promise<void> => {
        if (seen.has(cid.toString())) {
          return
        }
        seen.add(cid.toString())
        const bytes = await readBlock(blockstore, cid)
        blocks++
        if (cid.code === dagPb.code) {
          for (const link of dagPb.decode(bytes).Links) {
            await walk(link.Hash)
          }
        }
      }
      await walk(root)
    }
    return { tree: await dump(mfs({ blockstore, datastore }), '/'), blocks }
  } finally {
    await blockstore.close()
    await datastore.close()
  }
}

async function dump (fs: MFS, path: string): Promise<Tree> {
  const tree: Tree = {}
  for await (const entry of fs.ls(path, { long: true })) {
    tree[entry.name] = entry.type === 'directory'
      ? await dump(fs, entry.path)
      : new TextDecoder().decode(await bytesOf(fs.cat(entry.path)))
  }
  return tree
}

describe('mfs: a random call stream killed at random points (blockstore-fs, datastore-fs)', function () {
  this.timeout(180_000)
  let dir: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mfs-kills-'))
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it(`seed ${SEED}, ${ROUNDS} rounds of ${CALLS_PER_ROUND} calls: after every kill and restart, the state before or after the interrupted call`, async () => {
    const random = randomFor(SEED)
    const stream = { serial: 0 }
    /** What the stores hold after the last finished flushing call, and what the running process held */
    let durable: Tree = {}
    let current: Tree = {}
    let kills = 0
    let interruptedFlushes = 0
    const trace: string[] = []

    for (let round = 0; round < ROUNDS; round++) {
      const calls: Call[] = []
      let simulated = current
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        const call = nextCall(random, simulated, stream)
        calls.push(call)
        const outcome = apply(simulated, call)
        simulated = outcome.ok ? outcome.tree : simulated
      }
      // a kill point in most rounds, at a random call and a random moment in it
      const killAt = random.int(CALLS_PER_ROUND + 2)
      const delayMs = random.int(12)
      const run = await runWorker(dir, calls, killAt, delayMs)
      kills += run.killed ? 1 : 0

      let interrupted: number | undefined
      for (let i = 0; i < calls.length; i++) {
        const outcome = run.ended.get(i)
        if (outcome == null) {
          interrupted = i
          break
        }
        const expected = apply(current, calls[i])
        trace.push(`round ${round} call ${i}: ${JSON.stringify(calls[i])} -> ${outcome}`)
        expect(outcome, `round ${round} call ${i} ${JSON.stringify(calls[i])}\n${trace.join('\n')}`).to.equal(expected.ok ? 'ok' : expected.error)
        if (expected.ok) {
          current = expected.tree
          if (flushes(calls[i])) {
            durable = current
          }
        }
      }

      const candidates = [durable]
      if (interrupted != null) {
        const call = calls[interrupted]
        trace.push(`round ${round} call ${interrupted}: ${JSON.stringify(call)} -> killed`)
        const after = apply(current, call)
        if (flushes(call) && after.ok) {
          candidates.push(after.tree)
          interruptedFlushes++
        }
      }

      const { tree } = await reopen(dir)
      const matched = candidates.find(candidate => JSON.stringify(sorted(candidate)) === JSON.stringify(sorted(tree)))
      expect(matched, `round ${round}: the stores hold ${JSON.stringify(tree)}, the model allows ${JSON.stringify(candidates)}\n${trace.join('\n')}`).to.not.equal(undefined)
      durable = current = matched as Tree
    }

    if (process.env.MFS_KILL_TRACE != null) {
      // eslint-disable-next-line no-console
      console.info(`${trace.join('\n')}\n${kills} kills, ${interruptedFlushes} flushing calls interrupted`)
    }
    // the run did kill, and killed flushing calls

    expect(kills).to.be.greaterThan(ROUNDS / 3)
    expect(interruptedFlushes).to.be.greaterThan(0)
  })
})

/** The tree with its names in order, to compare */
function sorted (tree: Tree): unknown {
  return Object.keys(tree).sort().map(name => [name, typeof tree[name] === 'object' ? sorted(tree[name] as Tree) : tree[name]])
}
