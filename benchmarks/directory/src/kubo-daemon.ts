/**
 * kubo daemons for the gateway and kubo-client scenarios, each in a fresh repo (the `test`
 * profile: loopback only, no bootstrap, no MDNS; routing none), driven
 * through their HTTP RPC API with `fetch` (no CLI process per call): a
 * provider holding the fixtures (imported from a CAR before it starts) with
 * its trustless gateway, or an empty client.
 */

import { execFile, spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
import { firstLine, writeCar } from './providers.js'
import type { Fixture } from './context.js'
import type { Blockstore } from 'interface-blockstore'
import type { ChildProcess } from 'node:child_process'

const run = promisify(execFile)

export interface KuboDaemon {
  peerId: string
  /** The RPC API, `http://127.0.0.1:<port>` */
  api: string
  /** The gateway, `http://127.0.0.1:<port>` */
  gateway: string
  swarmPort: number
  /** POSTs `/api/v0/<command>` with `args` as repeated `arg`, and `flags`; the JSON reply */
  rpc(command: string, args?: string[], flags?: Record<string, string>, signal?: AbortSignal): Promise<any>
  close(): Promise<void>
}

export async function startKuboDaemon (bin: string, provide?: { store: Pick<Blockstore, 'get'>, fixtures: Fixture[] }): Promise<KuboDaemon> {
  const repo = await mkdtemp(join(tmpdir(), 'helia-dd-bench-kubo-gw-'))
  const env = { ...process.env, IPFS_PATH: repo }
  let daemon: ChildProcess | undefined
  try {
    await run(bin, ['init', '--profile', 'test', '--empty-repo'], { env })
    const configPath = join(repo, 'config')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.Routing = { ...config.Routing, Type: 'none' }
    config.Addresses = { ...config.Addresses, API: '/ip4/127.0.0.1/tcp/0', Gateway: '/ip4/127.0.0.1/tcp/0', Swarm: ['/ip4/127.0.0.1/tcp/0'] }
    await writeFile(configPath, JSON.stringify(config, null, 2))
    if (provide != null) {
      const car = join(repo, 'fixtures.car')
      await writeCar(car, provide.store, provide.fixtures)
      const imported = spawn(bin, ['dag', 'import', '--pin-roots=false'], { env, stdio: ['pipe', 'ignore', 'inherit'] })
      const done = new Promise<void>((resolve, reject) => imported.once('exit', code => { code === 0 ? resolve() : reject(new Error(`ipfs dag import exited ${code}`)) }))
      await pipeline(createReadStream(car), imported.stdin!)
      await done
    }
    daemon = spawn(bin, ['daemon'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>(resolve => daemon?.once('exit', () => { resolve() }))
    const lines: string[] = []
    await firstLine(daemon, 'kubo', line => { lines.push(line); return line.startsWith('Daemon is ready') })
    daemon.stdout?.resume()
    const port = (prefix: RegExp): number => {
      const line = lines.find(line => prefix.test(line))
      const found = line == null ? undefined : /(?:tcp\/|:)(\d+)/.exec(line.replace(prefix, ''))?.[1]
      if (found == null) {
        throw new Error(`kubo printed no ${prefix.source}: ${lines.join(' / ')}`)
      }
      return Number(found)
    }
    const api = `http://127.0.0.1:${port(/^RPC API server listening on /)}`
    const gateway = `http://127.0.0.1:${port(/^Gateway server listening on /)}`
    const swarmPort = port(/^Swarm listening on /)
    const running = daemon
    const rpc = async (command: string, args: string[] = [], flags: Record<string, string> = {}, signal?: AbortSignal): Promise<any> => {
      const query = new URLSearchParams([...args.map(arg => ['arg', arg]), ...Object.entries(flags)])
      const response = await fetch(`${api}/api/v0/${command}?${query}`, { method: 'POST', signal })
      const text = await response.text()
      if (response.status !== 200) {
        throw new Error(`kubo ${command}: ${response.status} ${text}`)
      }
      return text.trim() === '' ? {} : text.trim().split('\n').map(line => JSON.parse(line)).at(-1)
    }
    return {
      peerId: config.Identity.PeerID,
      api,
      gateway,
      swarmPort,
      rpc,
      close: async () => {
        running.kill('SIGTERM')
        await exited
        await rm(repo, { recursive: true, force: true })
      }
    }
  } catch (err) {
    daemon?.kill('SIGKILL')
    await rm(repo, { recursive: true, force: true })
    throw err
  }
}
