import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import type { DatabaseHandle } from './connect.ts'
import { ALSO_WRITTEN, cachedRead, copyOf, isPlainSelect, readCacheEnabled, tablesWrittenBy } from './read-cache.ts'

describe('the embedded read cache', () => {
  let database: DatabaseHandle
  let userId: string
  const nameQuery = () => database.db.selectFrom('app_user').select('given_name').where('username_key', '=', 'cache-test')
  const name = () => cachedRead(database.db, 'user:cache-test', nameQuery, (rows) => rows[0]?.given_name)
  /** How many statements `fn` sent (0: served from the cache); on PostgreSQL, undefined. */
  const sentBy = async (fn: () => Promise<unknown>): Promise<number | undefined> => {
    const pool = database.embedded
    const before = pool?.statements
    await fn()
    return pool && pool.statements - before!
  }
  const fromCache = usingPostgres() ? undefined : 0
  const fromDatabase = usingPostgres() ? undefined : 1

  before(async () => {
    database = await freshDatabase()
    userId = (
      await database.db
        .insertInto('app_user')
        .values({ role: 'employer', username: 'cache-test', username_key: 'cache-test', email: 'c@example.ca', email_key: 'c@example.ca', password_hash: 'x', given_name: 'Ana', family_name: 'B', created_at: new Date(), updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  })
  after(() => database.close())

  test('is on for the embedded database only (never on PostgreSQL, where other processes write)', () => {
    assert.equal(readCacheEnabled(database.db), !usingPostgres())
    // Any other Kysely instance over the same connection (withPlugin, withSchema…) reads through.
    assert.equal(readCacheEnabled(database.db.withoutPlugins()), false)
  })

  test('serves a value again until a table its query reads is written, then reads afresh', async () => {
    assert.equal(await name(), 'Ana')
    assert.equal(await sentBy(name), fromCache)
    // Tables no cached query reads: the offers' versions, the audit trail, sessions (no cached query here reads them).
    await sql`insert into audit_event (occurred_at, actor_label, action) values (now(), 'test', 'cache.test')`.execute(database.db)
    await database.db.updateTable('session').set({ data: '{}' }).where('id', '=', 'none').execute()
    assert.equal(await sentBy(name), fromCache)
    await database.db.updateTable('app_user').set({ given_name: 'Zofia' }).where('username_key', '=', 'cache-test').execute()
    assert.equal(await name(), 'Zofia')
    await sql`delete from "app_user" where username_key = ${'cache-test-other'}`.execute(database.db)
    assert.equal(await sentBy(name), fromDatabase)
    // What it cannot read the tables of empties it: DDL, several statements in one text.
    await sql`create temporary table cache_test_scratch (a int)`.execute(database.db)
    assert.equal(await sentBy(name), fromDatabase)
  })

  test('a write to a table the query does not name, but a trigger of the written table writes, empties it', async () => {
    const unread = () => cachedRead(database.db, `unread:${userId}`, () => database.db.selectFrom('account_message_tally').select('unread').where('owner_id', '=', userId), (rows) => Number(rows[0]?.unread ?? 0))
    assert.equal(await unread(), 0)
    // account_message_tally_rows counts it (ALSO_WRITTEN): without that entry the cache would still say 0.
    await database.db
      .insertInto('account_message')
      .values({ user_id: userId, template: 'test', lang: 'en', subject: 's', body: 'b', created_at: new Date() })
      .execute()
    assert.equal(await unread(), 1)
  })

  test('a write inside a transaction, committed or rolled back, is seen at the next read', async () => {
    assert.equal(await name(), 'Zofia')
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('app_user').set({ given_name: 'Élise' }).where('username_key', '=', 'cache-test').execute()
        // Reads inside a transaction are never cached (they may see what is rolled back).
        assert.equal(await cachedRead(trx, 'user:cache-test', () => trx.selectFrom('app_user').select('given_name').where('username_key', '=', 'cache-test'), (rows) => rows[0]?.given_name), 'Élise')
        throw new Error('roll back')
      })
      .catch(() => undefined)
    assert.equal(await name(), 'Zofia')
    await database.db.transaction().execute((trx) => trx.updateTable('app_user').set({ given_name: 'Élise' }).where('username_key', '=', 'cache-test').execute())
    assert.equal(await name(), 'Élise')
  })

  test('a read overtaken by a write is not kept', async () => {
    await name()
    // The write waits for the connection first, so it is sent (and counted) after the read took its count, and before the read is sent.
    const write = database.db.updateTable('app_user').set({ family_name: 'C' }).where('username_key', '=', 'cache-test').execute()
    const race = () => cachedRead(database.db, 'user:cache-test:race', () => database.db.selectFrom('app_user').select('family_name').where('username_key', '=', 'cache-test'), (rows) => rows[0]?.family_name)
    const raced = race()
    await write
    // The embedded database's one connection answers the read after the write; a PostgreSQL pool may answer it on either side.
    if (usingPostgres()) await raced
    else assert.equal(await raced, 'C')
    assert.equal(await sentBy(race), fromDatabase)
    assert.equal(await sentBy(race), fromCache)
    assert.equal(await race(), 'C')
  })

  test('callers get a copy they may change', async () => {
    const roles = () => cachedRead(database.db, 'object', () => database.db.selectNoFrom(sql<string[]>`array['primary']`.as('roles')), (rows) => rows[0]!)
    const first = await roles()
    first.roles.push('changed')
    assert.deepEqual(await roles(), { roles: ['primary'] })
  })

  test('a copy shares nothing with what it copied: rows, jsonb, arrays, dates, bytes', () => {
    const row = {
      id: 'u1',
      created_at: new Date('2026-01-15T04:30:00Z'),
      answers: { job: { title: 'Cook', hours: 40, remote: false, duties: ['cook', { note: null }] } },
      memberships: [{ business_id: 'b1', roles: ['primary'] }],
      bare: Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 }),
      seal: new Uint8Array([1, 2, 3]),
    }
    const copy = copyOf(row)
    assert.deepEqual(copy, row)
    copy.created_at.setTime(0)
    copy.answers.job.duties.push('clean')
    ;(copy.answers.job.duties[1] as { note: unknown }).note = 'x'
    copy.memberships[0]!.roles.push('changed')
    copy.bare.a = 2
    copy.seal[0] = 9
    assert.equal(row.created_at.toISOString(), '2026-01-15T04:30:00.000Z')
    assert.deepEqual(row.answers.job.duties, ['cook', { note: null }])
    assert.deepEqual(row.memberships[0]!.roles, ['primary'])
    assert.equal(row.bare.a, 1)
    assert.equal(Object.getPrototypeOf(copy.bare), null)
    assert.equal(row.seal[0], 1)
  })

  test('only a single plain select is known not to write', () => {
    assert.equal(isPlainSelect('select * from "app_user" where "id" = $1'), true)
    assert.equal(isPlainSelect('\n  SELECT 1;\n'), true)
    for (const text of ['insert into x values (1)', 'update x set a = 1', 'delete from x', 'begin', 'commit', 'rollback', 'with d as (delete from x returning 1) select * from d', 'select 1; delete from x', '-- a comment\nselect 1', 'create index i on x (a)']) {
      assert.equal(isPlainSelect(text), false, text)
    }
  })

  test('the tables a statement writes, with what their triggers and cascades write; unknown when it cannot tell', () => {
    const written = (text: string) => {
      const tables = tablesWrittenBy(text)
      return tables && [...tables].sort()
    }
    assert.deepEqual(written('insert into "offer_version" ("offer_id") values ($1)'), ['offer_version'])
    assert.deepEqual(written('insert into "session" ("id", "data") values ($1, $2) on conflict ("id") do update set "data" = $3'), ['session', 'set'])
    assert.deepEqual(written('update "offer" set "version" = version + 1 where "id" = $1'), ['offer', ...ALSO_WRITTEN.offer!].sort())
    assert.deepEqual(
      written('with "saved" as (update "offer" set "answers" = $1 where "id" = $2 returning "version"), "kept" as (insert into offer_version (offer_id) select $3 from saved), "audited" as (insert into audit_event (action) select $4 from "saved") select "version" from "saved"'),
      [...new Set(['audit_event', 'offer', 'offer_version', ...ALSO_WRITTEN.offer!])].sort(),
    )
    // A cascade's table, and what its own triggers write in turn.
    assert.deepEqual(written('DELETE FROM public."app_user" WHERE id = $1'), ['account_message', 'account_message_read', 'account_message_tally', 'app_user'])
    assert.deepEqual(written('truncate table email_outbox'), ['email_delivery_log', 'email_outbox'])
    for (const text of ['begin', 'commit', 'rollback', 'savepoint s1']) assert.deepEqual(written(text), [], text)
    for (const text of ['create index i on x (a)', 'insert into x values (1); drop table y', 'select 1; delete from x', 'deallocate "s1"', 'do $$ begin delete from app_user; end $$', 'copy x from stdin']) {
      assert.equal(written(text), undefined, text)
    }
  })

  test('ALSO_WRITTEN names every table with a trigger and every table a foreign key cascades to; there are no views', async () => {
    const triggered = await sql<{ table: string }>`select distinct c.relname as "table" from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal and n.nspname = 'public'`.execute(database.db)
    for (const { table } of triggered.rows) assert.ok(table in ALSO_WRITTEN, `${table} has a trigger: name what it writes in ALSO_WRITTEN`)
    const cascades = await sql<{ parent: string; child: string }>`
      select p.relname as parent, c.relname as child from pg_constraint k join pg_class p on p.oid = k.confrelid join pg_class c on c.oid = k.conrelid
      where k.contype = 'f' and (k.confdeltype in ('c', 'n', 'd') or k.confupdtype in ('c', 'n', 'd')) and p.relname <> c.relname`.execute(database.db)
    assert.ok(cascades.rows.length > 0)
    for (const { parent, child } of cascades.rows) assert.ok(tablesWrittenBy(`delete from ${parent}`)!.has(child), `a write to ${parent} cascades to ${child}: add it to ALSO_WRITTEN`)
    const views = await sql<{ n: number }>`select count(*)::int as n from pg_views where schemaname = 'public'`.execute(database.db)
    assert.equal(views.rows[0]!.n, 0, 'a cached query reading a view would not be emptied by writes to its tables')
  })
})
