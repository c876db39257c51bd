/**
 * The trust rule for a gateway's CAR (src/gateway/verifier.ts): a block is
 * accepted only when it was asked for or a verified block links to it as a
 * sub-shard, and only once it hashes to its CID; early blocks wait within a
 * bound; duplicates and blocks nothing links to are dropped; wrong bytes
 * refuse the response.
 */

import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { shardLinks } from '../../src/gateway/links.js'
import { CarVerifier, MAX_WAITING_BLOCKS } from '../../src/gateway/verifier.js'
import { contentNamed } from '../fixtures/cold-delete.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { CID } from 'multiformats/cid'

interface Block { cid: CID, bytes: Uint8Array }

/** A fanout-16 HAMT's shard nodes, depth-first: every parent before its children */
async function shardBlocks (count: number): Promise<{ root: CID, blocks: Block[] }> {
  const store = new MemoryBlockstore()
  const root = await importerDirectory(contentNamed(count), { shardSplitThresholdBytes: 1000, shardFanoutBits: 4, cidVersion: 1 }, store)
  const blocks: Block[] = []
  const visit = async (cid: CID): Promise<void> => {
    const bytes = await toBytes(store.get(cid))
    blocks.push({ cid, bytes })
    for (const link of shardLinks(cid, bytes)) {
      await visit(link)
    }
  }
  await visit(root)
  return { root, blocks }
}

async function feed (verifier: CarVerifier, blocks: Block[]): Promise<Block[]> {
  const accepted: Block[] = []
  for (const block of blocks) {
    accepted.push(...await verifier.add(block.cid, block.bytes, () => {}))
  }
  return accepted
}

describe('gateway: the CAR trust rule', () => {
  it('accepts the root and every sub-shard it links to, each once', async () => {
    const { root, blocks } = await shardBlocks(150)
    const verifier = new CarVerifier()
    verifier.expect(root)
    const accepted = await feed(verifier, [...blocks, ...blocks])
    expect(accepted).to.have.length(blocks.length)
    expect(verifier.missing).to.equal(0)
  })

  it('drops what nothing asked for or links to', async () => {
    const { root, blocks } = await shardBlocks(150)
    const other = await shardBlocks(149)
    const verifier = new CarVerifier()
    verifier.expect(root)
    const accepted = await feed(verifier, [other.blocks[0], ...blocks])
    expect(accepted.map(block => block.cid.toString())).to.not.include(other.root.toString())
    expect(accepted).to.have.length(blocks.length)
  })

  it('takes blocks that come before their parent once the parent has come, within the bound', async () => {
    const { root, blocks } = await shardBlocks(150)
    expect(blocks.length).to.be.at.most(MAX_WAITING_BLOCKS)
    const verifier = new CarVerifier()
    verifier.expect(root)
    const accepted = await feed(verifier, [...blocks].reverse())
    expect(accepted).to.have.length(blocks.length)
  })

  it('past the bound, early blocks are dropped, not kept', async () => {
    const { root, blocks } = await shardBlocks(1500)
    expect(blocks.length).to.be.above(MAX_WAITING_BLOCKS + 1)
    const verifier = new CarVerifier()
    verifier.expect(root)
    const accepted = await feed(verifier, [...blocks].reverse())
    expect(accepted.length).to.be.below(blocks.length)
    expect(verifier.missing).to.be.above(0)
  })

  it('refuses bytes that do not hash to the CID with a GatewayError', async () => {
    const { root, blocks } = await shardBlocks(150)
    const verifier = new CarVerifier()
    verifier.expect(root)
    const wrong = blocks[0].bytes.slice()
    wrong[wrong.length - 1] ^= 1
    await expect(verifier.add(root, wrong, () => {})).to.eventually.be.rejected.with.property('name', 'GatewayError')
  })
})
