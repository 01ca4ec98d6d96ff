import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'

/**
 * The officers' dashboard figures: counts, offers per month (last 12 months), by
 * exemption code and by province (same period), and the median time from an enrolment
 * request's submission to its decision, per month. Months are calendar months in the
 * portal's time zone. The 12-month range uses the submitted-offers index.
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

export async function dashboardData(db: DbOrTrx, today: string, timeZone: string): Promise<DashboardData> {
  const months = lastTwelveMonths(today)
  const from = sql`(${`${months[0]}-01`}::date::timestamp at time zone ${timeZone})`
  const month = (col: string) => sql<string>`to_char(${sql.ref(col)} at time zone ${timeZone}, 'YYYY-MM')`
  const [statuses, decisions, employers, waiting, perMonth, byExemption, byProvince, median, overall] = await Promise.all([
    db.selectFrom('offer').select(['status', sql<number>`count(*)`.as('c')]).where('status', 'in', ['pending', 'matched', 'withdrawn']).groupBy('status').execute(),
    db.selectFrom('work_permit_decision').select(['outcome', sql<number>`count(*)`.as('c')]).groupBy('outcome').execute(),
    db.selectFrom('business').select(sql<number>`count(*)`.as('c')).executeTakeFirstOrThrow(),
    db.selectFrom('enrolment_request').select(sql<number>`count(*)`.as('c')).where('status', '=', 'submitted').executeTakeFirstOrThrow(),
    db
      .selectFrom('offer')
      .select([month('submitted_at').as('month'), sql<number>`count(*)`.as('c')])
      .where('submitted_at', 'is not', null)
      .where(sql<boolean>`submitted_at >= ${from}`)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('offer')
      .select([sql<string>`coalesce(answers->'exemption'->>'exemptionCode', '')`.as('code'), sql<number>`count(*)`.as('c')])
      .where('submitted_at', 'is not', null)
      .where(sql<boolean>`submitted_at >= ${from}`)
      .groupBy(sql`1`)
      .orderBy(sql`2 desc`)
      .orderBy(sql`1`)
      .limit(10)
      .execute(),
    db
      .selectFrom('offer')
      .select([sql<string>`coalesce(answers->'job'->>'workProvince', '')`.as('province'), sql<number>`count(*)`.as('c')])
      .where('submitted_at', 'is not', null)
      .where(sql<boolean>`submitted_at >= ${from}`)
      .groupBy(sql`1`)
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
