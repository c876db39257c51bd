/**
 * Decodes a dag-pb block with `@ipld/dag-pb`, which rejects non-canonical
 * bytes (fields out of order or repeated), failing with this package's typed
 * error so that a corrupt or hostile block is told apart from a fault here.
 */

import * as dagPb from '@ipld/dag-pb'
import { InvalidBlockError } from '../errors.js'

export function decodeDagPb (bytes: Uint8Array): dagPb.PBNode {
  try {
    return dagPb.decode(bytes)
  } catch (err: any) {
    throw new InvalidBlockError('Block is not valid dag-pb', { cause: err })
  }
}
