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
}

/** A node with `directories` added by `withDynamicDirectory` */
export type HeliaWithDirectories<H> = H & {
  /** The node's directories, started and stopped with it */
  directories: DynamicDirectories
}

/**
 * Adds `helia.directories`. It starts and stops with the node: `stop` ends
 * every fetch it has in flight (callers get a NotStartedError) and drops its
 * retained trees; calls made while the node is stopped reject until it starts.
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
    stop: () => { service.stop() }
  })

  return Object.assign(helia, { directories: service })
}
