/**
 * Exact link names of a dag-pb block.
 */

import { InvalidDirectoryError } from '../errors.js'
import { PB_LINK_NAME, PB_NODE_LINKS } from './constants.js'
import { readFields } from './fields.js'

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * Link names exactly as their bytes say. `@ipld/dag-pb` decodes names with a
 * lenient `TextDecoder` that drops a leading U+FEFF and replaces invalid
 * UTF-8, so a name read through it may not be the name that was written.
 */
export function exactLinkNames (bytes: Uint8Array): Array<string | undefined> {
  const names: Array<string | undefined> = []
  for (const node of readFields(bytes)) {
    if (node.field !== PB_NODE_LINKS || node.wire !== 'bytes') {
      continue
    }
    let name: string | undefined
    for (const link of readFields(node.value)) {
      if (link.field === PB_LINK_NAME && link.wire === 'bytes') {
        try {
          name = strictUtf8.decode(link.value)
        } catch (err: any) {
          throw new InvalidDirectoryError('Directory link name is not valid UTF-8', { cause: err })
        }
      }
    }
    names.push(name)
  }
  return names
}
