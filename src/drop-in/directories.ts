/**
 * The one engine a drop-in works on: the node's `helia.directories` where
 * `withDynamicDirectory` registered it (its options, its block fetcher, its
 * tree cache), else a service of the drop-in's own, made by the public
 * factory with the drop-in's engine options. So `unixfs()`, `mfs()` and
 * `helia.directories` on one node ask for a block on its way once.
 */

import { dynamicDirectory } from '../factory.js'
import type { DirectoryBlocks, DynamicDirectories, DynamicDirectoryComponents, DynamicDirectoryInit } from '../interface.js'

/** What a drop-in is given: a node, perhaps with `directories` */
export interface DropInComponents extends DynamicDirectoryComponents {
  /** The node's directories (`withDynamicDirectory`): used when present */
  directories?: DynamicDirectories
}

export function directoriesOf (components: DropInComponents, init: DynamicDirectoryInit): DynamicDirectories {
  return components.directories ?? dynamicDirectory(components, init)
}

/**
 * The same directories, with `blocks` as their `blockstore`: for a drop-in
 * whose own reads and writes must pass a wrapper first (the MFS's pins)
 */
export function readingThrough (directories: DynamicDirectories, blocks: DirectoryBlocks): DynamicDirectories {
  return {
    blockstore: blocks,
    create: (options) => directories.create(options),
    open: async (cid, options) => directories.open(cid, options),
    cp: async (source, target, name, options) => directories.cp(source, target, name, options),
    rm: async (target, name, options) => directories.rm(target, name, options),
    ls: (cid, options) => directories.ls(cid, options),
    stat: async (cid, options) => directories.stat(cid, options)
  }
}
