/**
 * The MFS's directories, as a tree of engine Directories kept open: every
 * directory a path has gone through is a `DirNode` holding the Directory the
 * engine opened (its retained shard tree) and the sub-directories opened
 * under it, so the next call on the same path looks names up in memory and
 * fetches or decodes nothing again.
 *
 * An edit changes the Directory of the parent it edits, in memory, and marks
 * that node and each ancestor changed (`cid` undefined, the child's name in
 * the parent's `stale`): the parent's link to a changed child is rewritten
 * only when the tree is persisted, children first, so each changed
 * directory is written once per flush however many edits it took.
 *
 * A call edits a `Transaction`: the nodes it changes are copies (a
 * Directory clone shares every loaded shard node and costs a constant for a
 * HAMT, a copy of its entry map for a basic directory), linked into copies
 * of their ancestors, and the MFS swaps its root for the transaction's only
 * when the call succeeds. A failed or aborted call leaves the tree as it
 * was. Persisting writes blocks and updates links to children already
 * written, which does not change what a tree holds, so it may run on nodes
 * outside the transaction too.
 */

import * as dagPb from '@ipld/dag-pb'
import type { Directory, DirectoryEntry, DirectoryOptions } from '../interface.js'
import type { CID } from 'multiformats/cid'

export interface DirNode {
  /** The engine's Directory; only the transaction that copied this node changes it */
  directory: Directory
  /** What the directory was last written as; undefined while it has unwritten edits */
  cid?: CID
  /** The Tsize of a link to `cid`, when known (from the parent's link, or the write) */
  size?: bigint
  /** The key of the edit options it was opened with ('' for the MFS's own) */
  editKey: string
  /** Sub-directories opened under it, by name */
  children: Map<string, DirNode>
  /** Children whose link in `directory` is older than the child */
  stale: Set<string>
}

/** One directory on a path, and the name its parent links it by ('' for the root) */
export interface Step {
  node: DirNode
  name: string
}

/** What a path ends on: a directory (its node), or anything else (a file, a symlink, a raw block) */
export type Target =
  | { kind: 'directory', node: DirNode }
  | { kind: 'other', entry: DirectoryEntry }

export interface TreeEnv {
  /**
   * Opens `cid` as a directory with the edit options of `editKey`;
   * undefined when it is no directory. A repaired root comes back without
   * `cid`.
   */
  openDirectory(editKey: string, cid: CID, options: DirectoryOptions): Promise<DirNode | undefined>
  /** Told of each directory block a persist wrote */
  wrote(cid: CID, options: DirectoryOptions): Promise<void>
  /** The Tsize of a link to the directory block `cid` (its length plus its links' Tsize) */
  sizeOf(cid: CID, options: DirectoryOptions): Promise<bigint>
}

export function nodeOf (directory: Directory, editKey: string, cid?: CID): DirNode {
  return { directory, cid, editKey, children: new Map(), stale: new Set() }
}

/**
 * A copy of `node` that can change apart from it: a Directory clone (sharing
 * every loaded shard node), sharing the sub-directory nodes, which whoever
 * edits them copies first
 */
export function cloneNode (node: DirNode): DirNode {
  return { directory: node.directory.clone(), cid: node.cid, size: node.size, editKey: node.editKey, children: new Map(node.children), stale: new Set(node.stale) }
}

/**
 * A call's view of the tree: copies of what it changes, swapped in when it
 * succeeds.
 *
 * Copies are made per position, not per node: the same node may sit at two
 * paths (a `cp` of a directory shares its opened sub-directories with the
 * original), and an edit through one path must never show through the
 * other. A position is copied once per transaction, so two edits under one
 * directory in one call (a rename) edit the same copy.
 */
export class Transaction {
  root: DirNode
  /** True once the call changed something */
  changed = false
  /** This transaction's copies, each with the node it was copied from */
  private readonly sources = new WeakMap<DirNode, DirNode>()

  constructor (root: DirNode) {
    this.root = root
  }

  /**
   * The nodes of `trail` (root first) as this transaction's own copies,
   * each linked from its copied parent. Marks them all changed: the caller
   * is about to edit the last one.
   */
  edit (trail: Step[]): Step[] {
    const steps: Step[] = []
    let parent: DirNode | undefined
    for (const { node, name } of trail) {
      const current = parent == null ? this.root : parent.children.get(name)
      const copy = this.own(current, node)
      if (parent == null) {
        this.root = copy
      } else {
        parent.children.set(name, copy)
        parent.stale.add(name)
      }
      copy.cid = undefined
      steps.push({ node: copy, name })
      parent = copy
    }
    this.changed = true
    return steps
  }

  /**
   * This transaction's copy of the position that holds `current` (undefined:
   * a sub-directory its parent's copy has not opened), which the trail saw
   * as `node`. A trail that saw another node than the position holds was
   * resolved before an edit replaced a directory on it: editing through it
   * would drop that edit, so it is refused.
   */
  private own (current: DirNode | undefined, node: DirNode): DirNode {
    if (current != null && this.sources.has(current)) {
      if (node !== current && node !== this.sources.get(current)) {
        throw new Error('internal: an edit went through a directory that this call had already replaced')
      }
      return current
    }
    if (current != null && current !== node) {
      throw new Error('internal: an edit went through a directory that this call had already replaced')
    }
    const copy = cloneNode(node)
    this.sources.set(copy, node)
    return copy
  }
}

/**
 * The directory called `name` in `step`'s directory, opened and kept under
 * it; undefined when there is no such entry; the entry when it is not a
 * directory. A HAMT root without hashType (as `@helia/unixfs` chmod/touch
 * wrote them) is read as murmur3 and rewritten with hashType 0x22: the
 * repaired root is linked at the next flush, so the path up to it is marked
 * changed.
 */
export async function child (env: TreeEnv, trail: Step[], name: string, options: DirectoryOptions): Promise<Target | undefined> {
  const parent = trail[trail.length - 1].node
  const opened = parent.children.get(name)
  if (opened != null) {
    return { kind: 'directory', node: opened }
  }
  const entry = await parent.directory.get(name, options)
  if (entry == null) {
    return undefined
  }
  if (entry.cid.code !== dagPb.code) {
    return { kind: 'other', entry }
  }
  const node = await env.openDirectory(parent.editKey, entry.cid, options)
  if (node == null) {
    return { kind: 'other', entry }
  }
  node.size = node.cid == null ? undefined : entry.size
  parent.children.set(name, node)
  if (node.cid == null) {
    // a repaired root: linked at the next flush
    markChanged([...trail, { node, name }])
  }
  return { kind: 'directory', node }
}

/** Marks every node of the trail changed, and each one's link in its parent stale */
export function markChanged (trail: Step[]): void {
  for (let i = 0; i < trail.length; i++) {
    trail[i].node.cid = undefined
    if (i > 0) {
      trail[i - 1].node.stale.add(trail[i].name)
    }
  }
}

/**
 * Writes every changed directory under `node` (children first, each once)
 * and returns its CID; a child's link gets the Tsize its write gave, read
 * once. A failure leaves what was written written and the rest changed.
 */
export async function persist (env: TreeEnv, node: DirNode, options: DirectoryOptions): Promise<CID> {
  if (node.cid != null && node.stale.size === 0) {
    return node.cid
  }
  for (const name of [...node.stale]) {
    const sub = node.children.get(name)
    if (sub != null) {
      const cid = await persist(env, sub, options)
      sub.size ??= await env.sizeOf(cid, options)
      await node.directory.set(name, cid, { ...options, size: sub.size })
    }
    node.stale.delete(name)
  }
  const before = node.cid
  node.cid = await node.directory.flush(options)
  if (before == null || !before.equals(node.cid)) {
    node.size = undefined
    await env.wrote(node.cid, options)
  }
  return node.cid
}
