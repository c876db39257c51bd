/**
 * The options of a `@helia/unixfs` call that the engine takes: the signal,
 * progress, `offline`, and the options that shape an edit.
 */

import { engineOptions } from './options.js'
import type { CidOptions, DirectoryInit } from '../interface.js'

/** The options that shape an edit, as `@helia/unixfs` names them (it has no `cidVersion` for edits) */
export type EngineEditOptions = { signal?: AbortSignal, onProgress?(evt: any): void, offline?: boolean } & Pick<DirectoryInit, 'shardSplitThresholdBytes' | 'shardSplitStrategy' | 'shardFanoutBits' | 'profile'>

export function engineEdit (options: EngineEditOptions): CidOptions {
  const { shardSplitThresholdBytes, shardSplitStrategy, shardFanoutBits, profile } = options
  return { ...engineOptions(options), shardSplitThresholdBytes, shardSplitStrategy, shardFanoutBits, profile }
}
