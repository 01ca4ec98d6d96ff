import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'

/**
 * The officers' dashboard figures: counts, offers per month (last 12 months), by
 * exemption code and by province (same period), and the median time from an enrolment
 * request's submission to its decision, per month. Months are calendar months in the
 * portal's time zone. Submitted offers are read from their daily tally (kept by the
 * database: migration 2026-11-24T0940_offer_submission_tally), not counted.
 */
export interface DashboardData {
  months: string[]
  counts: { pending: number; matched: number; withdrawn: number; issued: number; refused: number; employers: number; enrolmentsWaiting: number }
  perMonth: Array<{ month: string; offers: number }>
  byExemption: Array<{ code: string; offers: number }>
  byProvince: Array<{ province: string; offers: number }>
  medianDecision: Array<{ month: string; hours: number | null; decided: number }>
  medianOverallHours: number | null
}

/** The 12 months ending with the month of `today` ('YYYY-MM'), oldest first. */
export function lastTwelveMonths(today: string): string[] {
  const y = Number(today.slice(0, 4))
  const m = Number(today.slice(5, 7))
  return Array.from({ length: 12 }, (_, i) => {
    const k = y * 12 + (m - 1) - (11 - i)
    return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`
  })
}

const n = (v: unknown) => Number(v ?? 0)

/**
 * Makes the submitted offers' daily tally count days in `timeZone` (the portal's): when the
 * configuration names another zone, records it and counts every submitted offer afresh, with
 * offers' writers held off (and any other process doing the same) until it is done.
 */
export async function countSubmissionsIn(db: Db, timeZone: string): Promise<void> {
  const current = await db.selectFrom('offer_submission_zone').select('time_zone').executeTakeFirst()
  if (current?.time_zone === timeZone) return
  await db.transaction().execute(async (trx) => {
    await sql`lock table offer in share row exclusive mode`.execute(trx)
    const zone = await trx.selectFrom('offer_submission_zone').select('time_zone').executeTakeFirst()
    if (zone?.time_zone === timeZone) return
    await trx.insertInto('offer_submission_zone').values({ time_zone: timeZone }).onConflict((oc) => oc.column('only_row').doUpdateSet({ time_zone: timeZone })).execute()
    await sql`select offer_submission_tally_recount()`.execute(trx)
  })
}

export async function dashboardData(db: Db, today: string, timeZone: string): Promise<DashboardData> {
  const months = lastTwelveMonths(today)
  await countSubmissionsIn(db, timeZone)
  const firstDay = `${months[0]}-01`
  const from = sql`(${firstDay}::date::timestamp at time zone ${timeZone})`
  const month = (col: string) => sql<string>`to_char(${sql.ref(col)} at time zone ${timeZone}, 'YYYY-MM')`
  const [statuses, decisions, employers, waiting, perMonth, byExemption, byProvince, median, overall] = await Promise.all([
    db.selectFrom('offer').select(['status', sql<number>`count(*)`.as('c')]).where('status', 'in', ['pending', 'matched', 'withdrawn']).groupBy('status').execute(),
    db.selectFrom('work_permit_decision').select(['outcome', sql<number>`count(*)`.as('c')]).groupBy('outcome').execute(),
    db.selectFrom('business').select(sql<number>`count(*)`.as('c')).executeTakeFirstOrThrow(),
    db.selectFrom('enrolment_request').select(sql<number>`count(*)`.as('c')).where('status', '=', 'submitted').executeTakeFirstOrThrow(),
    db
      .selectFrom('offer_submission_tally')
      .select([sql<string>`to_char(day, 'YYYY-MM')`.as('month'), sql<number>`sum(offers)`.as('c')])
      .where('day', '>=', firstDay)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('offer_submission_tally')
      .select(['exemption_code as code', sql<number>`sum(offers)`.as('c')])
      .where('day', '>=', firstDay)
      .groupBy('exemption_code')
      .having(sql`sum(offers)`, '>', 0)
      .orderBy(sql`2 desc`)
      .orderBy(sql`1`)
      .limit(10)
      .execute(),
    db
      .selectFrom('offer_submission_tally')
      .select(['province', sql<number>`sum(offers)`.as('c')])
      .where('day', '>=', firstDay)
      .groupBy('province')
      .having(sql`sum(offers)`, '>', 0)
      .orderBy(sql`2 desc`)
      .orderBy(sql`1`)
      .execute(),
    db
      .selectFrom('enrolment_request')
      .select([
        month('decided_at').as('month'),
        sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at))`.as('seconds'),
        sql<number>`count(*)`.as('c'),
      ])
      .where('decided_at', 'is not', null)
      .where('submitted_at', 'is not', null)
      .where(sql<boolean>`decided_at >= ${from}`)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('enrolment_request')
      .select(sql<number | null>`percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at))`.as('seconds'))
      .where('decided_at', 'is not', null)
      .where('submitted_at', 'is not', null)
      .where(sql<boolean>`decided_at >= ${from}`)
      .executeTakeFirst(),
  ])
  const status = new Map(statuses.map((s) => [s.status, n(s.c)]))
  const outcome = new Map(decisions.map((d) => [d.outcome, n(d.c)]))
  const perMonthMap = new Map(perMonth.map((r) => [r.month, n(r.c)]))
  const medianMap = new Map(median.map((r) => [r.month, r]))
  const hours = (seconds: unknown) => (seconds === null || seconds === undefined ? null : Math.round((Number(seconds) / 3600) * 10) / 10)
  return {
    months,
    counts: {
      pending: status.get('pending') ?? 0,
      matched: status.get('matched') ?? 0,
      withdrawn: status.get('withdrawn') ?? 0,
      issued: outcome.get('issued') ?? 0,
      refused: outcome.get('refused') ?? 0,
      employers: n(employers.c),
      enrolmentsWaiting: n(waiting.c),
    },
    perMonth: months.map((m) => ({ month: m, offers: perMonthMap.get(m) ?? 0 })),
    byExemption: byExemption.map((r) => ({ code: r.code, offers: n(r.c) })),
    byProvince: byProvince.map((r) => ({ province: r.province, offers: n(r.c) })),
    medianDecision: months.map((m) => ({ month: m, hours: hours(medianMap.get(m)?.seconds), decided: n(medianMap.get(m)?.c) })),
    medianOverallHours: hours(overall?.seconds),
  }
}

/** Requests waiting for an officer, per queue: the console home's counts. */
export interface WaitingCounts {
  enrolments: number
  transfers: number
  pinResets: number
  reactivations: number
  feeExemptions: number
}

/**
 * The console home's counts: one statement of five sub-selects, each served by its queue's index
 * (the same conditions as the queues' own pages show as waiting).
 */
export async function waitingCounts(db: Db): Promise<WaitingCounts> {
  const count = sql<number>`count(*)`
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('enrolment_request').select(count.as('c')).where('status', '=', 'submitted').as('enrolments'),
      eb.selectFrom('primary_transfer_request').select(count.as('c')).where('status', '=', 'submitted').as('transfers'),
      eb.selectFrom('pin_reset_request').select(count.as('c')).where('handled_by', '=', 'officers').where('status', '=', 'submitted').as('pin_resets'),
      eb.selectFrom('reactivation_request').select(count.as('c')).where('status', '=', 'submitted').as('reactivations'),
      eb.selectFrom('offer').select(count.as('c')).where('needs_review', '=', true).as('fee_exemptions'),
    ])
    .executeTakeFirstOrThrow()
  return {
    enrolments: Number(row.enrolments ?? 0),
    transfers: Number(row.transfers ?? 0),
    pinResets: Number(row.pin_resets ?? 0),
    reactivations: Number(row.reactivations ?? 0),
    feeExemptions: Number(row.fee_exemptions ?? 0),
  }
}
