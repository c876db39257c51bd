/**
 * Specs that only the browser run picks up: aegir runs `test/browser.*js` in
 * the browser only, and every `*.spec.*js` in Node and in the browser.
 *
 * Each module here exports a function that registers its specs, and this file
 * calls it: with `"sideEffects": false` in package.json, esbuild drops a bare
 * `import './x.js'` from the bundle, and the specs it held never run.
 * scripts/test-browser.js fails a run in which one of these suites is missing.
 */

import { carSpecs } from './fixtures/car.spec.js'
import { countingBlockstoreSpecs } from './fixtures/counting-blockstore.spec.js'
import { entriesSpecs } from './fixtures/entries.spec.js'
import { importerSpecs } from './fixtures/importer.spec.js'
import { websocketsSpecs } from './network/websockets.browser.js'

// the two-node spec: a browser node dials the Node node `.aegir.js` starts
websocketsSpecs()

// playwright-test skips every file under a `fixtures` folder when it globs
// for specs; the fixtures' own specs run in the browser through here
carSpecs()
countingBlockstoreSpecs()
entriesSpecs()
importerSpecs()
