import { expect } from 'aegir/chai'
import { DEFAULT_SEED, TYPED_ERRORS, checkDecode, loadSeedBlocks, mutate, runFuzz, seedFromEnv } from './codec-property.js'
import type { SeedBlock } from './codec-property.js'

const RUNS = Number(process.env.FUZZ_SPEC_RUNS ?? 2_000)

describe('shard decoder fuzz', function () {
  this.timeout(60_000)

  let seeds: SeedBlock[]

  before(async () => {
    seeds = await loadSeedBlocks()
  })

  it('starts from real shard blocks of kubo and importer trees, at fanout 16 and 256', () => {
    expect(seeds.length).to.be.greaterThan(100)
    expect(seeds.some(s => s.label.startsWith('kubo'))).to.be.true()
    expect(seeds.some(s => s.label.startsWith('importer fanout 16 '))).to.be.true()
    expect(seeds.some(s => s.label.startsWith('importer fanout 256 '))).to.be.true()
    expect(seeds.some(s => s.position.path.length >= 2)).to.be.true()
  })

  it('every seed block decodes and re-encodes to the same bytes', () => {
    for (const seed of seeds) {
      expect(checkDecode(seed.bytes, seed.position), seed.label).to.equal('decoded')
    }
  })

  it('structured mutations reach each kind of check', () => {
    const root = seeds.find(s => s.label.startsWith('importer fanout 256') && s.position.path.length === 0) as SeedBlock
    // dropping the Data field, reordering the PBNode, dropping hashType, lowering a prefix
    const outcomes = [
      mutate(root.bytes, { kind: 'node', fieldOp: { op: 'reverse' } }),
      mutate(root.bytes, { kind: 'data', fieldOp: { op: 'drop', a: 2 } }),
      mutate(root.bytes, { kind: 'data', fieldOp: { op: 'varint', a: 2, value: 0x22n, padding: 1 } }),
      mutate(root.bytes, { kind: 'link', link: 3, fieldOp: { op: 'drop', a: 2 } }),
      mutate(root.bytes, { kind: 'truncate', at: 10 })
    ].map(bytes => checkDecode(bytes, root.position))
    for (const outcome of outcomes) {
      expect(TYPED_ERRORS).to.include(outcome)
    }
    // a changed Tsize is still a well-formed node
    expect(checkDecode(mutate(root.bytes, { kind: 'link', link: 0, fieldOp: { op: 'varint', a: 0, value: 12345n, padding: 0 } }), root.position)).to.equal('decoded')
  })

  // found by this fuzz (FUZZ_SEED=12345): dag-pb decodes a Tsize of 2^53 as a number, and the
  // re-encode check's dagPb.encode throws a plain Error('Tsize too large for encoding')
  it('refuses a link Tsize over 2^53 - 1 with a typed error', () => {
    const root = seeds.find(s => s.label.startsWith('importer fanout 256') && s.position.path.length === 0) as SeedBlock
    const bytes = mutate(root.bytes, { kind: 'link', link: 0, fieldOp: { op: 'varint', a: 0, value: 2n ** 53n, padding: 0 } })
    expect(checkDecode(bytes, root.position)).to.equal('InvalidShardError')
  })

  it(`decodes to byte-identical nodes or throws a typed error, over ${RUNS} mutated blocks`, () => {
    const seed = seedFromEnv(DEFAULT_SEED)
    const report = runFuzz(seeds, RUNS, seed)
    if (report.failure != null) {
      expect.fail(report.failure)
    }
    expect(report.runs).to.equal(RUNS)
    // the mutations exercise both decoders and the layout checks, and some still decode
    expect(report.outcomes.InvalidShardError ?? 0, JSON.stringify(report.outcomes)).to.be.greaterThan(RUNS / 20)
    expect(report.outcomes.InvalidBlockError ?? 0, JSON.stringify(report.outcomes)).to.be.greaterThan(RUNS / 20)
    expect(report.outcomes.decoded ?? 0, JSON.stringify(report.outcomes)).to.be.greaterThan(0)
  })
})
