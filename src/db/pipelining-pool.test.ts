import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import pg from 'pg'
import { emptyPostgresDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { isShareable, PipeliningPool } from './pipelining-pool.ts'
import { openPostgres, SHARED_CONNECTION_NAME } from './postgres.ts'

describe('which statements may share a pipelined connection', () => {
  test('a data statement alone in its text', () => {
    for (const text of ['select 1', '  SELECT * from offer where id = $1', 'insert into t values ($1)', 'update t set a = 1', 'delete from t', 'with x as (select 1) select * from x', 'values (1)']) {
      assert.ok(isShareable(text), text)
    }
  })

  test('not a statement that starts or needs a session of its own', () => {
    for (const text of [
      'begin',
      'start transaction isolation level serializable',
      'commit',
      'set statement_timeout = 1000',
      'prepare p as select 1',
      'deallocate p',
      'create temporary table x (a int)',
      'select 1; select 2',
      'select pg_advisory_lock(42)',
      'select pg_try_advisory_lock(42)',
      "select set_config('search_path', 'x', false)",
      "select currval('offer_number_seq')",
      'select pg_backend_pid()',
      'select * from pg_prepared_statements',
      'explain select 1',
    ]) {
      assert.ok(!isShareable(text), text)
    }
  })
})

/** The clients Kysely takes and releases, one per statement or transaction: handed out again once released. */
describe('the pipelining pool’s clients, taken and released', () => {
  /** pg's pool, for what goes to it: statements that need a connection of their own. */
  function fakePool() {
    const taken: Array<{ sent: string[]; released: boolean }> = []
    const pool = {
      taken,
      async connect() {
        const client = { sent: [] as string[], released: false, query: async (text: string) => (client.sent.push(text), { rows: [] }), release: () => void (client.released = true) }
        taken.push(client)
        return client
      },
    }
    return pool
  }
  const noSharedConnection = (): pg.Client => {
    throw new Error('no statement here goes to a shared connection')
  }

  test('a released client is handed out again, once, even if released twice; one in use never', async () => {
    const pool = new PipeliningPool(fakePool() as unknown as pg.Pool, 1, noSharedConnection)
    const first = await pool.connect()
    const second = await pool.connect()
    assert.notEqual(first, second)
    first.release()
    first.release()
    const third = await pool.connect()
    const fourth = await pool.connect()
    assert.equal(third, first)
    assert.notEqual(fourth, first)
    assert.notEqual(fourth, second)
  })

  test('one that had a connection of its own (a transaction) gave it back, and its next use starts without it', async () => {
    const ordinary = fakePool()
    const pool = new PipeliningPool(ordinary as unknown as pg.Pool, 1, noSharedConnection)
    const client = await pool.connect()
    await client.query('begin')
    await client.query('select 1')
    await client.query('commit')
    client.release()
    assert.deepEqual(ordinary.taken.map((c) => [c.sent, c.released]), [[['begin', 'select 1', 'commit'], true]])
    const again = await pool.connect()
    assert.equal(again, client)
    await again.query('begin')
    assert.equal(ordinary.taken.length, 2, 'a new connection of its own, not the one given back')
    assert.deepEqual(ordinary.taken[1]!.sent, ['begin'])
  })
})

/**
 * The portal's PostgreSQL handle with its pipelined connections (PostgreSQL tier only):
 * statements sent on their own share them, transactions and session state do not.
 */
describe('statements over shared, pipelined connections (PostgreSQL)', { skip: !usingPostgres() && 'PostgreSQL tier only' }, () => {
  let target: { url: string; drop: () => Promise<void> }
  let db: Kysely<any> // eslint-disable-line @typescript-eslint/no-explicit-any -- a scratch schema
  let close: () => Promise<void>
  let admin: pg.Client

  before(async () => {
    target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
    const handle = openPostgres(target.url, 4, { sharedConnections: 2 })
    db = handle.db
    close = handle.close
    await sql`create table thing (id int primary key, name text not null)`.execute(db)
    await sql`insert into thing select g, 'thing ' || g from generate_series(1, 50) g`.execute(db)
    admin = new pg.Client({ connectionString: target.url })
    await admin.connect()
  })
  after(async () => {
    await admin?.end()
    await close?.()
    await target?.drop()
  })

  const sharedBackends = async () => (await admin.query(`select pid from pg_stat_activity where datname = current_database() and application_name = $1`, [SHARED_CONNECTION_NAME])).rows.map((r) => r.pid as number)

  test('what the requests of one turn send goes out in one write, and each gets its own answer', async () => {
    await db.selectFrom('thing').select('id').where('id', '=', 1).execute() // the connection is open
    // Writes to the server by any connection of the handle (the admin's is idle meanwhile).
    const port = Number(new URL(target.url).port || 5432)
    const writes = { count: 0 }
    const counted = (socket: net.Socket) => socket.remotePort === port
    const proto = net.Socket.prototype as unknown as { _writev: (...a: unknown[]) => unknown; _write: (...a: unknown[]) => unknown }
    const writev = proto._writev
    const write = proto._write
    proto._writev = function (this: net.Socket, ...args: unknown[]) {
      if (counted(this)) writes.count++
      return writev.apply(this, args)
    }
    proto._write = function (this: net.Socket, ...args: unknown[]) {
      if (counted(this)) writes.count++
      return write.apply(this, args)
    }
    try {
      const ids = Array.from({ length: 20 }, (_, i) => i + 1)
      const answers = await Promise.all(ids.map((id) => db.selectFrom('thing').select(['id', 'name']).where('id', '=', id).executeTakeFirstOrThrow()))
      assert.deepEqual(
        answers.map((a) => a.name),
        ids.map((id) => `thing ${id}`),
      )
      assert.equal(writes.count, 1, `${writes.count} writes for 20 statements`)
    } finally {
      proto._writev = writev
      proto._write = write
    }
  })

  test('a statement that fails fails alone: the others sent with it are answered, and the shared connections stay', async () => {
    await db.selectFrom('thing').select('id').where('id', '=', 1).execute()
    const before = await sharedBackends()
    const unsendable = { toPostgres: () => { throw new Error('cannot be sent') } }
    const results = await Promise.allSettled([
      db.selectFrom('thing').select('name').where('id', '=', 2).executeTakeFirstOrThrow(),
      sql`select 1 / (id - id) from thing where id = 3`.execute(db),
      db.selectFrom('thing').select('name').where('id', '=', 4).executeTakeFirstOrThrow(),
      sql`select ${unsendable}::text as v`.execute(db),
      db.selectFrom('thing').select('name').where('id', '=', 5).executeTakeFirstOrThrow(),
    ])
    assert.deepEqual(results[0], { status: 'fulfilled', value: { name: 'thing 2' } })
    assert.equal(results[1].status, 'rejected')
    assert.match(String((results[1] as PromiseRejectedResult).reason), /division by zero/)
    assert.deepEqual(results[2], { status: 'fulfilled', value: { name: 'thing 4' } })
    assert.match(String((results[3] as PromiseRejectedResult).reason), /cannot be sent/)
    assert.deepEqual(results[4], { status: 'fulfilled', value: { name: 'thing 5' } })
    assert.deepEqual(await sharedBackends(), before)
  })

  test('a transaction has a connection of its own: what it writes is seen by others only once committed, and a rollback leaves nothing', async () => {
    let seenDuring: unknown[] = []
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('thing').values({ id: 100, name: 'in a transaction' }).execute()
      seenDuring = await db.selectFrom('thing').select('id').where('id', '=', 100).execute()
      await sql`set local statement_timeout = 5000`.execute(trx)
      assert.equal((await sql<{ statement_timeout: string }>`show statement_timeout`.execute(trx)).rows[0]!.statement_timeout, '5s')
    })
    assert.deepEqual(seenDuring, [], 'not seen by a statement outside before the commit')
    assert.deepEqual(await db.selectFrom('thing').select('id').where('id', '=', 100).execute(), [{ id: 100 }])
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('thing').values({ id: 101, name: 'rolled back' }).execute()
        throw new Error('changed my mind')
      }),
      /changed my mind/,
    )
    assert.deepEqual(await db.selectFrom('thing').select('id').where('id', '=', 101).execute(), [])
  })

  test('a connection that starts with a statement bound to the session keeps that session', async () => {
    const pids = await db.connection().execute(async (conn) => {
      const first = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid
      await conn.selectFrom('thing').select('id').where('id', '=', 5).execute()
      const second = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(conn)).rows[0]!.pid
      return [first, second]
    })
    assert.equal(pids[0], pids[1])
    assert.ok(!(await sharedBackends()).includes(pids[0]!), 'not one of the shared connections')
  })

  test('shared connections the server ends are replaced: once each has failed the statement that found it gone (if one did), statements are answered', async () => {
    await Promise.all([6, 7].map((id) => db.selectFrom('thing').select('id').where('id', '=', id).execute()))
    const before = await sharedBackends()
    assert.ok(before.length >= 1)
    await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) pid', [before])
    // Each lost connection fails at most the one statement that was sent before its loss was read.
    for (let i = 0; i < before.length; i++) {
      const answer = await db.selectFrom('thing').select('name').where('id', '=', 7).executeTakeFirst().catch((err: Error) => err)
      if (answer instanceof Error) assert.match(answer.message, /terminat|connection|ended/i)
    }
    assert.deepEqual(await db.selectFrom('thing').select('name').where('id', '=', 8).executeTakeFirstOrThrow(), { name: 'thing 8' })
    const after = await sharedBackends()
    assert.ok(after.length >= 1 && after.every((pid) => !before.includes(pid)), `new shared connections: ${before} -> ${after}`)
  })

  test('after a migration changes a table, statements prepared on a shared connection are prepared again, all those in flight too', async () => {
    const read = (id: number) => db.selectFrom('thing').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    for (let i = 0; i < 3; i++) await Promise.all([read(9), read(10)])
    await sql`alter table thing add column colour text not null default 'blue'`.execute(db)
    const rows = await Promise.all(Array.from({ length: 10 }, (_, i) => read(11 + i)))
    assert.deepEqual(
      rows.map((r) => [r.id, r.colour]),
      Array.from({ length: 10 }, (_, i) => [11 + i, 'blue']),
    )
  })
})

/** The lane: one shared connection, another only while the first is held up (PostgreSQL tier only). */
describe('a statement that takes long on the shared connection (PostgreSQL)', { skip: !usingPostgres() && 'PostgreSQL tier only' }, () => {
  let target: { url: string; drop: () => Promise<void> }
  let pool: PipeliningPool
  let clock = 0

  before(async () => {
    target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
    pool = new PipeliningPool(new pg.Pool({ connectionString: target.url, max: 2 }), 2, () => new pg.Client({ connectionString: target.url, pipeline: true } as pg.ClientConfig), { stallMs: 100, now: () => clock })
  })
  after(async () => {
    await pool?.end()
    await target?.drop()
  })

  const send = async (text: string) => (await pool.connect()).query(text)
  /** The server process that ran the statement: each probe's text is its own, so it finds itself among the active ones. */
  const backendOf = async (probe: string) => (await send(`select pid from pg_stat_activity where query like '%${probe}%' and state = 'active'`)).rows[0]!.pid as number
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

  test('while it answers in time, statements follow it on the same connection, answered in order', async () => {
    const first = await backendOf('lane-probe-1')
    const answered: string[] = []
    const slow = send('select pg_sleep(0.3)').then(() => answered.push('slow'))
    await nextTurn()
    const quick = send('select 1').then(() => answered.push('quick'))
    await Promise.all([slow, quick])
    assert.deepEqual(answered, ['slow', 'quick'])
    assert.equal(await backendOf('lane-probe-2'), first)
  })

  test('once it has waited longer than the threshold, new statements go to another connection and are answered first; then back to the first', async () => {
    const first = await backendOf('lane-probe-3')
    const answered: string[] = []
    const slow = send('select pg_sleep(0.5)').then(() => answered.push('slow'))
    await nextTurn()
    clock += 101
    const quick = send('select 1').then(() => answered.push('quick'))
    const elsewhere = backendOf('lane-probe-4')
    await quick
    assert.deepEqual(answered, ['quick'], 'answered while the slow statement still runs')
    assert.notEqual(await elsewhere, first)
    await slow
    assert.equal(await backendOf('lane-probe-5'), first, 'the first connection serves again once it has answered')
  })
})
