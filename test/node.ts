/**
 * Specs that only Node can run: two libp2p nodes over loopback TCP and the
 * latency proxy (`node:net`). aegir runs `test/node.*js` in Node only; every
 * `*.spec.*js` runs in Node and in the browser. Node loads these modules as
 * they are (no bundle), so a bare import runs a module's specs. The fixtures'
 * specs run in both: each module exports a function that registers them
 * (test/browser.ts says why), called here and there.
 */

import { carSpecs } from './fixtures/car.spec.js'
import { countingBlockstoreSpecs } from './fixtures/counting-blockstore.spec.js'
import { entriesSpecs } from './fixtures/entries.spec.js'
import { importerSpecs } from './fixtures/importer.spec.js'

import './network/nodes.node.js'
import './network/latency-proxy.node.js'
import './network/directory.node.js'
import './network/mixin.node.js'
import './network/providers.node.js'
import './network/restart.node.js'
import './network/stall.node.js'
import './network/chained.node.js'
import './network/one-engine.node.js'
import './scripts/check-imports.node.js'
import './interop/kubo/directory.node.js'
import './interop/kubo/history.node.js'
import './interop/kubo/three-nodes.node.js'
import './mfs/restart.node.js'
import './mfs/gc.node.js'
import './mfs/kubo-parity.node.js'
import './mfs/edits.node.js'
import './mfs/kills.node.js'
import './gateway/hostile.node.js'
import './gateway/kubo.node.js'
import './gateway/drop-ins.node.js'
import './gateway/size-check.node.js'

carSpecs()
countingBlockstoreSpecs()
entriesSpecs()
importerSpecs()
