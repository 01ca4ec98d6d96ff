import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { CompiledQuery, sql } from 'kysely'
import pg from 'pg'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import { queueCursor, queuePage, type QueueQuery } from '../../src/features/offers/offers.repository.ts'
import { countUnread, listMessages, messagesWithCounts } from '../../src/features/notifications/notifications.repository.ts'
import { freshDatabase, usingPostgres } from '../helpers/database.ts'
import { statementsSentBy } from '../helpers/sent-statements.ts'
import { employersWithBusinesses } from '../helpers/volume.ts'
import { prepareValue } from '../../src/db/prepared-statements.ts'
import { systemClock } from '../../src/platform/clock.ts'
import { offerHitKey, searchOffers, SEARCH_PAGE_SIZE } from '../../src/features/console/search.repository.ts'
import { DbSessionStore } from '../../src/platform/session-store.ts'
import { membershipsWithSession } from '../../src/features/access/active-business.ts'
import { unreadWithSession } from '../../src/features/notifications/notifications.service.ts'

/** A parameter as SQL text, for `execute name(…)`, which takes no bound parameters. */
const literal = (v: unknown) => (v === null || v === undefined ? 'null' : pg.escapeLiteral(String(prepareValue(v))))

/**
 * Every list query is served by an index (issue "Performance and scale"): on PostgreSQL,
 * with enough rows that a sequential scan would be the planner's choice if no index fitted,
 * and fresh statistics (ANALYZE), the plans of the employer's offer queue (first page, a
 * keyset page, a status filter) and of the account messages (list, counts, the header's
 * unread count) must not scan `offer` or `account_message` sequentially. The console's
 * search has its own plan check (src/features/console/search.routes.test.ts).
 *
 * Each statement is checked twice: planned for its values (as sent unprepared), and as the
 * **generic plan** PostgreSQL may keep for a prepared statement (src/db/prepared-statements.ts),
 * planned without them. A condition that matches a partial index only through its value
 * (`status = $1` for an index `where status = 'active'`) gets no index in the generic plan:
 * such values are written into the statement (`sql.lit`). And PostgreSQL, left to choose,
 * must **keep** that generic plan on this data: it plans a prepared statement's first five
 * executions for their values, then keeps the generic plan unless it looks costlier than
 * theirs; a statement it plans afresh at every request pays for planning every time.
 */
type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string; 'Actual Rows'?: number; 'Actual Loops'?: number; Plans?: PlanNode[] }

function walk(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  out.push(node)
  for (const child of node.Plans ?? []) walk(child, out)
  return out
}

if (usingPostgres()) {
  describe('list queries use indexes (PostgreSQL plans on seeded volume)', () => {
    let database: DatabaseHandle
    let businessId: string
    let userId: string
    let otherBusinessIds: string[]

    /** The selects `run` sends, with their parameters. */
    async function selectsSent(run: () => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
      return (await statementsSentBy(run)).filter((x) => /^\s*select/i.test(x.text))
    }

    /** `explain` of one statement sent, with its parameters, as the plan's nodes. */
    async function explained(options: string, s: { text: string; values: unknown[] }): Promise<PlanNode[]> {
      const result = await database.db.executeQuery<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(CompiledQuery.raw(`explain (${options}) ${s.text}`, s.values))
      return walk(result.rows[0]!['QUERY PLAN'][0]!.Plan)
    }

    /** The statements `run` sends, each explained with its own parameters. */
    async function plansOf(run: () => Promise<unknown>): Promise<{ sql: string; nodes: PlanNode[]; keptGeneric?: boolean }[]> {
      const plans = []
      for (const s of await selectsSent(run)) {
        plans.push({ sql: s.text, nodes: await explained('format json', s) })
        const prepared = await asPrepared(s.text, s.values)
        plans.push({ sql: `(generic plan) ${s.text}`, nodes: prepared.genericPlan, keptGeneric: prepared.keptGeneric })
      }
      assert.ok(plans.length > 0, 'the query ran')
      return plans
    }

    /**
     * The statement prepared once: whether PostgreSQL, left to choose (plan_cache_mode auto),
     * keeps its generic plan after six executions, and that generic plan (whatever the values).
     */
    async function asPrepared(text: string, values: unknown[]): Promise<{ keptGeneric: boolean; genericPlan: PlanNode[] }> {
      return database.db.connection().execute(async (conn) => {
        await sql.raw(`prepare plan_check as ${text}`).execute(conn)
        try {
          const args = values.length ? `(${values.map(literal).join(', ')})` : ''
          for (let i = 0; i < 6; i++) await sql.raw(`execute plan_check${args}`).execute(conn)
          const kept = await sql<{ generic_plans: number }>`select generic_plans::int from pg_prepared_statements where name = 'plan_check'`.execute(conn)
          await sql`set plan_cache_mode = force_generic_plan`.execute(conn)
          const result = await sql.raw<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`explain (format json) execute plan_check${args}`).execute(conn)
          return { keptGeneric: kept.rows[0]!.generic_plans > 0, genericPlan: walk(result.rows[0]!['QUERY PLAN'][0]!.Plan) }
        } finally {
          await sql`deallocate plan_check`.execute(conn)
          await sql`reset plan_cache_mode`.execute(conn)
        }
      })
    }

    /** How many rows of `table` the statements `run` sends read when executed (EXPLAIN ANALYZE with their values). */
    async function rowsRead(run: () => Promise<unknown>, table: string): Promise<number> {
      let rows = 0
      for (const s of await selectsSent(run)) {
        for (const n of await explained('analyze, format json', s)) if (n['Relation Name'] === table) rows += (n['Actual Rows'] ?? 0) * (n['Actual Loops'] ?? 1)
      }
      return rows
    }

    function assertIndexed(plans: { sql: string; nodes: PlanNode[]; keptGeneric?: boolean }[], tables: string[]): void {
      for (const p of plans) {
        assert.notEqual(p.keptGeneric, false, `PostgreSQL plans this statement afresh at every execution (its generic plan looks costlier than one made for the values):\n${p.sql}`)
        const scans = p.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && tables.includes(n['Relation Name'] ?? ''))
        assert.deepEqual(scans.map((n) => n['Relation Name']), [], `sequential scan in\n${p.sql}\n${JSON.stringify(p.nodes.map((n) => `${n['Node Type']} ${n['Relation Name'] ?? ''} ${n['Index Name'] ?? ''}`))}`)
        assert.ok(p.nodes.some((n) => /Index/.test(n['Node Type']) && tables.some((t) => n['Relation Name'] === t || (n['Index Name'] ?? '').startsWith(t))), `no index used in\n${p.sql}`)
      }
    }

    before(async () => {
      database = await freshDatabase()
      const db = database.db
      const now = new Date('2026-11-01T12:00:00Z')
      // 2,000 employers with a business each; the first has 20,000 offers, the others 10 each; 20,000 account messages.
      const first = await employersWithBusinesses(db, { name: 'Plan', count: 2000, now })
      userId = first.userId
      businessId = first.businessId
      otherBusinessIds = (await db.selectFrom('business').select('id').where('id', '<>', businessId).limit(3).execute()).map((b) => b.id)
      await sql`
        insert into offer (business_id, status, offer_number, worker_name, job_title, created_by, created_at, updated_at, submitted_at)
        select m.business_id, (array['draft','awaiting_payment','pending','pending','matched','withdrawn'])[1 + g % 6],
               case when g % 6 >= 2 then 'A' || lpad(nextval('offer_number_seq')::text, 7, '0') end,
               (array['Tremblay','García','Nguyễn','Singh','Chen'])[1 + g % 5] || g || ', Ana', 'Cook', m.user_id,
               ${now}::timestamptz - make_interval(mins => g), ${now}::timestamptz - make_interval(mins => g), case when g % 6 >= 2 then ${now}::timestamptz end
        from (select business_id, user_id, business_id = ${businessId} as busiest from business_membership) m
        cross join lateral generate_series(1, case when m.busiest then 20000 else 10 end) g`.execute(db)
      await sql`
        insert into account_message (user_id, business_id, template, params, lang, subject, body, created_at)
        select case when g % 4 = 0 then null else u.id end, case when g % 4 = 0 then m.business_id end, 'welcome', '{}', 'en', 'Hello', 'Hello', ${now}::timestamptz - make_interval(secs => g)
        from app_user u join business_membership m on m.user_id = u.id
        cross join generate_series(1, 10) g`.execute(db)
      // The busiest representative's history: 20,000 messages, all read (a submission and a receipt per offer).
      await sql`
        insert into account_message (user_id, template, params, lang, subject, body, created_at, read_at)
        select ${userId}::uuid, 'welcome', '{}', 'en', 'Hello', 'Hello', ${now}::timestamptz - make_interval(days => 1, secs => g), ${now}
        from generate_series(1, 20000) g`.execute(db)
      await sql`analyze`.execute(db)
    })
    after(() => database.close())

    test('the offer queue: first page, a keyset page and a status filter', async () => {
      const base: QueueQuery = { businessId, scopeBranchId: null, sort: 'changed', limit: 51 }
      const firstPage = await queuePage(database.db, base)
      assert.equal(firstPage.length, 51)
      const cursor = queueCursor(firstPage[49]!, 'changed')
      assertIndexed(await plansOf(() => queuePage(database.db, base)), ['offer'])
      assertIndexed(await plansOf(() => queuePage(database.db, { ...base, after: cursor })), ['offer'])
      assertIndexed(await plansOf(() => queuePage(database.db, { ...base, sort: 'oldest' })), ['offer'])
      assertIndexed(await plansOf(() => queuePage(database.db, { ...base, status: 'pending' })), ['offer'])
    })

    test('the offer queue’s name search (drafts included) and A-to-Z order: the stored key’s index within the business', async () => {
      const base: QueueQuery = { businessId, scopeBranchId: null, sort: 'changed', limit: 51 }
      const byName: QueueQuery = { ...base, search: 'nguyen' }
      assert.equal((await queuePage(database.db, byName)).length, 51)
      // Nguyễn12 is a draft (g % 6 = 0), found without its accent.
      assert.ok((await queuePage(database.db, { ...base, search: 'Nguyen12,' })).some((r) => r.worker_name === 'Nguyễn12, Ana' && r.status === 'draft'))
      const byKey = (plans: { sql: string; nodes: PlanNode[] }[]) => {
        for (const p of plans) assert.ok(p.nodes.some((n) => n['Index Name'] === 'offer_queue_worker_key_idx'), `offer_queue_worker_key_idx not used in\n${p.sql}\n${JSON.stringify(p.nodes.map((n) => `${n['Node Type']} ${n['Index Name'] ?? ''}`))}`)
        return plans
      }
      assertIndexed(byKey(await plansOf(() => queuePage(database.db, byName))), ['offer'])
      assertIndexed(byKey(await plansOf(() => queuePage(database.db, { ...byName, status: 'draft', sort: 'oldest' }))), ['offer'])
      // A to Z: an index (which one, the planner decides: it believes a business holds ~16 offers, the hidden business id's average).
      const az = await queuePage(database.db, { ...base, sort: 'worker' })
      const cursor = queueCursor(az[49]!, 'worker')
      assertIndexed(await plansOf(() => queuePage(database.db, { ...base, sort: 'worker' })), ['offer'])
      assertIndexed(await plansOf(() => queuePage(database.db, { ...base, sort: 'worker', after: cursor })), ['offer'])
      assertIndexed(byKey(await plansOf(() => queuePage(database.db, { ...byName, sort: 'worker', after: cursor }))), ['offer'])
      // A to Z, the offers without a name come last: on the same index (the names' range, then `worker_key = ''`).
      const unnamed = { key: '', id: '00000000-0000-4000-8000-000000000000' }
      assert.ok((await queuePage(database.db, { ...base, sort: 'worker', after: unnamed })).every((r) => r.worker_name === ''))
      assertIndexed(byKey(await plansOf(() => queuePage(database.db, { ...base, sort: 'worker', after: unnamed }))), ['offer'])
      assertIndexed(byKey(await plansOf(() => queuePage(database.db, { ...base, sort: 'worker', status: 'draft', after: unnamed }))), ['offer'])
      // A rare name reads its own rows, not the business's 20,000: Nguyễn1232, 12322 and 12327.
      const rare: QueueQuery = { ...base, search: 'nguyen1232' }
      assert.deepEqual((await queuePage(database.db, rare)).map((r) => r.worker_name).sort(), ['Nguyễn1232, Ana', 'Nguyễn12322, Ana', 'Nguyễn12327, Ana'])
      const read = await rowsRead(() => queuePage(database.db, rare), 'offer')
      assert.ok(read <= 10, `offer rows read: ${read}`)
    })

    test('account messages: the list, its counts and the header’s unread count', async () => {
      const reader = { userId, businessIds: [businessId, ...otherBusinessIds.slice(0, 1)] }
      assert.ok((await listMessages(database.db, reader, { limit: 20, offset: 0 })).length > 0)
      assertIndexed(await plansOf(() => listMessages(database.db, reader, { limit: 20, offset: 0 })), ['account_message'])
      assertIndexed(await plansOf(() => messagesWithCounts(database.db, reader, { limit: 20, offset: 0 })), ['account_message'])
      assertIndexed(await plansOf(() => countUnread(database.db, userId)), ['account_message'])
    })

    test('the unread count, the totals and a page read what they show, not the 20,000 messages of history', async () => {
      const reader = { userId, businessIds: [businessId] }
      const { total, unread, rows } = await messagesWithCounts(database.db, reader, { limit: 20, offset: 0 })
      assert.ok(total > 20_000 && unread > 0 && unread < 20 && rows.length === 20, JSON.stringify({ total, unread }))
      const bound = 2 * 20 + 2 * unread
      const read = { page: await rowsRead(() => messagesWithCounts(database.db, reader, { limit: 20, offset: 0 }), 'account_message'), header: await rowsRead(() => countUnread(database.db, userId), 'account_message') }
      assert.ok(read.page <= bound && read.header <= bound, `account_message rows read: ${JSON.stringify(read)}, expected ≤ ${bound} each`)
    })

    test('the officer’s offer search: by name (first and next page) and by passport number', async () => {
      const byName = { kind: 'name' as const, prefix: 'tremblay' }
      const first = await searchOffers(database.db, byName)
      assert.equal(first.length, SEARCH_PAGE_SIZE + 1)
      const last = first[SEARCH_PAGE_SIZE - 1]!
      assertIndexed(await plansOf(() => searchOffers(database.db, byName)), ['offer'])
      assertIndexed(await plansOf(() => searchOffers(database.db, byName, { key: offerHitKey(byName, last), id: last.id })), ['offer'])
      assertIndexed(await plansOf(() => searchOffers(database.db, { kind: 'passport', value: 'G00000001' })), ['offer'])
    })

    test('every signed-in page’s statement: the session with its user, memberships and unread count', async () => {
      const id = 'plan-session-0123456789abcdef'
      const now = new Date()
      await database.db.insertInto('session').values({ id, data: JSON.stringify({ userId }), user_id: userId, created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 3_600_000) }).execute()
      // Other people's sessions, so that a sequential scan would be the planner's choice if the key did not serve.
      await sql`insert into session (id, data, user_id, created_at, updated_at, expires_at) select 'plan-other-' || g, '{}', null, ${now}, ${now}, ${now}::timestamptz + interval '1 hour' from generate_series(1, 5000) g`.execute(database.db)
      await sql`analyze session`.execute(database.db)
      const store = new DbSessionStore(database.db, systemClock, [membershipsWithSession, unreadWithSession])
      const read = () => new Promise((resolve, reject) => store.get(id, (err, session) => (err ? reject(err) : resolve(session))))
      const asked = performance.now()
      assert.ok(await read())
      assert.equal((store.takeReadWith(id, asked)?.companions.memberships as unknown[]).length, 1)
      assertIndexed(await plansOf(read), ['session', 'business_membership', 'account_message'])
    })
  })
}
