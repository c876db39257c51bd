/**
 * Joins concurrent runs of the same job: a second caller of a key whose job
 * is running waits for that job instead of starting its own. The job runs
 * under a signal of its own that aborts only once every caller waiting on it
 * has aborted (libp2p's `Queue` rule for shared jobs); a caller that aborts
 * rejects with its own signal's reason at once. An aborted job's block
 * requests are not cancelled with it: the fetcher leaves them to land.
 */

import { raceSignal } from 'race-signal'

interface Running<T> {
  result: Promise<T>
  controller: AbortController
  /** Callers not aborted yet */
  holders: number
}

export class Joined<T> {
  private readonly running = new Map<string, Running<T>>()

  async run (key: string, signal: AbortSignal | undefined, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    signal?.throwIfAborted()
    let running = this.running.get(key)
    if (running == null || running.controller.signal.aborted) {
      const controller = new AbortController()
      const started: Running<T> = { controller, holders: 0, result: job(controller.signal) }
      running = started
      this.running.set(key, started)
      void started.result.catch(() => {}).finally(() => {
        if (this.running.get(key) === started) {
          this.running.delete(key)
        }
      })
    }
    if (signal == null) {
      // a caller that cannot abort holds the job to the end
      running.holders = Infinity
      return running.result
    }
    const held = running
    held.holders++
    try {
      return await raceSignal(held.result, signal)
    } finally {
      if (signal.aborted && --held.holders === 0) {
        held.controller.abort(signal.reason)
      }
    }
  }
}
