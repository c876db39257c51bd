import { UnixFS } from 'ipfs-unixfs'
import { InvalidBlockError } from '../errors.js'
import { readFields } from './fields.js'

/**
 * The UnixFS Data field of a dag-pb node, decoded. `hashType` is read here
 * from the protobuf because `ipfs-unixfs` 13 `UnixFS.unmarshal` does not keep
 * it, and a shard reader must check it.
 */
export interface UnixFSData {
  unixfs: UnixFS
  hashType?: number
}

export function decodeUnixFSData (data: Uint8Array): UnixFSData {
  let unixfs: UnixFS
  try {
    unixfs = UnixFS.unmarshal(data)
  } catch (err: any) {
    throw new InvalidBlockError('UnixFS: could not decode the Data field', { cause: err })
  }
  return { unixfs, hashType: readHashType(data) }
}

const HASH_TYPE_FIELD = 5

/** The last value of the hashType field, or undefined if absent */
function readHashType (data: Uint8Array): number | undefined {
  let hashType: number | undefined
  try {
    for (const field of readFields(data)) {
      if (field.field === HASH_TYPE_FIELD && field.wire === 'varint') {
        hashType = field.value
      }
    }
  } catch (err: any) {
    throw new InvalidBlockError(`UnixFS: ${err.message} in the Data field`, { cause: err })
  }
  return hashType
}
