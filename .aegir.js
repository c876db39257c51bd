/** @type {import('aegir').PartialOptions} */
export default {
  build: {
    bundle: false
  },
  test: {
    target: ['node'],
    /**
     * The browser run's two-node spec (test/network/websockets.browser.ts)
     * dials a Node Helia node serving a 10,000-entry HAMT over WebSockets:
     * start it (from the build) and hand its address and CIDs to the browser
     */
    async before (options) {
      if (options.runner !== 'browser') {
        return {}
      }

      const { startBrowserPeer } = await import('./dist/test/fixtures/browser-peer.js')
      const peer = await startBrowserPeer()

      return { env: peer.env, peer }
    },
    async after (options, before) {
      await before?.peer?.stop()
    },
    browser: {
      config: {
        // scripts/test-browser.js points playwright at the Chromium it found (Debian's)
        browserContextOptions: process.env.CHROMIUM_BIN == null || process.env.CHROMIUM_BIN === ''
          ? {}
          : { executablePath: process.env.CHROMIUM_BIN }
      }
    }
  },
  lint: {
    // aegir's own list, less the directories this repository lacks, and
    // without the benchmark package's build output
    files: [
      '*.{js,ts}',
      'src/**/*.{js,ts}',
      'test/**/*.{js,ts}',
      'examples/**/*.{js,ts}',
      'benchmarks/**/*.{js,ts}',
      '!benchmarks/*/dist/**',
      '!**/node_modules/**'
    ]
  },
  dependencyCheck: {
    ignore: [
      // the Node binary that `npm test` and `npm run` put first on PATH
      'node',
      // scripts/check-package.js runs its tsc binary on a consumer
      'typescript'
    ],
    productionIgnorePatterns: [
      '/benchmarks',
      '/examples',
      '/scripts',
      '/dist',
      '/test',
      '.aegir.js'
    ]
  }
}
