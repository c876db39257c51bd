import { expect } from 'aegir/chai'
import { MemoryBlockstore } from 'blockstore-core'
import { readBlock } from '../../src/blocks.js'
import { Frontier } from '../../src/enumerate/frontier.js'
import { adopt } from '../../src/hamt/adopt.js'
import { decodeShard } from '../../src/hamt/codec.js'
import { shardFromBlock } from '../../src/hamt/from-block.js'
import { loadedEntries, valueAt } from '../../src/hamt/read.js'
import { LINKED, Shard, ShardLink } from '../../src/hamt/shard.js'
import { sizeStrategy } from '../../src/size.js'
import { CountingBlockstore } from '../fixtures/counting-blockstore.js'
import { asciiEntries, randomEntries } from '../fixtures/entries.js'
import { importerDirectory } from '../fixtures/importer.js'
import { checkInvariants } from '../fixtures/invariants.js'
import type { LinkRef } from '../../src/hamt/read.js'
import type { TreeContext } from '../../src/hamt/shard.js'
import type { DirectoryEntry } from '../../src/index.js'

const BITS = 4

function context (bits: number): TreeContext {
  const fanout = 2 ** bits
  return { fanout, bits, width: (fanout - 1).toString(16).length, sizes: sizeStrategy('links-bytes') }
}

interface StoredHamt {
  /** Counts the reads of the tree's blocks */
  store: CountingBlockstore
  /** The root as read from its block: every sub-shard unloaded */
  root: Shard
  /** Shard blocks the importer wrote, the root included */
  blocks: number
}

/** Writes a HAMT of fanout 16 with the importer; each call of the result reads its root back afresh (links are filled in place by loads) */
async function storedHamt (entries: DirectoryEntry[]): Promise<() => Promise<StoredHamt>> {
  const inner = new MemoryBlockstore()
  const cid = await importerDirectory(entries, { shardSplitThresholdBytes: 1, shardFanoutBits: BITS }, inner)
  let blocks = 0
  for await (const pair of inner.getAll()) {
    if (pair.cid != null) {
      blocks++
    }
  }
  return async () => {
    const bytes = await readBlock(inner, cid)
    const root = shardFromBlock(context(BITS), 0, -1, bytes, decodeShard(bytes, { path: [] }), { cid, size: 0 })
    return { store: new CountingBlockstore(inner), root, blocks }
  }
}

/** Fetches and decodes the child behind `ref`, fills its link, and swaps it into `root` as the loader does */
async function load (store: CountingBlockstore, root: Shard, ref: LinkRef, owner: object): Promise<{ root: Shard, child: Shard }> {
  const bytes = await readBlock(store, ref.link.cid)
  const node = decodeShard(bytes, { path: ref.path, parentFanout: root.context.fanout })
  const child = shardFromBlock(root.context, ref.path.length, ref.link.slot, bytes, node, LINKED)
  ref.link.loaded = child
  const adopted = adopt(root, ref, owner)
  if (adopted == null) {
    throw new Error(`the link at ${key(ref.path)} is not in the version`)
  }
  return { root: adopted, child }
}

/**
 * Loads the whole tree driven by next() and add() alone, checking at each ref
 * that it is current and never shallower than the one before; every
 * `putBackEvery` loads, a ref is put back and must come out next
 */
async function loadBreadthFirst (store: CountingBlockstore, stored: Shard, putBackEvery = Infinity): Promise<{ root: Shard, loads: number, depth: number, frontier: Frontier }> {
  const frontier = new Frontier()
  const owner = {}
  let root = stored
  let loads = 0
  let depth = 1
  for (let ref = frontier.next(root); ref != null; ref = frontier.next(root)) {
    if (loads % putBackEvery === 0) {
      frontier.putBack(ref)
      expect(frontier.next(root)).to.equal(ref)
    }
    expect(valueAt(root, ref.path)).to.equal(ref.link)
    expect(ref.path.length).to.be.at.least(depth)
    depth = ref.path.length
    const loaded = await load(store, root, ref, owner)
    root = loaded.root
    frontier.add(loaded.child, ref.path)
    loads++
  }
  return { root, loads, depth, frontier }
}

function key (path: readonly number[]): string {
  return path.join('/')
}

/** The unloaded links of a shard, in slot order */
function linksOf (shard: Shard): ShardLink[] {
  return shard.values.filter((value): value is ShardLink => value instanceof ShardLink)
}

/** Paths of every unloaded link under `shard`, by a walk of the tree */
function unloadedPaths (shard: Shard, path: number[] = []): string[] {
  const found: string[] = []
  for (const value of shard.values) {
    if (value instanceof ShardLink) {
      found.push(key([...path, value.slot]))
    } else if (value instanceof Shard) {
      found.push(...unloadedPaths(value, [...path, value.slot]))
    }
  }
  return found
}

/** Takes refs until the frontier is empty */
function drain (frontier: Frontier, root: Shard): LinkRef[] {
  const refs: LinkRef[] = []
  for (let ref = frontier.next(root); ref != null; ref = frontier.next(root)) {
    refs.push(ref)
  }
  return refs
}

function depthsNeverDecrease (refs: LinkRef[]): void {
  const depths = refs.map(ref => ref.path.length)
  expect(depths).to.deep.equal([...depths].sort((a, b) => a - b))
}

describe('Frontier', () => {
  let read: () => Promise<StoredHamt>
  let hamt: StoredHamt

  before(async () => {
    read = await storedHamt(randomEntries(400, 11))
  })

  beforeEach(async () => {
    hamt = await read()
    // enough of a tree for every test below: a full root, and sub-shards under its children
    expect(linksOf(hamt.root)).to.have.lengthOf(2 ** BITS)
    expect(hamt.blocks).to.be.greaterThan(2 ** BITS + 1)
  })

  // the first next() builds the queue from the root: its links in slot order, each at path [slot]
  it('first yields the root\'s unloaded links in slot order with path [slot]', () => {
    const refs = drain(new Frontier(), hamt.root)
    const links = linksOf(hamt.root)

    expect(refs.map(ref => ref.path)).to.deep.equal(links.map(link => [link.slot]))
    expect(refs.map(ref => ref.link)).to.deep.equal(links)
    for (const ref of refs) {
      expect(ref.link).to.equal(links.find(link => link.slot === ref.path[0]))
    }
  })

  // add() puts a loaded child's links behind everything already queued: breadth-first
  it('queues a loaded child\'s links behind every link already queued', async () => {
    const frontier = new Frontier()
    const owner = {}
    let root = hamt.root
    const rootLinks = linksOf(root)

    const first = frontier.next(root)
    const second = frontier.next(root)
    if (first == null || second == null) {
      throw new Error('the root has fewer than two links')
    }
    const one = await load(hamt.store, root, first, owner)
    root = one.root
    frontier.add(one.child, first.path)
    const two = await load(hamt.store, root, second, owner)
    root = two.root
    frontier.add(two.child, second.path)
    expect(linksOf(one.child)).to.not.have.lengthOf(0)

    // take one grandchild link, load it: its links must come after every depth-2 link
    const rest = rootLinks.slice(2).map(link => [link.slot])
    const taken: LinkRef[] = []
    for (let i = 0; i < rest.length; i++) {
      const ref = frontier.next(root)
      if (ref == null) {
        throw new Error('the frontier ran dry early')
      }
      taken.push(ref)
    }
    const grandchildRef = frontier.next(root)
    if (grandchildRef == null) {
      throw new Error('no depth-2 link')
    }
    const three = await load(hamt.store, root, grandchildRef, owner)
    root = three.root
    frontier.add(three.child, grandchildRef.path)
    const after = drain(frontier, root)

    const expected = [
      ...rest,
      ...linksOf(one.child).map(link => [first.path[0], link.slot]),
      ...linksOf(two.child).map(link => [second.path[0], link.slot]),
      ...linksOf(three.child).map(link => [...grandchildRef.path, link.slot])
    ]
    const seen = [...taken, grandchildRef, ...after]
    expect(seen.map(ref => ref.path)).to.deep.equal(expected)
    depthsNeverDecrease(seen)
    // all but the one just loaded are still unloaded links of the version
    for (const ref of seen.filter(ref => ref !== grandchildRef)) {
      expect(valueAt(root, ref.path)).to.equal(ref.link)
    }
  })

  // putBack() returns a taken ref to the front, whether or not anything was taken before it
  it('putBack makes a ref come out next', () => {
    const frontier = new Frontier()
    const a = frontier.next(hamt.root)
    const b = frontier.next(hamt.root)
    const c = frontier.next(hamt.root)
    if (a == null || b == null || c == null) {
      throw new Error('the root has fewer than three links')
    }

    frontier.putBack(b)
    expect(frontier.next(hamt.root)).to.equal(b)
    frontier.putBack(b)
    frontier.putBack(a)
    expect(frontier.next(hamt.root)).to.equal(a)
    expect(frontier.next(hamt.root)).to.equal(b)
    expect(frontier.next(hamt.root)?.path).to.deep.equal([linksOf(hamt.root)[3].slot])

    // nothing taken yet: the ref goes in front of the whole queue
    const fresh = new Frontier()
    fresh.rebuild(hamt.root)
    fresh.putBack(c)
    expect(fresh.next(hamt.root)).to.equal(c)
    expect(fresh.next(hamt.root)?.link).to.equal(a.link)

    // after the queue ran dry
    drain(fresh, hamt.root)
    fresh.putBack(b)
    expect(fresh.next(hamt.root)).to.equal(b)
    expect(fresh.next(hamt.root)).to.equal(undefined)
  })

  // rebuild() over a partly loaded root yields exactly the links still unloaded, each at its path
  it('rebuild yields exactly the still-unloaded links of a partly loaded root', async () => {
    const frontier = new Frontier()
    const owner = {}
    let root = hamt.root
    // load the first 24 nodes breadth-first: all of the root's children and a few grandchildren
    for (let loads = 0; loads < 24; loads++) {
      const ref = frontier.next(root)
      if (ref == null) {
        throw new Error('the tree is smaller than expected')
      }
      const loaded = await load(hamt.store, root, ref, owner)
      root = loaded.root
      frontier.add(loaded.child, ref.path)
    }
    // more taken without being loaded: rebuild starts over
    frontier.next(root)
    frontier.next(root)

    frontier.rebuild(root)
    const refs = drain(frontier, root)
    const walked = unloadedPaths(root)

    expect(walked.some(path => path.split('/').length > 2)).to.equal(true)
    expect(refs).to.have.lengthOf(walked.length)
    expect(refs).to.have.lengthOf(root.unloaded)
    expect(new Set(refs.map(ref => key(ref.path)))).to.deep.equal(new Set(walked))
    for (const ref of refs) {
      expect(valueAt(root, ref.path)).to.equal(ref.link)
      expect(ref.link.loaded).to.equal(undefined)
    }
    depthsNeverDecrease(refs)
  })

  // add() before the queue is built is left to the first next(), which finds the child by walking the tree
  it('a child added before the first next() is queued once', async () => {
    const owner = {}
    const [link] = linksOf(hamt.root)
    const ref = { path: [link.slot], link }
    const { root, child } = await load(hamt.store, hamt.root, ref, owner)
    const frontier = new Frontier()
    frontier.add(child, ref.path)

    const refs = drain(frontier, root)
    expect(refs.map(ref => key(ref.path))).to.deep.equal([
      ...linksOf(root).map(link => key([link.slot])),
      ...linksOf(child).map(link => key([...ref.path, link.slot]))
    ])
  })

  // peekDepth() is undefined before the queue is built and when it is empty, else the next ref's path length
  it('peekDepth gives the path length of the next ref', async () => {
    const frontier = new Frontier()
    const owner = {}
    let root = hamt.root
    expect(frontier.peekDepth()).to.equal(undefined)
    frontier.rebuild(root)

    const depths = new Set<number>()
    for (;;) {
      const depth = frontier.peekDepth()
      const ref = frontier.next(root)
      if (ref == null) {
        expect(depth).to.equal(undefined)
        break
      }
      expect(depth).to.equal(ref.path.length)
      depths.add(depth ?? -1)
      const loaded = await load(hamt.store, root, ref, owner)
      root = loaded.root
      frontier.add(loaded.child, ref.path)
    }
    expect(depths.size).to.be.at.least(2)
    expect(frontier.peekDepth()).to.equal(undefined)
  })

  for (const [name, entries] of [
    ['random names', randomEntries(500, 23)],
    ['ASCII names', asciiEntries(300, 'frontier-')]
  ] as const) {
    // next()/add() alone reach every node once, shallowest first, and never hand out a stale link
    it(`a breadth-first load driven by next and add loads every node exactly once (${name})`, async () => {
      const { store, root: stored, blocks } = await (await storedHamt([...entries]))()
      const { root, loads, depth, frontier } = await loadBreadthFirst(store, stored)

      expect(loads).to.equal(blocks - 1)
      expect(store.totalGets).to.equal(blocks - 1)
      expect(store.duplicates()).to.deep.equal([])
      expect(depth).to.be.at.least(3)
      expect(frontier.next(root)).to.equal(undefined)
      expect(root.unloaded).to.equal(0)
      expect(root.shards).to.equal(blocks)
      expect([...loadedEntries(root)]).to.have.lengthOf(entries.length)
      checkInvariants(root)
    })
  }

  // past 1,024 refs taken the queue drops its taken head; order, putBack and completeness survive that
  it('keeps breadth-first order and putBack across the queue\'s compaction', async () => {
    const { store, root: stored, blocks } = await (await storedHamt(randomEntries(3_500, 29)))()
    expect(blocks).to.be.greaterThan(1_100)
    const { root, loads } = await loadBreadthFirst(store, stored, 97)

    expect(loads).to.equal(blocks - 1)
    expect(store.duplicates()).to.deep.equal([])
    expect(root.unloaded).to.equal(0)
  })
})
