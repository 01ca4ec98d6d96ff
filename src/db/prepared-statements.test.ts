import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { emptyPostgresDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { InProcessEngine, newPGlite } from './embedded-engine.ts'
import { PGlitePool } from './pglite-pool.ts'
import { PreparingClient } from './postgres.ts'
import { MAX_PREPARED_PER_CONNECTION, MAX_PREPARED_TEXT } from './prepared-statements.ts'

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
    // On a client taken from the pool, as Kysely asks (pg.Pool's own query would add its own error stack).
    async query(text, values) {
      const client = await pool.connect()
      try {
        return await client.query(text, values)
      } finally {
        client.release()
      }
    },
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
  const pool = new PGlitePool(new InProcessEngine(await newPGlite()))
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
      async function askForTheThingNumbered(id: string) {
        return (await session.query(text, [id])).rows
      }
      // The error's stack leads back to the code that asked, not only to the socket's read.
      await assert.rejects(askForTheThingNumbered('not a number'), (err: Error & { code?: string }) => err.code === '22P02' && !!err.stack?.includes('askForTheThingNumbered'))
      assert.deepEqual((await session.query(text, [2])).rows, [{ name: 'two' }])
      await assert.rejects(session.query('select nme from thing where id = $1', [1]), (err: { code?: string }) => err.code === '42703')
      assert.deepEqual((await session.query('select count(*)::int as n from thing where id > $1', [0])).rows, [{ n: 2 }])
    })

    test('a write outside a transaction is prepared, and writes with each call’s values', async () => {
      const text = 'update thing set name = $1 where id = $2'
      await session.query(text, ['uno', 1])
      await session.query(text, ['dos', 2])
      assert.deepEqual((await session.query('select id, name from thing order by id')).rows, [{ id: 1, name: 'uno' }, { id: 2, name: 'dos' }])
      assert.deepEqual((await preparedInTheSession()).filter((s) => s === text), [text])
      await session.query(text, ['two', 2])
    })

    test('an insert whose conflict target is a partial unique index is not prepared, and still finds its index after the fifth run', async () => {
      await session.query(`create table claim (id serial primary key, owner int not null, status text not null, seen int not null default 0)`)
      await session.query(`create unique index claim_open on claim (owner) where status = 'open'`)
      const text = 'insert into claim (owner, status) values ($1, $2) on conflict (owner) where status = $3 do update set seen = claim.seen + 1 returning seen'
      for (let run = 0; run < 8; run++) assert.deepEqual((await session.query(text, [1, 'open', 'open'])).rows, [{ seen: run }])
      assert.ok(!(await preparedInTheSession()).includes(text))
    })

    test('statements in a transaction, texts of several statements, long texts and other commands are not prepared', async () => {
      const before = await preparedInTheSession()
      await session.inTransaction(async (query) => {
        assert.deepEqual((await query('select name from thing where id = $1 and true', [1])).rows, [{ name: 'uno' }])
        await query('update thing set seen = $1 where id = $2 and true', [null, 1])
      })
      await session.query('select 1; select 2')
      const long = `select name from thing where id = $1 and name <> '${'x'.repeat(MAX_PREPARED_TEXT)}'`
      assert.deepEqual((await session.query(long, [1])).rows, [{ name: 'uno' }])
      await session.query('analyze thing')
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

    test('after a migration adds a column, a prepared insert … returning * prepares again and writes its row once', async () => {
      await session.query('create table note (id int primary key, body text not null)')
      const text = 'insert into note (id, body) values ($1, $2) returning *'
      assert.deepEqual((await session.query(text, [1, 'first'])).rows, [{ id: 1, body: 'first' }])
      await session.query(`alter table note add column lang text not null default 'en'`)
      assert.deepEqual((await session.query(text, [2, 'second'])).rows, [{ id: 2, body: 'second', lang: 'en' }])
      assert.deepEqual((await session.query('select id from note order by id')).rows, [{ id: 1 }, { id: 2 }])
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
