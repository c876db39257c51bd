/**
 * A read/write lock for one Directory. Reads run together, a write runs
 * alone, and callers are served in the order they asked: a write waits for
 * the reads before it, and reads that ask after a waiting write wait for it,
 * so a stream of reads cannot starve a write. A caller whose signal aborts
 * while it waits leaves the queue, takes nothing, and gets the signal's
 * reason.
 *
 * Written by hand because the field's lock, mortice, is made for named locks
 * shared across processes and workers: it keeps a process-wide map of named
 * mutexes (a Directory had to finalize its own out of it) and brings a job
 * queue and a pushable with it, about an eighth of a browser bundle of
 * `dynamicDirectory`, for what a Directory needs: one in-process lock.
 */

import type { AbortOptions } from '@libp2p/interface'

/** Lets the lock go; a second call does nothing */
export type Release = () => void

type Kind = 'read' | 'write'

interface Waiter {
  kind: Kind
  grant(): void
}

export class ReadWriteLock {
  private readers = 0
  private writing = false
  private readonly queue: Waiter[] = []

  async readLock (options: AbortOptions = {}): Promise<Release> {
    return this.acquire('read', options)
  }

  async writeLock (options: AbortOptions = {}): Promise<Release> {
    return this.acquire('write', options)
  }

  private async acquire (kind: Kind, options: AbortOptions): Promise<Release> {
    const { signal } = options
    signal?.throwIfAborted()
    if (this.queue.length === 0 && this.free(kind)) {
      return this.take(kind)
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const position = this.queue.indexOf(waiter)
        if (position >= 0) {
          this.queue.splice(position, 1)
          reject(signal?.reason)
          // the waiter may have held back readers behind it
          this.drain()
        }
      }
      const waiter: Waiter = {
        kind,
        grant: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve(this.take(kind))
        }
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.queue.push(waiter)
    })
  }

  private free (kind: Kind): boolean {
    return !this.writing && (kind === 'read' || this.readers === 0)
  }

  private take (kind: Kind): Release {
    if (kind === 'read') {
      this.readers++
    } else {
      this.writing = true
    }
    let released = false
    return () => {
      if (released) {
        return
      }
      released = true
      if (kind === 'read') {
        this.readers--
      } else {
        this.writing = false
      }
      this.drain()
    }
  }

  /** Grants waiters in order while the one at the head can run */
  private drain (): void {
    while (this.queue.length > 0 && this.free(this.queue[0].kind)) {
      this.queue.shift()?.grant()
    }
  }
}
