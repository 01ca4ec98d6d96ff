import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { dispatchOnce } from '../../src/features/notifications/dispatcher.ts'
import { devMailbox } from '../../src/features/notifications/mailer.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { createUser } from '../helpers/users.ts'

/**
 * /dev/mailbox shows every e-mail the portal sent, password reset links included: it
 * exists only when configuration enables it (DEV_MAILBOX, or demo mode, whose demo
 * passwords are printed anyway), never in production. Elsewhere it answers 404.
 */

describe('the development mailbox is off unless configured', () => {
  it('configuration: on in demo mode and when DEV_MAILBOX=true, off otherwise, refused in production', () => {
    assert.equal(loadConfig({}).devMailbox, true, 'npm start in development: demo mode')
    assert.equal(loadConfig({ SEED_DEMO: 'true' }).devMailbox, true)
    assert.equal(loadConfig({ SEED_DEMO: 'false' }).devMailbox, false, 'a development deployment without demo data')
    assert.equal(loadConfig({ NODE_ENV: 'test', SEED_DEMO: 'false' }).devMailbox, false)
    assert.equal(loadConfig({ SEED_DEMO: 'false', DEV_MAILBOX: 'true' }).devMailbox, true)
    assert.equal(loadConfig({ DEV_MAILBOX: 'false' }).devMailbox, false, 'demo mode without the mailbox')
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_BASE_URL: 'https://portal.example.ca', SMTP_URL: 'smtp://mail:25' }
    assert.equal(loadConfig(production).devMailbox, false)
    assert.equal(loadConfig({ ...production, SEED_DEMO: 'true' }).devMailbox, false)
    assert.throws(
      () => loadConfig({ ...production, DEV_MAILBOX: 'true' }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('DEV_MAILBOX must not be set')),
    )
  })

  async function resetMailIn(t: TestApp): Promise<void> {
    await createUser(t.db, { username: 'mailbox.owner', email: 'owner@example.ca' })
    const client = new TestClient(t.app)
    await client.get('/en/forgot-password')
    const sent = await client.post('/en/forgot-password', { username: 'mailbox.owner' })
    assert.equal(sent.status, 303)
    await dispatchOnce({ db: t.db, mailer: devMailbox(t.db, t.clock), clock: t.clock, config: t.config })
    const kept = await t.db.selectFrom('dev_mailbox').select(['id', 'text_body']).execute()
    assert.equal(kept.length, 1)
    assert.match(kept[0]!.text_body, /\/reset-password\//, 'the mailbox row holds a reset link')
  }

  describe('when enabled (tests, demo mode)', () => {
    let t: TestApp
    before(async () => {
      t = await testApp({ config: { devMailbox: true } })
    })
    after(() => t.close())

    it('lists and opens the e-mails, reset links included', async () => {
      await resetMailIn(t)
      const list = await new TestClient(t.app).get('/dev/mailbox')
      assert.equal(list.status, 200)
      const href = list.dom.querySelector('.mailbox-table tbody a')!.getAttribute('href')!
      const mail = await new TestClient(t.app).get(href)
      assert.equal(mail.status, 200)
      assert.match(mail.body, /\/reset-password\//)
    })
  })

  describe('when not enabled', () => {
    let t: TestApp
    before(async () => {
      t = await testApp({ config: { devMailbox: false } })
    })
    after(() => t.close())

    it('answers 404 for the mailbox, each e-mail and its HTML, though e-mails were sent', async () => {
      await resetMailIn(t)
      const id = (await t.db.selectFrom('dev_mailbox').select('id').executeTakeFirstOrThrow()).id
      for (const url of ['/dev/mailbox', `/dev/mailbox/${id}`, `/dev/mailbox/${id}/html`]) {
        const res = await new TestClient(t.app).get(url)
        assert.equal(res.status, 404, url)
        assert.doesNotMatch(res.body, /reset-password/, url)
      }
    })
  })
})
