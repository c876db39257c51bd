/**
 * `DynamicDirectories`: opens and creates Directories, and the CID-in,
 * CID-out API (`cp`, `rm`, `ls`, `stat`) with `@helia/unixfs`'s names and
 * semantics for directories.
 *
 * The CID-in, CID-out calls keep a bounded cache of retained trees keyed by
 * root CID: a call on a CID an earlier call produced or opened starts from
 * that tree, so nothing it already fetched is fetched or decoded again. An
 * edit works on a clone of the cached tree (constant time: the two share
 * every shard node until one of them edits it) and caches the result under
 * its new CID. Every directory of the service fetches through one block
 * fetcher, and so does its `blockstore` (the drop-ins' own reads), so a
 * block on its way is never asked for twice. A node has one service: the
 * drop-ins use `helia.directories` when `withDynamicDirectory` registered
 * it, and per-call options (the edit options, `offline`) shape a call, not a
 * service.
 *
 * Offline calls read through a second fetcher over the blockstore's offline
 * reads: it asks no one, so it cannot ask for a block twice; their trees
 * are cached apart (they keep reading offline), within the same bound.
 */

import { defaultLogger } from '@libp2p/logger'
import { offlineReads } from './blocks.js'
import { TreeCache } from './cache.js'
import { DynamicDirectory } from './directory.js'
import { AlreadyExistsError, NotFoundError, NotStartedError } from './errors.js'
import { BlockFetcher } from './fetch.js'
import { gatewaySource } from './gateway/source.js'
import { Joined } from './joined.js'
import { assertValidName } from './names.js'
import { EDIT_OPTIONS, checkNodeCount, resolveConfig } from './options.js'
import type { DirectoryEnv } from './directory.js'
import type { BlockSource } from './fetch.js'
import type { ShardLink } from './hamt/shard.js'
import type { BlockReadExtras, CidOptions, CpOptions, CreateOptions, Directory, DirectoryBlocks, DirectoryEntry, DirectoryInit, DirectoryOptions, DirectoryStat, DynamicDirectories, DynamicDirectoryInit, OpenOptions, ReadMode, RmOptions } from './interface.js'
import type { DirectoryConfig } from './options.js'
import type { Lifecycle } from './signals.js'
import type { AbortOptions, ComponentLogger } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The blockstore a service reads and writes: a Helia node's, or any other */
export type ServiceBlockstore = Pick<Blockstore, 'get' | 'put' | 'has'>

/** Retained shard nodes the cache may hold across all its trees */
export const DEFAULT_CACHE_NODES = 65_536

/**
 * How long a stop waits, once its requests have ended, before the node's
 * block brokers stop: @helia/bitswap 4.0.19 withdraws an aborted want 10 ms
 * later (its debounce) and drops that timer when it stops, which leaves the
 * want in its list, where the next want for the block after a restart joins
 * it and is never sent
 */
const WITHDRAW_MS = 50
/** The most a stop waits for its requests to end */
const STOP_GRACE_MS = 1_000

export class DirectoryService implements DynamicDirectories, Lifecycle {
  /** The blocks the directories read and write: the drop-ins' reads join the fetcher's */
  readonly blockstore: DirectoryBlocks
  private readonly logger: ComponentLogger
  private readonly store: ServiceBlockstore
  private readonly init: DirectoryInit
  /** The init's options resolved: what every fetcher of the service is made with */
  private readonly config: DirectoryConfig
  private readonly fetcher: BlockFetcher
  /** Made on the first offline call */
  private offlineFetcher?: BlockFetcher
  private readonly source?: BlockSource
  private readonly cache: TreeCache
  private readonly cacheNodes: number
  private readonly prefetch: { enabled: boolean, nodes: number }
  private controller: AbortController
  private readonly opening = new Joined<DynamicDirectory>()

  constructor (blockstore: ServiceBlockstore, init: DynamicDirectoryInit = {}, options: { started: boolean, logger?: ComponentLogger } = { started: true }) {
    const { cacheNodes = DEFAULT_CACHE_NODES, prefetch = false, prefetchNodes = cacheNodes, gateways = [], ...directoryInit } = init
    checkNodeCount('cacheNodes', cacheNodes)
    checkNodeCount('prefetchNodes', prefetchNodes)
    this.config = resolveConfig(directoryInit)
    this.store = blockstore
    this.init = directoryInit
    // Helia's packages log through the node's logger, so two nodes in one process log apart
    this.logger = options.logger ?? defaultLogger()
    this.source = gatewaySource(blockstore, gateways, this.config.stallTimeoutMs, this.logger)
    this.fetcher = this.newFetcher(blockstore, this.source)
    this.cacheNodes = cacheNodes
    this.prefetch = { enabled: prefetch, nodes: prefetchNodes }
    this.cache = new TreeCache(cacheNodes)
    this.blockstore = {
      get: (cid, options = {}) => this.read(cid, options),
      put: async (cid, bytes, options) => blockstore.put(cid, bytes, options),
      has: async (cid, options) => blockstore.has(cid, options)
    }
    this.controller = new AbortController()
    if (!options.started) {
      this.controller.abort(new NotStartedError('The directories component has not been started'))
    }
  }

  /** Aborted while stopped */
  get signal (): AbortSignal {
    return this.controller.signal
  }

  /** Distinct retained shard nodes held by cached trees now (a basic directory counts as one) */
  get cachedNodes (): number {
    return this.cache.weight
  }

  /** Trees in the cache now */
  get cachedTrees (): number {
    return this.cache.size
  }

  /** Starts again after a stop; the wants the stop cancelled are forgotten (their connections are gone) */
  start (): void {
    if (this.controller.signal.aborted) {
      this.controller = new AbortController()
      this.fetcher.forgetCancelled()
    }
  }

  /** Ends every request in flight with a NotStartedError, and drops the cached trees */
  stop (): void {
    const reason = new NotStartedError('The directories component was stopped')
    this.controller.abort(reason)
    // requests no caller waits on any more stay on the wire until a stop: the node's connections end with it
    this.fetcher.cancelAll(reason)
    this.offlineFetcher?.cancelAll(reason)
    this.cache.clear()
  }

  /** Resolves once the requests a stop ended have wound down in the blockstore (bounded), so that the node's block brokers withdraw them before they stop */
  async drained (): Promise<void> {
    await this.fetcher.settled(STOP_GRACE_MS)
    await new Promise(resolve => setTimeout(resolve, WITHDRAW_MS))
  }

  /** A new connection to a peer: wants cancelled on an earlier connection need no deadline on this one */
  connected (): void {
    this.fetcher.forgetCancelled()
  }

  create (options: CreateOptions = {}): Directory {
    this.signal.throwIfAborted()
    return DynamicDirectory.create(this.env(options))
  }

  async open (cid: CID, options: OpenOptions = {}): Promise<Directory> {
    const cached = await this.checkout(cid, this.env(options), { ...options, prefetch: false })
    const directory = cached.clone()
    const prefetch = options.prefetch ?? this.prefetch.enabled
    if (prefetch !== false) {
      // ends with the opener's signal, the Directory, and the cached tree it came from
      const signal = AbortSignal.any([cached.closed, ...(options.signal == null ? [] : [options.signal])])
      directory.prefetch({ nodes: this.prefetch.nodes, signal, onProgress: prefetch === true ? undefined : prefetch.onProgress })
    }
    return directory
  }

  async cp (source: CID, target: CID, name: string, options: CpOptions = {}): Promise<CID> {
    assertValidName(name)
    return this.edit(target, options, async (directory) => {
      if (options.force !== true && await directory.has(name, options)) {
        throw new AlreadyExistsError(`${target} already has an entry named ${JSON.stringify(name)}`)
      }
      await directory.set(name, source, options)
    })
  }

  async rm (target: CID, name: string, options: RmOptions = {}): Promise<CID> {
    assertValidName(name)
    return this.edit(target, options, async (directory) => {
      if (!await directory.delete(name, options)) {
        throw new NotFoundError(`${target} has no entry named ${JSON.stringify(name)}`)
      }
    })
  }

  async * ls (cid: CID, options: CidOptions = {}): AsyncGenerator<DirectoryEntry> {
    const env = this.env(options)
    const directory = await this.checkout(cid, env, options)
    yield * directory.entries(options)
    this.remember(cid, env, directory)
  }

  async stat (cid: CID, options: CidOptions = {}): Promise<DirectoryStat> {
    const directory = await this.checkout(cid, this.env(options), options)
    const { knownBytes, knownEntries, sizeExact } = directory.stats
    return { cid, shape: directory.shape, knownBytes, knownEntries, sizeExact, entries: knownEntries, bytes: knownBytes, exact: sizeExact }
  }

  /** Applies `change` to a clone of the target's tree, flushes it, and caches the result under its CID */
  private async edit (target: CID, options: CidOptions, change: (directory: DynamicDirectory) => Promise<void>): Promise<CID> {
    const env = this.env(options)
    const directory = (await this.checkout(target, env, options)).clone()
    await change(directory)
    const cid = await directory.flush(options)
    this.remember(cid, env, directory)
    return cid
  }

  /** The cached tree for this CID and these options, or a freshly opened one, now cached (and prefetching, if asked) */
  private async checkout (cid: CID, env: DirectoryEnv, options: DirectoryOptions & { prefetch?: boolean }): Promise<DynamicDirectory> {
    this.signal.throwIfAborted()
    const key = cacheKey(cid, env)
    const cached = this.cache.get(key)
    if (cached != null) {
      return cached
    }
    // concurrent calls on one cold CID share one open, and so one tree
    return this.opening.run(key, options.signal, async (signal) => {
      const directory = await DynamicDirectory.open(env, cid, { ...options, signal })
      this.remember(cid, env, directory)
      if (options.prefetch ?? this.prefetch.enabled) {
        // ends when the tree leaves the cache (which closes it) or the node stops
        directory.prefetch({ nodes: this.prefetch.nodes })
      }
      return directory
    })
  }

  private remember (cid: CID, env: DirectoryEnv, directory: DynamicDirectory): void {
    if (!this.signal.aborted) {
      this.cache.set(cacheKey(cid, env), directory)
    }
  }

  /** A block for a reader beside the directories: through the fetcher, unless the read asks what only the blockstore can do */
  private async * read (cid: CID, options: AbortOptions & BlockReadExtras): AsyncGenerator<Uint8Array> {
    if (options.offline === true) {
      yield * this.store.get(cid, options)
      return
    }
    if (options.onProgress != null || (options.providers?.length ?? 0) > 0) {
      const bytes = await this.source?.get(cid, { signal: options.signal ?? new AbortController().signal })
      if (bytes != null) {
        yield bytes
        return
      }
      yield * this.store.get(cid, options)
      return
    }
    yield await this.fetcher.get(cid, { signal: options.signal ?? new AbortController().signal })
  }

  private newFetcher (blockstore: Pick<Blockstore, 'get'>, source?: BlockSource): BlockFetcher {
    const { fetchBudget, listWindow, refetchTimeoutMs, stallTimeoutMs } = this.config
    return new BlockFetcher(blockstore, { limit: Math.max(fetchBudget, listWindow), refetchTimeoutMs, stallTimeoutMs, source, log: this.logger.forComponent('helia:dynamic-directory:fetch') })
  }

  /** The fetcher a call reads through: the offline one asks no gateway and no peer */
  private fetcherFor (mode: ReadMode): BlockFetcher {
    if (mode.offline !== true) {
      return this.fetcher
    }
    this.offlineFetcher ??= this.newFetcher(offlineReads(this.store))
    return this.offlineFetcher
  }

  private env (options: CidOptions): DirectoryEnv {
    const overrides = Object.fromEntries(EDIT_OPTIONS.filter(key => options[key] != null).map(key => [key, options[key]]))
    return {
      blockstore: this.store,
      fetcher: this.fetcherFor(options),
      offline: options.offline === true,
      config: resolveConfig({ ...this.init, ...overrides }),
      lifecycle: this,
      retainNodes: this.cacheNodes,
      mayKeep: () => this.cache.room(),
      loaded: (link: ShardLink) => { this.cache.retained.loaded(link) },
      logger: this.logger
    }
  }
}

/** Trees opened with options that shape edits differently, or read offline, are cached apart */
function cacheKey (cid: CID, env: DirectoryEnv): string {
  const { thresholdBytes, strategy, fanoutBits, cidVersion } = env.config
  return `${cid}/${thresholdBytes}/${strategy}/${fanoutBits}/${cidVersion}${env.offline === true ? '/offline' : ''}`
}
