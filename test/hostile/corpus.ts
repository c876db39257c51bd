/**
 * A corpus of malformed and hostile directory blocks and trees.
 *
 * Every case starts from a valid HAMT built by `ipfs-unixfs-importer`
 * (threshold 1, so it is sharded, with sub-shards) or from a small tree
 * written here by hand, and forges one root or sub-shard block. A forged
 * block is put under its real sha2-256 CID and its ancestors are re-linked
 * and re-hashed, so every CID in the tree matches its bytes unless the case
 * is about a lying blockstore.
 *
 * The UnixFS Data and dag-pb protobufs are written here by hand where the
 * case needs fields or orders that `ipfs-unixfs` and `@ipld/dag-pb` refuse to
 * produce (a hash type other than 0x22, a missing fanout, unsorted links, a
 * link without Tsize, Data before Links, non-minimal varints...).
 */

import * as dagPb from '@ipld/dag-pb'
import { MemoryBlockstore } from 'blockstore-core/memory'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { concat } from 'uint8arrays/concat'
import { hashName, slotAt } from '../../src/hamt/hash.js'
import { randomEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import type { Directory, DirectoryEntry, DynamicDirectoryInit } from '../../src/index.js'
import type { AbortOptions } from '@libp2p/interface'
import type { Blockstore } from 'interface-blockstore'

export type ExpectedError = 'InvalidShardError' | 'InvalidBlockError' | 'NotADirectoryError' | 'InvalidDirectoryError' | 'BlockFetchError' | 'BlockVerificationError'

export interface HostileTree {
  /** What the directory reads from */
  blockstore: Blockstore
  /** The forged root (or the valid root above a forged sub-shard) */
  root: CID
  /** The operation that must fail; absent when `open(root)` itself must fail */
  trigger?(dir: Directory): Promise<unknown>
  /** A valid root in the same blockstore, for open-failure cases */
  goodRoot: CID
  /** An entry reachable without touching the bad node, in `root` (or `goodRoot` for open failures) */
  known: DirectoryEntry
  /** A name absent from the directory whose path avoids the bad node */
  fresh: string
  /** Options for `dynamicDirectory` besides the defaults the spec uses */
  init?: DynamicDirectoryInit
  /** Only reads may follow the failure (edits would reach the bad node too) */
  readOnlyControl?: boolean
  /** The most blocks the failing operation may ask the blockstore for (open included) */
  maxGets?: number
}

export interface HostileCase {
  name: string
  expected: ExpectedError
  build(): Promise<HostileTree>
}

// ---------------------------------------------------------------------------
// protobuf writing

export function varint (value: number | bigint): Uint8Array {
  let n = BigInt(value)
  if (n < 0n) {
    throw new Error('varint: negative')
  }
  const out: number[] = []
  do {
    let byte = Number(n & 0x7Fn)
    n >>= 7n
    if (n > 0n) {
      byte |= 0x80
    }
    out.push(byte)
  } while (n > 0n)
  return Uint8Array.from(out)
}

/** A varint field */
export function fieldVarint (field: number, value: number | bigint): Uint8Array {
  return concat([varint(field * 8), varint(value)])
}

/** A length-delimited field */
export function fieldBytes (field: number, value: Uint8Array): Uint8Array {
  return concat([varint(field * 8 + 2), varint(value.length), value])
}

/** A fixed32 field */
export function fieldFixed32 (field: number, value: number): Uint8Array {
  const out = new Uint8Array(5)
  out.set(varint(field * 8 + 5))
  new DataView(out.buffer).setUint32(1, value, true)
  return out
}

const textEncoder = new TextEncoder()

/** UnixFS Data types */
export const TYPE = { raw: 0, directory: 1, file: 2, metadata: 3, symlink: 4, hamt: 5 }

export interface DataFields {
  type?: number
  data?: Uint8Array
  filesize?: number
  blocksizes?: number[]
  hashType?: number | bigint
  fanout?: number | bigint
  mode?: number
  mtime?: { secs: number, nsecs?: number }
}

/** The UnixFS Data message with the given fields, in field order, each at most once */
export function unixfsData (fields: DataFields): Uint8Array {
  const parts: Uint8Array[] = []
  if (fields.type != null) {
    parts.push(fieldVarint(1, fields.type))
  }
  if (fields.data != null) {
    parts.push(fieldBytes(2, fields.data))
  }
  if (fields.filesize != null) {
    parts.push(fieldVarint(3, fields.filesize))
  }
  for (const size of fields.blocksizes ?? []) {
    parts.push(fieldVarint(4, size))
  }
  if (fields.hashType != null) {
    parts.push(fieldVarint(5, fields.hashType))
  }
  if (fields.fanout != null) {
    parts.push(fieldVarint(6, fields.fanout))
  }
  if (fields.mode != null) {
    parts.push(fieldVarint(7, fields.mode))
  }
  if (fields.mtime != null) {
    const mtime = [fieldVarint(1, fields.mtime.secs)]
    if (fields.mtime.nsecs != null) {
      mtime.push(fieldFixed32(2, fields.mtime.nsecs))
    }
    parts.push(fieldBytes(8, concat(mtime)))
  }
  return concat(parts)
}

export interface RawLink {
  hash?: CID
  name?: string | Uint8Array
  tsize?: number | bigint
  /** Extra bytes appended inside the link message */
  extra?: Uint8Array
}

export function pbLink (link: RawLink): Uint8Array {
  const parts: Uint8Array[] = []
  if (link.hash != null) {
    parts.push(fieldBytes(1, link.hash.bytes))
  }
  if (link.name != null) {
    parts.push(fieldBytes(2, typeof link.name === 'string' ? textEncoder.encode(link.name) : link.name))
  }
  if (link.tsize != null) {
    parts.push(fieldVarint(3, link.tsize))
  }
  if (link.extra != null) {
    parts.push(link.extra)
  }
  return concat(parts)
}

export interface RawNode {
  links: RawLink[]
  data?: Uint8Array
  /** Writes Data before the Links (dag-pb canonical order is links first) */
  dataFirst?: boolean
}

/** A dag-pb node, written in the given link order with no checks */
export function pbNode (node: RawNode): Uint8Array {
  const links = node.links.map(link => fieldBytes(2, pbLink(link)))
  const data = node.data == null ? [] : [fieldBytes(1, node.data)]
  return concat(node.dataFirst === true ? [...data, ...links] : [...links, ...data])
}

// ---------------------------------------------------------------------------
// HAMT layout

export const MURMUR3_X64_64 = 0x22

export function prefixWidth (fanout: number): number {
  return (fanout - 1).toString(16).length
}

export function slotPrefix (slot: number, fanout: number): string {
  return slot.toString(16).toUpperCase().padStart(prefixWidth(fanout), '0')
}

/** The bitfield: big-endian, bit i is slot i, leading zero bytes stripped */
export function bitfield (slots: Iterable<number>): Uint8Array {
  const list = [...slots]
  const highest = Math.max(-1, ...list)
  const bytes = new Uint8Array(highest < 0 ? 0 : (highest >> 3) + 1)
  for (const slot of list) {
    bytes[bytes.length - 1 - (slot >> 3)] |= 1 << (slot & 7)
  }
  return bytes
}

export function slotOf (name: string, depth: number, fanout: number): number {
  return slotAt(hashName(name), depth, Math.log2(fanout))
}

export interface ShardLinkSpec {
  slot: number
  /** An entry's name; absent for a sub-shard link */
  name?: string
  cid: CID
  tsize?: number
}

/** The UnixFS Data of a valid shard node holding links in these slots */
export function shardData (fanout: number, slots: Iterable<number>, extra: Partial<DataFields> = {}): Uint8Array {
  return unixfsData({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout, ...extra })
}

/** A valid shard node (links sorted by slot) unless `extra` says otherwise */
export function shardBlock (fanout: number, links: ShardLinkSpec[], extra: Partial<DataFields> = {}): Uint8Array {
  const sorted = [...links].sort((a, b) => a.slot - b.slot)
  return pbNode({
    data: shardData(fanout, sorted.map(link => link.slot), extra),
    links: sorted.map(link => ({ hash: link.cid, name: slotPrefix(link.slot, fanout) + (link.name ?? ''), tsize: link.tsize ?? 100 }))
  })
}

export async function cidFor (bytes: Uint8Array, codec: number = dagPb.code): Promise<CID> {
  return CID.createV1(codec, await sha256.digest(bytes))
}

export async function putBlock (blockstore: Pick<Blockstore, 'put'>, bytes: Uint8Array, codec: number = dagPb.code): Promise<CID> {
  const cid = await cidFor(bytes, codec)
  await blockstore.put(cid, bytes)
  return cid
}

export async function readBytes (blockstore: Pick<Blockstore, 'get'>, cid: CID): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of blockstore.get(cid)) {
    chunks.push(chunk)
  }
  return concat(chunks)
}

/** A CID for an entry's target: it need not exist, entries are never fetched */
export async function targetCid (label: string): Promise<CID> {
  return cidFor(textEncoder.encode(label), raw.code)
}

// ---------------------------------------------------------------------------
// the valid base trees

interface Base {
  fanout: number
  entries: DirectoryEntry[]
  root: CID
  blocks: Array<{ cid: CID, bytes: Uint8Array }>
}

const bases = new Map<number, Promise<Base>>()

async function makeBase (fanout: number): Promise<Base> {
  const bits = Math.log2(fanout)
  // 600 entries over 256 slots, or 120 over 16: many sub-shards, some two deep
  const entries = randomEntries(fanout === 256 ? 600 : 120, 0xBAD + fanout, { cidKinds: ['v1-raw', 'v0'] })
  const store = new MemoryBlockstore()
  const root = await importerDirectory(entries, { shardSplitThresholdBytes: 1, shardFanoutBits: bits }, store)
  const blocks: Base['blocks'] = []
  for await (const { cid } of store.getAll()) {
    blocks.push({ cid, bytes: await readBytes(store, cid) })
  }
  return { fanout, entries, root, blocks }
}

async function base (fanout: 256 | 16): Promise<Base> {
  let found = bases.get(fanout)
  if (found == null) {
    found = makeBase(fanout)
    bases.set(fanout, found)
  }
  return found
}

/** A fresh blockstore holding a base tree, with helpers to forge and re-link its nodes */
export class Forge {
  readonly fanout: number
  readonly root: CID
  readonly entries: DirectoryEntry[]
  readonly store: MemoryBlockstore

  private constructor (b: Base, store: MemoryBlockstore) {
    this.fanout = b.fanout
    this.root = b.root
    this.entries = b.entries
    this.store = store
  }

  static async of (fanout: 256 | 16): Promise<Forge> {
    const b = await base(fanout)
    const store = new MemoryBlockstore()
    for (const { cid, bytes } of b.blocks) {
      await store.put(cid, bytes)
    }
    return new Forge(b, store)
  }

  get width (): number {
    return prefixWidth(this.fanout)
  }

  async put (bytes: Uint8Array, codec: number = dagPb.code): Promise<CID> {
    return putBlock(this.store, bytes, codec)
  }

  async node (cid: CID): Promise<dagPb.PBNode> {
    return dagPb.decode(await readBytes(this.store, cid))
  }

  /** The CID of the node at `path` (slots from the root) */
  async cidAt (path: readonly number[]): Promise<CID> {
    let cid = this.root
    for (const slot of path) {
      const node = await this.node(cid)
      const link = node.Links.find(l => l.Name === slotPrefix(slot, this.fanout))
      if (link == null) {
        throw new Error(`no sub-shard at ${path.join('/')}`)
      }
      cid = link.Hash
    }
    return cid
  }

  async bytesAt (path: readonly number[]): Promise<Uint8Array> {
    return readBytes(this.store, await this.cidAt(path))
  }

  /** The node at `path` as raw links, for editing */
  async rawAt (path: readonly number[]): Promise<{ data: Uint8Array, links: RawLink[] }> {
    const node = await this.node(await this.cidAt(path))
    return {
      data: node.Data ?? new Uint8Array(),
      links: node.Links.map(link => ({ hash: link.Hash, name: link.Name, tsize: link.Tsize }))
    }
  }

  /** Slots of the node at `path` that hold sub-shards */
  async subShardSlots (path: readonly number[] = []): Promise<number[]> {
    const node = await this.node(await this.cidAt(path))
    return node.Links.filter(link => link.Name?.length === this.width).map(link => parseInt(link.Name ?? '', 16))
  }

  /** A path to a sub-shard `depth` levels down */
  async subShardPath (depth: number): Promise<number[]> {
    const search = async (path: number[]): Promise<number[] | undefined> => {
      if (path.length === depth) {
        return path
      }
      for (const slot of await this.subShardSlots(path)) {
        const found = await search([...path, slot])
        if (found != null) {
          return found
        }
      }
      return undefined
    }
    const path = await search([])
    if (path == null) {
      throw new Error(`the base tree has no sub-shard ${depth} deep`)
    }
    return path
  }

  /** Entry names held directly by the node at `path` */
  async namesAt (path: readonly number[]): Promise<string[]> {
    const node = await this.node(await this.cidAt(path))
    return node.Links.filter(link => (link.Name?.length ?? 0) > this.width).map(link => (link.Name ?? '').slice(this.width))
  }

  entry (name: string): DirectoryEntry {
    const found = this.entries.find(e => e.name === name)
    if (found == null) {
      throw new Error(`no entry ${name}`)
    }
    return found
  }

  /** An entry whose root slot is not one of `bad` */
  known (bad: readonly number[]): DirectoryEntry {
    const found = this.entries.find(e => !bad.includes(slotOf(e.name, 0, this.fanout)))
    if (found == null) {
      throw new Error('no entry away from the bad slots')
    }
    return found
  }

  /** A name not in the directory whose root slot is not one of `bad` */
  fresh (bad: readonly number[]): string {
    return freshName(this.fanout, bad, new Set(this.entries.map(e => e.name)))
  }

  /** Puts `bytes` as the node at `path` and re-links its ancestors; returns the new root */
  async replaceAt (path: readonly number[], bytes: Uint8Array, codec: number = dagPb.code): Promise<CID> {
    const chain: dagPb.PBNode[] = []
    let cid = this.root
    for (const slot of path) {
      const node = await this.node(cid)
      chain.push(node)
      const link = node.Links.find(l => l.Name === slotPrefix(slot, this.fanout))
      if (link == null) {
        throw new Error(`no sub-shard at ${path.join('/')}`)
      }
      cid = link.Hash
    }

    let child = await this.put(bytes, codec)
    for (let depth = path.length - 1; depth >= 0; depth--) {
      const node = chain[depth]
      const name = slotPrefix(path[depth], this.fanout)
      const hash = child
      const links = node.Links.map(link => link.Name === name ? { ...link, Hash: hash } : link)
      child = await this.put(dagPb.encode({ Data: node.Data, Links: links }))
    }
    return child
  }

  /** The case's tree once the root (or what it links) is forged */
  tree (root: CID, bad: readonly number[], more: Partial<HostileTree> = {}): HostileTree {
    return {
      blockstore: this.store,
      root,
      goodRoot: this.root,
      known: this.known(bad),
      fresh: this.fresh(bad),
      ...more
    }
  }
}

export function freshName (fanout: number, bad: readonly number[], taken: Set<string>): string {
  for (let i = 0; ; i++) {
    const name = `fresh-${i}`
    if (!taken.has(name) && !bad.includes(slotOf(name, 0, fanout))) {
      return name
    }
  }
}

// ---------------------------------------------------------------------------
// a lying blockstore

/** Returns other bytes than the stored ones for some CIDs: what a blockstore that does not verify could do */
export class LyingBlockstore extends MemoryBlockstore {
  private readonly lies = new Map<string, Uint8Array>()

  lie (cid: CID, bytes: Uint8Array): void {
    this.lies.set(cid.multihash.bytes.join(), bytes)
  }

  get (key: CID, options?: AbortOptions): Generator<Uint8Array> | AsyncGenerator<Uint8Array> {
    const lie = this.lies.get(key.multihash.bytes.join())
    if (lie != null) {
      return (function * () { yield lie })()
    }
    return super.get(key, options)
  }
}

async function lyingCopy (forge: Forge): Promise<LyingBlockstore> {
  const store = new LyingBlockstore()
  for await (const { cid } of forge.store.getAll()) {
    await store.put(cid, await readBytes(forge.store, cid))
  }
  return store
}

// ---------------------------------------------------------------------------
// hand-made trees: chains of sub-shards

/**
 * A root holding `known` directly and, in `name`'s root slot, a chain of
 * `levels` sub-shard nodes (the root counts as the first); the last holds
 * `name`. Below the depth the hash allows, every link sits in slot 0.
 */
export async function chainTree (fanout: number, levels: number, name: string, known: string): Promise<{ store: MemoryBlockstore, root: CID, goodRoot: CID, knownEntry: DirectoryEntry, fresh: string, chainSlot: number }> {
  const store = new MemoryBlockstore()
  const bits = Math.log2(fanout)
  const hash = hashName(name)
  const slotAtDepth = (d: number): number => d < Math.floor(64 / bits) ? slotAt(hash, d, bits) : 0
  const knownEntry: DirectoryEntry = { name: known, cid: await targetCid(known), size: 7n }
  const knownSlot = slotOf(known, 0, fanout)
  if (knownSlot === slotAtDepth(0)) {
    throw new Error('pick another known name')
  }

  let child: ShardLinkSpec = { slot: slotAtDepth(levels - 1), name, cid: await targetCid(name), tsize: 3 }
  for (let d = levels - 1; d >= 1; d--) {
    const cid = await putBlock(store, shardBlock(fanout, [child]))
    child = { slot: slotAtDepth(d - 1), cid }
  }
  const knownLink = { slot: knownSlot, name: known, cid: knownEntry.cid, tsize: 7 }
  const root = await putBlock(store, shardBlock(fanout, [child, knownLink]))
  const goodRoot = await putBlock(store, shardBlock(fanout, [knownLink]))
  const fresh = freshName(fanout, [child.slot, knownSlot], new Set([name, known]))
  return { store, root, goodRoot, knownEntry, fresh, chainSlot: child.slot }
}

// ---------------------------------------------------------------------------
// the cases

const get = (name: string) => async (dir: Directory) => dir.get(name)
const list = async (dir: Directory): Promise<DirectoryEntry[]> => {
  const out: DirectoryEntry[] = []
  for await (const entry of dir.entries()) {
    out.push(entry)
  }
  return out
}

/** A root forged from the base root's links and Data */
function rootCase (name: string, expected: ExpectedError, forge: (f: Forge, root: { data: Uint8Array, links: RawLink[] }) => Promise<Uint8Array | { bytes: Uint8Array, codec: number }>, fanout: 256 | 16 = 256): HostileCase {
  return {
    name,
    expected,
    async build () {
      const f = await Forge.of(fanout)
      const out = await forge(f, await f.rawAt([]))
      const root = out instanceof Uint8Array ? await f.put(out) : await f.put(out.bytes, out.codec)
      return f.tree(root, [])
    }
  }
}

/** A root with the base root's links and these Data fields */
function rootDataCase (name: string, expected: ExpectedError, fields: (f: Forge, slots: number[]) => DataFields): HostileCase {
  return rootCase(name, expected, async (f, root) => {
    const slots = root.links.map(link => parseInt((link.name as string).slice(0, f.width), 16))
    return pbNode({ links: root.links, data: unixfsData(fields(f, slots)) })
  })
}

/** The base root's links, edited, with a bitfield matching the edited links unless `keepBitfield` */
function rootLinksCase (name: string, expected: ExpectedError, edit: (f: Forge, links: RawLink[]) => Promise<RawLink[]>, keepBitfield = false): HostileCase {
  return rootCase(name, expected, async (f, root) => {
    const links = await edit(f, root.links)
    const slots = links.map(link => parseInt(typeof link.name === 'string' ? link.name.slice(0, f.width) : '0', 16)).filter(slot => Number.isInteger(slot) && slot < f.fanout)
    return pbNode({ links, data: keepBitfield ? root.data : shardData(f.fanout, slots) })
  })
}

/** A basic directory root */
function basicCase (name: string, links: (f: Forge) => Promise<RawLink[]>): HostileCase {
  return rootCase(name, 'InvalidDirectoryError', async (f) => pbNode({ links: await links(f), data: unixfsData({ type: TYPE.directory }) }))
}

/** Replaces the first sub-shard of the base tree (or the one at `depth`) with a forged block */
function subShardCase (name: string, expected: ExpectedError, forge: (f: Forge, path: number[]) => Promise<Uint8Array>, options: { fanout?: 256 | 16, depth?: number, trigger?: 'get' | 'entries' | 'delete' | 'set', codec?: number } = {}): HostileCase {
  return {
    name,
    expected,
    async build () {
      const f = await Forge.of(options.fanout ?? 256)
      const path = await f.subShardPath(options.depth ?? 1)
      const inside = (await f.namesAt(path))[0] ?? f.entries.find(e => slotOf(e.name, 0, f.fanout) === path[0])?.name
      if (inside == null) {
        throw new Error('no name routed to the sub-shard')
      }
      const root = await f.replaceAt(path, await forge(f, path), options.codec)
      const tree = f.tree(root, [path[0]])
      switch (options.trigger ?? 'get') {
        case 'entries': tree.trigger = list; break
        case 'delete': tree.trigger = async dir => dir.delete(inside); break
        case 'set': tree.trigger = async dir => dir.set(inside, await targetCid('new'), { size: 1n }); break
        default: tree.trigger = get(inside)
      }
      return tree
    }
  }
}

/** The sub-shard at `path` rewritten from its links */
export async function rewriteSubShard (f: Forge, path: number[], edit: (links: ShardLinkSpec[]) => ShardLinkSpec[] | Promise<ShardLinkSpec[]>, extra: Partial<DataFields> = {}): Promise<Uint8Array> {
  const raw = await f.rawAt(path)
  const links: ShardLinkSpec[] = raw.links.map(link => {
    const label = link.name as string
    return {
      slot: parseInt(label.slice(0, f.width), 16),
      name: label.length > f.width ? label.slice(f.width) : undefined,
      cid: link.hash as CID,
      tsize: Number(link.tsize)
    }
  })
  return shardBlock(f.fanout, await edit(links), extra)
}

function rootSlot (f: Forge, link: RawLink): number {
  return parseInt((link.name as string).slice(0, f.width), 16)
}

function isSubShardLink (f: Forge, link: RawLink): boolean {
  return (link.name as string).length === f.width
}

function freeSlot (f: Forge, links: RawLink[], from = 0): number {
  const used = new Set(links.map(link => rootSlot(f, link)))
  for (let slot = from; slot < f.fanout; slot++) {
    if (!used.has(slot)) {
      return slot
    }
  }
  throw new Error('no free slot')
}

function sortLinks (f: Forge, links: RawLink[]): RawLink[] {
  return [...links].sort((a, b) => rootSlot(f, a) - rootSlot(f, b))
}

export const cases: HostileCase[] = [
  // --- the root block itself -------------------------------------------------
  rootCase('root: bytes that are not dag-pb (CBOR map)', 'InvalidBlockError', async () => Uint8Array.from([0xA1, 0x61, 0x61, 0x01])),
  rootCase('root: truncated dag-pb block', 'InvalidBlockError', async (f) => (await f.bytesAt([])).slice(0, 37)),
  rootCase('root: a link with a field dag-pb does not know', 'InvalidBlockError', async (f, root) =>
    pbNode({ data: root.data, links: root.links.map((link, i) => i === 0 ? { ...link, extra: fieldVarint(9, 1) } : link) })),
  rootCase('root: a dag-pb node CID whose codec is raw', 'NotADirectoryError', async (f) => ({ bytes: await f.bytesAt([]), codec: raw.code })),
  rootCase('root: no Data field', 'NotADirectoryError', async (f, root) => pbNode({ links: root.links })),
  rootCase('root: Data is not a UnixFS protobuf', 'InvalidBlockError', async (f, root) => pbNode({ links: root.links, data: Uint8Array.from([0xFF, 0xFF, 0xFF]) })),
  rootDataCase('root: UnixFS file', 'NotADirectoryError', () => ({ type: TYPE.file, data: Uint8Array.from([1, 2, 3]) })),
  rootDataCase('root: UnixFS symlink', 'NotADirectoryError', () => ({ type: TYPE.symlink, data: textEncoder.encode('/etc/passwd') })),
  rootDataCase('root: UnixFS raw', 'NotADirectoryError', () => ({ type: TYPE.raw, data: Uint8Array.from([1]) })),
  rootDataCase('root: UnixFS metadata', 'NotADirectoryError', () => ({ type: TYPE.metadata })),
  rootDataCase('root: UnixFS type absent (reads as a file)', 'NotADirectoryError', (f, slots) => ({ data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootDataCase('root: unknown UnixFS type 42', 'InvalidBlockError', (f, slots) => ({ type: 42, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootDataCase('root: hashType absent', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), fanout: f.fanout })),
  rootDataCase('root: hashType sha2-256 (0x12)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: 0x12, fanout: f.fanout })),
  rootDataCase('root: hashType murmur3-x64-128 (0x1022)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: 0x1022, fanout: f.fanout })),
  rootDataCase('root: hashType 0x22 + 2^64 (wraps to 0x22 in 64 bits)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: (1n << 64n) + 0x22n, fanout: f.fanout })),
  rootDataCase('root: fanout absent', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64 })),
  rootDataCase('root: fanout 0', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: 0 })),
  rootDataCase('root: fanout 4 (a power of two, not a multiple of 8)', 'InvalidShardError', () => ({ type: TYPE.hamt, hashType: MURMUR3_X64_64, fanout: 4 })),
  rootDataCase('root: fanout 12 (not a power of two)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots.filter(s => s < 12)), hashType: MURMUR3_X64_64, fanout: 12 })),
  rootDataCase('root: fanout 24 (a multiple of 8, not a power of two)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots.filter(s => s < 24)), hashType: MURMUR3_X64_64, fanout: 24 })),
  rootDataCase('root: fanout 2048 (over 1024)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: 2048 })),
  rootDataCase('root: fanout 2^20 (refused before allocating)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: 2 ** 20 })),
  rootDataCase('root: fanout 2^40 (an array that size would throw RangeError)', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: 2 ** 40 })),
  rootDataCase('root: fanout 2^64 - 1', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), hashType: MURMUR3_X64_64, fanout: (1n << 64n) - 1n })),
  rootDataCase('root: bitfield longer than fanout/8 bytes', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: concat([new Uint8Array(1), bitfield(slots)]), hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootCase('root: bitfield with a leading zero byte', 'InvalidShardError', async (f, root) => {
    // only slots under 248, so the padded bitfield still fits in fanout/8 bytes
    const links = root.links.filter(link => rootSlot(f, link) < 248)
    return pbNode({ links, data: unixfsData({ type: TYPE.hamt, data: concat([new Uint8Array(1), bitfield(links.map(link => rootSlot(f, link)))]), hashType: MURMUR3_X64_64, fanout: f.fanout }) })
  }),
  rootDataCase('root: bitfield sets a slot with no link', 'InvalidShardError', (f, slots) => {
    const free = [...Array(f.fanout).keys()].find(s => !slots.includes(s)) ?? 0
    return { type: TYPE.hamt, data: bitfield([...slots, free]), hashType: MURMUR3_X64_64, fanout: f.fanout }
  }),
  rootDataCase('root: bitfield misses a linked slot', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots.slice(1)), hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootDataCase('root: bitfield absent while links exist', 'InvalidShardError', (f) => ({ type: TYPE.hamt, hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootDataCase('root: a blocksizes field (a file field) besides the shard fields', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), blocksizes: [10], hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootDataCase('root: a filesize field besides the shard fields', 'InvalidShardError', (f, slots) => ({ type: TYPE.hamt, data: bitfield(slots), filesize: 0, hashType: MURMUR3_X64_64, fanout: f.fanout })),
  rootCase('root: UnixFS fields out of order (fanout before hashType)', 'InvalidShardError', async (f, root) => {
    const slots = root.links.map(link => rootSlot(f, link))
    return pbNode({ links: root.links, data: concat([fieldVarint(1, TYPE.hamt), fieldBytes(2, bitfield(slots)), fieldVarint(6, f.fanout), fieldVarint(5, MURMUR3_X64_64)]) })
  }),
  rootCase('root: hashType written twice', 'InvalidShardError', async (f, root) => pbNode({ links: root.links, data: concat([root.data, fieldVarint(5, MURMUR3_X64_64)]) })),
  rootCase('root: fanout as a non-minimal varint', 'InvalidShardError', async (f, root) => {
    const slots = root.links.map(link => rootSlot(f, link))
    // 256 is 0x80 0x02; written with a redundant continuation: 0x80 0x82 0x00
    return pbNode({ links: root.links, data: concat([fieldVarint(1, TYPE.hamt), fieldBytes(2, bitfield(slots)), fieldVarint(5, MURMUR3_X64_64), Uint8Array.from([6 * 8, 0x80, 0x82, 0x00])]) })
  }),
  rootCase('root: an empty Data bytes field on an empty shard', 'InvalidShardError', async (f) => pbNode({ links: [], data: unixfsData({ type: TYPE.hamt, data: new Uint8Array(), hashType: MURMUR3_X64_64, fanout: f.fanout }) })),
  rootCase('root: Data written before the Links', 'InvalidShardError', async (f, root) => pbNode({ ...root, dataFirst: true })),
  rootCase('root: more links than the fanout', 'InvalidShardError', async () => {
    const links: RawLink[] = []
    for (let i = 0; i < 9; i++) {
      links.push({ hash: await targetCid(`x${i}`), name: `${i % 8}x${i}`, tsize: 1 })
    }
    return pbNode({ links, data: shardData(8, [...Array(8).keys()]) })
  }),
  rootCase('root: a prefix not below the fanout (fanout 32, prefix 3F)', 'InvalidShardError', async () =>
    pbNode({ links: [{ hash: await targetCid('x'), name: '3Fx', tsize: 1 }], data: shardData(32, [31]) })),
  rootCase('root: a prefix not below the fanout (fanout 512, prefix FFF)', 'InvalidShardError', async () =>
    pbNode({ links: [{ hash: await targetCid('x'), name: 'FFFx', tsize: 1 }], data: shardData(512, [511]) })),
  rootLinksCase('root: a link name shorter than the prefix', 'InvalidShardError', async (f, links) => [{ hash: await targetCid('short'), name: '0', tsize: 1 }, ...links], true),
  rootLinksCase('root: a link without a name', 'InvalidShardError', async (f, links) => [{ hash: await targetCid('anon'), tsize: 1 }, ...links], true),
  rootLinksCase('root: a prefix that is not hex', 'InvalidShardError', async (f, links) => [...links, { hash: await targetCid('zz'), name: 'ZZzz', tsize: 1 }], true),
  rootLinksCase('root: a prefix in lower-case hex', 'InvalidShardError', async (f, links) => links.map(link => {
    const label = link.name as string
    return /[A-F]/.test(label.slice(0, f.width)) ? { ...link, name: label.slice(0, f.width).toLowerCase() + label.slice(f.width) } : link
  }), true),
  rootLinksCase('root: links out of order', 'InvalidShardError', async (f, links) => [links[1], links[0], ...links.slice(2)]),
  rootLinksCase('root: a link repeated', 'InvalidShardError', async (f, links) => [links[0], links[0], ...links.slice(1)]),
  rootLinksCase('root: an entry and a sub-shard in one slot', 'InvalidShardError', async (f, links) => {
    const shard = links.find(link => isSubShardLink(f, link)) as RawLink
    const entry = f.entries.find(e => slotOf(e.name, 0, f.fanout) !== rootSlot(f, shard)) as DirectoryEntry
    // the entry is written in the sub-shard's slot, right after it
    const name = (shard.name as string) + entry.name
    return [...links, { hash: entry.cid, name, tsize: 1 }].sort((a, b) => rootSlot(f, a) - rootSlot(f, b) || (a.name as string).length - (b.name as string).length)
  }),
  rootLinksCase('root: an entry whose name hashes to another slot', 'InvalidShardError', async (f, links) => {
    const index = links.findIndex(link => !isSubShardLink(f, link))
    const label = links[index].name as string
    const slot = freeSlot(f, links)
    const moved = { ...links[index], name: slotPrefix(slot, f.fanout) + label.slice(f.width) }
    return sortLinks(f, [...links.slice(0, index), moved, ...links.slice(index + 1)])
  }),
  rootLinksCase('root: the same entry name in two slots', 'InvalidShardError', async (f, links) => {
    const entry = links.find(link => !isSubShardLink(f, link)) as RawLink
    const slot = freeSlot(f, links)
    return sortLinks(f, [...links, { ...entry, name: slotPrefix(slot, f.fanout) + (entry.name as string).slice(f.width) }])
  }),
  rootLinksCase('root: an entry name containing "/" in its own slot', 'InvalidShardError', async (f, links) => {
    const name = 'etc/passwd'
    const slot = slotOf(name, 0, f.fanout)
    return sortLinks(f, [...links.filter(link => rootSlot(f, link) !== slot), { hash: await targetCid(name), name: slotPrefix(slot, f.fanout) + name, tsize: 1 }])
  }),
  rootLinksCase('root: an entry named ".." in its own slot', 'InvalidShardError', async (f, links) => {
    const slot = slotOf('..', 0, f.fanout)
    return sortLinks(f, [...links.filter(link => rootSlot(f, link) !== slot), { hash: await targetCid('..'), name: slotPrefix(slot, f.fanout) + '..', tsize: 1 }])
  }),
  rootLinksCase('root: an entry name that is not valid UTF-8', 'InvalidShardError', async (f, links) => {
    // U+FFFD U+FFFD is what a lenient decoder makes of FF FE
    const slot = slotOf('\uFFFD\uFFFD', 0, f.fanout)
    const name = concat([textEncoder.encode(slotPrefix(slot, f.fanout)), Uint8Array.from([0xFF, 0xFE])])
    return sortLinks(f, [...links.filter(link => rootSlot(f, link) !== slot), { hash: await targetCid('utf8'), name, tsize: 1 }])
  }),
  rootLinksCase('root: a link without Tsize', 'InvalidShardError', async (f, links) => links.map((link, i) => i === 0 ? { ...link, tsize: undefined } : link)),
  rootLinksCase('root: a Tsize written as a non-minimal varint', 'InvalidShardError', async (f, links) => links.map((link, i) => i === 0 ? { ...link, tsize: undefined, extra: Uint8Array.from([3 * 8, 0x81, 0x80, 0x00]) } : link)),
  {
    ...rootLinksCase('root: a link Tsize of 2^53 (over what dag-pb can encode)', 'InvalidShardError', async (f, links) => links.map((link, i) => i === 0 ? { ...link, tsize: 2n ** 53n } : link))
    // decodeShard's re-encode check hands it to @ipld/dag-pb encode, which throws a plain Error('Tsize too large for encoding')
  },
  rootLinksCase('root: one sub-shard CID linked from two slots', 'InvalidShardError', async (f, links) => {
    const shard = links.find(link => isSubShardLink(f, link)) as RawLink
    const slot = freeSlot(f, links)
    return sortLinks(f, [...links, { ...shard, name: slotPrefix(slot, f.fanout) }])
  }),

  // --- a basic directory root ---------------------------------------------
  basicCase('basic: an entry name containing "/"', async () => [{ hash: await targetCid('a'), name: 'a/b', tsize: 1 }]),
  basicCase('basic: an entry named ".."', async () => [{ hash: await targetCid('a'), name: '..', tsize: 1 }]),
  basicCase('basic: an entry named "."', async () => [{ hash: await targetCid('a'), name: '.', tsize: 1 }]),
  basicCase('basic: an empty entry name', async () => [{ hash: await targetCid('a'), name: '', tsize: 1 }]),
  basicCase('basic: a link without a name', async () => [{ hash: await targetCid('a'), tsize: 1 }]),
  basicCase('basic: the same name twice', async () => [{ hash: await targetCid('a'), name: 'same', tsize: 1 }, { hash: await targetCid('b'), name: 'same', tsize: 2 }]),
  basicCase('basic: a link without Tsize', async () => [{ hash: await targetCid('a'), name: 'a' }]),
  {
    ...basicCase('basic: a link Tsize of 2^53 (over what dag-pb can encode)', async () => [{ hash: await targetCid('a'), name: 'a', tsize: 2n ** 53n }])
    // opens; the first flush after an edit throws a plain Error('Tsize too large for encoding')
  },
  {
    ...basicCase('basic: an entry name that is not valid UTF-8', async () => [{ hash: await targetCid('a'), name: Uint8Array.from([0x61, 0xFF]), tsize: 1 }])
    // read as 'a\uFFFD' and rewritten so after any edit: the entry's name changes silently
  },

  // --- a sub-shard --------------------------------------------------------
  subShardCase('sub-shard: bytes that are not dag-pb', 'InvalidBlockError', async () => Uint8Array.from([0x0A, 0xFF, 0x01])),
  subShardCase('sub-shard: no Data field', 'InvalidShardError', async (f, path) => pbNode({ links: (await f.rawAt(path)).links })),
  subShardCase('sub-shard: a plain Directory node', 'InvalidShardError', async (f, path) => {
    const names = await f.namesAt(path)
    const links = names.map(name => ({ hash: f.entry(name).cid, name, tsize: 1 })).sort((a, b) => a.name < b.name ? -1 : 1)
    return pbNode({ links, data: unixfsData({ type: TYPE.directory }) })
  }),
  subShardCase('sub-shard: a UnixFS file', 'InvalidShardError', async () => pbNode({ links: [], data: unixfsData({ type: TYPE.file, data: Uint8Array.from([1]) }) })),
  subShardCase('sub-shard: a fanout (16) that differs from its parent\'s (256)', 'InvalidShardError', async (f, path) => {
    const names = await f.namesAt(path)
    // a well-formed fanout-16 node, 1-character prefixes
    return shardBlock(16, names.map(name => ({ slot: slotAt(hashName(name), 1, 4), name, cid: f.entry(name).cid })).filter((link, i, all) => all.findIndex(l => l.slot === link.slot) === i))
  }),
  subShardCase('sub-shard: hashType 0x12', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => links, { hashType: 0x12 })),
  subShardCase('sub-shard: no links', 'InvalidShardError', async (f) => shardBlock(f.fanout, [])),
  subShardCase('sub-shard: carries mode and mtime (only a root may)', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => links, { mode: 0o700, mtime: { secs: 1 } })),
  subShardCase('sub-shard: an entry that belongs under another root slot', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => {
    const stranger = f.entries.find(e => slotOf(e.name, 0, f.fanout) !== path[0]) as DirectoryEntry
    const slot = slotOf(stranger.name, 1, f.fanout)
    return [...links.filter(link => link.slot !== slot), { slot, name: stranger.name, cid: stranger.cid }]
  })),
  subShardCase('sub-shard: an entry moved to another slot of the sub-shard', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => {
    const used = new Set(links.map(link => link.slot))
    const free = [...Array(f.fanout).keys()].find(s => !used.has(s)) as number
    const index = links.findIndex(link => link.name != null)
    return links.map((link, i) => i === index ? { ...link, slot: free } : link)
  }), { trigger: 'entries' }),
  subShardCase('sub-shard: a name the root also holds', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, async links => {
    const rootNames = await f.namesAt([])
    const twin = rootNames[0]
    const used = new Set(links.map(link => link.slot))
    const free = [...Array(f.fanout).keys()].find(s => !used.has(s)) as number
    return [...links, { slot: free, name: twin, cid: f.entry(twin).cid }]
  }), { trigger: 'entries' }),
  subShardCase('sub-shard: more bitfield bits than links', 'InvalidShardError', async (f, path) => {
    const raw = await f.rawAt(path)
    const slots = raw.links.map(link => parseInt((link.name as string).slice(0, f.width), 16))
    const free = [...Array(f.fanout).keys()].find(s => !slots.includes(s)) as number
    return pbNode({ links: raw.links, data: shardData(f.fanout, [...slots, free]) })
  }),
  subShardCase('sub-shard: a link without Tsize', 'InvalidShardError', async (f, path) => {
    const raw = await f.rawAt(path)
    return pbNode({ data: raw.data, links: raw.links.map((link, i) => i === 0 ? { ...link, tsize: undefined } : link) })
  }),
  subShardCase('sub-shard: one grand-child CID linked from two slots', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, async () => {
    const child = await f.put(shardBlock(f.fanout, [{ slot: 0, name: 'never read', cid: await targetCid('x') }]))
    return [{ slot: 1, cid: child }, { slot: 2, cid: child }]
  })),
  subShardCase('sub-shard: an unknown trailing UnixFS field', 'InvalidShardError', async (f, path) => {
    const raw = await f.rawAt(path)
    return pbNode({ links: raw.links, data: concat([raw.data, fieldVarint(15, 1)]) })
  }),
  subShardCase('sub-shard: reached by delete', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => links, { hashType: 0x23 }), { trigger: 'delete' }),
  subShardCase('sub-shard: reached by set', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => links, { fanout: 128 }), { trigger: 'set' }),
  subShardCase('sub-shard (fanout 16, two deep): fanout 256', 'InvalidShardError', async () => shardBlock(256, [{ slot: 0, name: 'x', cid: await targetCid('x') }]), { fanout: 16, depth: 2, trigger: 'entries' }),
  subShardCase('sub-shard (fanout 16, two deep): an entry hashing elsewhere', 'InvalidShardError', async (f, path) => rewriteSubShard(f, path, links => {
    const stranger = f.entries.find(e => slotOf(e.name, 0, 16) === path[0] && slotOf(e.name, 1, 16) !== path[1]) ?? f.entries.find(e => slotOf(e.name, 0, 16) !== path[0]) as DirectoryEntry
    const slot = slotOf(stranger.name, 2, 16)
    return [...links.filter(link => link.slot !== slot), { slot, name: stranger.name, cid: stranger.cid }]
  }), { fanout: 16, depth: 2, trigger: 'entries' }),
  {
    // a level-2 sub-shard linked under a raw CID from a level-1 shard: kubo (go-unixfs) refuses a shard child that
    // is not a dag-pb node, and so does the decoder, when it reads the level-1 shard that holds the link
    ...subShardCase('sub-shard: a link whose CID has the raw codec', 'InvalidShardError', async (f, path) => f.bytesAt(path), { codec: raw.code, depth: 2 })
  },

  {
    name: 'sub-shard: missing from the blockstore',
    expected: 'BlockFetchError',
    async build () {
      const f = await Forge.of(256)
      const [slot] = await f.subShardSlots()
      const name = (await f.namesAt([slot]))[0]
      const raw = await f.rawAt([])
      const missing = await cidFor(textEncoder.encode('a sub-shard nobody stored'))
      const root = await f.put(pbNode({ data: raw.data, links: raw.links.map(link => rootSlot(f, link) === slot && isSubShardLink(f, link) ? { ...link, hash: missing } : link) }))
      return { ...f.tree(root, [slot]), trigger: get(name) }
    }
  },
  {
    name: 'sub-shard: a bad node reached by the size check of a delete elsewhere',
    expected: 'InvalidShardError',
    async build () {
      const f = await Forge.of(256)
      const [slot] = await f.subShardSlots()
      const root = await f.replaceAt([slot], await rewriteSubShard(f, [slot], links => links, { hashType: 0 }))
      const tree = f.tree(root, [slot])
      // at the default threshold the HAMT is small enough that a delete must count every entry
      tree.init = { shardSplitThresholdBytes: 262_144 }
      tree.trigger = async dir => dir.delete(tree.known.name)
      tree.readOnlyControl = true
      return tree
    }
  },
  {
    name: 'entries(): every sub-shard forged, bursts stay within the budget',
    expected: 'InvalidShardError',
    async build () {
      const f = await Forge.of(256)
      const raw = await f.rawAt([])
      const links: RawLink[] = []
      for (const link of raw.links) {
        if (isSubShardLink(f, link)) {
          const bytes = await rewriteSubShard(f, [rootSlot(f, link)], l => l, { hashType: 0x12 })
          links.push({ ...link, hash: await f.put(bytes) })
        } else {
          links.push(link)
        }
      }
      const root = await f.put(pbNode({ links, data: raw.data }))
      const slots = await f.subShardSlots()
      return { ...f.tree(root, slots), trigger: list, maxGets: 1 + slots.length }
    }
  },

  // --- trees deeper than the hash allows ------------------------------------
  {
    name: 'chain: 2,000 sub-shards deep at fanout 256 (get)',
    expected: 'InvalidShardError',
    async build () {
      const t = await chainTree(256, 2000, 'deep', 'known')
      // the root and 8 levels below it can be read; the 9th is refused by its depth
      return { blockstore: t.store, root: t.root, goodRoot: t.goodRoot, known: t.knownEntry, fresh: t.fresh, trigger: get('deep'), maxGets: 1 + 8 }
    }
  },
  {
    name: 'chain: 2,000 sub-shards deep at fanout 256 (entries)',
    expected: 'InvalidShardError',
    async build () {
      const t = await chainTree(256, 2000, 'deep', 'known')
      return { blockstore: t.store, root: t.root, goodRoot: t.goodRoot, known: t.knownEntry, fresh: t.fresh, trigger: list, maxGets: 1 + 8 }
    }
  },
  {
    name: 'chain: 22 levels at fanout 8 (21 is the most 64 bits allow)',
    expected: 'InvalidShardError',
    async build () {
      const t = await chainTree(8, 22, 'deep', 'known')
      return { blockstore: t.store, root: t.root, goodRoot: t.goodRoot, known: t.knownEntry, fresh: t.fresh, trigger: get('deep'), maxGets: 22, init: { shardFanoutBits: 3 } }
    }
  },
  {
    name: 'chain: 2,000 sub-shards deep at fanout 8, edited with delete',
    expected: 'InvalidShardError',
    async build () {
      const t = await chainTree(8, 2000, 'deep', 'known')
      return { blockstore: t.store, root: t.root, goodRoot: t.goodRoot, known: t.knownEntry, fresh: t.fresh, trigger: async dir => dir.delete('deep'), maxGets: 22 }
    }
  },

  // --- a blockstore that returns other bytes than the CID's ---------------
  {
    name: 'lying blockstore: a sub-shard CID answers with another sub-shard\'s bytes',
    expected: 'BlockVerificationError',
    async build () {
      const f = await Forge.of(256)
      const [a, b] = await f.subShardSlots()
      const store = await lyingCopy(f)
      store.lie(await f.cidAt([a]), await f.bytesAt([b]))
      const name = (await f.namesAt([a]))[0]
      return { ...f.tree(f.root, [a]), blockstore: store, trigger: get(name) }
    }
  },
  {
    name: 'lying blockstore: a sub-shard CID answers with the root\'s bytes',
    expected: 'BlockVerificationError',
    async build () {
      const f = await Forge.of(256)
      const [a] = await f.subShardSlots()
      const store = await lyingCopy(f)
      store.lie(await f.cidAt([a]), await f.bytesAt([]))
      return { ...f.tree(f.root, [a]), blockstore: store, trigger: list }
    }
  },
  {
    name: 'lying blockstore: the root CID answers with a file',
    expected: 'BlockVerificationError',
    async build () {
      const f = await Forge.of(256)
      const store = await lyingCopy(f)
      const root = await cidFor(textEncoder.encode('a root nobody stored'))
      store.lie(root, pbNode({ links: [], data: unixfsData({ type: TYPE.file, data: Uint8Array.from([1]) }) }))
      return { ...f.tree(root, []), blockstore: store }
    }
  }
]
