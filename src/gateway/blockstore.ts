/**
 * A blockstore that asks the gateways first: for the drop-ins, whose path
 * walks, stats and file reads read blocks outside the engine's block
 * fetcher. `get` asks the gateway source (which answers only what the local
 * store lacks, verified and stored) and then the blockstore; a read with
 * `offline: true` never asks a gateway. Everything else goes straight
 * through.
 */

import type { GatewaySource } from './source.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export type DropInBlockstore = Pick<Blockstore, 'get' | 'put' | 'has'>

export function gatewayFirst <B extends DropInBlockstore> (blockstore: B, source: GatewaySource): B {
  const get = (cid: CID, options: AbortOptions & { offline?: boolean } = {}): AsyncGenerator<Uint8Array> => {
    return (async function * () {
      if (options.offline !== true) {
        const bytes = await source.get(cid, { signal: options.signal ?? new AbortController().signal })
        if (bytes != null) {
          yield bytes
          return
        }
      }
      yield * blockstore.get(cid, options)
    })()
  }
  return new Proxy(blockstore, {
    get (target, property, receiver) {
      if (property === 'get') {
        return get
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    }
  })
}
