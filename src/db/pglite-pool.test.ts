import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { DatabaseHandle } from './connect.ts'
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
