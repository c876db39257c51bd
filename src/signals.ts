/**
 * A signal for the block requests of one operation: it aborts when the
 * caller's signal aborts while the operation runs, and is let go when the
 * operation returns. Requests still on
 * the wire then land in the background instead of being cancelled by a
 * caller's timeout that fires later: with @helia/bitswap 4.0.19, a want
 * cancelled after it reached the peer cannot be asked for again on that
 * connection.
 */
export interface OperationSignal {
  signal: AbortSignal
  release(): void
}

export function operationSignal (caller?: AbortSignal): OperationSignal {
  const controller = new AbortController()
  const onAbort = (): void => {
    controller.abort(caller?.reason)
  }

  if (caller?.aborted === true) {
    controller.abort(caller.reason)
  } else {
    caller?.addEventListener('abort', onAbort, { once: true })
  }

  return {
    signal: controller.signal,
    release: () => {
      caller?.removeEventListener('abort', onAbort)
    }
  }
}
