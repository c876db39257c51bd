/**
 * Checks of the values a call's options carry. `@helia/unixfs` lets every
 * option through to its blockstore and exporter, and callers pass one bag to
 * several calls (`@helia/mfs` passes `cp`'s options to `stat`), so a key a
 * call does not use is ignored, as there. What is refused, with
 * InvalidParametersError, is a value the drop-in cannot honour: `providers`
 * where the engine reads, a flag that is not a boolean, a negative or
 * fractional count (and, in the engine, a bad shard option).
 */

import { InvalidParametersError } from '../errors.js'
import type { DirectoryOptions, ReadMode } from '../interface.js'
import type { AbortOptions } from '@libp2p/interface'

/**
 * `providers` names peers for the blockstore to ask; the engine reads
 * blocks through its own fetcher, which cannot pass them on
 */
export function refuseProviders (method: string, options: { providers?: unknown[] }): void {
  if (options.providers != null && options.providers.length > 0) {
    throw new InvalidParametersError(`${method}: the "providers" option cannot be honoured by the directory engine`)
  }
}

/** An optional non-negative safe integer */
export function checkCount (method: string, key: string, value: unknown): number | undefined {
  if (value == null) {
    return undefined
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidParametersError(`${method}: "${key}" must be a non-negative integer, got ${String(value)}`)
  }
  return value
}

/** An optional boolean */
export function checkFlag (method: string, key: string, value: unknown): boolean {
  if (value != null && typeof value !== 'boolean') {
    throw new InvalidParametersError(`${method}: "${key}" must be a boolean, got ${String(value)}`)
  }
  return value === true
}

/** What a read of the blockstore takes from a call's options */
export interface ReadOptions extends AbortOptions {
  offline?: boolean
  providers?: unknown[]
  onProgress?(evt: any): void
}

export function readOptions (options: ReadOptions): ReadOptions {
  const { signal, offline, providers, onProgress } = options
  return { signal, offline, providers, onProgress }
}

/**
 * What the engine takes from a call's options: its signal, its
 * `onProgress`, which then also gets the engine's own events
 * (`dynamic-directory:burst`) next to the blockstore's, and `offline`
 */
export function engineOptions (options: { signal?: AbortSignal, onProgress?(evt: any): void, offline?: boolean }): DirectoryOptions & ReadMode {
  return { signal: options.signal, onProgress: options.onProgress, offline: checkFlag('offline', 'offline', options.offline) }
}
