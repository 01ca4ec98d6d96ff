import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { endAllSessions } from '../../src/features/auth/session-lifecycle.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { businessWithPrimary } from '../helpers/offers.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'

/**
 * The embedded database's read cache (src/db/read-cache.ts) serves a signed-in
 * person's session, user, memberships and unread count between writes. Each test
 * warms it with two pages first, then changes the database as another request or
 * the dormancy job would: the very next page must see the change.
 */
describe('signed-in pages between writes (the embedded read cache)', () => {
  let t: TestApp

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  async function signedIn(username: string, bn: string, name: string) {
    const { userId, businessId } = await businessWithPrimary(t, username, bn, name)
    const client = new TestClient(t.app)
    await signInAs(client, userId)
    for (let i = 0; i < 2; i++) assert.equal((await client.get('/en/offers')).status, 200)
    return { client, userId, businessId }
  }

  test('a page that follows another with nothing written in between sends no query for the session, user, memberships or messages', async (ctx) => {
    const pool = t.database.embedded
    if (!pool) return ctx.diagnostic('PostgreSQL: nothing is cached (other processes write), so there is nothing to count')
    const { client } = await signedIn('cache-quiet', '110000001', 'Quiet Cache Inc.')
    await client.get('/en/home')
    const before = pool.statements
    const page = await client.get('/en/home')
    assert.equal(page.status, 200)
    assert.match(page.body, /Quiet Cache Inc\./)
    assert.equal(pool.statements - before, 0)
  })

  test('a removed membership stops acting for the business at the next page', async () => {
    const { client, userId, businessId } = await signedIn('cache-member', '120000002', 'Removed Link Inc.')
    assert.match((await client.get('/en/offers')).body, /Removed Link Inc\./)
    await t.db.updateTable('business_membership').set({ status: 'removed' }).where('user_id', '=', userId).where('business_id', '=', businessId).execute()
    const page = await client.get('/en/offers')
    assert.doesNotMatch(page.body, /Removed Link Inc\./)
  })

  test('a deleted user is signed out at the next page', async () => {
    const { client, userId } = await signedIn('cache-deleted', '130000003', 'Deleted User Inc.')
    await t.db.updateTable('app_user').set({ status: 'deleted' }).where('id', '=', userId).execute()
    const page = await client.get('/en/offers')
    assert.equal(page.status, 303)
    assert.match(page.location ?? '', /\/en\/sign-in/)
  })

  test('signing out everywhere ends a session that was just served from the cache', async () => {
    const { client, userId } = await signedIn('cache-everywhere', '140000004', 'Everywhere Inc.')
    await endAllSessions(t.db, userId)
    const page = await client.get('/en/offers')
    assert.equal(page.status, 303)
    assert.match(page.location ?? '', /\/en\/sign-in/)
  })

  test('a new account message shows in the header count at the next page', async () => {
    const { client, userId } = await signedIn('cache-unread', '150000005', 'Unread Inc.')
    const count = (body: string) => /<p class="account-messages"><a [^>]*>([^<]*)</.exec(body)?.[1]
    assert.equal(count((await client.get('/en/home')).body), 'Account messages')
    await t.db
      .insertInto('account_message')
      .values({ user_id: userId, business_id: null, template: 'welcome', params: '{}', lang: 'en', subject: 'Hello', body: 'Hello', created_at: t.clock.now() })
      .execute()
    assert.equal(count((await client.get('/en/home')).body), 'Account messages (1 unread)')
  })
})
