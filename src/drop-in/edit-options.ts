/**
 * The options of a `@helia/unixfs` call that the engine takes: the signal,
 * progress, `offline`, and the options that shape an edit.
 */

import { engineOptions } from './options.js'
import type { CidOptions, CreateOptions, DirectoryInit, EditOption } from '../interface.js'

/** The options that shape an edit, as `@helia/unixfs` and `@helia/mfs` take them per call (they have no `cidVersion` for edits) */
export const CALL_EDIT_OPTIONS = ['shardSplitThresholdBytes', 'shardSplitStrategy', 'shardFanoutBits', 'profile'] as const

export type EngineEditOptions = { signal?: AbortSignal, onProgress?(evt: any): void, offline?: boolean } & Pick<DirectoryInit, typeof CALL_EDIT_OPTIONS[number]>

/** The edit options of `names` that `options` sets */
export function pickEditOptions (options: object, names: readonly EditOption[] = CALL_EDIT_OPTIONS): CreateOptions {
  const values = options as Record<string, unknown>
  return Object.fromEntries(names.filter(name => values[name] != null).map(name => [name, values[name]]))
}

export function engineEdit (options: EngineEditOptions): CidOptions {
  return { ...engineOptions(options), ...pickEditOptions(options) }
}
