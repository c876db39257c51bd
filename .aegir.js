/** @type {import('aegir').PartialOptions} */
export default {
  build: {
    bundle: false
  },
  test: {
    target: ['node']
  },
  dependencyCheck: {
    ignore: [
      // the Node binary that `npm test` and `npm run` put first on PATH
      'node'
    ],
    productionIgnorePatterns: [
      '/bench',
      '/examples',
      '/dist',
      '/test',
      '.aegir.js'
    ]
  }
}
