import * as dagPb from '@ipld/dag-pb'
import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { UnixFS } from 'ipfs-unixfs'
import { writeDagPb } from '../../src/blocks.js'
import { encodeShard } from '../../src/hamt/codec.js'
import { dynamicDirectory } from '../../src/index.js'
import { decodeUnixFSData } from '../../src/pb/unixfs-data.js'
import { collect } from '../fixtures/build.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { linksBytes, randomEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { CID } from 'multiformats/cid'

const MODE = 0o700
const MTIME = { secs: 1_700_000_000n, nsecs: 5 }

async function rootData (blockstore: MemoryBlockstore, cid: CID): Promise<ReturnType<typeof decodeUnixFSData>> {
  const { Data } = dagPb.decode(await toBytes(blockstore.get(cid)))
  return decodeUnixFSData(Data ?? new Uint8Array())
}

/** The importer's HAMT for these entries, with its root rewritten to carry a mode and an mtime */
async function hamtWithMetadata (blockstore: MemoryBlockstore, count: number, fanoutBits: number): Promise<CID> {
  const entries = randomEntries(count, count)
  const plain = await importerDirectory(entries, { shardSplitThresholdBytes: 1, shardFanoutBits: fanoutBits }, blockstore)
  const pb = dagPb.decode(await toBytes(blockstore.get(plain)))
  const width = (2 ** fanoutBits - 1).toString(16).length
  const links = pb.Links.map(link => {
    const label = link.Name ?? ''
    const slot = parseInt(label.slice(0, width), 16)
    return label.length === width
      ? { kind: 'shard' as const, slot, cid: link.Hash, size: link.Tsize ?? 0 }
      : { kind: 'entry' as const, slot, name: label.slice(width), cid: link.Hash, size: link.Tsize ?? 0 }
  })
  return writeDagPb(blockstore, encodeShard({ fanout: 2 ** fanoutBits, links, mode: MODE, mtime: MTIME }), 1)
}

describe('what an opened directory keeps', () => {
  it('a HAMT keeps its fanout, mode, mtime and hashType through edits, whatever the options say', async () => {
    const blockstore = new MemoryBlockstore()
    const root = await hamtWithMetadata(blockstore, 300, 4)
    // options ask for fanout 256 and CIDv0: the opened fanout-16, CIDv1 HAMT keeps its own
    const directory = await dynamicDirectory({ blockstore }, { shardSplitThresholdBytes: 1, shardFanoutBits: 8, cidVersion: 0 }).open(root)
    const [first, second] = await collect(directory)
    await directory.delete(first.name)
    await directory.set('added', second.cid, { size: 7n })
    const edited = await directory.flush()

    expect(edited.version).to.equal(1)
    const { unixfs, hashType } = await rootData(blockstore, edited)
    expect(unixfs.type).to.equal('hamt-sharded-directory')
    expect(unixfs.fanout).to.equal(16n)
    expect(hashType).to.equal(0x22)
    expect(unixfs.mode).to.equal(MODE)
    expect(unixfs.mtime).to.deep.equal(MTIME)

    // the same entries from the importer at fanout 16 differ only in the root's metadata
    const entries = (await collect(directory))
    const plain = await importerDirectory(entries, { shardSplitThresholdBytes: 1, shardFanoutBits: 4 }, blockstore)
    const ours = dagPb.decode(await toBytes(blockstore.get(edited)))
    const theirs = dagPb.decode(await toBytes(blockstore.get(plain)))
    expect(ours.Links).to.deep.equal(theirs.Links)
  })

  it('a basic directory keeps mode and mtime, also through a HAMT and back', async () => {
    const blockstore = new MemoryBlockstore()
    const entries = randomEntries(40, 3)
    const bytes = dagPb.encode(dagPb.prepare({
      Data: new UnixFS({ type: 'directory', mode: MODE, mtime: MTIME }).marshal(),
      Links: entries.map(entry => ({ Name: entry.name, Hash: entry.cid, Tsize: Number(entry.size) }))
    }))
    const root = await writeDagPb(blockstore, bytes, 0)
    // over the threshold with the added entries, under it without them
    const directory = await dynamicDirectory({ blockstore }, { shardSplitThresholdBytes: linksBytes(entries) }).open(root)
    expect(directory.shape).to.equal('basic')
    expect((await directory.flush()).toString()).to.equal(root.toString())

    for (const entry of randomEntries(40, 4)) {
      await directory.set(entry.name, entry.cid, { size: entry.size })
    }
    expect(directory.shape).to.equal('hamt')
    const asHamt = await directory.flush()
    expect(asHamt.version).to.equal(0)
    expect((await rootData(blockstore, asHamt)).unixfs.mode).to.equal(MODE)

    for (const entry of randomEntries(40, 4)) {
      await directory.delete(entry.name)
    }
    expect(directory.shape).to.equal('basic')
    expect((await directory.flush()).toString()).to.equal(root.toString())
  })
})
