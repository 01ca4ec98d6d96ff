import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../../db/connect.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { makeBusiness, makeOffer, offerAnswers } from '../../../tests/helpers/console-fixtures.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { countSubmissionsIn, dashboardData } from './dashboard.service.ts'

/**
 * The submitted offers' daily tally (migration 2026-11-24T0940_offer_submission_tally), which
 * the officers' dashboard reads instead of counting a year of offers, must equal a count of the
 * offers after anything that can happen to them: submission, a draft's saves, a withdrawal, an
 * officer's correction of the exemption code, a purge, a change of the portal's time zone.
 */
describe('submitted offers’ daily tally', () => {
  let database: DatabaseHandle
  let businessId: string
  let userId: string

  before(async () => {
    database = await freshDatabase()
    userId = (await createUser(database.db, { username: 'tally.employer' })).id
    businessId = await makeBusiness(database.db, { eight: '23456789', legalName: 'Tally Ltd' })
  })
  after(() => database.close())

  const tally = async () =>
    (await sql<{ row: string }>`select day || ' ' || exemption_code || ' ' || province || ' ' || offers as row from offer_submission_tally where offers > 0 order by 1`.execute(database.db)).rows.map((r) => r.row)
  const counted = async () =>
    (
      await sql<{ row: string }>`
        select d.day || ' ' || d.code || ' ' || d.province || ' ' || d.n as row from (
          select (o.submitted_at at time zone z.time_zone)::date as day, coalesce(o.answers->'exemption'->>'exemptionCode', '') as code,
                 coalesce(o.answers->'job'->>'workProvince', '') as province, count(*) as n
          from offer o cross join offer_submission_zone z where o.submitted_at is not null group by 1, 2, 3) d
        order by 1`.execute(database.db)
    ).rows.map((r) => r.row)

  it('equals a count of the offers through submission, saves, withdrawal, correction and purge', async () => {
    const db = database.db
    const at = (iso: string) => new Date(iso)
    const first = await makeOffer(db, { businessId, userId, offerNumber: 'A7000001', submittedAt: at('2026-11-02T15:00:00Z'), answers: offerAnswers({ exemptionCode: 'T36', province: 'ON' }) })
    await makeOffer(db, { businessId, userId, offerNumber: 'A7000002', submittedAt: at('2026-11-02T16:00:00Z'), answers: offerAnswers({ exemptionCode: 'T36', province: 'ON' }) })
    await makeOffer(db, { businessId, userId, offerNumber: 'A7000003', submittedAt: at('2026-11-03T04:30:00Z'), answers: offerAnswers({ exemptionCode: 'C10', province: 'QC' }) })
    const draft = await makeOffer(db, { businessId, userId, offerNumber: 'x', status: 'draft' })
    assert.deepEqual(await tally(), ['2026-11-02 C10 QC 1', '2026-11-02 T36 ON 2'], 'the Toronto day of 04:30 UTC is the day before')
    assert.deepEqual(await tally(), await counted())

    // A draft's saves, then its submission.
    await db.updateTable('offer').set({ answers: sql`answers || '{"job": {"workProvince": "BC"}}'::jsonb`, version: sql`version + 1` }).where('id', '=', draft).execute()
    assert.deepEqual(await tally(), await counted())
    await db.updateTable('offer').set({ status: 'pending', offer_number: 'A7000004', submitted_at: at('2026-11-20T15:00:00Z') }).where('id', '=', draft).execute()
    assert.deepEqual(await tally(), ['2026-11-02 C10 QC 1', '2026-11-02 T36 ON 2', '2026-11-20 T36 BC 1'])

    // A withdrawal counts as submitted still; an officer's correction moves the offer to its new code.
    await db.updateTable('offer').set({ status: 'withdrawn', withdrawn_at: at('2026-11-21T15:00:00Z') }).where('id', '=', draft).execute()
    await db.updateTable('offer').set({ answers: sql`jsonb_set(answers, '{exemption,exemptionCode}', '"C12"')` }).where('id', '=', first).execute()
    assert.deepEqual(await tally(), ['2026-11-02 C10 QC 1', '2026-11-02 C12 ON 1', '2026-11-02 T36 ON 1', '2026-11-20 T36 BC 1'])
    assert.deepEqual(await tally(), await counted())

    // A purge.
    await db.deleteFrom('offer').where('id', '=', first).execute()
    assert.deepEqual(await tally(), ['2026-11-02 C10 QC 1', '2026-11-02 T36 ON 1', '2026-11-20 T36 BC 1'])
    assert.deepEqual(await tally(), await counted())
  })

  it('counts days afresh in another time zone, once, and goes on counting in it', async () => {
    const db = database.db
    // 05:30 UTC on 1 December: 30 November in Winnipeg, 1 December in Toronto. (Not Vancouver: PGlite's
    // time zone data has British Columbia on permanent daylight time from 2026, PostgreSQL 15's does not.)
    await makeOffer(db, { businessId, userId, offerNumber: 'A7000005', submittedAt: new Date('2026-12-01T05:30:00Z'), answers: offerAnswers({ exemptionCode: 'T36', province: 'MB' }) })
    const toronto = await dashboardData(db, '2026-12-02', 'America/Toronto')
    assert.deepEqual(toronto.perMonth.slice(-2), [{ month: '2026-11', offers: 3 }, { month: '2026-12', offers: 1 }])

    const winnipeg = await dashboardData(db, '2026-12-02', 'America/Winnipeg')
    assert.deepEqual(winnipeg.perMonth.slice(-2), [{ month: '2026-11', offers: 4 }, { month: '2026-12', offers: 0 }])
    assert.deepEqual(winnipeg.byProvince, [{ province: 'BC', offers: 1 }, { province: 'MB', offers: 1 }, { province: 'ON', offers: 1 }, { province: 'QC', offers: 1 }])
    assert.deepEqual(await tally(), await counted())

    // The zone is recorded: asking again recounts nothing; new submissions count in it.
    await countSubmissionsIn(db, 'America/Winnipeg')
    assert.equal((await db.selectFrom('offer_submission_zone').select('time_zone').executeTakeFirstOrThrow()).time_zone, 'America/Winnipeg')
    await makeOffer(db, { businessId, userId, offerNumber: 'A7000006', submittedAt: new Date('2026-12-01T05:45:00Z'), answers: offerAnswers({ exemptionCode: 'T36', province: 'MB' }) })
    assert.ok((await tally()).includes('2026-11-30 T36 MB 2'), JSON.stringify(await tally()))
    assert.deepEqual(await tally(), await counted())
  })
})
