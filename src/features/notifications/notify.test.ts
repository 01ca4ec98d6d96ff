import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import { TestClock } from '../../platform/clock.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { startSmtpServer, type TestSmtpServer } from '../../../tests/helpers/smtp-server.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { dispatchOnce } from './dispatcher.ts'
import { smtpMailer, type Mailer } from './mailer.ts'
import { listMessages, markRead, messagesWithCounts } from './notifications.repository.ts'
import { InvalidRecipientError, notify, notifyUser } from './notify.ts'

const config = { publicBaseUrl: 'https://portal.example.ca', mailFrom: 'Employer Portal <no-reply@portal.example.ca>', mailReplyTo: undefined }

describe('notify(): the notification is part of the change that causes it', () => {
  let database: DatabaseHandle
  let smtp: TestSmtpServer
  let mailer: Mailer
  const clock = new TestClock('2026-11-23T15:00:00Z')

  beforeEach(async () => {
    database = await freshDatabase()
    smtp = await startSmtpServer()
    mailer = smtpMailer(smtp.url)
  })
  afterEach(async () => {
    await mailer.close?.()
    await smtp.close()
    await database.close()
  })

  async function counts() {
    const [messages, emails, users] = await Promise.all(
      (['account_message', 'email_outbox', 'app_user'] as const).map((table) =>
        database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ),
    )
    return { messages: Number(messages!.n), emails: Number(emails!.n), users: Number(users!.n) }
  }

  async function changeWithNotification(to: string, fail: boolean): Promise<void> {
    await database.db.transaction().execute(async (trx) => {
      const now = clock.now()
      const user = await trx
        .insertInto('app_user')
        .values({ role: 'employer', username: 'ana', username_key: 'ana', email: to, preferred_language: 'fr', created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await notify(trx, { template: 'welcome', params: { name: 'Ana' }, lang: 'fr', email: { to }, accountMessage: { userId: user.id }, now })
      if (fail) throw new Error('the change was refused after notify()')
    })
  }

  it('a change that rolls back leaves no account message and sends no e-mail', async () => {
    await assert.rejects(changeWithNotification('ana@example.ca', true), /refused after notify/)
    assert.deepEqual(await counts(), { messages: 0, emails: 0, users: 0 })
    assert.equal((await dispatchOnce({ db: database.db, mailer, clock, config })).claimed, 0)
    assert.equal(smtp.received.length, 0)
  })

  it('a change that commits has its account message and its e-mail, which the dispatcher sends', async () => {
    await changeWithNotification('ana@example.ca', false)
    assert.deepEqual(await counts(), { messages: 1, emails: 1, users: 1 })
    const user = await database.db.selectFrom('app_user').select('id').executeTakeFirstOrThrow()
    const reader = { userId: user.id, businessIds: [] }
    const [message] = await listMessages(database.db, reader, { limit: 10, offset: 0 })
    assert.equal(message!.subject, 'Votre compte du Portail des employeurs est prêt')
    assert.match(message!.body, /^Bonjour Ana,/)
    assert.equal(message!.read_at, null)
    assert.equal((await dispatchOnce({ db: database.db, mailer, clock, config })).sent, 1)
    assert.equal(smtp.received[0]!.headers.get('subject'), 'Votre compte du Portail des employeurs est prêt')
  })

  it('refuses an invalid address (forms must have caught it), failing the change with it', async () => {
    await assert.rejects(changeWithNotification('ana@', false), InvalidRecipientError)
    assert.deepEqual(await counts(), { messages: 0, emails: 0, users: 0 })
  })

  it('keeps a business message for the business, and one user’s message for that user only', async () => {
    const ana = await createUser(database.db, { username: 'ana' })
    const bob = await createUser(database.db, { username: 'bob' })
    const business = '6f1d7a4e-2a55-4c4f-9a51-0d7c5d0e8c11'
    const now = clock.now()
    await notify(database.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'en', accountMessage: { userId: ana.id }, now })
    // A second later: the list is newest first.
    await notify(database.db, { template: 'welcome', params: { name: 'team' }, lang: 'en', accountMessage: { businessId: business }, now: new Date(now.getTime() + 1000) })
    // The counts and the page come from one statement: each page's rows, and the counts on any page, even one past the last.
    const seen = async (reader: { userId: string; businessIds: string[] }, page = { limit: 20, offset: 0 }) => {
      const { total, unread, rows } = await messagesWithCounts(database.db, reader, page)
      return { total, unread, listed: rows.map((r) => r.params.name) }
    }
    assert.deepEqual(await seen({ userId: ana.id, businessIds: [] }), { total: 1, unread: 1, listed: ['Ana'] })
    assert.deepEqual(await seen({ userId: ana.id, businessIds: [business] }), { total: 2, unread: 2, listed: ['team', 'Ana'] })
    assert.deepEqual(await seen({ userId: ana.id, businessIds: [business] }, { limit: 1, offset: 1 }), { total: 2, unread: 2, listed: ['Ana'] })
    assert.deepEqual(await seen({ userId: ana.id, businessIds: [business] }, { limit: 1, offset: 2 }), { total: 2, unread: 2, listed: [] })
    assert.deepEqual(await seen({ userId: bob.id, businessIds: [business] }), { total: 1, unread: 1, listed: ['team'] })
    assert.deepEqual(await seen({ userId: bob.id, businessIds: [] }), { total: 0, unread: 0, listed: [] })
    await markRead(database.db, (await listMessages(database.db, { userId: bob.id, businessIds: [business] }, { limit: 1, offset: 0 }))[0]!, bob.id, now)
    assert.deepEqual(await seen({ userId: bob.id, businessIds: [business] }), { total: 1, unread: 0, listed: ['team'] })
    assert.deepEqual(await seen({ userId: ana.id, businessIds: [business] }), { total: 2, unread: 2, listed: ['team', 'Ana'] }, 'read by Bob, still unread for Ana')
  })

  it('notifyUser() writes in the user’s preferred language, to their contact e-mail when they have one', async () => {
    const marie = await createUser(database.db, { username: 'marie', lang: 'fr', email: 'marie@exemple.ca' })
    const noEmail = await createUser(database.db, { username: 'sam', lang: 'en' })
    await database.db.updateTable('app_user').set({ email: null, email_key: null }).where('id', '=', noEmail.id).execute()
    const a = await notifyUser(database.db, { userId: marie.id, template: 'welcome', params: { name: 'Marie' }, now: clock.now() })
    const b = await notifyUser(database.db, { userId: noEmail.id, template: 'welcome', params: { name: 'Sam' }, now: clock.now() })
    assert.ok(a.accountMessageId && a.outboxId)
    assert.ok(b.accountMessageId && !b.outboxId, 'no address: the account message only')
    const email = await database.db.selectFrom('email_outbox').select(['to_address', 'lang']).where('id', '=', a.outboxId!).executeTakeFirstOrThrow()
    assert.deepEqual(email, { to_address: 'marie@exemple.ca', lang: 'fr' })
    const message = await database.db.selectFrom('account_message').select(['subject', 'user_id']).where('id', '=', a.accountMessageId!).executeTakeFirstOrThrow()
    assert.deepEqual(message, { subject: 'Votre compte du Portail des employeurs est prêt', user_id: marie.id })
  })

  it('is typed: a template’s params are exactly its placeholders', () => {
    // Compile-time checks (tsc runs over the tests); never called.
    void (() => {
      // @ts-expect-error 'name' is missing
      void notify(database.db, { template: 'welcome', params: {}, lang: 'en', now: new Date() })
      // @ts-expect-error no such template
      void notify(database.db, { template: 'no-such-template', params: {}, lang: 'en', now: new Date() })
    })
    assert.ok(true)
  })
})
