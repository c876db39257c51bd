/**
 * `dynamicDirectory()`: the directories of a node (or of anything with a
 * blockstore), in a module of its own so that the drop-ins build theirs
 * through the same public door as an app, not through the engine's
 * classes.
 */

import { DirectoryService } from './service.js'
import type { DynamicDirectories, DynamicDirectoryComponents, DynamicDirectoryInit } from './interface.js'

/**
 * The directories of a Helia node (or anything with a blockstore). To stop
 * and start them with the node, use `withDynamicDirectory` instead.
 */
export function dynamicDirectory (helia: DynamicDirectoryComponents, init: DynamicDirectoryInit = {}): DynamicDirectories {
  return new DirectoryService(helia.blockstore, init, { started: true, logger: helia.logger })
}
