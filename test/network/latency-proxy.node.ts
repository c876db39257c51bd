import { createServer, connect as netConnect } from 'node:net'
import { expect } from 'aegir/chai'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { cidOf } from '../fixtures/entries.js'
import { startLatencyProxy } from '../fixtures/latency-proxy.js'
import { connect, createNode, portOf, proxiedAddress, stopAll } from '../fixtures/nodes.js'
import type { LatencyProxy } from '../fixtures/latency-proxy.js'
import type { TestNode } from '../fixtures/nodes.js'
import type { AddressInfo, Server } from 'node:net'

describe('network: latency proxy', function () {
  this.timeout(60_000)

  let proxy: LatencyProxy | undefined
  let echo: Server | undefined
  let a: TestNode | undefined
  let b: TestNode | undefined

  afterEach(async () => {
    await proxy?.close()
    await stopAll(a, b)
    await new Promise(resolve => echo == null ? resolve(undefined) : echo.close(resolve))
    proxy = echo = a = b = undefined
  })

  it('delays an echo round trip by twice the delay, keeping order', async () => {
    const server = echo = createServer(socket => { socket.pipe(socket) })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const echoPort = (server.address() as AddressInfo).port
    proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: echoPort }, delayMs: 10 })

    const socket = netConnect({ host: '127.0.0.1', port: proxy.port, noDelay: true })
    await new Promise(resolve => socket.once('connect', resolve))

    const roundTrip = async (message: string): Promise<number> => {
      const start = performance.now()
      const expected = Buffer.from(message)
      const received: Buffer[] = []

      await new Promise<void>((resolve) => {
        const onData = (chunk: Buffer): void => {
          received.push(chunk)
          if (Buffer.concat(received).byteLength >= expected.byteLength) {
            socket.off('data', onData)
            resolve()
          }
        }
        socket.on('data', onData)
        // several writes in a row: pipelined, not delayed one after another
        for (const part of message.match(/.{1,4}/g) ?? []) {
          socket.write(part)
        }
      })

      expect(Buffer.concat(received).toString()).to.equal(message)
      return performance.now() - start
    }

    const rtts = [await roundTrip('ping'), await roundTrip('the quick brown fox jumps over the lazy dog')]

    for (const rtt of rtts) {
      expect(rtt).to.be.at.least(20)
      // pipelined: 11 chunks did not cost 11 round trips (>= 220 ms)
      expect(rtt).to.be.below(200)
    }

    // half-close passes through: the echo server ends when we end
    const ended = new Promise(resolve => socket.once('end', resolve))
    socket.end()
    await ended
    socket.destroy()
  })

  it('carries Bitswap between two nodes', async () => {
    a = await createNode()
    b = await createNode()
    proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: portOf(a) }, delayMs: 10 })

    const bytes = new TextEncoder().encode(`through the proxy ${Date.now()}`)
    const cid = cidOf(bytes, 'v1-raw')
    await a.blockstore.put(cid, bytes)

    const viaProxy = proxiedAddress(a, proxy.port)
    expect(viaProxy.toString()).to.equal(`/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${a.libp2p.peerId}`)

    await connect(b, a, viaProxy)
    expect(proxy.connections).to.equal(1)
    expect(b.libp2p.getConnections(a.libp2p.peerId).map(c => c.remoteAddr.toString())).to.deep.equal([
      `/ip4/127.0.0.1/tcp/${proxy.port}/p2p/${a.libp2p.peerId}`
    ])

    const start = performance.now()
    const got = await toBytes(b.blockstore.get(cid, { signal: AbortSignal.timeout(20_000) }))
    const elapsed = performance.now() - start

    expect(got).to.deep.equal(bytes)
    // at least one round trip through the proxy
    expect(elapsed).to.be.at.least(20)
  })
})
