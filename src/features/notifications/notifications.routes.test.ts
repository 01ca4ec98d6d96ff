import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { dispatchOnce } from './dispatcher.ts'
import { devMailbox } from './mailer.ts'
import { notify } from './notify.ts'
import { insertAccountMessage } from './notifications.repository.ts'

describe('account messages pages', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  async function signedIn(lang: 'en' | 'fr' = 'en') {
    const user = await createUser(t.db, { username: `u${Math.random().toString(36).slice(2, 10)}`, lang })
    const client = new TestClient(t.app)
    await signInAs(client, user.id)
    return { user, client }
  }

  // Each message a second after the previous one, all before now (moving the clock would end the session).
  let sequence = 0
  async function message(userId: string, name: string, lang: 'en' | 'fr' = 'en') {
    const now = new Date(t.clock.now().getTime() - 86_400_000 + ++sequence * 1000)
    return (await notify(t.db, { template: 'welcome', params: { name }, lang, accountMessage: { userId }, now })).accountMessageId!
  }

  const badge = (page: PageResponse) => text(page.dom.querySelector('.account-messages a'))

  it('sends a visitor who is not signed in to sign-in, and back here afterwards', async () => {
    const res = await new TestClient(t.app).get('/en/messages')
    assert.equal(res.status, 303)
    assert.equal(res.location, '/en/sign-in?returnTo=%2Fen%2Fmessages')
  })

  it('says "You have no messages." / "Vous n’avez aucun message." when there are none', async () => {
    const { client } = await signedIn()
    const en = await client.get('/en/messages')
    assert.equal(en.status, 200)
    assert.equal(text(en.dom.querySelector('h1')), 'Account messages')
    assert.match(text(en.dom.querySelector('main')), /You have no messages\./)
    assert.equal(badge(en), 'Account messages')
    const fr = await client.get('/fr/messages')
    assert.match(text(fr.dom.querySelector('main')), /Vous n’avez aucun message\./)
    assert.equal(badge(fr), 'Messages du compte')
  })

  it('lists a user’s messages newest first, unread marked, with the unread count in the header; another user sees none of them', async () => {
    const { user, client } = await signedIn('fr')
    await message(user.id, 'First')
    await message(user.id, 'Second')
    const newest = await message(user.id, 'Third')
    const page = await client.get('/en/messages')
    const rows = page.dom.querySelectorAll('.messages-table tbody tr')
    assert.equal(rows.length, 3)
    assert.ok(rows.every((r) => r.classList.contains('message-unread')))
    assert.equal(rows[0]!.querySelector('a')!.getAttribute('href'), `/en/messages/${newest}`)
    assert.equal(text(rows[0]!.querySelector('.tag')), 'Unread')
    assert.equal(badge(page), 'Account messages (3 unread)')
    assert.equal(page.dom.querySelector('.account-messages a')!.getAttribute('href'), '/en/messages')
    // Both languages: the subject in the page's language, whatever the recipient's.
    assert.equal(text(rows[0]!.querySelector('a')), 'Your Employer Portal account is ready')
    const fr = await client.get('/fr/messages')
    assert.equal(text(fr.dom.querySelector('.messages-table tbody tr a')), 'Votre compte du Portail des employeurs est prêt')
    assert.equal(badge(fr), 'Messages du compte (3 non lus)')
    assert.match(text(fr.dom.querySelector('main')), /3 non lus/)

    const other = await signedIn()
    assert.match(text((await other.client.get('/en/messages')).dom.querySelector('main')), /You have no messages\./)
    const stolen = await other.client.get(`/en/messages/${newest}`)
    assert.equal(stolen.status, 404)
  })

  it('lists a message whose template was retired since under the subject it was sent with, and opens it with its stored body', async () => {
    const { user, client } = await signedIn()
    const id = await insertAccountMessage(t.db, { user_id: user.id, business_id: null, template: 'retired.template', params: {}, lang: 'en', subject: 'An old notice', body: 'What it said then.', created_at: new Date(t.clock.now().getTime() - 1000) })
    const page = await client.get('/fr/messages')
    assert.equal(text(page.dom.querySelector('.messages-table tbody tr a')), 'An old notice')
    const opened = await client.get(`/fr/messages/${id}`)
    assert.equal(text(opened.dom.querySelector('h1')), 'An old notice')
    assert.equal(text(opened.dom.querySelector('.message-body')), 'What it said then.')
  })

  it('opens a message, marks it read for that user, and lowers the count', async () => {
    const { user, client } = await signedIn()
    await message(user.id, 'Older')
    const id = await message(user.id, 'Ana')
    const opened = await client.get(`/en/messages/${id}`)
    assert.equal(opened.status, 200)
    assert.equal(text(opened.dom.querySelector('h1')), 'Your Employer Portal account is ready')
    assert.match(text(opened.dom.querySelector('.message-body')), /^Hello Ana,\s*Your sign-in account/)
    assert.match(text(opened.dom.querySelector('main')), /Received on /)
    assert.equal(badge(opened), 'Account messages (1 unread)', 'the header counts after marking')
    const list = await client.get('/en/messages')
    const rows = list.dom.querySelectorAll('.messages-table tbody tr')
    assert.ok(rows[0]!.classList.contains('message-read'))
    assert.ok(rows[1]!.classList.contains('message-unread'))
    assert.match(text(list.dom.querySelector('main')), /1 unread/)
    const frList = await client.get('/fr/messages')
    assert.equal(badge(frList), 'Messages du compte (1 non lu)')
    assert.match(text(frList.dom.querySelector('main')), /\b1 non lu\b(?!s)/)
    // Opening it again changes nothing.
    assert.equal((await client.get(`/fr/messages/${id}`)).status, 200)
    assert.equal(badge(await client.get('/en/messages')), 'Account messages (1 unread)')
  })

  it('answers 404 for an address that is not a message id', async () => {
    const { client } = await signedIn()
    assert.equal((await client.get('/en/messages/not-a-uuid')).status, 404)
    assert.equal((await client.get('/en/messages/7b0c1c8e-1f5e-4e43-9a33-1f2d3c4b5a69')).status, 404)
  })

  it('pages 20 messages at a time, with previous and next links', async () => {
    const { user, client } = await signedIn()
    for (let i = 1; i <= 45; i++) await message(user.id, `n${i}`)
    const first = await client.get('/en/messages')
    assert.equal(first.dom.querySelectorAll('.messages-table tbody tr').length, 20)
    assert.equal(text(first.dom.querySelector('.pagination [aria-current]')), 'Page 1 of 3')
    assert.equal(first.dom.querySelector('.pagination a[rel=next]')!.getAttribute('href'), '/en/messages?page=2')
    assert.equal(first.dom.querySelector('.pagination a[rel=prev]'), null)
    const last = await client.get('/en/messages?page=3')
    assert.equal(last.dom.querySelectorAll('.messages-table tbody tr').length, 5)
    assert.equal(last.dom.querySelector('.pagination a[rel=prev]')!.getAttribute('href'), '/en/messages?page=2')
    assert.equal(last.dom.querySelector('.pagination a[rel=next]'), null)
    // The oldest message is last on the last page.
    const oldestId = await t.db.selectFrom('account_message').select('id').where('user_id', '=', user.id).orderBy('created_at').executeTakeFirstOrThrow()
    const lastRows = last.dom.querySelectorAll('.messages-table tbody tr a')
    assert.equal(lastRows[lastRows.length - 1]!.getAttribute('href'), `/en/messages/${oldestId.id}`)
    // Out of range or nonsense: the nearest real page.
    assert.equal(text((await client.get('/en/messages?page=99')).dom.querySelector('.pagination [aria-current]')), 'Page 3 of 3')
    assert.equal(text((await client.get('/fr/messages?page=abc')).dom.querySelector('.pagination [aria-current]')), 'Page 1 de 3')
  })
})

describe('the development mailbox', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
  })
  after(() => t.close())

  it('shows the e-mails the portal sent while no SMTP server is configured, readable in full', async () => {
    const empty = await new TestClient(t.app).get('/dev/mailbox')
    assert.equal(empty.status, 200)
    assert.match(text(empty.dom.querySelector('main')), /No e-mails yet\./)

    const { outboxId } = await notify(t.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'fr', email: { to: 'ana@example.ca' }, now: t.clock.now() })
    const config = { publicBaseUrl: t.config.publicBaseUrl, mailFrom: t.config.mailFrom, mailReplyTo: 'aide@example.ca' }
    await dispatchOnce({ db: t.db, mailer: devMailbox(t.db, t.clock), clock: t.clock, config })

    const list = await new TestClient(t.app).get('/dev/mailbox')
    const link = list.dom.querySelector('.mailbox-table tbody a')!
    assert.equal(text(link), 'Votre compte du Portail des employeurs est prêt')
    assert.match(text(list.dom.querySelector('.mailbox-table tbody')), /ana@example\.ca/)

    const mail = await new TestClient(t.app).get(link.getAttribute('href')!)
    assert.equal(mail.status, 200)
    const details = text(mail.dom.querySelector('.summary-list'))
    assert.match(details, /ana@example\.ca/)
    assert.match(details, /Employer Portal <no-reply@localhost>/)
    assert.match(details, /aide@example\.ca/)
    assert.ok(details.includes(`<${outboxId}@localhost>`))
    assert.match(text(mail.dom.querySelector('.mail-text')), /Bonjour Ana, .* Accédez au Portail des employeurs : http:\/\/localhost:3000\/fr /)

    const htmlVersion = await new TestClient(t.app).get(`${link.getAttribute('href')}/html`)
    assert.equal(htmlVersion.status, 200)
    assert.match(htmlVersion.body, /<p>Bonjour Ana,<\/p>/)
  })

  it('does not exist in production mode', async () => {
    const prod = await testApp({ config: { env: 'production', isProduction: true, smtpUrl: 'smtp://127.0.0.1:1' } })
    try {
      assert.equal((await new TestClient(prod.app).get('/dev/mailbox')).status, 404)
      assert.equal((await new TestClient(prod.app).get('/dev/mailbox/1')).status, 404)
    } finally {
      await prod.close()
    }
  })
})
