/**
 * Providers in processes of their own, each reached through a latency proxy
 * started here: a Helia node in a child process (helia-provider.ts, forked),
 * and a kubo daemon (a binary from KUBO_BIN or the cache scripts/kubo.sh
 * builds into) with the same blocks imported from a CAR.
 */

import { execFile, fork, spawn } from 'node:child_process'
import { createReadStream, createWriteStream, existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CarWriter } from '@ipld/car'
import { toBytes } from '../../../dist/test/fixtures/counting-blockstore.js'
import { readTree } from '../../../dist/test/fixtures/tree-oracle.js'
import { PROXY_DELAY_MS, remoteProvider } from './two-nodes.js'
import type { Fixture } from './context.js'
import type { Provider } from './two-nodes.js'
import type { Blockstore } from 'interface-blockstore'
import type { ChildProcess } from 'node:child_process'

const run = promisify(execFile)

export const HELIA_CHILD = 'Helia, child process'

/**
 * A latency proxy in a process of its own (proxy-process.ts) in front of the
 * loopback TCP port in `address`
 */
export async function startProxyProcess (address: string): Promise<{ port: number, close(): Promise<void> }> {
  const target = address.split('/')[4]
  const child = fork(fileURLToPath(new URL('./proxy-process.js', import.meta.url)), [target, String(PROXY_DELAY_MS)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv: []
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  const { port } = JSON.parse(await firstLine(child, 'the proxy'))
  return {
    port,
    close: async () => {
      child.disconnect()
      await exited
    }
  }
}

/** Reads the first line a child prints on stdout, or fails when it exits first */
export async function firstLine (child: ChildProcess, what: string, match: (line: string) => boolean = () => true): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString()
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      const line = lines.find(match)
      if (line != null) {
        child.stdout?.off('data', onData)
        child.off('exit', onExit)
        resolve(line)
      }
    }
    const onExit = (code: number | null): void => { reject(new Error(`${what} exited (${code}) before it was ready`)) }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/**
 * Forks `dist/helia-provider.js`, which builds the HAMTs of `fixtures`' sizes
 * itself; their roots must be the fixtures' CIDs. `execArgv`: the child's
 * node flags (none by default, so that the parent's `--cpu-prof` stays the
 * parent's).
 */
export async function startHeliaChild (fixtures: Fixture[], execArgv: string[] = []): Promise<Provider> {
  const child = fork(fileURLToPath(new URL('./helia-provider.js', import.meta.url)), fixtures.map(fixture => String(fixture.entries.length)), {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    execArgv
  })
  const exited = new Promise<void>(resolve => child.once('exit', () => { resolve() }))
  try {
    const { address, roots } = JSON.parse(await firstLine(child, 'the Helia provider'))
    for (const fixture of fixtures) {
      if (roots[fixture.entries.length] !== fixture.cid.toString()) {
        throw new Error(`the child's ${fixture.entries.length}-entry root is ${roots[fixture.entries.length]}, not ${fixture.cid}`)
      }
    }

    const served = async (): Promise<number> => new Promise(resolve => {
      child.once('message', (message: any) => { resolve(message.served) })
      child.send('served')
    })
    const close = async (): Promise<void> => {
      if (child.exitCode == null) {
        child.send('stop')
        await exited
      }
    }
    return await remoteProvider(HELIA_CHILD, address, served, close, await startProxyProcess(address))
  } catch (err) {
    child.kill()
    await exited
    throw err
  }
}

/** The kubo binary: KUBO_BIN, or where scripts/kubo.sh builds it; null when there is none */
export function kuboBinary (): string | null {
  if (process.env.KUBO_BIN != null && process.env.KUBO_BIN !== '') {
    return process.env.KUBO_BIN
  }
  const cache = process.env.KUBO_CACHE ?? join(homedir(), '.cache', 'helia-dynamic-directory')
  return [join(cache, 'kubo-v0.43.1', 'ipfs'), join(homedir(), '.cache', 'helia-dd-kubo', 'bin', 'ipfs')].find(path => existsSync(path)) ?? null
}

/** Every block under the fixtures' roots (shards and leaves) from `store`, as one CARv1 */
export async function writeCar (path: string, store: Pick<Blockstore, 'get'>, fixtures: Fixture[]): Promise<number> {
  const { writer, out } = CarWriter.create(fixtures.map(fixture => fixture.cid))
  const written = pipeline(Readable.from(out), createWriteStream(path))
  let blocks = 0
  for (const fixture of fixtures) {
    const cids = [...(await readTree(store, fixture.cid)).map(node => node.cid), ...fixture.entries.map(entry => entry.cid)]
    for (const cid of cids) {
      await writer.put({ cid, bytes: await toBytes(store.get(cid)) })
      blocks++
    }
  }
  await writer.close()
  await written
  return blocks
}

/**
 * A kubo daemon in a fresh repo (the `test` profile: loopback only, no
 * bootstrap, no MDNS, no autoconf; routing none), holding every block of
 * `fixtures` (imported from a CAR of `store`'s blocks before it starts).
 * "served": its `bitswap stat` blocks sent.
 */
export async function startKubo (bin: string, store: Pick<Blockstore, 'get'>, fixtures: Fixture[], log: (message: string) => void): Promise<Provider> {
  const repo = await mkdtemp(join(tmpdir(), 'helia-dd-bench-kubo-'))
  const env = { ...process.env, IPFS_PATH: repo }
  let daemon: ChildProcess | undefined

  try {
    const version = (await run(bin, ['version', '--number'], { env })).stdout.trim()
    await run(bin, ['init', '--profile', 'test', '--empty-repo'], { env })
    const configPath = join(repo, 'config')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.Routing = { ...config.Routing, Type: 'none' }
    await writeFile(configPath, JSON.stringify(config, null, 2))

    const car = join(repo, 'fixtures.car')
    const start = performance.now()
    const blocks = await writeCar(car, store, fixtures)
    const imported = spawn(bin, ['dag', 'import', '--pin-roots=false', '--stats'], { env, stdio: ['pipe', 'pipe', 'inherit'] })
    const importDone = new Promise<void>((resolve, reject) => imported.once('exit', code => { code === 0 ? resolve() : reject(new Error(`ipfs dag import exited ${code}`)) }))
    await pipeline(createReadStream(car), imported.stdin!)
    await importDone
    log(`kubo ${version}: imported ${blocks} blocks from a CAR in ${Math.round(performance.now() - start)} ms`)

    daemon = spawn(bin, ['daemon'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>(resolve => daemon?.once('exit', () => { resolve() }))
    // `Swarm listening on 127.0.0.1:<port> (TCP)`, then `Daemon is ready`
    const listening = firstLine(daemon, 'kubo', line => /^Swarm listening on 127\.0\.0\.1:\d+ /.test(line))
    await firstLine(daemon, 'kubo', line => line.startsWith('Daemon is ready'))
    const port = (await listening).split(':')[1].split(' ')[0]
    const peerId = config.Identity.PeerID
    // keep reading its stdout, so a full pipe never blocks it
    daemon.stdout?.resume()
    const running = daemon

    const served = async (): Promise<number | null> => {
      const stat = JSON.parse((await run(bin, ['bitswap', 'stat', '--enc=json'], { env })).stdout)
      return Number(stat.BlocksSent ?? NaN)
    }
    const close = async (): Promise<void> => {
      running.kill('SIGTERM')
      await exited
      await rm(repo, { recursive: true, force: true })
    }
    const address = `/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`
    return await remoteProvider(`kubo ${version}, own process`, address, served, close, await startProxyProcess(address))
  } catch (err) {
    daemon?.kill('SIGKILL')
    await rm(repo, { recursive: true, force: true })
    throw err
  }
}
