import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type pg from 'pg'
import type { DatabaseHandle } from './connect.ts'
import { InProcessEngine, newPGlite } from './embedded-engine.ts'
import { PGlitePool } from './pglite-pool.ts'
import { freshDatabase } from '../../tests/helpers/database.ts'

describe('database connection sharing', () => {
  let handle: DatabaseHandle
  before(async () => {
    handle = await freshDatabase()
    await sql`create table pool_probe (id int primary key, note text)`.execute(handle.db)
  })
  after(() => handle.close())

  it('never runs request B’s statement inside request A’s transaction', async () => {
    let signalInside!: () => void
    const inside = new Promise<void>((r) => (signalInside = r))
    let releaseA!: () => void
    const holdA = new Promise<void>((r) => (releaseA = r))

    // Request A opens a transaction, writes, waits, then rolls back.
    const a = handle.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into pool_probe values (1, 'from A')`.execute(trx)
        signalInside()
        await holdA
        throw new Error('roll A back')
      })
      .catch((err: Error) => err.message)

    await inside
    // Request B writes outside any transaction while A is still open.
    const b = sql`insert into pool_probe values (2, 'from B')`.execute(handle.db)
    releaseA()
    assert.equal(await a, 'roll A back')
    await b

    const rows = await sql<{ id: number }>`select id from pool_probe order by id`.execute(handle.db)
    // A's row is gone with its rollback; B's row survived because it never ran inside A.
    assert.deepEqual(
      rows.rows.map((r) => r.id),
      [2],
    )
  })

  it('keeps many concurrent transactions apart', async () => {
    await sql`delete from pool_probe`.execute(handle.db)
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        handle.db
          .transaction()
          .execute(async (trx) => {
            await sql`insert into pool_probe values (${100 + i}, 'x')`.execute(trx)
            if (i % 2 === 0) throw new Error('rollback')
          })
          .catch(() => undefined),
      ),
    )
    const rows = await sql<{ n: number }>`select count(*)::int as n from pool_probe`.execute(handle.db)
    assert.equal(rows.rows[0]!.n, 10)
  })
})

/** PGlite in process, whose answers wait while the gate is shut; what was sent, in order. */
class GatedEngine extends InProcessEngine {
  readonly sent: string[] = []
  #open = Promise.resolve()
  #openGate = () => {}

  shut(): void {
    this.#open = new Promise((resolve) => (this.#openGate = resolve))
  }

  open(): void {
    this.#openGate()
  }

  override exchange(messages: Uint8Array, syncToFs: boolean, onData: (chunk: Buffer) => void): Promise<void> {
    this.sent.push(Buffer.from(messages).toString('latin1'))
    return this.#open.then(() => super.exchange(messages, syncToFs, onData))
  }
}

// The embedded database's statements pipelined: sent before the previous answer is back (PGlitePool).
describe('statements sent to the embedded database in turns', () => {
  let engine: GatedEngine
  let pool: PGlitePool
  let db: Kysely<Record<string, { id: number; note: string }>>
  before(async () => {
    engine = new GatedEngine(await newPGlite())
    pool = new PGlitePool(engine)
    db = new Kysely({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) })
    await sql`create table turn_probe (id int primary key, note text)`.execute(db)
  })
  after(() => db.destroy())

  it('sends each request’s statement without waiting for the answers before it, and gives each its own answer', async () => {
    await sql`insert into turn_probe values (1, 'one'), (2, 'two'), (3, 'three')`.execute(db)
    const read = (id: number) => db.selectFrom('turn_probe').select('note').where('id', '=', id).executeTakeFirstOrThrow()
    // Prepared already: each read is then one exchange.
    await read(1)
    engine.shut()
    const before = engine.sent.length
    const reads = [1, 2, 3].map(read)
    for (let i = 0; i < 100 && engine.sent.length < before + 3; i++) await new Promise((resolve) => setImmediate(resolve))
    const sentBeforeAnyAnswer = engine.sent.length - before
    engine.open()
    // All three reached the session while no answer had come back.
    assert.equal(sentBeforeAnyAnswer, 3)
    assert.deepEqual(
      (await Promise.all(reads)).map((r) => r.note),
      ['one', 'two', 'three'],
    )
  })

  it('makes a request that sends again wait for a transaction begun since its last statement', async () => {
    await sql`delete from turn_probe`.execute(db)
    const order: string[] = []
    let signalFirstSent!: () => void
    const firstSent = new Promise<void>((r) => (signalFirstSent = r))
    let signalInside!: () => void
    const inside = new Promise<void>((r) => (signalInside = r))
    let releaseTransaction!: () => void
    const holdTransaction = new Promise<void>((r) => (releaseTransaction = r))

    // One request, two statements on one connection, no transaction.
    const request = db.connection().execute(async (conn) => {
      await sql`insert into turn_probe values (1, 'first')`.execute(conn)
      signalFirstSent()
      await inside
      const second = sql`insert into turn_probe values (2, 'second')`.execute(conn)
      order.push('second sent')
      await second
      order.push('second answered')
    })
    await firstSent
    // Another request begins a transaction between them, writes, and rolls back.
    const transaction = db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into turn_probe values (3, 'in the transaction')`.execute(trx)
        signalInside()
        await holdTransaction
        order.push('rolling back')
        throw new Error('roll back')
      })
      .catch((err: Error) => err.message)
    await inside
    await new Promise((resolve) => setImmediate(resolve))
    releaseTransaction()
    assert.equal(await transaction, 'roll back')
    await request
    assert.deepEqual(order, ['second sent', 'rolling back', 'second answered'])
    const rows = await sql<{ id: number }>`select id from turn_probe order by id`.execute(db)
    // The second insert waited for the rollback: had it run inside the transaction, it would be gone with it.
    assert.deepEqual(
      rows.rows.map((r) => r.id),
      [1, 2],
    )
  })
})
