/**
 * A signal for the block requests of one operation: it aborts when the
 * caller's signal (or the owner's lifecycle signal) aborts while the
 * operation runs, and is let go when the operation returns. Requests still on
 * the wire then land in the background instead of being cancelled by a
 * caller's timeout that fires later: with @helia/bitswap 4.0.19, a want
 * cancelled after it reached the peer cannot be asked for again on that
 * connection.
 */
export interface OperationSignal {
  signal: AbortSignal
  release(): void
}

export function operationSignal (...sources: Array<AbortSignal | undefined>): OperationSignal {
  const controller = new AbortController()
  const listening: AbortSignal[] = []
  const onAbort = (event: Event): void => {
    controller.abort((event.target as AbortSignal).reason)
  }

  for (const source of sources) {
    if (source == null) {
      continue
    }
    if (source.aborted) {
      controller.abort(source.reason)
      break
    }
    source.addEventListener('abort', onAbort, { once: true })
    listening.push(source)
  }

  return {
    signal: controller.signal,
    release: () => {
      for (const source of listening) {
        source.removeEventListener('abort', onAbort)
      }
    }
  }
}
