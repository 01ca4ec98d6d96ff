import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
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
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  async function message(userId: string, subject: string) {
    await insertAccountMessage(t.db, { user_id: userId, business_id: null, template: 'retired.template', params: {}, lang: 'en', subject, body: subject, created_at: new Date() })
  }

  test('after a write, the home page reads the session, user, businesses and unread count in one statement, and shows them', async () => {
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
    assert.equal(sent.length, 1, `statements sent:\n${sent.map((x) => x.text).join('\n')}`)
    assert.match(sent[0]!.text, /from "session"/)
  })

  test('the unread count and the businesses are as fresh as the session: a new message and a new business show on the next page', async () => {
    const first = await businessWithPrimary(t, 'companions-fresh', '160000006', 'Fresh First Inc.')
    const client = new TestClient(t.app)
    await signInAs(client, first.userId)
    assert.match((await client.get('/en/home')).body, /Account messages<\/a>/)
    await message(first.userId, 'One')
    await message(first.userId, 'Two')
    const page = await client.get('/fr/home')
    assert.match(page.body, /Messages du compte \(2 non lu\(s\)\)/)
    // A second business for the same person: the header offers the switch at once.
    const second = await businessWithPrimary(t, 'companions-fresh-2', '170000007', 'Fresh Second Inc.')
    await t.db
      .insertInto('business_membership')
      .values({ user_id: first.userId, business_id: second.businessId, role: 'secondary', status: 'active', created_at: new Date() })
      .execute()
    const switcher = await client.get('/en/home')
    assert.match(switcher.body, /<select id="header-business"[\s\S]*Fresh First Inc\.[\s\S]*Fresh Second Inc\./)
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
