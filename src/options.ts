import { InvalidParametersError } from './errors.js'
import { MAX_FANOUT_BITS, MIN_FANOUT_BITS } from './hamt/hash.js'
import type { DirectoryInit, EditOption, ShardSplitStrategy } from './interface.js'

export const DEFAULT_SHARD_SPLIT_THRESHOLD_BYTES = 262_144
export const DEFAULT_SHARD_SPLIT_STRATEGY: ShardSplitStrategy = 'links-bytes'
export const DEFAULT_SHARD_FANOUT_BITS = 8
export const DEFAULT_CID_VERSION = 1
/** Rounds, not blocks, set a cold delete's time: see docs/design.md for the measurements behind it */
export const DEFAULT_FETCH_BUDGET = 256
export const DEFAULT_REFETCH_TIMEOUT_MS = 10_000
export const DEFAULT_LIST_WINDOW = 256

/** The options that shape an edit, which a CID-in, CID-out call may set for itself */
export const EDIT_OPTIONS: readonly EditOption[] = ['shardSplitThresholdBytes', 'shardSplitStrategy', 'shardFanoutBits', 'profile', 'cidVersion']

/** Every option resolved: what a Directory works from */
export interface DirectoryConfig {
  thresholdBytes: number
  strategy: ShardSplitStrategy
  fanoutBits: number
  cidVersion: 0 | 1
  fetchBudget: number
  refetchTimeoutMs: number
  listWindow: number
  stallTimeoutMs?: number
}

/**
 * Applies the IPIP-499 profile the way `ipfs-unixfs-importer` does (explicit
 * options win over the preset), then the defaults, and checks every value.
 */
export function resolveConfig (init: DirectoryInit = {}): DirectoryConfig {
  let { shardSplitStrategy, cidVersion } = init

  if (init.profile === 'unixfs-v0-2015') {
    shardSplitStrategy ??= 'links-bytes'
    cidVersion ??= 0
  } else if (init.profile === 'unixfs-v1-2025') {
    shardSplitStrategy ??= 'block-bytes'
    cidVersion ??= 1
  } else if (init.profile != null) {
    throw new InvalidParametersError(`Unknown profile ${String(init.profile)}`)
  }

  const config: DirectoryConfig = {
    thresholdBytes: init.shardSplitThresholdBytes ?? DEFAULT_SHARD_SPLIT_THRESHOLD_BYTES,
    strategy: shardSplitStrategy ?? DEFAULT_SHARD_SPLIT_STRATEGY,
    fanoutBits: init.shardFanoutBits ?? DEFAULT_SHARD_FANOUT_BITS,
    cidVersion: cidVersion ?? DEFAULT_CID_VERSION,
    fetchBudget: init.fetchBudget ?? DEFAULT_FETCH_BUDGET,
    refetchTimeoutMs: init.refetchTimeoutMs ?? DEFAULT_REFETCH_TIMEOUT_MS,
    listWindow: init.listWindow ?? DEFAULT_LIST_WINDOW,
    stallTimeoutMs: init.stallTimeoutMs
  }

  checkConfig(config)
  return config
}

function checkConfig (config: DirectoryConfig): void {
  if (!Number.isSafeInteger(config.thresholdBytes) || config.thresholdBytes < 0) {
    throw new InvalidParametersError(`shardSplitThresholdBytes must be a non-negative integer, got ${config.thresholdBytes}`)
  }
  if (config.strategy !== 'links-bytes' && config.strategy !== 'block-bytes') {
    throw new InvalidParametersError(`Unknown shardSplitStrategy ${String(config.strategy)}`)
  }
  if (!Number.isInteger(config.fanoutBits) || config.fanoutBits < MIN_FANOUT_BITS || config.fanoutBits > MAX_FANOUT_BITS) {
    throw new InvalidParametersError(`shardFanoutBits must be an integer from ${MIN_FANOUT_BITS} to ${MAX_FANOUT_BITS}, got ${config.fanoutBits}`)
  }
  if (config.cidVersion !== 0 && config.cidVersion !== 1) {
    throw new InvalidParametersError(`cidVersion must be 0 or 1, got ${String(config.cidVersion)}`)
  }
  if (!Number.isSafeInteger(config.fetchBudget) || config.fetchBudget < 1) {
    throw new InvalidParametersError(`fetchBudget must be a positive integer, got ${config.fetchBudget}`)
  }
  if (!Number.isSafeInteger(config.listWindow) || config.listWindow < 1) {
    throw new InvalidParametersError(`listWindow must be a positive integer, got ${config.listWindow}`)
  }
  if (!Number.isSafeInteger(config.refetchTimeoutMs) || config.refetchTimeoutMs < 1) {
    throw new InvalidParametersError(`refetchTimeoutMs must be a positive integer, got ${config.refetchTimeoutMs}`)
  }
  if (config.stallTimeoutMs !== undefined && (!Number.isSafeInteger(config.stallTimeoutMs) || config.stallTimeoutMs < 1)) {
    throw new InvalidParametersError(`stallTimeoutMs must be a positive integer, got ${String(config.stallTimeoutMs)}`)
  }
}

/** Checks the tree cache's options: node counts, 0 or more */
export function checkNodeCount (name: 'cacheNodes' | 'prefetchNodes', value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidParametersError(`${name} must be a non-negative integer, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`)
  }
  return value
}
