/**
 * Which options each engine-run method takes. `@helia/unixfs` lets every
 * option through to its blockstore and exporter; the drop-in honours the
 * ones in `@helia/unixfs`'s types and refuses, with InvalidParametersError,
 * any other key it is given and any value it cannot honour, so nothing is
 * silently ignored.
 */

import { InvalidParametersError } from '../../errors.js'
import type { DirectoryOptions } from '../../interface.js'
import type { AbortOptions } from '@libp2p/interface'

export const LS_OPTIONS = ['signal', 'onProgress', 'offline', 'path', 'offset', 'length'] as const
export const STAT_OPTIONS = ['signal', 'onProgress', 'offline', 'providers', 'path', 'extended', 'filter'] as const
/** The shard options of `cp`/`rm`, plus `profile`, which `@helia/unixfs` also reads when it sizes a directory */
export const EDIT_CALL_OPTIONS = ['signal', 'onProgress', 'offline', 'providers', 'shardSplitThresholdBytes', 'shardSplitStrategy', 'shardFanoutBits', 'profile'] as const
export const CP_OPTIONS = [...EDIT_CALL_OPTIONS, 'force'] as const
export const RM_OPTIONS = EDIT_CALL_OPTIONS
export const MKDIR_OPTIONS = [...EDIT_CALL_OPTIONS, 'force', 'mode', 'mtime', 'cidVersion'] as const

/** Refuses keys outside `allowed` (keys set to undefined count as absent) */
export function checkKeys (method: string, options: object, allowed: readonly string[]): void {
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.includes(key)) {
      throw new InvalidParametersError(`${method}: option "${key}" is not supported (supported: ${allowed.join(', ')})`)
    }
  }
}

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
 * What the engine takes from a call's options: its signal, and its
 * `onProgress`, which then also gets the engine's own events
 * (`dynamic-directory:burst`) next to the blockstore's
 */
export function engineOptions (options: { signal?: AbortSignal, onProgress?(evt: any): void }): DirectoryOptions {
  return { signal: options.signal, onProgress: options.onProgress }
}
