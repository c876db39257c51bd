/**
 * The CARv1 reader of the gateway transport (src/gateway/car-reader.ts):
 * the blocks `@ipld/car`'s writer wrote, however the bytes are cut into
 * chunks; a GatewayError for what is not a CARv1, a section out of bounds,
 * or a stream that ends inside a section.
 */

import { CarWriter } from '@ipld/car/writer'
import { expect } from 'aegir/chai'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat } from 'uint8arrays/concat'
import { readCarBlocks } from '../../src/gateway/car-reader.js'
import type { CarBlock } from '../../src/gateway/car-reader.js'

async function carOf (blocks: CarBlock[]): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create([blocks[0].cid])
  const parts: Uint8Array[] = []
  const collected = (async () => {
    for await (const part of out) {
      parts.push(part)
    }
  })()
  for (const block of blocks) {
    await writer.put(block)
  }
  await writer.close()
  await collected
  return concat(parts)
}

async function blocksOf (count: number, size: number): Promise<CarBlock[]> {
  const blocks: CarBlock[] = []
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(size).map((_, j) => (i * 31 + j) % 251)
    blocks.push({ cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes })
  }
  return blocks
}

async function * chunked (bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) {
    yield bytes.subarray(at, at + size)
  }
}

async function read (source: AsyncIterable<Uint8Array>): Promise<CarBlock[]> {
  const blocks: CarBlock[] = []
  for await (const block of readCarBlocks(source)) {
    blocks.push(block)
  }
  return blocks
}

describe('gateway transport: the CARv1 reader', () => {
  for (const size of [1, 7, 200, 1_000_000]) {
    it(`reads every block @ipld/car wrote, in order, from chunks of ${size} bytes`, async () => {
      const blocks = await blocksOf(20, 300)
      const read20 = await read(chunked(await carOf(blocks), size))
      expect(read20.map(block => block.cid.toString())).to.deep.equal(blocks.map(block => block.cid.toString()))
      expect(read20.map(block => [...block.bytes])).to.deep.equal(blocks.map(block => [...block.bytes]))
    })
  }

  it('refuses a stream that ends inside a section with GatewayError', async () => {
    const car = await carOf(await blocksOf(3, 300))
    await expect(read(chunked(car.subarray(0, car.byteLength - 10), 64))).to.eventually.be.rejected.with.property('name', 'GatewayError')
  })

  it('refuses an empty body and bytes that are not a CAR with GatewayError', async () => {
    await expect(read(chunked(new Uint8Array(0), 1))).to.eventually.be.rejected.with.property('name', 'GatewayError')
    const html = new TextEncoder().encode('<!doctype html><title>502 Bad Gateway</title>')
    await expect(read(chunked(html, 16))).to.eventually.be.rejected.with.property('name', 'GatewayError')
  })

  it('refuses a CARv2 (its pragma says version 2) with GatewayError', async () => {
    const pragma = Uint8Array.from([0x0a, 0xa1, 0x67, 0x76, 0x65, 0x72, 0x73, 0x69, 0x6f, 0x6e, 0x02])
    await expect(read(chunked(pragma, 4))).to.eventually.be.rejected.with.property('name', 'GatewayError')
  })

  it('refuses a section longer than a block may be, before it arrives', async () => {
    const car = await carOf(await blocksOf(1, 10))
    const headerLength = car[0] + 1
    // a section that claims 64 MiB: varint 0x80 0x80 0x80 0x20
    const huge = new Uint8Array([...car.subarray(0, headerLength), 0x80, 0x80, 0x80, 0x20])
    await expect(read(chunked(huge, 1024))).to.eventually.be.rejected.with.property('name', 'GatewayError')
  })

  it('refuses a section that does not start with a CID', async () => {
    const car = await carOf(await blocksOf(1, 10))
    const headerLength = car[0] + 1
    const junk = new Uint8Array([...car.subarray(0, headerLength), 4, 0xff, 0xff, 0xff, 0xff])
    await expect(read(chunked(junk, 1024))).to.eventually.be.rejected.with.property('name', 'GatewayError')
  })
})
