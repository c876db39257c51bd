/**
 * One MFS per node and root key, as kubo has one per repo: every `mfs()`
 * given the same blockstore and datastore (one Helia node) and the same
 * `key` works on one core, with one root, one lock and one set of unflushed
 * edits, so two parts of an app writing through their own `mfs(helia)` lose
 * nothing. On a node with pins, `helia.gc()` first lets every MFS open on it
 * unpin what it no longer references (see `protect.ts`), and runs while
 * each one's lock is held.
 */

import { Key } from 'interface-datastore'
import { InvalidParametersError } from '../errors.js'
import { DEFAULT_ROOT_KEY } from './constants.js'
import { MfsCore } from './core.js'
import type { MFSComponents, MFSInit } from './interface.js'

interface Open {
  core: MfsCore
  /** The options it was opened with, as `describe` writes them */
  init: string
}

/** By blockstore, then datastore, then root key */
const opened = new WeakMap<object, WeakMap<object, Map<string, Open>>>()
/** The MFS cores whose sweep each hooked node's gc runs first */
const collectors = new WeakMap<object, Set<MfsCore>>()

/** The core of the node's MFS at `init.key`: made on the first call, shared after */
export function coreFor (components: MFSComponents, init: MFSInit = {}): MfsCore {
  const key = new Key(init.key ?? DEFAULT_ROOT_KEY).toString()
  let byDatastore = opened.get(components.blockstore)
  if (byDatastore == null) {
    byDatastore = new WeakMap()
    opened.set(components.blockstore, byDatastore)
  }
  let byKey = byDatastore.get(components.datastore)
  if (byKey == null) {
    byKey = new Map()
    byDatastore.set(components.datastore, byKey)
  }
  const described = describe(init)
  const open = byKey.get(key)
  if (open != null) {
    if (open.init !== described) {
      throw new InvalidParametersError(`The MFS at ${key} is open on this node with other options (${open.init}): pass the same ones, or another key`)
    }
    return open.core
  }
  const core = new MfsCore(components, init)
  byKey.set(key, { core, init: described })
  hookGc(components, core)
  return core
}

/** The options that shape the MFS, in a stable order */
function describe (init: MFSInit): string {
  const { key: _, ...rest } = init
  return JSON.stringify(Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined).sort(([a], [b]) => a < b ? -1 : 1)))
}

/** Wraps the node's `gc` once: every MFS open on the node sweeps, then Helia's gc runs */
function hookGc (components: MFSComponents, core: MfsCore): void {
  const gc = components.gc
  if (components.pins == null || typeof gc !== 'function') {
    return
  }
  let cores = collectors.get(components)
  if (cores == null) {
    const all = new Set<MfsCore>()
    components.gc = async function (this: unknown, options) {
      // every MFS sweeps and keeps its lock until the gc ends: no directory is written meanwhile
      const held: Array<() => void> = []
      try {
        for (const each of all) {
          held.push((await each.holdForGc(options)).release)
        }
        await gc.call(this ?? components, options)
      } finally {
        for (const release of held) {
          release()
        }
      }
    }
    collectors.set(components, all)
    cores = all
  }
  cores.add(core)
}
