import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { sql, type Kysely } from 'kysely'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import type { Database } from '../../src/db/database.ts'
import { queuePage, type QueueQuery } from '../../src/features/offers/offers.repository.ts'
import { messagesWithCounts } from '../../src/features/notifications/notifications.repository.ts'
import { freshDatabase } from '../helpers/database.ts'
import { employersWithBusinesses } from '../helpers/volume.ts'

/**
 * Runs `run` eight times on one session, then reads how that session planned the one prepared
 * statement `mine` picks out by its text: PostgreSQL's choice between a generic and a custom
 * plan is made from the sixth execution on.
 */
async function sessionPlans(db: Kysely<Database>, run: (conn: Kysely<Database>) => Promise<void>, mine: (statement: string) => boolean, what: string): Promise<{ generic: number; custom: number }> {
  return db.connection().execute(async (conn: Kysely<Database>) => {
    // A statement bound to the session first: on PostgreSQL the connection is then this
    // session's alone, not the shared pipelined ones (src/db/pipelining-pool.ts).
    await sql`select pg_backend_pid()`.execute(conn)
    for (let i = 0; i < 8; i++) await run(conn)
    const rows = await sql<{ generic: number; custom: number; statement: string }>`
      select generic_plans::int as generic, custom_plans::int as custom, statement from pg_prepared_statements`.execute(conn)
    const found = rows.rows.filter((r) => !r.statement.includes('pg_prepared_statements') && mine(r.statement))
    assert.equal(found.length, 1, `${what} is one prepared statement`)
    return { generic: found[0]!.generic, custom: found[0]!.custom }
  })
}

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

  const plansOf = (query: QueueQuery, byStatus: boolean) =>
    sessionPlans(
      database.db,
      async (conn) => assert.ok((await queuePage(conn, query)).length > 0),
      (statement) => statement.includes('from "offer" as "o"') && statement.includes('"o"."status" =') === byStatus,
      'the queue',
    )

  test('first page, in the order of change', async () => {
    const plans = await plansOf({ businessId: busiest, scopeBranchId: null, sort: 'changed', limit: 26 }, false)
    assert.ok(plans.generic >= 3, `planned afresh: ${JSON.stringify(plans)}`)
  })

  test('with a status filter', async () => {
    const plans = await plansOf({ businessId: busiest, scopeBranchId: null, sort: 'changed', status: 'pending', limit: 26 }, true)
    assert.ok(plans.generic >= 3, `planned afresh: ${JSON.stringify(plans)}`)
  })
})

/**
 * The messages' page keeps its generic plan whether the readers' histories are short (a few
 * messages each, fewer than a page) or long (hundreds each, as for representatives who submit
 * offers), on both engines. The reach (offset + page) written in made PostgreSQL plan every
 * execution for short histories; as a parameter, PGlite planned every view for long ones
 * (23 file-size checks a view; docs/performance.md, session 11).
 */
describe('the messages page keeps its generic plan, for short and for long histories', () => {
  for (const { name, perUser, busiest } of [
    { name: 'short histories (10 each, one of 4,000)', perUser: 10, busiest: 4000 },
    { name: 'long histories (1,000 each, one of 10,000)', perUser: 1000, busiest: 10000 },
  ]) {
    describe(name, () => {
      let database: DatabaseHandle
      let reader: { userId: string; businessIds: string[] }

      before(async () => {
        database = await freshDatabase()
        const db = database.db
        const now = new Date('2026-11-01T12:00:00Z')
        const first = await employersWithBusinesses(db, { name: 'Inbox', count: 40, now })
        reader = { userId: first.userId, businessIds: [first.businessId] }
        // Each person's own history (a tenth unread), written as the portal writes them: interleaved with
        // everyone else's, so one person's are spread over the table. And a few messages to each business.
        await sql`
          insert into account_message (user_id, template, params, lang, subject, body, created_at, read_at)
          select m.user_id, 'welcome', '{}', 'en', 'Hello', 'Hello', ${now}::timestamptz - make_interval(secs => g), case when g % 10 <> 0 then ${now}::timestamptz end
          from business_membership m
          cross join lateral generate_series(1, case when m.user_id = ${first.userId} then ${busiest}::int else ${perUser}::int end) g
          order by g, m.user_id`.execute(db)
        await sql`
          insert into account_message (business_id, template, params, lang, subject, body, created_at)
          select m.business_id, 'welcome', '{}', 'en', 'Hello', 'Hello', ${now}::timestamptz - make_interval(days => 1, secs => g)
          from business_membership m cross join generate_series(1, 3) g`.execute(db)
        await sql`analyze`.execute(db)
      })
      after(() => database.close())

      const plansOf = (page: { limit: number; offset: number }) =>
        sessionPlans(
          database.db,
          async (conn) => assert.equal((await messagesWithCounts(conn, reader, page)).rows.length, page.limit),
          (statement) => statement.includes('"account_message_tally"') && statement.includes('"account_message"'),
          'the messages page',
        )

      test('the first page', async () => {
        const plans = await plansOf({ limit: 20, offset: 0 })
        assert.ok(plans.generic >= 3, `planned afresh: ${JSON.stringify(plans)}`)
      })

      test('a later page', async () => {
        const plans = await plansOf({ limit: 20, offset: 100 })
        assert.ok(plans.generic >= 3, `planned afresh: ${JSON.stringify(plans)}`)
      })
    })
  }
})
