/**
 * One HTTP request to a trustless gateway (ipfs/specs `trustless-gateway.md`)
 * with `fetch` alone, the same in Node and browsers. A request fails with a
 * GatewayError on a network error, a status other than 200, or a stall: no
 * progress (the response, then each block the reader accepts) for the stall
 * bound. Its body is read as a stream of chunks, with a bound on the bytes
 * that may arrive between two accepted blocks, so a body that never ends
 * or never holds a usable block is cut off.
 */

import { GatewayError, InvalidParametersError } from '../errors.js'

/** How long a gateway request may go without progress when `stallTimeoutMs` is unset */
export const DEFAULT_GATEWAY_STALL_MS = 20_000

/** The most bytes a body may carry between two accepted blocks (a block is at most 2 MiB) */
export const MAX_BYTES_WITHOUT_PROGRESS = 8 * 1024 * 1024

export const CAR_ACCEPT = 'application/vnd.ipld.car; version=1; order=dfs; dups=n'
export const RAW_ACCEPT = 'application/vnd.ipld.raw'

/** A gateway's base URL, checked: `http:` or `https:`, with no trailing slash, query or fragment */
export function gatewayUrl (url: unknown): string {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch (err) {
    throw new InvalidParametersError(`gateways: ${JSON.stringify(url)} is not a URL`, { cause: err })
  }
  if (typeof url !== 'string' || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search !== '' || parsed.hash !== '') {
    throw new InvalidParametersError(`gateways: ${JSON.stringify(url)} must be an http: or https: URL with no query or fragment`)
  }
  return parsed.href.replace(/\/+$/, '')
}

/** A request on the wire: its body, and what counts as progress */
export interface GatewayResponse {
  /** The body's chunks; fails with a GatewayError on a stall or past the byte bound */
  body: AsyncGenerator<Uint8Array>
  /** A block was accepted: the stall bound and the byte bound start again */
  progress(): void
  /** Ends the request */
  close(): void
}

export interface GatewayRequestOptions {
  accept: string
  signal: AbortSignal
  stallTimeoutMs: number
}

/** Sends `GET url` and resolves once a 200 response has arrived */
export async function request (url: string, options: GatewayRequestOptions): Promise<GatewayResponse> {
  const { signal, stallTimeoutMs } = options
  signal.throwIfAborted()
  const controller = new AbortController()
  let timer: ReturnType<typeof setTimeout> | undefined
  let bytes = 0
  const progress = (): void => {
    clearTimeout(timer)
    bytes = 0
    timer = setTimeout(() => {
      controller.abort(new GatewayError(`${url}: no progress for ${stallTimeoutMs} ms (stallTimeoutMs)`))
    }, stallTimeoutMs)
  }
  const close = (): void => {
    clearTimeout(timer)
    controller.abort(new GatewayError(`${url}: closed`))
  }
  const failure = (err: unknown): unknown => {
    if (signal.aborted) {
      return signal.reason
    }
    if (controller.signal.aborted) {
      return controller.signal.reason
    }
    return err instanceof GatewayError ? err : new GatewayError(`${url}: ${String((err as Error)?.message ?? err)}`, { cause: err })
  }

  progress()
  let response: Response
  try {
    response = await globalThis.fetch(url, { headers: { Accept: options.accept }, signal: AbortSignal.any([signal, controller.signal]) })
  } catch (err) {
    close()
    throw failure(err)
  }
  if (response.status !== 200 || response.body == null) {
    close()
    await response.body?.cancel().catch(() => {})
    throw new GatewayError(`${url}: HTTP ${response.status}`)
  }
  progress()

  const reader = response.body.getReader()
  async function * body (): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) {
          return
        }
        bytes += value.byteLength
        if (bytes > MAX_BYTES_WITHOUT_PROGRESS) {
          throw new GatewayError(`${url}: ${bytes} bytes with no usable block`)
        }
        yield value
      }
    } catch (err) {
      throw failure(err)
    } finally {
      close()
      reader.cancel().catch(() => {})
    }
  }
  return { body: body(), progress, close }
}

/** The whole body, at most `limit` bytes */
export async function readAll (response: GatewayResponse, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  let length = 0
  for await (const chunk of response.body) {
    length += chunk.byteLength
    if (length > limit) {
      throw new GatewayError(`a block of over ${limit} bytes`)
    }
    chunks.push(chunk)
  }
  const out = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.byteLength
  }
  return out
}
