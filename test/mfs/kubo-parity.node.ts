/**
 * Parity with kubo's `ipfs files`: the same operations (mkdir -p, cp of
 * added files, HAMT growth past a 1 KiB threshold and shrink back, cp, mv,
 * rm -r) through kubo v0.43.1's CLI on a throw-away offline repo (CIDv1, raw
 * leaves, `links` size estimation, the threshold from
 * `Import.UnixFSHAMTDirectorySizeThreshold`) and through `mfs()`: the same
 * root CID at every checkpoint. Each kubo command is its own process, so
 * kubo's MFS loads the root afresh every time (its history-dependent switch,
 * `notes: boxo decides the HAMT->basic switch from the net size change since
 * load`, does not come into play across commands). The binary is `KUBO_BIN`,
 * or the one `scripts/kubo.sh` (branch `kubo`) builds into
 * ~/.cache/helia-dynamic-directory; without one the suite is skipped.
 */

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { unixfs } from '@helia/unixfs'
import { expect } from 'aegir/chai'
import { mfs } from '../../src/mfs/index.js'
import { setup } from './setup.js'

function kuboBinary (): string | undefined {
  const fromEnv = process.env.KUBO_BIN
  if (fromEnv != null && fromEnv !== '') {
    return fromEnv
  }
  const bin = join(process.env.KUBO_CACHE ?? join(homedir(), '.cache', 'helia-dynamic-directory'), 'kubo-v0.43.1', 'ipfs')
  return existsSync(bin) ? bin : undefined
}

const bin = kuboBinary()
const suite = bin == null ? describe.skip : describe

suite('mfs: the same root CIDs as kubo\'s ipfs files (kubo v0.43.1 CLI, offline repo)', function () {
  this.timeout(120_000)
  let repo: string

  const ipfs = (...args: string[]): string => {
    const run = spawnSync(bin as string, args, { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8' })
    if (run.status !== 0) {
      throw new Error(`ipfs ${args.join(' ')}: ${run.stderr}`)
    }
    return run.stdout.trim()
  }

  before(async () => {
    repo = await mkdtemp(join(tmpdir(), 'kubo-mfs-'))
    ipfs('init', '--profile', 'test', '-e')
    ipfs('config', 'Import.UnixFSHAMTDirectorySizeThreshold', '1KiB')
    ipfs('config', '--json', 'Import.CidVersion', '1')
    ipfs('config', '--json', 'Import.UnixFSRawLeaves', 'true')
  })

  after(async () => {
    await rm(repo, { recursive: true, force: true })
  })

  it('mkdir, cp, HAMT growth and shrink, mv, rm -r', async () => {
    const { blockstore, datastore } = setup()
    const fs = mfs({ blockstore, datastore }, { shardSplitThresholdBytes: 1024 })
    const root = (): string => ipfs('files', 'stat', '--hash', '/')

    // the same files on both sides: kubo adds them, @helia/unixfs must give the same CIDs
    const files = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`file ${i}\n`))
    const dir = await mkdtemp(join(tmpdir(), 'kubo-files-'))
    const paths = await Promise.all(files.map(async (bytes, i) => {
      const path = join(dir, `f${String(i).padStart(2, '0')}`)
      await writeFile(path, bytes)
      return path
    }))
    const kuboCids = ipfs('add', '-q', '--cid-version', '1', '--raw-leaves', ...paths).split('\n')
    await rm(dir, { recursive: true, force: true })
    const peer = unixfs({ blockstore })
    const cids = await Promise.all(files.map(async bytes => peer.addBytes(bytes)))
    expect(cids.map(String)).to.deep.equal(kuboCids)

    ipfs('files', 'mkdir', '-p', '/a/b')
    await fs.mkdir('/a/b', { parents: true })
    expect((await fs.flush()).toString()).to.equal(root())

    // growth: entries of 39 link bytes pass 1 KiB at the 27th, a HAMT
    for (let i = 0; i < 40; i++) {
      ipfs('files', 'cp', '-p', `/ipfs/${kuboCids[i]}`, `/h/f${i}`)
      await fs.cp(cids[i], `/h/f${i}`, { parents: true })
      // every step: 26 entries (1014 link bytes) are basic, 27 (1053) a HAMT
      expect((await fs.flush()).toString()).to.equal(root(), `after ${i + 1} entries`)
    }
    expect((await fs.stat('/h')).unixfs?.type).to.equal('hamt-sharded-directory')

    ipfs('files', 'cp', '/h/f1', '/a/b/copy')
    await fs.cp('/h/f1', '/a/b/copy')
    ipfs('files', 'mv', '/a/b', '/c')
    await fs.mv('/a/b', '/c')
    expect((await fs.flush()).toString()).to.equal(root())

    // shrink: back under the threshold, a basic directory on both sides
    for (let i = 0; i < 30; i++) {
      ipfs('files', 'rm', `/h/f${i}`)
      await fs.rm(`/h/f${i}`)
      expect((await fs.flush()).toString()).to.equal(root(), `after removing ${i + 1}`)
    }
    expect((await fs.stat('/h')).unixfs?.type).to.equal('directory')

    ipfs('files', 'rm', '-r', '/c')
    await fs.rm('/c', { recursive: true })
    expect((await fs.flush()).toString()).to.equal(root())
  })

  it('mv onto a directory that holds the source, or into itself: kubo refuses, moves into it, or drops the source; mfs() refuses and keeps all', async () => {
    const tryIpfs = (...args: string[]): boolean => spawnSync(bin as string, args, { env: { ...process.env, IPFS_PATH: repo }, encoding: 'utf8' }).status === 0
    const names = (path: string): string[] => ipfs('files', 'ls', path).split('\n').filter(Boolean).sort()
    const dir = await mkdtemp(join(tmpdir(), 'kubo-files-'))
    await writeFile(join(dir, 'x'), 'x\n')
    await writeFile(join(dir, 'y'), 'y\n')
    const [x, y] = ipfs('add', '-q', '--cid-version', '1', '--raw-leaves', join(dir, 'x'), join(dir, 'y')).split('\n')
    await rm(dir, { recursive: true, force: true })
    const kuboSetup = (): void => {
      tryIpfs('files', 'rm', '-r', '/dir')
      ipfs('files', 'mkdir', '-p', '/dir/sub')
      ipfs('files', 'cp', `/ipfs/${x}`, '/dir/sub/x')
      ipfs('files', 'cp', `/ipfs/${y}`, '/dir/y')
    }

    const { blockstore, datastore } = setup()
    const fs = mfs({ blockstore, datastore }, { shardSplitThresholdBytes: 1024 })
    for (const file of ['/a', '/h']) {
      tryIpfs('files', 'rm', '-r', file)
    }
    kuboSetup()
    await fs.mkdir('/dir/sub', { parents: true })
    await fs.cp(await unixfs({ blockstore }).addBytes(new TextEncoder().encode('x\n')), '/dir/sub/x')
    await fs.cp(await unixfs({ blockstore }).addBytes(new TextEncoder().encode('y\n')), '/dir/y')
    const before = (await fs.flush()).toString()
    expect(ipfs('files', 'stat', '--hash', '/dir')).to.equal((await fs.stat('/dir')).cid.toString())

    // kubo moves into an existing directory under the source's name, which exists here: refused
    for (const [from, to] of [['/dir/sub', '/dir'], ['/dir/y', '/dir'], ['/dir/sub/x', '/dir/sub']]) {
      kuboSetup()
      expect(tryIpfs('files', 'mv', from, to), `kubo: files mv ${from} ${to}`).to.equal(false)
      await expect(fs.mv(from, to, { force: true })).to.eventually.be.rejected.with.property('name', 'MoveOntoAncestorError')
    }
    // kubo moves x into /dir as /dir/x; for mfs() the destination is the new path, which holds the source
    kuboSetup()
    expect(tryIpfs('files', 'mv', '/dir/sub/x', '/dir')).to.equal(true)
    expect(names('/dir')).to.deep.equal(['sub', 'x', 'y'])
    await expect(fs.mv('/dir/sub/x', '/dir', { force: true })).to.eventually.be.rejected.with.property('name', 'MoveOntoAncestorError')
    // kubo links /dir under itself, fails, and has dropped /dir from the root by then
    kuboSetup()
    expect(tryIpfs('files', 'mv', '/dir', '/dir/sub/z')).to.equal(false)
    expect(tryIpfs('files', 'stat', '/dir')).to.equal(false)
    await expect(fs.mv('/dir', '/dir/sub/z', { parents: true })).to.eventually.be.rejected.with.property('name', 'InvalidParametersError')

    expect((await fs.flush()).toString()).to.equal(before)
  })
})
