/**
 * `withDynamicDirectory`: registers the directories component on a Helia
 * node, in the composition style of `withBitswap` and `withLibp2pLight`.
 */

import { DirectoryService } from './service.js'
import type { DynamicDirectories, DynamicDirectoryComponents, DynamicDirectoryInit } from './interface.js'
import type { Helia } from '@helia/interface'

/** What the mixin needs of a Helia node: its blockstore, its status, and Helia's `addMixin` */
export interface HeliaLike extends DynamicDirectoryComponents, Pick<Helia, 'addMixin'> {
  /** `'started'` when the node runs (Helia's `status`) */
  status?: Helia['status'] | string
  /** The node's libp2p, if any: a new connection to a peer forgets the deadlines of wants cancelled on an earlier one */
  libp2p?: { addEventListener(type: 'peer:connect', listener: () => void): void }
}

/** A node with `directories` added by `withDynamicDirectory` */
export type HeliaWithDirectories<H> = H & {
  /** The node's directories, started and stopped with it */
  directories: DynamicDirectories
}

/**
 * Adds `helia.directories`. It starts and stops with the node: `stop` ends
 * every fetch it has in flight (callers get a NotStartedError), waits for them
 * to wind down (bounded) and drops its retained trees; calls made while the
 * node is stopped reject until it starts, and a start forgets which wants the
 * stop cancelled.
 *
 * @example
 *
 * ```TypeScript
 * const helia = withDynamicDirectory(withBitswap(withLibp2pLight(createHeliaLight(), libp2pOptions)))
 * await helia.start()
 * const newRoot = await helia.directories.rm(root, 'old.txt')
 * ```
 */
export function withDynamicDirectory <H extends HeliaLike> (helia: H, init: DynamicDirectoryInit = {}): HeliaWithDirectories<H> {
  const service = new DirectoryService(helia.blockstore, init, { started: helia.status === 'started' })

  helia.addMixin({
    name: 'dynamic-directory',
    start: () => { service.start() },
    stop: async () => {
      service.stop()
      // before the block brokers stop: they withdraw the wants the stop cancelled
      await service.drained()
    }
  })
  helia.libp2p?.addEventListener('peer:connect', () => { service.connected() })

  return Object.assign(helia, { directories: service })
}
