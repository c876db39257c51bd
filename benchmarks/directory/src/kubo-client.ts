/**
 * kubo as the client a Node user would pick instead of this package: a
 * fresh kubo daemon holding nothing (kubo-daemon.ts), with what the
 * kubo-client scenario reads of it beside its RPC calls: a streamed reply,
 * and how many blocks its Bitswap has received.
 */

import { startKuboDaemon } from './kubo-daemon.js'
import type { KuboDaemon } from './kubo-daemon.js'

export interface KuboClient extends KuboDaemon {
  /** Streams `/api/v0/<command>`'s reply, one NDJSON line at a time */
  lines(command: string, args?: string[], flags?: Record<string, string>, signal?: AbortSignal): AsyncGenerator<any>
  /** Blocks its Bitswap has received so far */
  received(): Promise<number>
}

export async function startKuboClient (bin: string): Promise<KuboClient> {
  const daemon = await startKuboDaemon(bin)
  return {
    ...daemon,
    lines: async function * (command, args = [], flags = {}, signal) {
      const query = new URLSearchParams([...args.map(arg => ['arg', arg]), ...Object.entries(flags)])
      const response = await fetch(`${daemon.api}/api/v0/${command}?${query}`, { method: 'POST', signal })
      if (!response.ok || response.body == null) {
        throw new Error(`kubo ${command}: ${response.status} ${await response.text()}`)
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
    received: async () => Number((await daemon.rpc('bitswap/stat')).BlocksReceived ?? NaN)
  }
}
