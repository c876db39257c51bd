/**
 * The three ways the kubo specs add a directory, each with the matching
 * options of `ipfs-unixfs-importer` and of this package. kubo takes an
 * IPIP-499 profile as config (`ipfs init --profile`, or `ipfs config profile
 * apply`), not as an `add` flag, and reads it when the daemon starts: a
 * daemon per mode.
 */

import type { DynamicDirectoryInit, Profile } from '../../../src/index.js'
import type { KuboAddOptions } from '../../fixtures/kubo.js'
import type { ImporterOptions } from 'ipfs-unixfs-importer'

export interface KuboMode {
  title: string
  /** The daemon's import profile */
  profile?: Profile
  /** Options of kubo's `add` */
  add: KuboAddOptions
  /** The same options for `ipfs-unixfs-importer` */
  importer: ImporterOptions
  /** The same options for `dynamicDirectory()` */
  init: DynamicDirectoryInit
}

export const MODES: KuboMode[] = [{
  title: 'ipfs add --cid-version=1 --raw-leaves',
  add: { cidVersion: 1, rawLeaves: true },
  importer: { cidVersion: 1, rawLeaves: true },
  init: { cidVersion: 1 }
}, {
  title: 'profile unixfs-v0-2015',
  profile: 'unixfs-v0-2015',
  add: {},
  importer: { profile: 'unixfs-v0-2015' },
  init: { profile: 'unixfs-v0-2015' }
}, {
  title: 'profile unixfs-v1-2025',
  profile: 'unixfs-v1-2025',
  add: {},
  importer: { profile: 'unixfs-v1-2025' },
  init: { profile: 'unixfs-v1-2025' }
}]
