import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import pg from 'pg'
import { emptyPostgresDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { MAX_PREPARED_PER_CONNECTION, PreparingClient } from './prepared-statements.ts'

const url = process.env.TEST_DATABASE_URL

/** On PostgreSQL (the db tier, npm run test:db): what one connection of the portal's pool prepares, and what it does when a migration changes a table under a prepared statement. */
if (usingPostgres()) describe('prepared statements on PostgreSQL', () => {
  let target: { url: string; drop: () => Promise<void> }
  let pool: pg.Pool

  before(async () => {
    target = await emptyPostgresDatabase(url!)
    // One connection, so every statement below meets the same server session.
    pool = new pg.Pool({ connectionString: target.url, max: 1, Client: PreparingClient })
    await pool.query('create table thing (id int primary key, name text not null)')
    await pool.query(`insert into thing values (1, 'one'), (2, 'two')`)
  })
  after(async () => {
    await pool?.end()
    await target?.drop()
  })

  async function preparedOnTheConnection(): Promise<string[]> {
    // This select is prepared too (the first time it runs).
    const { rows } = await pool.query<{ statement: string }>('select statement from pg_prepared_statements order by statement')
    return rows.map((r) => r.statement)
  }

  test('a plain select is prepared once and answers with each call’s values', async () => {
    const text = 'select name from thing where id = $1'
    assert.deepEqual((await pool.query(text, [1])).rows, [{ name: 'one' }])
    assert.deepEqual((await pool.query(text, [2])).rows, [{ name: 'two' }])
    assert.deepEqual((await preparedOnTheConnection()).filter((s) => s === text), [text])
  })

  test('writes, transactions and texts of several statements are not prepared', async () => {
    const before = await preparedOnTheConnection()
    await pool.query('update thing set name = $1 where id = $2', ['uno', 1])
    const client = await pool.connect()
    try {
      await client.query('begin')
      assert.deepEqual((await client.query('select name from thing where id = $1 and true', [1])).rows, [{ name: 'uno' }])
      await client.query('commit')
    } finally {
      client.release()
    }
    await pool.query('select 1; select 2')
    assert.deepEqual(await preparedOnTheConnection(), before)
  })

  test('after a migration adds a column, a prepared select * deallocates, prepares again and returns the new column', async () => {
    const text = 'select * from thing where id = $1'
    assert.deepEqual(Object.keys((await pool.query(text, [2])).rows[0]), ['id', 'name'])
    await pool.query(`alter table thing add column colour text not null default 'blue'`)
    const after = await pool.query(text, [2])
    assert.deepEqual(after.rows, [{ id: 2, name: 'two', colour: 'blue' }])
    assert.deepEqual((await pool.query(text, [1])).rows, [{ id: 1, name: 'uno', colour: 'blue' }])
  })

  test(`a connection keeps at most ${MAX_PREPARED_PER_CONNECTION} statements; the rest still run, unnamed`, async () => {
    for (let i = 0; i < MAX_PREPARED_PER_CONNECTION + 20; i++) {
      const { rows } = await pool.query<{ n: number }>(`select $1::int + ${i} as n`, [1])
      assert.equal(rows[0]!.n, 1 + i)
    }
    const kept = await preparedOnTheConnection()
    assert.equal(kept.length, MAX_PREPARED_PER_CONNECTION)
  })
})
