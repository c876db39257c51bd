import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { decodeShard, encodeShard } from '../../src/hamt/codec.js'
import { writeShard } from '../../src/hamt/writer.js'
import { readFields } from '../../src/pb/fields.js'
import { pack } from '../../src/pb/packed-block.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { randomEntries, randomFor } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { LinkSource } from '../../src/hamt/writer.js'
import type { CID } from 'multiformats/cid'

/** Where each PBLink message of a dag-pb block starts */
function linkOffsets (bytes: Uint8Array): number[] {
  return [...readFields(bytes)].filter(field => field.field === 2 && field.wire === 'bytes').map(field => (field as { value: Uint8Array }).value.byteOffset - bytes.byteOffset)
}

describe('shard writer', () => {
  for (const bits of [3, 4, 8, 10]) {
    // any mix of links kept from the stored block and links given anew writes what @ipld/dag-pb writes
    it(`writes the bytes encodeShard writes, for stored and new links mixed (fanout ${2 ** bits})`, async () => {
      const random = randomFor(bits)
      const store = new MemoryBlockstore()
      const root = await importerDirectory(randomEntries(600, bits), { shardSplitThresholdBytes: 1, shardFanoutBits: bits }, store)
      const queue: Array<{ cid: CID, path: number[] }> = [{ cid: root, path: [] }]
      let checked = 0

      for (let next = queue.shift(); next != null && checked < 40; next = queue.shift()) {
        const bytes = await toBytes(store.get(next.cid))
        const node = decodeShard(bytes, { path: next.path, parentFanout: next.path.length === 0 ? undefined : 2 ** bits })
        for (const link of node.links) {
          if (link.kind === 'shard') {
            queue.push({ cid: link.cid, path: [...next.path, link.slot] })
          }
        }
        const block = pack(bytes)
        const offsets = linkOffsets(bytes)
        const links: LinkSource[] = node.links.map((link, i) => random.next() < 0.5 ? { kind: 'stored', slot: link.slot, block, offset: offsets[i] } : link)
        const isRoot = next.path.length === 0
        const mode = isRoot && random.next() < 0.5 ? 0o700 : undefined
        const mtime = isRoot && random.next() < 0.5 ? { secs: 1_700_000_000n, nsecs: random.int(1000) } : undefined

        const written = writeShard({ fanout: node.fanout, links, mode, mtime })
        expect(written.bytes).to.deep.equal(encodeShard({ fanout: node.fanout, links: node.links, mode, mtime }))
        expect(written.sizes).to.deep.equal(node.links.map(link => link.size))
        checked++
      }
      expect(checked).to.be.greaterThan(0)
    })
  }

  // a node with no links at all (an empty root)
  it('writes an empty root as encodeShard does', () => {
    expect(writeShard({ fanout: 256, links: [] }).bytes).to.deep.equal(encodeShard({ fanout: 256, links: [] }))
  })
})
