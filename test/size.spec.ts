import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { dataFieldSerializedSize, linkSerializedSize, utf8ByteLength } from 'ipfs-unixfs-importer/utils'
import { encodeBasic } from '../src/basic/codec.js'
import { directoryDataBytes, linkBlockBytes } from '../src/pb/encoded-size.js'
import { varintLength } from '../src/pb/varint.js'
import { sizeStrategy, utf8Length } from '../src/size.js'
import { randomEntries, randomFor } from './fixtures/entries.js'

describe('size strategies', () => {
  it('utf8Length counts UTF-8 bytes of any well-formed name', () => {
    for (const entry of randomEntries(2_000, 11)) {
      expect(utf8Length(entry.name)).to.equal(new TextEncoder().encode(entry.name).byteLength)
      expect(utf8Length(entry.name)).to.equal(utf8ByteLength(entry.name))
    }
  })

  it('varintLength matches protobuf varints', () => {
    const random = randomFor(5)
    for (const value of [0, 1, 127, 128, 16_383, 16_384, 2 ** 32, 2 ** 53 - 1, ...Array.from({ length: 500 }, () => random.int(2 ** 40))]) {
      let bytes = 1
      for (let v = BigInt(value); v >= 128n; v >>= 7n) {
        bytes++
      }
      expect(varintLength(value)).to.equal(bytes, String(value))
    }
  })

  it('block-bytes is the exact length of the basic node, and agrees with the importer', () => {
    for (const count of [0, 1, 10, 300]) {
      const entries = randomEntries(count, count)
      const sizes = sizeStrategy('block-bytes')
      const estimate = entries.reduce((total, entry) => total + sizes.entryBytes(utf8Length(entry.name), entry.cid.byteLength, Number(entry.size)), sizes.baseBytes)
      expect(estimate).to.equal(encodeBasic({ entries: entries.map(entry => ({ ...entry, size: Number(entry.size) })) }).byteLength)
      for (const entry of entries) {
        expect(linkBlockBytes(utf8Length(entry.name), entry.cid.byteLength, Number(entry.size)))
          .to.equal(linkSerializedSize(utf8ByteLength(entry.name), entry.cid.byteLength, Number(entry.size)))
      }
    }
  })

  it('the Data field size follows mode and mtime, as the importer computes it', () => {
    const cases = [
      {},
      { mode: 0o755 },
      { mode: 0o700 },
      { mtime: { secs: 1_700_000_000n } },
      { mtime: { secs: -5n, nsecs: 12 } },
      { mode: 0o1777, mtime: { secs: 0n, nsecs: 0 } }
    ]
    for (const { mode, mtime } of cases) {
      expect(directoryDataBytes(mode, mtime)).to.equal(dataFieldSerializedSize(mode, mtime))
      const node = dagPb.decode(encodeBasic({ entries: [], mode, mtime }))
      expect(directoryDataBytes(mode, mtime)).to.equal(dagPb.encode({ Data: node.Data, Links: [] }).byteLength)
    }
  })

  it('links-bytes is name bytes plus CID bytes', () => {
    const [entry] = randomEntries(1, 1, { cidKinds: ['v0'] })
    expect(sizeStrategy('links-bytes').entryBytes(utf8Length(entry.name), entry.cid.byteLength, Number(entry.size))).to.equal(new TextEncoder().encode(entry.name).byteLength + 34)
    expect(sizeStrategy('links-bytes').baseBytes).to.equal(0)
  })
})
