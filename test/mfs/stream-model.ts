/**
 * A model of the MFS for random call streams: a tree of plain objects (a
 * directory is an object of names, a file its content), the calls the
 * stream makes (`writeBytes`, `mkdir`, `rm`, `mv`, `cp`, `flush`, with and
 * without `flush: false`, and calls that flush but change nothing), and what
 * each call does to the tree or the error it throws, as `mfs()` documents
 * them. A call that throws changes nothing.
 */

import type { Random } from '../fixtures/entries.js'

export interface Tree { [name: string]: Tree | string }

export interface Call {
  op: 'write' | 'mkdir' | 'rm' | 'mv' | 'cp' | 'flush'
  path: string
  to?: string
  content?: string
  options: { flush?: boolean, parents?: boolean, force?: boolean, recursive?: boolean }
}

/** What a call did: the tree after it, or the name of the error it threw */
export type Outcome = { ok: true, tree: Tree } | { ok: false, error: string }

const NAMES = ['a', 'b', 'c', 'd']

class ModelError extends Error {
  constructor (name: string) {
    super(name)
    this.name = name
  }
}

function segments (path: string): string[] {
  return path.split('/').filter(Boolean)
}

/** True when the call writes the root (it does unless `flush: false`) */
export function flushes (call: Call): boolean {
  return call.options.flush !== false
}

/** The tree after `call` on `tree`, or the error it throws */
export function apply (tree: Tree, call: Call): Outcome {
  const next = structuredClone(tree)
  try {
    run(next, call)
    return { ok: true, tree: next }
  } catch (err: any) {
    if (!(err instanceof ModelError)) {
      throw err
    }
    return { ok: false, error: err.name }
  }
}

function run (tree: Tree, call: Call): void {
  const names = segments(call.path)
  switch (call.op) {
    case 'flush': return
    case 'write': write(tree, names, call); return
    case 'mkdir': mkdir(tree, names, call.options); return
    case 'rm': remove(tree, names, call.options); return
    case 'mv': move(tree, names, segments(call.to ?? ''), call.options); return
    case 'cp': copy(tree, names, segments(call.to ?? ''), call.options); return
    default: throw new Error(`unknown call ${JSON.stringify(call)}`)
  }
}

function write (tree: Tree, names: string[], call: Call): void {
  const { parent, target } = resolve(tree, names, call.options.parents === true || call.options.force === true)
  refuseExisting(target, call.options.force)
  parent[names[names.length - 1]] = call.content ?? ''
}

function mkdir (tree: Tree, names: string[], options: Call['options']): void {
  if (names.length === 0) {
    if (options.parents === true) {
      return
    }
    throw new ModelError('AlreadyExistsError')
  }
  const { parent, target } = resolve(tree, names, options.parents === true || options.force === true)
  if (target != null && options.force !== true) {
    if (options.parents === true && typeof target === 'object') {
      return
    }
    throw new ModelError('AlreadyExistsError')
  }
  parent[names[names.length - 1]] = {}
}

function remove (tree: Tree, names: string[], options: Call['options']): void {
  let found
  try {
    found = resolve(tree, names, false)
  } catch (err: any) {
    if (options.force === true) {
      return
    }
    throw err
  }
  if (found.target == null) {
    if (options.force === true) {
      return
    }
    throw new ModelError('DoesNotExistError')
  }
  if (typeof found.target === 'object' && options.recursive !== true && Object.keys(found.target).length > 0) {
    throw new ModelError('DirectoryNotEmptyError')
  }
  unlink(found.parent, names[names.length - 1])
}

function move (tree: Tree, names: string[], destination: string[], options: Call['options']): void {
  const same = names.length === destination.length && names.every((name, i) => name === destination[i])
  if (!same && names.length < destination.length && names.every((name, i) => name === destination[i])) {
    throw new ModelError('InvalidParametersError')
  }
  if (destination.length < names.length && destination.every((name, i) => name === names[i])) {
    throw new ModelError('MoveOntoAncestorError')
  }
  const source = resolve(tree, names, false)
  if (source.target == null) {
    throw new ModelError('DoesNotExistError')
  }
  if (same) {
    return
  }
  const place = resolve(tree, destination, options.parents === true || options.force === true)
  refuseExisting(place.target, options.force)
  place.parent[destination[destination.length - 1]] = source.target
  unlink(source.parent, names[names.length - 1])
}

function copy (tree: Tree, names: string[], destination: string[], options: Call['options']): void {
  const source = resolve(tree, names, false)
  if (source.target == null) {
    throw new ModelError('DoesNotExistError')
  }
  const copied = structuredClone(source.target)
  const place = resolve(tree, destination, options.parents === true || options.force === true)
  refuseExisting(place.target, options.force)
  place.parent[destination[destination.length - 1]] = copied
}

function unlink (parent: Tree, name: string): void {
  delete parent[name]
}

/** The directory holding the last name (made on the way with `create`), and what the name holds */
function resolve (tree: Tree, names: string[], create: boolean): { parent: Tree, target?: Tree | string } {
  let parent = tree
  for (const name of names.slice(0, -1)) {
    let next = parent[name]
    if (next == null) {
      if (!create) {
        throw new ModelError('DoesNotExistError')
      }
      next = parent[name] = {}
    }
    if (typeof next !== 'object') {
      throw new ModelError('NotADirectoryError')
    }
    parent = next
  }
  return { parent, target: parent[names[names.length - 1]] }
}

function refuseExisting (target: unknown, force: boolean | undefined): void {
  if (target != null && force !== true) {
    throw new ModelError('AlreadyExistsError')
  }
}

/** Every path in the tree, directories and files */
export function pathsOf (tree: Tree, prefix = ''): Array<{ path: string, directory: boolean }> {
  const out: Array<{ path: string, directory: boolean }> = []
  for (const [name, value] of Object.entries(tree)) {
    const path = `${prefix}/${name}`
    out.push({ path, directory: typeof value === 'object' })
    if (typeof value === 'object') {
      out.push(...pathsOf(value, path))
    }
  }
  return out
}

/**
 * The next call of a stream on `tree`: paths mostly existing ones, often
 * colliding; after a `cp`, often edits under both the copy and its original
 * (one `mv` from one to the other), and calls that flush but change nothing
 */
export function nextCall (random: Random, tree: Tree, state: { copied?: [string, string], serial: number }): Call {
  const paths = pathsOf(tree)
  const dirs = paths.filter(p => p.directory).map(p => p.path)
  const randomPath = (): string => Array.from({ length: random.range(1, 3) }, () => random.pick(NAMES)).map(name => `/${name}`).join('')
  const under = (base: string): string => {
    const inside = paths.filter(p => p.path.startsWith(`${base}/`)).map(p => p.path)
    return inside.length > 0 && random.next() < 0.6 ? random.pick(inside) : `${base}/${random.pick(NAMES)}`
  }
  const pick = (): string => {
    if (state.copied != null && random.next() < 0.5) {
      return under(random.pick(state.copied))
    }
    return paths.length > 0 && random.next() < 0.7 ? random.pick(paths).path : randomPath()
  }
  /** Mostly a path that exists: sources of rm, mv and cp */
  const existing = (): string => paths.length > 0 && random.next() < 0.9 ? random.pick(paths).path : pick()
  /** Often a new name in an existing directory: destinations of mv and cp */
  const target = (): string => random.next() < 0.5 ? `${dirs.length > 0 && random.next() < 0.7 ? random.pick(dirs) : ''}/${random.pick(NAMES)}${random.int(3)}` : pick()
  const flush = random.next() < 0.5 ? {} : { flush: false }
  const roll = random.next()
  if (roll < 0.22) {
    return { op: 'write', path: pick(), content: `content ${state.serial++}`, options: { ...flush, parents: random.next() < 0.5, force: random.next() < 0.3 } }
  }
  if (roll < 0.30) {
    return { op: 'mkdir', path: pick(), options: { ...flush, parents: random.next() < 0.5 } }
  }
  if (roll < 0.40) {
    return { op: 'rm', path: existing(), options: { ...flush, recursive: true, force: random.next() < 0.3 } }
  }
  if (roll < 0.60) {
    if (state.copied != null && random.next() < 0.6) {
      const [one, other] = random.next() < 0.5 ? state.copied : [state.copied[1], state.copied[0]]
      return { op: 'mv', path: under(one), to: under(other), options: { ...flush, force: random.next() < 0.3, parents: random.next() < 0.3 } }
    }
    return { op: 'mv', path: existing(), to: target(), options: { ...flush, force: random.next() < 0.3, parents: random.next() < 0.3 } }
  }
  if (roll < 0.75) {
    const path = dirs.length > 0 && random.next() < 0.8 ? random.pick(dirs) : existing()
    const call: Call = { op: 'cp', path, to: target(), options: { ...flush, force: random.next() < 0.2, parents: random.next() < 0.5 } }
    if (apply(tree, call).ok) {
      state.copied = [call.path, call.to as string]
    }
    return call
  }
  if (roll < 0.82) {
    return { op: 'flush', path: '/', options: {} }
  }
  // a call that flushes and, most often, changes nothing
  if (random.next() < 0.5) {
    return { op: 'mkdir', path: dirs.length > 0 ? random.pick(dirs) : '/', options: { parents: true } }
  }
  return { op: 'rm', path: `${pick()}/missing`, options: { recursive: true, force: true } }
}
