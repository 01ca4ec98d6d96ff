import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { membershipsWithSession } from '../features/access/active-business.ts'
import { testApp, type TestApp } from '../../tests/helpers/app.ts'
import { createUser } from '../../tests/helpers/users.ts'
import { systemClock } from './clock.ts'
import { DbSessionStore } from './session-store.ts'

/**
 * The user and companions read with a session go to the request that asked, even when
 * several requests of one session are in flight at once (tabs, an API client, the
 * benchmark's connections).
 */
describe('DbSessionStore: reads kept for the requests of one session', () => {
  let t: TestApp
  let store: DbSessionStore
  let userId: string
  const id = 'store-reads-0123456789abcdef'

  before(async () => {
    t = await testApp()
    userId = (await createUser(t.db, { username: 'store-reads', password: 'Store-reads-password-2026' })).id
    const now = new Date()
    await t.db.insertInto('session').values({ id, data: JSON.stringify({ userId }), user_id: userId, created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 3_600_000) }).execute()
    store = new DbSessionStore(t.db, systemClock, [membershipsWithSession])
  })
  after(() => t.close())

  const read = () => new Promise((resolve, reject) => store.get(id, (err, session) => (err ? reject(err) : resolve(session))))

  test('two requests that arrived before both reads each take one; a third finds none and reads for itself', async () => {
    const arrived = performance.now()
    await Promise.all([read(), read()])
    assert.equal(store.takeReadWith(id, arrived)?.user?.id, userId)
    assert.equal(store.takeReadWith(id, arrived)?.user?.id, userId)
    assert.equal(store.takeReadWith(id, arrived), undefined)
  })

  test('a read asked before a request arrived is not given to it (it may predate a change the request must see)', async () => {
    await read()
    const arrivedAfter = performance.now()
    assert.equal(store.takeReadWith(id, arrivedAfter), undefined)
    // It stays for the earlier request it belongs to.
    assert.equal(store.takeReadWith(id, 0)?.user?.id, userId)
  })

  test('a session nobody asked about has nothing to take', () => {
    assert.equal(store.takeReadWith('store-reads-never-asked', 0), undefined)
  })
})
