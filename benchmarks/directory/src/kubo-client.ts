/**
 * kubo as the client a Node user would pick instead of this package: a
 * fresh kubo daemon (the `test` profile: loopback only, no bootstrap; routing
 * none) in a throw-away repo, driven over its HTTP RPC API (no CLI process
 * per call, so a call costs what kubo does, not a process start).
 */

import { execFile, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { ChildProcess } from 'node:child_process'

const run = promisify(execFile)

export interface KuboClient {
  /** Calls `/api/v0/<path>` with `args` (repeated `arg`s first) and returns the body's text */
  rpc(path: string, args?: string[], options?: Record<string, string | boolean>): Promise<string>
  /** Streams `/api/v0/<path>`'s body, one NDJSON line at a time */
  lines(path: string, args?: string[], options?: Record<string, string | boolean>, signal?: AbortSignal): AsyncGenerator<any>
  /** Blocks its Bitswap has received so far */
  received(): Promise<number>
  close(): Promise<void>
}

/** Resolves with the first line of `child`'s stdout that `match`es; fails if it exits first */
async function lineOf (child: ChildProcess, match: (line: string) => boolean): Promise<string> {
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
    const onExit = (code: number | null): void => { reject(new Error(`kubo exited (${code}) before it was ready`)) }
    child.stdout?.on('data', onData)
    child.once('exit', onExit)
  })
}

/** A fresh kubo daemon that holds nothing, its RPC API on a loopback port */
export async function startKuboClient (bin: string): Promise<KuboClient> {
  const repo = await mkdtemp(join(tmpdir(), 'helia-dd-bench-kubo-client-'))
  const env = { ...process.env, IPFS_PATH: repo }
  let daemon: ChildProcess | undefined
  try {
    await run(bin, ['init', '--profile', 'test', '--empty-repo'], { env })
    const configPath = join(repo, 'config')
    const config = JSON.parse(await readFile(configPath, 'utf8'))
    config.Routing = { ...config.Routing, Type: 'none' }
    await writeFile(configPath, JSON.stringify(config, null, 2))

    daemon = spawn(bin, ['daemon'], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = new Promise<void>(resolve => daemon?.once('exit', () => { resolve() }))
    // `RPC API server listening on /ip4/127.0.0.1/tcp/<port>`, then `Daemon is ready`
    const api = lineOf(daemon, line => line.startsWith('RPC API server listening on '))
    await lineOf(daemon, line => line.startsWith('Daemon is ready'))
    const port = (await api).trim().split('/').at(-1)
    daemon.stdout?.resume()
    const running = daemon

    const url = (path: string, args: string[], options: Record<string, string | boolean>): string => {
      const query = new URLSearchParams()
      for (const arg of args) {
        query.append('arg', arg)
      }
      for (const [key, value] of Object.entries(options)) {
        query.append(key, String(value))
      }
      return `http://127.0.0.1:${port}/api/v0/${path}?${query}`
    }
    const rpc = async (path: string, args: string[] = [], options: Record<string, string | boolean> = {}): Promise<string> => {
      const response = await fetch(url(path, args, options), { method: 'POST' })
      const text = await response.text()
      if (!response.ok) {
        throw new Error(`kubo ${path} ${args.join(' ')}: ${response.status} ${text}`)
      }
      return text
    }
    return {
      rpc,
      lines: async function * (path, args = [], options = {}, signal) {
        const response = await fetch(url(path, args, options), { method: 'POST', signal })
        if (!response.ok || response.body == null) {
          throw new Error(`kubo ${path} ${args.join(' ')}: ${response.status} ${await response.text()}`)
        }
        const decoder = new TextDecoder()
        let buffered = ''
        for await (const chunk of response.body) {
          buffered += decoder.decode(chunk, { stream: true })
          const lines = buffered.split('\n')
          buffered = lines.pop() ?? ''
          for (const line of lines) {
            if (line.trim() !== '') {
              yield JSON.parse(line)
            }
          }
        }
        if (buffered.trim() !== '') {
          yield JSON.parse(buffered)
        }
      },
      received: async () => Number(JSON.parse(await rpc('bitswap/stat')).BlocksReceived ?? NaN),
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
