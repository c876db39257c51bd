import type { Mtime } from 'ipfs-unixfs'

/** `@helia/unixfs` `touch`'s default mtime: now */
export function now (): Mtime {
  const ms = Date.now()
  return { secs: BigInt(Math.floor(ms / 1000)), nsecs: (ms % 1000) * 1_000_000 }
}
