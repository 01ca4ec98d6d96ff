import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { emptyPostgresDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { newPGlite } from './connect.ts'
import { PGlitePool } from './pglite-pool.ts'
import { MAX_PREPARED_PER_CONNECTION, PreparingClient } from './prepared-statements.ts'

type Rows = { rows: Array<Record<string, unknown>> }
type Query = (text: string, values?: unknown[]) => Promise<Rows>

/** One database session of the portal's kind, as the portal's Kysely uses it. */
interface OneSession {
  query: Query
  /** `fn` inside begin … commit, on the same session. */
  inTransaction(fn: (query: Query) => Promise<void>): Promise<void>
  end(): Promise<void>
}

/** A pool of one connection, so every statement below meets the same server session. */
async function onPostgres(): Promise<OneSession> {
  const target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
  const pool = new pg.Pool({ connectionString: target.url, max: 1, Client: PreparingClient })
  return {
    query: (text, values) => pool.query(text, values),
    async inTransaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        await fn((text, values) => client.query(text, values))
        await client.query('commit')
      } finally {
        client.release()
      }
    },
    async end() {
      await pool.end()
      await target.drop()
    },
  }
}

async function onPGlite(): Promise<OneSession> {
  const pool = new PGlitePool(await newPGlite())
  const query: Query = async (text, values) => {
    const client = await pool.connect()
    try {
      return (await client.query(text, values)) as Rows
    } finally {
      client.release()
    }
  }
  return {
    query,
    async inTransaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        await fn(async (text, values) => (await client.query(text, values)) as Rows)
        await client.query('commit')
      } finally {
        client.release()
      }
    },
    end: () => pool.end(),
  }
}

/**
 * What one session prepares, and what it does when a migration changes a table under a
 * prepared statement: PostgreSQL (a connection of the portal's pool; the db tier,
 * npm run test:db) and the embedded database (its one session) follow the same rules.
 */
const engines: Array<[string, () => Promise<OneSession>]> = [['the embedded database', onPGlite]]
if (usingPostgres()) engines.push(['PostgreSQL', onPostgres])

for (const [engine, open] of engines) {
  describe(`prepared statements on ${engine}`, () => {
    let session: OneSession

    before(async () => {
      session = await open()
      await session.query('create table thing (id int primary key, name text not null, seen timestamptz, tags text[])')
      await session.query(`insert into thing values (1, 'one', null, '{a}'), (2, 'two', '2026-11-01T12:00:00Z', '{b,c}')`)
    })
    after(() => session?.end())

    async function preparedInTheSession(): Promise<string[]> {
      // This select is prepared too (the first time it runs).
      const { rows } = await session.query('select statement from pg_prepared_statements order by statement')
      return rows.map((r) => r.statement as string)
    }

    test('a plain select is prepared once and answers with each call’s values', async () => {
      const text = 'select name from thing where id = $1'
      assert.deepEqual((await session.query(text, [1])).rows, [{ name: 'one' }])
      assert.deepEqual((await session.query(text, [2])).rows, [{ name: 'two' }])
      assert.deepEqual((await preparedInTheSession()).filter((s) => s === text), [text])
    })

    test('parameters and results keep their types: dates, arrays, numbers, null', async () => {
      const text = 'select id, seen, tags from thing where seen < $1 or tags && $2 or id = $3 order by id'
      const { rows } = await session.query(text, [new Date('2026-11-02T00:00:00Z'), ['a'], null])
      assert.deepEqual(rows, [
        { id: 1, seen: null, tags: ['a'] },
        { id: 2, seen: new Date('2026-11-01T12:00:00Z'), tags: ['b', 'c'] },
      ])
      assert.ok((await preparedInTheSession()).includes(text))
    })

    test('a large answer arrives whole: a value of several megabytes and thousands of rows', async () => {
      const big = 'é'.repeat(3_000_000)
      const { rows } = await session.query('select $1::text as v, length($1::text) as n', [big])
      assert.equal(rows[0]!.n, 3_000_000)
      assert.ok(rows[0]!.v === big, 'the same text came back')
      const many = await session.query('select g as id, repeat($1, 50) as filler from generate_series(1, $2::int) g', ['x', 20_000])
      assert.equal(many.rows.length, 20_000)
      assert.deepEqual(many.rows.at(-1), { id: 20_000, filler: 'x'.repeat(50) })
    })

    test('a failing prepared select reports PostgreSQL’s error and the session goes on', async () => {
      const text = 'select name from thing where id = $1::int'
      await assert.rejects(session.query(text, ['not a number']), (err: { code?: string }) => err.code === '22P02')
      assert.deepEqual((await session.query(text, [2])).rows, [{ name: 'two' }])
      await assert.rejects(session.query('select nme from thing where id = $1', [1]), (err: { code?: string }) => err.code === '42703')
      assert.deepEqual((await session.query('select count(*)::int as n from thing where id > $1', [0])).rows, [{ n: 2 }])
    })

    test('writes, transactions and texts of several statements are not prepared', async () => {
      const before = await preparedInTheSession()
      await session.query('update thing set name = $1 where id = $2', ['uno', 1])
      await session.inTransaction(async (query) => {
        assert.deepEqual((await query('select name from thing where id = $1 and true', [1])).rows, [{ name: 'uno' }])
      })
      await session.query('select 1; select 2')
      assert.deepEqual(await preparedInTheSession(), before)
    })

    test('after a migration adds a column, a prepared select * deallocates, prepares again and returns the new column', async () => {
      const text = 'select * from thing where id = $1'
      assert.deepEqual(Object.keys((await session.query(text, [2])).rows[0]!), ['id', 'name', 'seen', 'tags'])
      await session.query(`alter table thing add column colour text not null default 'blue'`)
      const after = await session.query(text, [2])
      assert.deepEqual(after.rows.map((r) => [r.name, r.colour]), [['two', 'blue']])
      assert.deepEqual((await session.query(text, [1])).rows.map((r) => [r.name, r.colour]), [['uno', 'blue']])
    })

    test(`a session keeps at most ${MAX_PREPARED_PER_CONNECTION} statements; the rest still run, unnamed`, async () => {
      const fresh = await open()
      try {
        for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 20; i++) {
          const { rows } = await fresh.query(`select $1::int + ${i} as n`, [1])
          assert.equal(rows[0]!.n, 1 + i)
        }
        const { rows } = await fresh.query('select count(*)::int as n from pg_prepared_statements')
        assert.equal(rows[0]!.n, MAX_PREPARED_PER_CONNECTION)
      } finally {
        await fresh.end()
      }
    })
  })
}
