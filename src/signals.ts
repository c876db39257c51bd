/**
 * A signal for the block requests of one operation: it aborts when the
 * caller's signal aborts while the operation runs, and is let go when the
 * operation returns. Requests still on the wire then land for the operation
 * (filling the links it loads) even if the caller's timeout fires later; a
 * request is never cancelled either way (see `fetch.ts`).
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

/**
 * Whatever owns a Directory and can stop it: its signal is aborted, with a
 * NotStartedError, while the owner is stopped, which ends every request in
 * flight and refuses new calls.
 */
export interface Lifecycle {
  readonly signal: AbortSignal
}

/**
 * The signal block requests run under: the operation's, which follows the
 * caller only while the call runs, and the owner's lifecycle, whose stop
 * rejects every caller at once (the stop itself ends the requests on the
 * wire). A stopped owner refuses the call at once.
 */
export function requestSignal (lifecycle: Lifecycle, operation: AbortSignal): AbortSignal {
  lifecycle.signal.throwIfAborted()
  operation.throwIfAborted()
  return AbortSignal.any([operation, lifecycle.signal])
}
