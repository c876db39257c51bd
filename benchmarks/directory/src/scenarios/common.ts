/**
 * Pieces the network scenarios share: the two implementations under test on
 * node B, and the columns every network row has.
 */

import { unixfs } from '@helia/unixfs'
import { dynamicDirectory } from 'helia-dynamic-directory'
import { modeLabel } from '../two-nodes.js'
import type { Row } from '../table.js'
import type { Client, Mode, Phase } from '../two-nodes.js'
import type { Directory, DynamicDirectoryInit } from 'helia-dynamic-directory'
import type { CID } from 'multiformats/cid'

export const LIBRARY = 'helia-dynamic-directory'
export const UNIXFS = '@helia/unixfs 8.0.5'

export const NETWORK_COLUMNS = ['blocks requested', 'served by A', 'bursts (reported)', 'fetch rounds (measured)', 'max in flight', 'time ms']

export async function openLibrary (client: Client, cid: CID, init: DynamicDirectoryInit = {}): Promise<Directory> {
  return dynamicDirectory({ blockstore: client.net }, init).open(cid)
}

export function unixfsOn (client: Client): ReturnType<typeof unixfs> {
  return unixfs({ blockstore: client.net })
}

/**
 * The network columns of a phase. `bursts` is what the library reports; for
 * `@helia/unixfs`, which has no such count, it is left empty and the measured
 * rounds say how serial its fetches were.
 */
export function networkRow (mode: Mode, implementation: string, phase: Phase<unknown>, bursts?: number): Row {
  return {
    network: modeLabel(mode),
    implementation,
    'blocks requested': phase.network.requested,
    'served by A': phase.served,
    'bursts (reported)': bursts ?? null,
    'fetch rounds (measured)': phase.network.rounds,
    'max in flight': phase.network.maxInFlight,
    'time ms': phase.ms
  }
}

/** `@helia/unixfs` over `library` for each numeric column both rows have */
export function ratioRow (mode: Mode, library: Row, other: Row, columns: string[]): Row {
  const row: Row = { network: modeLabel(mode), implementation: `ratio ${UNIXFS} / library` }
  for (const column of columns) {
    const a = other[column]
    const b = library[column]
    if (typeof a === 'number' && typeof b === 'number' && b !== 0) {
      row[column] = Math.round((a / b) * 100) / 100
    }
  }
  return row
}
