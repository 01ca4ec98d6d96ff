import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, afterEach, beforeEach, describe, it } from 'node:test'
import { sql } from 'kysely'
import { openMemory, type DatabaseHandle } from '../../db/connect.ts'
import { openPostgres } from '../../db/postgres.ts'
import { MIGRATIONS_DIR, migrateToLatest } from '../../db/migrate.ts'
import { emptyPostgresDatabase, freshDatabase, usingPostgres } from '../../../tests/helpers/database.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { makeBusiness } from '../../../tests/helpers/console-fixtures.ts'
import { countUnread, listMessages, markRead, messagesWithCounts } from './notifications.repository.ts'
import { notify } from './notify.ts'

const BUSINESS = '6f1d7a4e-2a55-4c4f-9a51-0d7c5d0e8c11'
const OTHER_BUSINESS = '0b8a3f1e-7c55-4e2a-8d1b-2f6c9e4a7d20'
const now = new Date('2026-11-24T12:00:00Z')
const at = (seconds: number) => new Date(now.getTime() + seconds * 1000)

/** What the tally table says, beside what counting the messages says, per owner. */
async function talliesAndCounts(db: DatabaseHandle['db']) {
  const tallies = await db.selectFrom('account_message_tally').select(['owner_id', 'total', 'unread']).where('total', '>', 0).orderBy('owner_id').execute()
  const counted = await sql<{ owner_id: string; total: number; unread: number }>`
    select coalesce(user_id, business_id) as owner_id, count(*)::int8 as total, count(*) filter (where user_id is not null and read_at is null)::int8 as unread
    from account_message group by 1 order by 1`.execute(db)
  return { tallies: tallies.map((t) => ({ ...t })), counted: counted.rows.map((c) => ({ ...c })) }
}

describe('account message counts: the unread count and the totals do not walk the history', () => {
  let database: DatabaseHandle

  beforeEach(async () => {
    database = await freshDatabase()
  })
  afterEach(() => database.close())

  it('a personal message is read once, on the message; a business message by each reader separately', async () => {
    const ana = await createUser(database.db, { username: 'ana' })
    const bob = await createUser(database.db, { username: 'bob' })
    await notify(database.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'en', accountMessage: { userId: ana.id }, now })
    await notify(database.db, { template: 'welcome', params: { name: 'team' }, lang: 'en', accountMessage: { businessId: BUSINESS }, now: at(1) })
    const anaReads = { userId: ana.id, businessIds: [BUSINESS] }
    const bobReads = { userId: bob.id, businessIds: [BUSINESS] }
    const [team, own] = await listMessages(database.db, anaReads, { limit: 20, offset: 0 })
    assert.deepEqual([team!.params.name, own!.params.name], ['team', 'Ana'])

    await markRead(database.db, own!, ana.id, at(10))
    await markRead(database.db, own!, ana.id, at(20))
    const stored = await database.db.selectFrom('account_message').select('read_at').where('id', '=', own!.id).executeTakeFirstOrThrow()
    assert.deepEqual(stored.read_at, at(10), 'the first reading counts')
    assert.equal((await database.db.selectFrom('account_message_read').select('message_id').execute()).length, 0, 'a personal message needs no separate mark')

    await markRead(database.db, team!, bob.id, at(30))
    const seen = async (reader: { userId: string; businessIds: string[] }) => {
      const { total, unread, rows } = await messagesWithCounts(database.db, reader, { limit: 20, offset: 0 })
      return { total, unread, read: rows.map((r) => `${r.params.name}:${r.read_at ? 'read' : 'unread'}`) }
    }
    assert.deepEqual(await seen(anaReads), { total: 2, unread: 1, read: ['team:unread', 'Ana:read'] })
    assert.deepEqual(await seen(bobReads), { total: 1, unread: 0, read: ['team:read'] })
    assert.equal(await countUnread(database.db, ana.id), 0, 'the header: her own message is read, and she is in no business yet')
    const business = await makeBusiness(database.db, { eight: '12345678', legalName: 'Team Inc.' })
    await database.db.insertInto('business_membership').values({ business_id: business, user_id: ana.id, role: 'primary', created_at: now }).execute()
    await notify(database.db, { template: 'welcome', params: { name: 'team' }, lang: 'en', accountMessage: { businessId: business }, now: at(40) })
    assert.equal(await countUnread(database.db, ana.id), 1, 'her business’s message, unread')
    await markRead(database.db, (await listMessages(database.db, { userId: ana.id, businessIds: [business] }, { limit: 1, offset: 0 }))[0]!, ana.id, at(50))
    assert.equal(await countUnread(database.db, ana.id), 0)
  })

  it('the portal’s list reads its columns only, no bodies; the same messages, in the same order, as the full page', async () => {
    const ana = await createUser(database.db, { username: 'ana' })
    await notify(database.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'en', accountMessage: { userId: ana.id }, now })
    await notify(database.db, { template: 'welcome', params: { name: 'team' }, lang: 'fr', accountMessage: { businessId: BUSINESS }, now: at(1) })
    const reader = { userId: ana.id, businessIds: [BUSINESS] }
    const full = await messagesWithCounts(database.db, reader, { limit: 20, offset: 0 })
    const list = await messagesWithCounts(database.db, reader, { limit: 20, offset: 0 }, 'list')
    const listed = ['id', 'business_id', 'template', 'params', 'subject', 'created_at', 'read_at']
    assert.equal(full.rows.length, 2)
    assert.deepEqual(list.rows.map((r) => Object.fromEntries(listed.map((k) => [k, r[k as keyof typeof r]]))), full.rows.map((r) => Object.fromEntries(listed.map((k) => [k, r[k as keyof typeof r]]))))
    for (const row of [...list.rows, ...(await listMessages(database.db, reader, { limit: 20, offset: 0 }, 'list'))]) {
      assert.ok(!('body' in row) && !('user_id' in row) && !('lang' in row), `no body, recipient or language: ${Object.keys(row).join(', ')}`)
    }
    assert.ok(full.rows.every((r) => r.body.length > 0 && 'user_id' in r), 'the API’s page has them')
    assert.deepEqual([list.total, list.unread], [full.total, full.unread])
  })

  it('pages are cut from each owner’s newest messages in order, the businesses’ interleaved by date', async () => {
    const ana = await createUser(database.db, { username: 'ana' })
    // Ana's own messages at even seconds, the two businesses' at odd ones: newest first, they alternate.
    for (let i = 0; i < 12; i++) {
      const owner = i % 2 === 0 ? { userId: ana.id } : { businessId: i % 4 === 1 ? BUSINESS : OTHER_BUSINESS }
      await notify(database.db, { template: 'welcome', params: { name: `m${i}` }, lang: 'en', accountMessage: owner, now: at(i) })
    }
    const reader = { userId: ana.id, businessIds: [BUSINESS, OTHER_BUSINESS] }
    const pages = []
    for (let offset = 0; offset < 14; offset += 5) pages.push((await listMessages(database.db, reader, { limit: 5, offset })).map((r) => r.params.name))
    assert.deepEqual(pages, [
      ['m11', 'm10', 'm9', 'm8', 'm7'],
      ['m6', 'm5', 'm4', 'm3', 'm2'],
      ['m1', 'm0'],
    ])
    assert.deepEqual(
      (await listMessages(database.db, { userId: ana.id, businessIds: [] }, { limit: 4, offset: 4 })).map((r) => r.params.name),
      ['m2', 'm0'],
      'without businesses: her own only',
    )
    const { total, unread } = await messagesWithCounts(database.db, reader, { limit: 5, offset: 10 })
    assert.deepEqual({ total, unread }, { total: 12, unread: 12 })
  })

  it('the tallies follow every insert, reading, move and delete (a user’s deletion included) and always equal a count', async () => {
    const ana = await createUser(database.db, { username: 'ana' })
    const bob = await createUser(database.db, { username: 'bob' })
    for (let i = 0; i < 3; i++) await notify(database.db, { template: 'welcome', params: { name: 'Ana' }, lang: 'en', accountMessage: { userId: ana.id }, now: at(i) })
    await notify(database.db, { template: 'welcome', params: { name: 'Bob' }, lang: 'en', accountMessage: { userId: bob.id }, now })
    await notify(database.db, { template: 'welcome', params: { name: 'team' }, lang: 'en', accountMessage: { businessId: BUSINESS }, now })
    let state = await talliesAndCounts(database.db)
    assert.deepEqual(state.tallies, state.counted)
    assert.deepEqual(state.tallies.find((t) => t.owner_id === ana.id), { owner_id: ana.id, total: 3, unread: 3 })
    const [newest] = await listMessages(database.db, { userId: ana.id, businessIds: [] }, { limit: 1, offset: 0 })
    await markRead(database.db, newest!, ana.id, at(10))
    await markRead(database.db, newest!, ana.id, at(11))
    state = await talliesAndCounts(database.db)
    assert.deepEqual(state.tallies, state.counted)
    assert.deepEqual(state.tallies.find((t) => t.owner_id === ana.id), { owner_id: ana.id, total: 3, unread: 2 }, 'read once, counted once')

    // A message given to someone else (not something the portal does, but the tally must not drift).
    const one = await database.db.selectFrom('account_message').select('id').where('user_id', '=', ana.id).limit(1).executeTakeFirstOrThrow()
    await database.db.updateTable('account_message').set({ user_id: bob.id }).where('id', '=', one.id).execute()
    // Bob's account deleted: his messages go with it.
    await database.db.deleteFrom('app_user').where('id', '=', bob.id).execute()
    state = await talliesAndCounts(database.db)
    assert.deepEqual(state.tallies, state.counted)
    const reader = { userId: ana.id, businessIds: [BUSINESS] }
    assert.equal((await messagesWithCounts(database.db, reader, { limit: 20, offset: 0 })).total, 3)
    assert.equal((await messagesWithCounts(database.db, { userId: bob.id, businessIds: [] }, { limit: 20, offset: 0 })).total, 0)
  })
})

describe('the migration that moved personal read marks onto the message', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-message-migration-'))
  after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('keeps every read mark and counts what was there before', async () => {
    // The migrations up to the one before, then data as the portal wrote it then, then the rest.
    const before = path.join(tmp, 'before')
    fs.mkdirSync(before)
    for (const f of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql') && f < '2026-11-24T0920')) fs.copyFileSync(path.join(MIGRATIONS_DIR, f), path.join(before, f))
    const empty = usingPostgres() ? await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!) : undefined
    const database = empty ? openPostgres(empty.url, 2) : await openMemory()
    try {
      await migrateToLatest(database.db, before)
      const ana = await createUser(database.db, { username: 'ana' })
      const bob = await createUser(database.db, { username: 'bob' })
      const insert = async (owner: { user_id?: string; business_id?: string }, name: string, seconds: number) =>
        (
          await sql<{ id: string }>`insert into account_message (user_id, business_id, template, params, lang, subject, body, created_at)
            values (${owner.user_id ?? null}, ${owner.business_id ?? null}, 'welcome', ${JSON.stringify({ name })}, 'en', 'Hello', 'Hello', ${at(seconds)}) returning id`.execute(database.db)
        ).rows[0]!.id
      const anaRead = await insert({ user_id: ana.id }, 'read', 0)
      await insert({ user_id: ana.id }, 'unread', 1)
      const team = await insert({ business_id: BUSINESS }, 'team', 2)
      await sql`insert into account_message_read (message_id, user_id, read_at) values (${anaRead}, ${ana.id}, ${at(5)}), (${team}, ${bob.id}, ${at(6)})`.execute(database.db)

      await migrateToLatest(database.db)
      const messages = await database.db.selectFrom('account_message').select(['id', 'read_at']).orderBy('created_at').execute()
      assert.deepEqual(messages.map((m) => m.read_at), [at(5), null, null], 'Ana’s reading moved onto her message')
      assert.deepEqual(await database.db.selectFrom('account_message_read').select(['message_id', 'user_id']).execute(), [{ message_id: team, user_id: bob.id }], 'Bob’s mark on the business message kept')
      assert.deepEqual(
        { ana: await countUnread(database.db, ana.id), bob: (await messagesWithCounts(database.db, { userId: bob.id, businessIds: [BUSINESS] }, { limit: 20, offset: 0 })).unread },
        { ana: 1, bob: 0 },
      )
      const state = await talliesAndCounts(database.db)
      assert.deepEqual(state.tallies, state.counted)
      assert.equal(state.tallies.length, 2)
    } finally {
      await database.close()
      await empty?.drop()
    }
  })
})
