import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import type { DatabaseHandle } from './connect.ts'
import { cachedRead, copyOf, isPlainSelect, readCacheEnabled } from './read-cache.ts'

describe('the embedded read cache', () => {
  let database: DatabaseHandle
  let reads = 0
  const name = () =>
    cachedRead(database.db, 'user:cache-test', async () => {
      reads++
      return (await database.db.selectFrom('app_user').select('given_name').where('username_key', '=', 'cache-test').executeTakeFirst())?.given_name
    })

  before(async () => {
    database = await freshDatabase()
    await database.db
      .insertInto('app_user')
      .values({ role: 'employer', username: 'cache-test', username_key: 'cache-test', email: 'c@example.ca', email_key: 'c@example.ca', password_hash: 'x', given_name: 'Ana', family_name: 'B', created_at: new Date(), updated_at: new Date() })
      .execute()
  })
  after(() => database.close())

  test('is on for the embedded database only (never on PostgreSQL, where other processes write)', () => {
    assert.equal(readCacheEnabled(database.db), !usingPostgres())
    // Any other Kysely instance over the same connection (withPlugin, withSchema…) reads through.
    assert.equal(readCacheEnabled(database.db.withoutPlugins()), false)
  })

  test('serves a value again until anything at all is written, then reads afresh', async () => {
    reads = 0
    assert.equal(await name(), 'Ana')
    assert.equal(await name(), 'Ana')
    assert.equal(reads, usingPostgres() ? 2 : 1)
    // A write to another table empties it too: invalidation does not depend on knowing what a value was read from.
    await database.db.updateTable('session').set({ data: '{}' }).where('id', '=', 'none').execute()
    assert.equal(await name(), 'Ana')
    assert.equal(reads, usingPostgres() ? 3 : 2)
    await database.db.updateTable('app_user').set({ given_name: 'Zofia' }).where('username_key', '=', 'cache-test').execute()
    assert.equal(await name(), 'Zofia')
    await sql`delete from app_user where username_key = ${'cache-test-other'}`.execute(database.db)
    await name()
    assert.equal(reads, usingPostgres() ? 5 : 4)
  })

  test('a write inside a transaction, committed or rolled back, is seen at the next read', async () => {
    assert.equal(await name(), 'Zofia')
    await database.db
      .transaction()
      .execute(async (trx) => {
        await trx.updateTable('app_user').set({ given_name: 'Élise' }).where('username_key', '=', 'cache-test').execute()
        // Reads inside a transaction are never cached (they may see what is rolled back).
        assert.equal(await cachedRead(trx, 'user:cache-test', async () => 'in the transaction'), 'in the transaction')
        throw new Error('roll back')
      })
      .catch(() => undefined)
    assert.equal(await name(), 'Zofia')
    await database.db.transaction().execute((trx) => trx.updateTable('app_user').set({ given_name: 'Élise' }).where('username_key', '=', 'cache-test').execute())
    assert.equal(await name(), 'Élise')
  })

  test('a read overtaken by a write is not kept', async () => {
    await name()
    reads = 0
    // The write is queued on the one connection while the read waits its turn: the read may see it, but is not kept.
    const pending = cachedRead(database.db, 'user:cache-test:race', async () => {
      reads++
      await database.db.updateTable('app_user').set({ family_name: 'C' }).where('username_key', '=', 'cache-test').execute()
      return 'before the write'
    })
    assert.equal(await pending, 'before the write')
    assert.equal(await cachedRead(database.db, 'user:cache-test:race', async () => 'after the write'), 'after the write')
  })

  test('callers get a copy they may change', async () => {
    const first = await cachedRead(database.db, 'object', async () => ({ roles: ['primary'] }))
    first.roles.push('changed')
    assert.deepEqual(await cachedRead(database.db, 'object', async () => ({ roles: ['other'] })), usingPostgres() ? { roles: ['other'] } : { roles: ['primary'] })
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
})
