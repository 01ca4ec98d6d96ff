import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { currentUser } from '../../src/features/auth/users.repository.ts'
import { insertAccountMessage } from '../../src/features/notifications/notifications.repository.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { businessWithPrimary } from '../helpers/offers.ts'
import { recordStatements } from '../helpers/sent-statements.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'

// Every statement either engine is sent (this file runs in its own process).
const { sent } = recordStatements()

/**
 * A signed-in page needs its session, the user, the header's businesses and unread
 * count: one statement for all four (src/platform/session-store.ts, `SessionCompanion`),
 * and each as fresh as if read on its own.
 */
describe('what a signed-in page reads with its session', () => {
  let t: TestApp

  before(async () => {
    t = await testApp({
      configure: (app) => {
        registerSignInAs(app, () => t)
        // What a route finds on the request: the names of the signed-in user's fields.
        app.get('/test/user-fields', async (request) => ({ fields: request.user ? Object.keys(request.user).sort() : null }))
      },
    })
  })
  after(() => t.close())

  async function message(userId: string, subject: string) {
    await insertAccountMessage(t.db, { user_id: userId, business_id: null, template: 'retired.template', params: {}, lang: 'en', subject, body: subject, created_at: new Date() })
  }

  test('after a write, the home page reads the session, user, businesses and unread count in one statement (and its own latest enrolment request), and shows them', async () => {
    const { userId } = await businessWithPrimary(t, 'companions-one', '150000005', 'One Statement Inc.')
    const client = new TestClient(t.app)
    await signInAs(client, userId)
    await client.get('/en/home')
    await message(userId, 'A new message') // a write: on the embedded database the read cache starts again
    sent.length = 0
    const page = await client.get('/en/home')
    assert.equal(page.status, 200)
    assert.match(page.body, /One Statement Inc\./)
    assert.match(page.body, /Account messages \(1 unread\)/)
    // The session's statement; then the home page's own (a companion would cost every signed-in page).
    assert.equal(sent.length, 2, `statements sent:\n${sent.map((x) => x.text).join('\n')}`)
    assert.match(sent[0]!.text, /from "session"/)
    assert.match(sent[1]!.text, /from "enrolment_request"/)
  })

  test('the unread count and the businesses are as fresh as the session: a new message and a new business show on the next page', async () => {
    const first = await businessWithPrimary(t, 'companions-fresh', '160000006', 'Fresh First Inc.')
    const client = new TestClient(t.app)
    await signInAs(client, first.userId)
    assert.match((await client.get('/en/home')).body, /Account messages<\/a>/)
    await message(first.userId, 'One')
    await message(first.userId, 'Two')
    const page = await client.get('/fr/home')
    assert.match(page.body, /Messages du compte \(2 non lus\)/)
    // A second business for the same person: the header offers the switch at once.
    const second = await businessWithPrimary(t, 'companions-fresh-2', '170000007', 'Fresh Second Inc.')
    await t.db
      .insertInto('business_membership')
      .values({ user_id: first.userId, business_id: second.businessId, role: 'secondary', status: 'active', created_at: new Date() })
      .execute()
    const switcher = await client.get('/en/home')
    assert.match(switcher.body, /<select id="header-business"[\s\S]*Fresh First Inc\.[\s\S]*Fresh Second Inc\./)
  })

  test('the signed-in user a route finds carries no password hash, second-factor secret or sign-in attempts, however it was read', async () => {
    const { userId } = await businessWithPrimary(t, 'companions-secrets', '180000008', 'No Secrets Inc.')
    await t.db.updateTable('app_user').set({ totp_secret: 'sealed-secret-for-the-test', totp_last_step: 7, failed_sign_ins: 2 }).where('id', '=', userId).execute()
    const client = new TestClient(t.app)
    await signInAs(client, userId)
    sent.length = 0
    const { fields } = JSON.parse((await client.get('/test/user-fields')).body) as { fields: string[] }
    // The user's own read, for a request that found the session's read taken by another.
    const readAlone = Object.keys((await currentUser(t.db, userId))!)
    for (const read of [fields, readAlone]) {
      assert.ok(read.includes('id') && read.includes('preferred_language') && read.includes('status'), read.join(', '))
      for (const secret of ['password_hash', 'totp_secret', 'totp_last_step', 'failed_sign_ins', 'locked_until']) assert.ok(!read.includes(secret), `${secret} in ${read.join(', ')}`)
    }
    assert.ok(!sent.some((x) => /password_hash|totp_secret/.test(x.text)), `statements sent:\n${sent.map((x) => x.text).join('\n')}`)
  })

  test('signed out, the session is still one statement and no companion is taken', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    sent.length = 0
    const page = await client.get('/en/sign-in')
    assert.equal(page.status, 200)
    assert.ok(sent.length <= 1, `statements sent:\n${sent.map((x) => x.text).join('\n')}`)
    assert.doesNotMatch(page.body, /Account messages/)
  })
})
