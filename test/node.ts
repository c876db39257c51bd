/**
 * Specs that only Node can run: two libp2p nodes over loopback TCP and the
 * latency proxy (`node:net`). aegir runs `test/node.*js` in Node only; every
 * `*.spec.*js` runs in Node and in the browser.
 */

import './network/nodes.node.js'
import './network/latency-proxy.node.js'
import './network/directory.node.js'
import './network/mixin.node.js'
import './network/providers.node.js'
import './network/restart.node.js'
import './network/stall.node.js'
import './interop/kubo/directory.node.js'
import './interop/kubo/history.node.js'
import './interop/kubo/three-nodes.node.js'
import './mfs/restart.node.js'
import './mfs/kubo-parity.node.js'
import './gateway/hostile.node.js'
import './gateway/kubo.node.js'
import './gateway/drop-ins.node.js'
