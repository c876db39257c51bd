/**
 * A target that is not dag-pb is no directory, and the engine says so
 * without reading it; `@helia/unixfs` reads it first, so a missing raw block
 * gives NotFoundError there. This reads a raw target before the engine
 * refuses it, so the drop-in gives the same error.
 */

import * as raw from 'multiformats/codecs/raw'
import { readBlock } from '../../drop-in/engine.js'
import type { ReadOptions } from '../../drop-in/options.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

export async function readRawTarget (blockstore: Pick<Blockstore, 'get'>, target: CID, options: ReadOptions): Promise<void> {
  if (target.code === raw.code) {
    await readBlock(blockstore, target, options)
  }
}
