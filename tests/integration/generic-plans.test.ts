import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import type { Database } from '../../src/db/database.ts'
import { queuePage, type QueueQuery } from '../../src/features/offers/offers.repository.ts'
import { freshDatabase } from '../helpers/database.ts'
import { employersWithBusinesses } from '../helpers/volume.ts'

/**
 * The queue's statements keep their generic plan (issue "Performance and scale"), on both
 * engines, where it matters: one business holds a large share of all offers, as the
 * busiest representative's does. PostgreSQL plans a prepared statement's first five
 * executions for their values, then keeps the generic plan only if it looks no costlier;
 * a busy business's own statistics made the plan for its id look cheaper, so every page of
 * its queue was planned afresh (on the embedded database: 16 file-size checks and ~400 µs
 * a page). src/db/hidden-from-planner.ts is the remedy; this test fails without it.
 */
describe('the queue keeps its generic plan for the busiest business', () => {
  let database: DatabaseHandle
  let busiest: string

  before(async () => {
    database = await freshDatabase()
    const db = database.db
    const now = new Date('2026-11-01T12:00:00Z')
    // 40 employers with a business each; the first has 4,000 offers, the others 100 each.
    busiest = (await employersWithBusinesses(db, { name: 'Skew', count: 40, now })).businessId
    await sql`
      insert into offer (business_id, status, worker_name, job_title, created_by, created_at, updated_at)
      select m.business_id, (array['draft','awaiting_payment','pending'])[1 + g % 3]::text, 'Tremblay' || g || ', Ana', 'Cook', m.user_id,
             ${now}::timestamptz - make_interval(mins => g), ${now}::timestamptz - make_interval(mins => g)
      from business_membership m
      cross join lateral generate_series(1, case when m.business_id = ${busiest} then 4000 else 100 end) g`.execute(db)
    await sql`analyze`.execute(db)
  })
  after(() => database.close())

  /** Runs the page `times` times on one session, then reads how that session planned its statement. */
  async function plansOf(query: QueueQuery, byStatus: boolean, times = 8): Promise<{ generic: number; custom: number }> {
    return database.db.connection().execute(async (conn: Kysely<Database>) => {
      for (let i = 0; i < times; i++) assert.ok((await queuePage(conn, query)).length > 0)
      const rows = await sql<{ generic: number; custom: number; statement: string }>`
        select generic_plans::int as generic, custom_plans::int as custom, statement from pg_prepared_statements`.execute(conn)
      const mine = rows.rows.filter((r) => r.statement.includes('from "offer" as "o"') && !r.statement.includes('pg_prepared_statements') && r.statement.includes('"o"."status" =') === byStatus)
      assert.equal(mine.length, 1, 'the queue is one prepared statement')
      return mine[0]!
    })
  }

  test('first page, in the order of change', async () => {
    const plans = await plansOf({ businessId: busiest, scopeBranchId: null, sort: 'changed', limit: 26 }, false)
    assert.ok(plans.generic >= 3, `planned afresh: ${JSON.stringify(plans)}`)
  })

  test('with a status filter', async () => {
    const plans = await plansOf({ businessId: busiest, scopeBranchId: null, sort: 'changed', status: 'pending', limit: 26 }, true)
    assert.ok(plans.generic >= 3, `planned afresh: ${JSON.stringify(plans)}`)
  })
})
