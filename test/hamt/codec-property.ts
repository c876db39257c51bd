/**
 * The shard decoder's fuzz property, shared by the spec (a few thousand runs)
 * and `npm run fuzz` (test/fuzz/long.ts, many more).
 *
 * Inputs are real shard blocks (the kubo HAMT fixture, and HAMTs built by
 * `ipfs-unixfs-importer` at fanout 16 and 256, one root with mode and mtime)
 * put through 1 to 4 mutations: bytes flipped, set, inserted, deleted or cut
 * off; protobuf fields of the PBNode, of a PBLink or of the UnixFS Data
 * dropped, duplicated, swapped or shuffled; varints changed or written
 * non-minimally; link names edited. Each is decoded at its real position in
 * its tree, or now and then at a random one.
 *
 * The property: `decodeShard` either returns a node that `encodeShard` turns
 * back into exactly the input bytes, or throws one of the package's typed
 * errors. Anything else (a TypeError, a RangeError, a node that re-encodes
 * differently) fails.
 */

import { MemoryBlockstore } from 'blockstore-core/memory'
import fc from 'fast-check'
import { concat } from 'uint8arrays/concat'
import { equals } from 'uint8arrays/equals'
import { decodeShard, encodeShard } from '../../src/hamt/codec.js'
import { KUBO_CAR, KUBO_ROOT, loadCar } from '../fixtures/car.js'
import { toBytes } from '../fixtures/counting-blockstore.js'
import { randomEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { ShardPosition } from '../../src/hamt/codec.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** The errors `decodeShard` may throw */
export const TYPED_ERRORS = ['InvalidShardError', 'InvalidBlockError', 'NotADirectoryError'] as const

export const DEFAULT_SEED = 0x5AFE5EED

export interface SeedBlock {
  label: string
  bytes: Uint8Array
  position: ShardPosition
}

/** Every shard block of the tree under `root`, with its position */
async function walk (blockstore: Pick<Blockstore, 'get'>, root: CID, label: string, limit = Infinity): Promise<SeedBlock[]> {
  const out: SeedBlock[] = []
  const queue: Array<{ cid: CID, position: ShardPosition }> = [{ cid: root, position: { path: [] } }]
  while (queue.length > 0 && out.length < limit) {
    const { cid, position } = queue.shift() as { cid: CID, position: ShardPosition }
    const bytes = await toBytes(blockstore.get(cid))
    const node = decodeShard(bytes, position)
    out.push({ label: `${label} /${position.path.join('/')}`, bytes, position })
    for (const link of node.links) {
      if (link.kind === 'shard') {
        queue.push({ cid: link.cid, position: { path: [...position.path, link.slot], parentFanout: node.fanout } })
      }
    }
  }
  return out
}

/** The blocks mutations start from */
export async function loadSeedBlocks (): Promise<SeedBlock[]> {
  const seeds: SeedBlock[] = []

  const kubo = await loadCar(KUBO_CAR)
  seeds.push(...await walk(kubo.blockstore, KUBO_ROOT, 'kubo', 300))

  for (const [bits, count] of [[4, 400], [8, 1_500]]) {
    const store = new MemoryBlockstore()
    const root = await importerDirectory(randomEntries(count, 0xF022 + bits), { shardSplitThresholdBytes: 1, shardFanoutBits: bits }, store)
    const blocks = await walk(store, root, `importer fanout ${2 ** bits}`)
    seeds.push(...blocks)

    // the root again with mode and mtime, the only node allowed to carry them
    const node = decodeShard(blocks[0].bytes, { path: [] })
    const bytes = encodeShard({ ...node, mode: 0o750, mtime: { secs: 1_700_000_000n, nsecs: 123_456_789 } })
    seeds.push({ label: `importer fanout ${2 ** bits} root with mode and mtime`, bytes, position: { path: [] } })
  }

  return seeds
}

// ---------------------------------------------------------------------------
// protobuf surgery

interface Field {
  field: number
  wire: number
  /** The whole field, key included */
  raw: Uint8Array
  /** The payload of a length-delimited field, or the varint's value */
  payload?: Uint8Array
  value?: bigint
}

function readVarint (bytes: Uint8Array, offset: number): [bigint, number] | undefined {
  let value = 0n
  for (let shift = 0n; shift < 70n; shift += 7n) {
    if (offset >= bytes.length) {
      return undefined
    }
    const byte = bytes[offset++]
    value |= BigInt(byte & 0x7F) << shift
    if (byte < 0x80) {
      return [value, offset]
    }
  }
  return undefined
}

function writeVarint (value: bigint, padding = 0): Uint8Array {
  const out: number[] = []
  let n = value < 0n ? 0n : value
  do {
    out.push(Number(n & 0x7Fn))
    n >>= 7n
  } while (n > 0n)
  for (let i = 0; i < padding; i++) {
    out.push(0)
  }
  for (let i = 0; i < out.length - 1; i++) {
    out[i] |= 0x80
  }
  return Uint8Array.from(out)
}

/** Top-level fields of a protobuf message, or undefined when it does not parse */
function parseFields (bytes: Uint8Array): Field[] | undefined {
  const fields: Field[] = []
  let offset = 0
  while (offset < bytes.length) {
    const start = offset
    const key = readVarint(bytes, offset)
    if (key == null) {
      return undefined
    }
    offset = key[1]
    const wire = Number(key[0] & 7n)
    const field = Number(key[0] >> 3n)
    if (wire === 0) {
      const v = readVarint(bytes, offset)
      if (v == null) {
        return undefined
      }
      offset = v[1]
      fields.push({ field, wire, raw: bytes.subarray(start, offset), value: v[0] })
    } else if (wire === 2) {
      const len = readVarint(bytes, offset)
      if (len == null || BigInt(len[1]) + len[0] > BigInt(bytes.length)) {
        return undefined
      }
      offset = len[1] + Number(len[0])
      fields.push({ field, wire, raw: bytes.subarray(start, offset), payload: bytes.subarray(len[1], offset) })
    } else if (wire === 5 || wire === 1) {
      offset += wire === 5 ? 4 : 8
      if (offset > bytes.length) {
        return undefined
      }
      fields.push({ field, wire, raw: bytes.subarray(start, offset) })
    } else {
      return undefined
    }
  }
  return fields
}

function lengthDelimited (field: number, payload: Uint8Array): Uint8Array {
  return concat([writeVarint(BigInt(field * 8 + 2)), writeVarint(BigInt(payload.length)), payload])
}

export type FieldOp =
  | { op: 'drop', a: number }
  | { op: 'duplicate', a: number }
  | { op: 'swap', a: number, b: number }
  | { op: 'reverse' }
  | { op: 'varint', a: number, value: bigint, padding: number }
  | { op: 'name', a: number, edit: 'lower' | 'upper' | 'cut' | 'char' | 'empty', at: number, char: number }

export type Mutation =
  | { kind: 'flip', at: number, xor: number }
  | { kind: 'set', at: number, value: number }
  | { kind: 'truncate', at: number }
  | { kind: 'insert', at: number, bytes: Uint8Array }
  | { kind: 'delete', at: number, length: number }
  /** On the PBNode's own fields (links and Data) */
  | { kind: 'node', fieldOp: FieldOp }
  /** On the fields of the UnixFS Data message */
  | { kind: 'data', fieldOp: FieldOp }
  /** On the fields of one PBLink */
  | { kind: 'link', link: number, fieldOp: FieldOp }

const textEncoder = new TextEncoder()
const textDecoder = new TextDecoder()

function applyFieldOp (fields: Field[], op: FieldOp): Uint8Array[] {
  const raws = fields.map(f => f.raw)
  if (fields.length === 0) {
    return raws
  }
  switch (op.op) {
    case 'drop': {
      raws.splice(op.a % raws.length, 1)
      return raws
    }
    case 'duplicate': {
      const i = op.a % raws.length
      raws.splice(i, 0, raws[i])
      return raws
    }
    case 'swap': {
      const i = op.a % raws.length
      const j = op.b % raws.length
      ;[raws[i], raws[j]] = [raws[j], raws[i]]
      return raws
    }
    case 'reverse':
      return raws.reverse()
    case 'varint': {
      const varints = fields.map((f, i) => [f, i] as const).filter(([f]) => f.wire === 0)
      if (varints.length === 0) {
        return raws
      }
      const [f, i] = varints[op.a % varints.length]
      raws[i] = concat([writeVarint(BigInt(f.field * 8)), writeVarint(op.value, op.padding)])
      return raws
    }
    case 'name': {
      const strings = fields.map((f, i) => [f, i] as const).filter(([f]) => f.wire === 2 && f.field === 2)
      if (strings.length === 0) {
        return raws
      }
      const [f, i] = strings[op.a % strings.length]
      const name = textDecoder.decode(f.payload)
      let edited: string
      const at = name.length === 0 ? 0 : op.at % name.length
      switch (op.edit) {
        case 'lower': edited = name.toLowerCase(); break
        case 'upper': edited = name.toUpperCase(); break
        case 'cut': edited = name.slice(0, at); break
        case 'empty': edited = ''; break
        default: edited = name.slice(0, at) + String.fromCharCode(op.char) + name.slice(at + 1)
      }
      raws[i] = lengthDelimited(2, textEncoder.encode(edited))
      return raws
    }
    default:
      return raws
  }
}

export function mutate (input: Uint8Array, mutation: Mutation): Uint8Array {
  // never write into `input`: seed blocks may be Node Buffers, whose slice() is a view
  const bytes = input
  const at = (n: number, extra = 0): number => bytes.length + extra === 0 ? 0 : n % (bytes.length + extra)
  switch (mutation.kind) {
    case 'flip': {
      if (bytes.length === 0) {
        return bytes
      }
      const out = Uint8Array.from(bytes)
      out[at(mutation.at)] ^= mutation.xor
      return out
    }
    case 'set': {
      if (bytes.length === 0) {
        return bytes
      }
      const out = Uint8Array.from(bytes)
      out[at(mutation.at)] = mutation.value
      return out
    }
    case 'truncate':
      return bytes.slice(0, at(mutation.at))
    case 'insert': {
      const i = at(mutation.at, 1)
      return concat([bytes.subarray(0, i), mutation.bytes, bytes.subarray(i)])
    }
    case 'delete': {
      const i = at(mutation.at)
      return concat([bytes.subarray(0, i), bytes.subarray(i + mutation.length)])
    }
    default:
      return mutateFields(bytes, mutation)
  }
}

/** The protobuf-aware mutations */
function mutateFields (bytes: Uint8Array, mutation: Mutation): Uint8Array {
  switch (mutation.kind) {
    case 'node': {
      const fields = parseFields(bytes)
      return fields == null ? bytes : concat(applyFieldOp(fields, mutation.fieldOp))
    }
    case 'data': {
      const fields = parseFields(bytes)
      const index = fields?.findIndex(f => f.field === 1 && f.wire === 2) ?? -1
      const inner = index < 0 || fields == null ? undefined : parseFields(fields[index].payload as Uint8Array)
      if (fields == null || inner == null) {
        return bytes
      }
      const raws = fields.map(f => f.raw)
      raws[index] = lengthDelimited(1, concat(applyFieldOp(inner, mutation.fieldOp)))
      return concat(raws)
    }
    case 'link': {
      const fields = parseFields(bytes)
      const links = fields?.map((f, i) => [f, i] as const).filter(([f]) => f.field === 2 && f.wire === 2) ?? []
      if (fields == null || links.length === 0) {
        return bytes
      }
      const [link, index] = links[mutation.link % links.length]
      const inner = parseFields(link.payload as Uint8Array)
      if (inner == null) {
        return bytes
      }
      const raws = fields.map(f => f.raw)
      raws[index] = lengthDelimited(2, concat(applyFieldOp(inner, mutation.fieldOp)))
      return concat(raws)
    }
    default:
      return bytes
  }
}

// ---------------------------------------------------------------------------
// arbitraries and the property

const index = fc.nat({ max: 1 << 20 })

const varintValue = fc.oneof(
  fc.bigInt({ min: 0n, max: 300n }),
  fc.constantFrom(0x22n, 0x12n, 0x1022n, 8n, 16n, 256n, 1024n, 2048n, 1n << 20n, 1n << 32n, (1n << 53n) + 1n, (1n << 63n), (1n << 64n) - 1n),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })
)

const fieldOp: fc.Arbitrary<FieldOp> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), a: index }),
  fc.record({ op: fc.constant('duplicate' as const), a: index }),
  fc.record({ op: fc.constant('swap' as const), a: index, b: index }),
  fc.record({ op: fc.constant('reverse' as const) }),
  fc.record({ op: fc.constant('varint' as const), a: index, value: varintValue, padding: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3 })) }),
  fc.record({ op: fc.constant('name' as const), a: index, edit: fc.constantFrom('lower' as const, 'upper' as const, 'cut' as const, 'char' as const, 'empty' as const), at: index, char: fc.oneof(fc.integer({ min: 0x20, max: 0x7E }), fc.constantFrom(0x2F, 0x2E, 0x00, 0xD800, 0xFFFD)) })
)

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: index, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: index, value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: index }),
  fc.record({ kind: fc.constant('insert' as const), at: index, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: index, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('node' as const), fieldOp }),
  fc.record({ kind: fc.constant('data' as const), fieldOp }),
  fc.record({ kind: fc.constant('link' as const), link: index, fieldOp })
)

/** The real position, mostly; sometimes a random one */
const positionArbitrary: fc.Arbitrary<ShardPosition | undefined> = fc.oneof(
  { weight: 9, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.record({
      path: fc.array(fc.nat({ max: 1023 }), { maxLength: 12 }),
      parentFanout: fc.constantFrom(undefined, 8, 16, 256, 1024, 12)
    })
  }
)

export interface FuzzCase {
  seed: number
  mutations: Mutation[]
  position?: ShardPosition
}

export function fuzzCaseArbitrary (seedCount: number): fc.Arbitrary<FuzzCase> {
  return fc.record({
    seed: fc.nat({ max: seedCount - 1 }),
    mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
    position: positionArbitrary
  })
}

export type Outcome = 'decoded' | typeof TYPED_ERRORS[number]

/** Decodes one input; throws (fails the property) unless the outcome is allowed */
export function checkDecode (bytes: Uint8Array, position: ShardPosition): Outcome {
  let node
  try {
    node = decodeShard(bytes, position)
  } catch (err: any) {
    if ((TYPED_ERRORS as readonly string[]).includes(err?.name)) {
      return err.name
    }
    throw new Error(`decodeShard threw an untyped error: ${String(err?.stack ?? err)}`)
  }
  let again: Uint8Array
  try {
    again = encodeShard(node)
  } catch (err: any) {
    throw new Error(`a decoded node does not encode: ${String(err?.stack ?? err)}`)
  }
  if (!equals(again, bytes)) {
    throw new Error('a decoded node re-encodes to other bytes')
  }
  return 'decoded'
}

export function applyCase (seeds: SeedBlock[], fuzzCase: FuzzCase): { bytes: Uint8Array, position: ShardPosition } {
  const seed = seeds[fuzzCase.seed]
  let bytes = seed.bytes
  for (const mutation of fuzzCase.mutations) {
    bytes = mutate(bytes, mutation)
  }
  return { bytes, position: fuzzCase.position ?? seed.position }
}

export interface FuzzReport {
  runs: number
  seed: number
  ms: number
  outcomes: Record<string, number>
  /** What fast-check reported on failure: the seed, the path to replay and the shrunk counterexample */
  failure?: string
}

/** Runs the property `runs` times from `seed` */
export function runFuzz (seeds: SeedBlock[], runs: number, seed: number): FuzzReport {
  const outcomes: Record<string, number> = {}
  const started = Date.now()

  // every seed block decodes and re-encodes unchanged as it is
  for (const block of seeds) {
    const outcome = checkDecode(block.bytes, block.position)
    if (outcome !== 'decoded') {
      throw new Error(`seed block ${block.label} does not decode: ${outcome}`)
    }
  }

  const property = fc.property(fuzzCaseArbitrary(seeds.length), fuzzCase => {
    const { bytes, position } = applyCase(seeds, fuzzCase)
    const outcome = checkDecode(bytes, position)
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
  })
  const details = fc.check(property, { numRuns: runs, seed })

  const report: FuzzReport = { runs: details.numRuns, seed, ms: Date.now() - started, outcomes }
  if (details.failed) {
    report.failure = `fuzz failed with seed ${seed} (replay: FUZZ_SEED=${seed}, fast-check path ${details.counterexamplePath ?? '?'})\n` +
      `counterexample: ${fc.stringify(details.counterexample)}\n${String((details.errorInstance as Error | undefined)?.stack ?? details.errorInstance)}`
  }
  return report
}

/** The seed from FUZZ_SEED (a number), else `fallback` */
export function seedFromEnv (fallback: number): number {
  const value = process.env.FUZZ_SEED
  if (value == null || value === '') {
    return fallback
  }
  const seed = Number(value)
  if (!Number.isInteger(seed)) {
    throw new Error(`FUZZ_SEED must be an integer, got ${value}`)
  }
  return seed
}
