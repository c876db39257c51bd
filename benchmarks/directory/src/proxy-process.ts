/**
 * The latency proxy (test/fixtures/latency-proxy.ts) in a process of its
 * own, so that forwarding a provider's bytes costs node B's process nothing:
 * prints `{ "port": n }` on stdout once it listens on 127.0.0.1; stops when
 * the parent goes away.
 *
 * Run as `node dist/proxy-process.js <target port> <delay ms>` (providers.ts forks it).
 */

import { startLatencyProxy } from '../../../dist/test/fixtures/latency-proxy.js'

const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: Number(process.argv[2]) }, delayMs: Number(process.argv[3]) })
process.on('disconnect', () => {
  void proxy.close().finally(() => process.exit(0))
})
process.stdout.write(`${JSON.stringify({ port: proxy.port })}\n`)
