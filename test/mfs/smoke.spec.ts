import { expect } from 'aegir/chai'
import { all, bytesOf, setup } from './setup.js'

describe('mfs smoke', () => {
  it('writes, lists, reads', async () => {
    const { fs } = setup()
    await fs.mkdir('/a')
    await fs.writeBytes(Uint8Array.from([1, 2, 3]), '/a/b.txt')
    expect(await bytesOf(fs.cat('/a/b.txt'))).to.equalBytes(Uint8Array.from([1, 2, 3]))
    const entries = await all(fs.ls('/a'))
    expect(entries.map(e => e.name)).to.deep.equal(['b.txt'])
    expect((await fs.stat('/a')).type).to.equal('directory')
  })
})
