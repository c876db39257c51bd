/**
 * Logging through the node's logger, as Helia's packages do
 * (`components.logger.forComponent(...)`): two nodes in one process log
 * apart, under the names this package gives its components.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { dynamicDirectory } from '../src/index.js'
import { asciiEntries } from './fixtures/entries.js'
import type { ComponentLogger, Logger } from '@libp2p/interface'

/** A logger that keeps every message, by component name */
function recording (node: string): { logger: ComponentLogger, lines: string[] } {
  const lines: string[] = []
  const make = (name: string): Logger => Object.assign((formatter: any) => { lines.push(`${node} ${name}: ${String(formatter)}`) }, {
    enabled: true,
    error: (formatter: any) => { lines.push(`${node} ${name} error: ${String(formatter)}`) },
    trace: () => {},
    newScope: (scope: string) => make(`${name}:${scope}`)
  })
  return { logger: { forComponent: make }, lines }
}

describe('logging through the node\'s logger', () => {
  it('logs a shape switch under helia:dynamic-directory of the logger it was given, and nowhere else', async () => {
    const a = recording('A')
    const b = recording('B')
    const dirA = dynamicDirectory({ blockstore: new MemoryBlockstore(), logger: a.logger }, { shardSplitThresholdBytes: 1_000 }).create()
    dynamicDirectory({ blockstore: new MemoryBlockstore(), logger: b.logger }, { shardSplitThresholdBytes: 1_000 }).create()
    for (const entry of asciiEntries(40, 'file-')) {
      await dirA.set(entry.name, entry.cid, { size: entry.size })
    }
    expect(dirA.shape).to.equal('hamt')
    expect(a.lines).to.include('A helia:dynamic-directory: over the threshold: basic to HAMT')
    expect(b.lines).to.deep.equal([])
  })
})
