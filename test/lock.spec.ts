import { expect } from 'aegir/chai'
import { ReadWriteLock } from '../src/lock.js'

/** Lets every settled promise's callbacks run */
async function settle (): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 0))
}

describe('read/write lock', () => {
  it('runs reads together and a write alone', async () => {
    const lock = new ReadWriteLock()
    const order: string[] = []
    const first = await lock.readLock()
    const second = await lock.readLock()
    const write = lock.writeLock().then(release => { order.push('write'); return release })
    await settle()
    expect(order).to.deep.equal([])

    first()
    await settle()
    expect(order).to.deep.equal([], 'one read still holds the lock')
    second()
    const release = await write
    expect(order).to.deep.equal(['write'])

    const read = lock.readLock().then(release => { order.push('read'); return release })
    await settle()
    expect(order).to.deep.equal(['write'], 'a read waits for the write')
    release()
    ;(await read)()
    expect(order).to.deep.equal(['write', 'read'])
  })

  it('serves callers in the order they asked, so reads cannot starve a write', async () => {
    const lock = new ReadWriteLock()
    const order: string[] = []
    const held = await lock.readLock()
    const write = lock.writeLock().then(release => { order.push('write'); release() })
    const laterRead = lock.readLock().then(release => { order.push('later read'); release() })
    await settle()
    expect(order).to.deep.equal([], 'the later read queues behind the waiting write')
    held()
    await Promise.all([write, laterRead])
    expect(order).to.deep.equal(['write', 'later read'])
  })

  it('an aborted waiter leaves the queue with the reason and takes nothing; those behind it go on', async () => {
    const lock = new ReadWriteLock()
    const held = await lock.readLock()
    const controller = new AbortController()
    const write = lock.writeLock({ signal: controller.signal })
    let readGranted = false
    const read = lock.readLock().then(release => { readGranted = true; return release })
    await settle()
    expect(readGranted).to.equal(false)

    controller.abort()
    await expect(write).to.eventually.be.rejected.with.property('name', 'AbortError')
    const release = await read
    expect(readGranted).to.equal(true, 'the read behind the aborted write runs beside the held read')
    held()
    release()
    // nothing is held now: a write runs at once
    ;(await lock.writeLock())()
  })

  it('refuses an aborted signal at once, and a second release does nothing', async () => {
    const lock = new ReadWriteLock()
    await expect(lock.readLock({ signal: AbortSignal.abort() })).to.eventually.be.rejected.with.property('name', 'AbortError')

    const write = await lock.writeLock()
    write()
    write()
    const read = await lock.readLock()
    let second = false
    const next = lock.writeLock().then(release => { second = true; release() })
    await settle()
    expect(second).to.equal(false, 'a repeated release of the write did not free the held read')
    read()
    await next
    expect(second).to.equal(true)
  })
})
