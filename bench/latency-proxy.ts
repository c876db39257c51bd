/**
 * A loopback TCP proxy that adds latency: every chunk is forwarded `delayMs`
 * after it arrived, in each direction, so a round trip through it costs at
 * least 2 x `delayMs`. Chunks keep their order and are pipelined (a chunk's
 * delay runs from its own arrival, not from the previous chunk's send), as on
 * a long link with plenty of bandwidth.
 */

import { createServer, connect } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'

export interface LatencyProxyInit {
  /** Where connections are forwarded to */
  target: { host: string, port: number }
  /** One-way delay added to every chunk, in each direction @default 10 */
  delayMs?: number
  /** The port to listen on, on 127.0.0.1 @default 0 (any) */
  port?: number
}

export interface LatencyProxy {
  /** The port the proxy listens on, on 127.0.0.1 */
  port: number
  /** The one-way delay in use */
  delayMs: number
  /** Connections accepted so far */
  readonly connections: number
  /** Stops listening and destroys every socket */
  close(): Promise<void>
}

const END = Symbol('end')

/**
 * Forwards `from`'s bytes to `to`, each chunk `delayMs` after it arrived.
 * A FIFO of (due time, chunk) with one timer for its head.
 */
function delayedPipe (from: Socket, to: Socket, delayMs: number): void {
  const queue: Array<{ due: number, chunk: Buffer | typeof END }> = []
  let timer: ReturnType<typeof setTimeout> | undefined
  let ended = false
  let paused = false

  const flush = (): void => {
    timer = undefined
    const now = performance.now()

    while (queue.length > 0 && queue[0].due <= now) {
      const { chunk } = queue.shift() ?? { chunk: END }

      if (to.destroyed) {
        queue.length = 0
        return
      }

      if (chunk === END) {
        to.end()
      } else if (!to.write(chunk) && !paused) {
        // backpressure: stop reading until the far side drains; chunks
        // already queued keep their schedule
        paused = true
        from.pause()
        to.once('drain', () => {
          paused = false
          from.resume()
        })
      }
    }

    schedule()
  }

  const schedule = (): void => {
    if (timer == null && queue.length > 0) {
      timer = setTimeout(flush, Math.max(0, queue[0].due - performance.now()))
    }
  }

  const push = (chunk: Buffer | typeof END): void => {
    if (ended) {
      return
    }

    if (chunk === END) {
      ended = true
    }

    queue.push({ due: performance.now() + delayMs, chunk })
    schedule()
  }

  from.on('data', (chunk: Buffer) => { push(chunk) })
  // half-close: pass the FIN on after the data before it
  from.on('end', () => { push(END) })
  // a socket that closed without a FIN (reset, error): end the other side
  // once the pending data is through
  from.on('close', () => { push(END) })
  to.on('close', () => {
    queue.length = 0

    if (timer != null) {
      clearTimeout(timer)
      timer = undefined
    }
  })
}

/** Starts a latency proxy on 127.0.0.1 in front of `target` */
export async function startLatencyProxy (init: LatencyProxyInit): Promise<LatencyProxy> {
  const delayMs = init.delayMs ?? 10
  const sockets = new Set<Socket>()
  let connections = 0

  const track = (socket: Socket): void => {
    sockets.add(socket)
    socket.once('close', () => { sockets.delete(socket) })
    // errors end in 'close'; the pipes handle it
    socket.on('error', () => {})
  }

  const server: Server = createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    connections++
    track(client)
    client.setNoDelay(true)

    const upstream = connect({ host: init.target.host, port: init.target.port, allowHalfOpen: true, noDelay: true })
    track(upstream)
    upstream.setNoDelay(true)

    delayedPipe(client, upstream, delayMs)
    delayedPipe(upstream, client, delayMs)

    // a failed or reset leg makes the other one useless
    client.once('error', () => { upstream.destroy() })
    upstream.once('error', () => { client.destroy() })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(init.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })

  return {
    port: (server.address() as AddressInfo).port,
    delayMs,
    get connections () {
      return connections
    },
    close: async () => {
      for (const socket of sockets) {
        socket.destroy()
      }

      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
      })
    }
  }
}
