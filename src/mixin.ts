/**
 * `withDynamicDirectory`: registers the directories component on a Helia
 * node, in the composition style of `withBitswap` and `withLibp2pLight`.
 */

import { DirectoryService } from './service.js'
import type { DynamicDirectories, DynamicDirectoryComponents, DynamicDirectoryInit } from './interface.js'
import type { Helia } from '@helia/interface'

/** What the mixin hears of a node's libp2p */
interface Libp2pEvents {
  addEventListener(type: 'peer:connect', listener: () => void): void
  removeEventListener(type: 'peer:connect', listener: () => void): void
}

/** What the mixin needs of a Helia node: its blockstore, its status, and Helia's `addMixin` */
export interface HeliaLike extends DynamicDirectoryComponents, Pick<Helia, 'addMixin'> {
  /** `'started'` when the node runs (Helia's `status`) */
  status?: Helia['status'] | string
  /**
   * The node's libp2p, if any: a new connection to a peer forgets the
   * deadlines of wants cancelled on an earlier one. Read only while the node
   * runs: `withLibp2pLight` makes it a getter that throws until the start.
   */
  libp2p?: Libp2pEvents
  /** Helia's start and stop events: a libp2p composed around this mixin starts after it, and is there by the node's `start` event */
  events?: { addEventListener(type: 'start', listener: () => void, options: { once: true }): void }
}

/** A node with `directories` added by `withDynamicDirectory` */
export type HeliaWithDirectories<H> = H & {
  /** The node's directories, started and stopped with it */
  directories: DynamicDirectories
}

/** The node's libp2p, or undefined when it has none or has not created it yet (withLibp2pLight's getter throws NotStartedError until then) */
function libp2pOf (helia: HeliaLike): Libp2pEvents | undefined {
  try {
    return helia.libp2p
  } catch (err: any) {
    if (err?.name === 'NotStartedError') {
      return undefined
    }
    throw err
  }
}

/**
 * Adds `helia.directories`. Wrap the node before or after its start. It
 * starts and stops with the node: `stop` ends every fetch it has in flight
 * (callers get a NotStartedError), waits for them to wind down (bounded) and
 * drops its retained trees; calls made while the node is stopped (or before
 * its first start) reject until it starts, and a start forgets which wants
 * the stop cancelled.
 *
 * @example
 *
 * ```TypeScript
 * const helia = withDynamicDirectory(withBitswap(withLibp2pLight(createHeliaLight(), libp2pOptions)))
 * await helia.start()
 * const newRoot = await helia.directories.rm(rootCid, 'old.txt') // as the README's example, which test:docs runs
 * ```
 */
export function withDynamicDirectory <H extends HeliaLike> (helia: H, init: DynamicDirectoryInit = {}): HeliaWithDirectories<H> {
  const started = helia.status === 'started'
  const service = new DirectoryService(helia.blockstore, init, { started, logger: helia.logger })
  const onConnect = (): void => { service.connected() }
  /** The libp2p it listens to while the node runs: its libp2p exists only once it has started */
  let listening: Libp2pEvents | undefined

  const listen = (): void => {
    listening = libp2pOf(helia)
    listening?.addEventListener('peer:connect', onConnect)
  }

  helia.addMixin({
    name: 'dynamic-directory',
    start: () => {
      service.start()
      listen()
      if (listening == null) {
        helia.events?.addEventListener('start', listen, { once: true })
      }
    },
    stop: async () => {
      listening?.removeEventListener('peer:connect', onConnect)
      listening = undefined
      service.stop()
      // before the block brokers stop: they withdraw the wants the stop cancelled
      await service.drained()
    }
  })

  if (started) {
    listen()
  }

  return Object.assign(helia, { directories: service })
}
