/**
 * Specs that only the browser run picks up: aegir runs `test/browser.*js` in
 * the browser only, and every `*.spec.*js` in Node and in the browser.
 */

// the two-node spec: a browser node dials the Node node `.aegir.js` starts
import './network/websockets.browser.js'

// playwright-test skips every file under a `fixtures` folder when it globs
// for specs; the fixtures' own specs run in the browser through here
import './fixtures/car.spec.js'
import './fixtures/counting-blockstore.spec.js'
import './fixtures/entries.spec.js'
import './fixtures/importer.spec.js'
