import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { audit, SYSTEM_ACTOR, type Actor, type DbOrTrx } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { formatInZone } from '../../platform/dates.ts'
import { startPeriodic, type PassLog } from '../../platform/periodic.ts'
import { eachLanguage } from '../../i18n/i18n.ts'
import { notifyUser } from '../notifications/notify.ts'

/**
 * Dormancy: an employer user who has not signed in for 2 years is dormant and may not
 * act until an officer reactivates them; a business whose primary user is dormant is
 * dormant (its other users may not act for it). Warnings at 18 and 23 months, once each
 * per period of inactivity. "Inactive since" is the later of the last sign-in (or the
 * account's creation) and the last reactivation.
 */
export const DORMANT_AFTER_MONTHS = 24
export const WARNING_MONTHS = [18, 23] as const

/** The same instant `months` calendar months earlier (UTC). */
export function monthsBefore(date: Date, months: number): Date {
  const d = new Date(date.getTime())
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() - months)
  // Keep the day, or the month's last day (March 31 − 1 month = February 28/29).
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d
}

export function monthsAfter(date: Date, months: number): Date {
  return monthsBefore(date, -months)
}

/** What a pass did. */
export interface DormancyReport {
  warned18: number
  warned23: number
  madeDormant: number
  businessesDormant: number
  businessesReactivated: number
}

/**
 * Makes a user dormant (once: only an active user), with the businesses they are the
 * primary user of; tells them. In the caller's transaction.
 */
export async function markUserDormant(trx: DbOrTrx, userId: string, now: Date, actor: Actor = SYSTEM_ACTOR): Promise<{ businessesDormant: number } | undefined> {
  const changed = await trx.updateTable('app_user').set({ status: 'dormant', updated_at: now }).where('id', '=', userId).where('status', '=', 'active').where('role', '=', 'employer').returning('id').executeTakeFirst()
  if (!changed) return undefined
  await trx
    .insertInto('user_dormancy')
    .values({ user_id: userId, dormant_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ dormant_at: now }))
    .execute()
  await audit(trx, actor, now, { action: 'access.user_dormant', objectType: 'app_user', objectId: userId })
  await notifyUser(trx, { userId, template: 'accessDormant', params: {}, now })
  const businesses = await syncBusinessDormancy(trx, now, actor)
  return { businessesDormant: businesses.dormant }
}

/** Businesses follow their primary user: dormant while the primary user is, active again afterwards. */
export async function syncBusinessDormancy(trx: DbOrTrx, now: Date, actor: Actor): Promise<{ dormant: number; reactivated: number }> {
  const dormantPrimary = sql<boolean>`exists (select 1 from business_membership m join app_user u on u.id = m.user_id
    where m.business_id = business.id and m.role = 'primary' and m.status = 'active' and u.status = 'dormant')`
  const slept = await trx.updateTable('business').set({ status: 'dormant', updated_at: now }).where('status', '=', 'active').where(dormantPrimary).returning('id').execute()
  const woke = await trx.updateTable('business').set({ status: 'active', updated_at: now }).where('status', '=', 'dormant').where(sql<boolean>`not ${dormantPrimary}`).returning('id').execute()
  for (const b of slept) await audit(trx, actor, now, { action: 'access.business_dormant', businessId: b.id, objectType: 'business', objectId: b.id })
  for (const b of woke) await audit(trx, actor, now, { action: 'access.business_reactivated', businessId: b.id, objectType: 'business', objectId: b.id })
  return { dormant: slept.length, reactivated: woke.length }
}

/** Wakes the dormant businesses whose primary user is no longer dormant; how many woke. */
export async function wakeBusinesses(db: Db, now: Date): Promise<number> {
  const awake = await db
    .selectFrom('business as b')
    .select('b.id')
    .where('b.status', '=', 'dormant')
    .where(sql<boolean>`not exists (select 1 from business_membership m join app_user u on u.id = m.user_id
      where m.business_id = b.id and m.role = 'primary' and m.status = 'active' and u.status = 'dormant')`)
    .limit(1)
    .executeTakeFirst()
  if (!awake) return 0
  return (await db.transaction().execute((trx) => syncBusinessDormancy(trx, now, SYSTEM_ACTOR))).reactivated
}

/**
 * A person who signs in after 2 years away, before the scheduled job noticed, is dormant
 * all the same (the sign-in itself must not wake the account): judged from the sign-in
 * before this one. Cheap: the database is asked only when the dates say "maybe".
 */
export async function dormantSinceSignIn(db: Db, user: SignedInUser, now: Date): Promise<boolean> {
  if (user.status !== 'active' || user.role !== 'employer' || !user.last_sign_in_at) return false
  const before = user.previous_sign_in_at ?? user.created_at
  const limit = monthsBefore(user.last_sign_in_at, DORMANT_AFTER_MONTHS)
  if (before.getTime() > limit.getTime()) return false
  const d = await db.selectFrom('user_dormancy').select('reactivated_at').where('user_id', '=', user.id).executeTakeFirst()
  if (d?.reactivated_at && d.reactivated_at.getTime() > limit.getTime()) return false
  await db.transaction().execute((trx) => markUserDormant(trx, user.id, now))
  return true
}

/**
 * The sign-in a dormancy followed: the latest of the two kept (last, previous) made at least
 * 2 years before the account became dormant; those since (the one made to ask for
 * reactivation) say nothing of it. null: never signed in before; undefined: no longer known
 * (signed in twice since).
 */
export function signInBeforeDormancy(user: Pick<SignedInUser, 'last_sign_in_at' | 'previous_sign_in_at'>, dormantAt: Date): Date | null | undefined {
  const limit = monthsBefore(dormantAt, DORMANT_AFTER_MONTHS).getTime()
  if (!user.last_sign_in_at) return null
  if (user.last_sign_in_at.getTime() <= limit) return user.last_sign_in_at
  if (!user.previous_sign_in_at) return null
  if (user.previous_sign_in_at.getTime() <= limit) return user.previous_sign_in_at
  return undefined
}

/**
 * One pass of the scheduled job: warnings at 18 and 23 months (once each per period of
 * inactivity), dormancy at 24, businesses following their primary user. Safe to run
 * in several processes at once: every step is a conditional write, and a notification
 * is written only by the step that changed the row.
 */
export async function runDormancy(deps: { db: Db; clock: Clock; timeZone: string }): Promise<DormancyReport> {
  const { db } = deps
  const now = deps.clock.now()
  const report: DormancyReport = { warned18: 0, warned23: 0, madeDormant: 0, businessesDormant: 0, businessesReactivated: 0 }
  const cutoff = (m: number) => monthsBefore(now, m)
  const since = sql<Date>`greatest(coalesce(u.last_sign_in_at, u.created_at), d.reactivated_at)`
  const candidates = await db
    .selectFrom('app_user as u')
    .leftJoin('user_dormancy as d', 'd.user_id', 'u.id')
    .select(['u.id', 'u.preferred_language', since.as('since'), 'd.warned_18_for', 'd.warned_23_for'])
    .where('u.role', '=', 'employer')
    .where('u.status', '=', 'active')
    .where(since, '<=', cutoff(WARNING_MONTHS[0]))
    .orderBy('u.id')
    .execute()
  for (const c of candidates) {
    const sinceAt = new Date(c.since)
    if (sinceAt.getTime() <= cutoff(DORMANT_AFTER_MONTHS).getTime()) {
      const made = await db.transaction().execute((trx) => markUserDormant(trx, c.id, now))
      if (made) {
        report.madeDormant++
        report.businessesDormant += made.businessesDormant
      }
      continue
    }
    const months = sinceAt.getTime() <= cutoff(23).getTime() ? 23 : 18
    const column = months === 23 ? 'warned_23_for' : 'warned_18_for'
    if (c[column] && new Date(c[column]).getTime() === sinceAt.getTime()) continue
    const sent = await db.transaction().execute(async (trx) => {
      // The 23-month warning also stands for the 18-month one (a job that did not run for a while sends one, not two).
      const values = months === 23 ? { warned_23_for: sinceAt, warned_18_for: sinceAt } : { warned_18_for: sinceAt }
      const row = await trx
        .insertInto('user_dormancy')
        .values({ user_id: c.id, ...values })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet(values)
            .where(sql<boolean>`user_dormancy.${sql.ref(column)} is distinct from ${sinceAt}`),
        )
        .returning('user_id')
        .executeTakeFirst()
      if (!row) return false
      // In the words of the language the message is read in (a page in the other language renders it again).
      const date = eachLanguage((lang) => formatInZone(lang, monthsAfter(sinceAt, DORMANT_AFTER_MONTHS), deps.timeZone, 'date'))
      await notifyUser(trx, { userId: c.id, template: months === 23 ? 'accessDormancyWarning23' : 'accessDormancyWarning18', params: { date }, now })
      await audit(trx, SYSTEM_ACTOR, now, { action: 'access.dormancy_warned', objectType: 'app_user', objectId: c.id, details: { months } })
      return true
    })
    if (sent) report[months === 23 ? 'warned23' : 'warned18']++
  }
  const businesses = await db.transaction().execute((trx) => syncBusinessDormancy(trx, now, SYSTEM_ACTOR))
  report.businessesDormant += businesses.dormant
  report.businessesReactivated += businesses.reactivated
  return report
}

/** Ends a user's dormancy (an officer's decision): active again, the clock restarted, their businesses awake. */
export async function reactivateUser(trx: DbOrTrx, userId: string, now: Date, actor: Actor): Promise<boolean> {
  const changed = await trx.updateTable('app_user').set({ status: 'active', updated_at: now }).where('id', '=', userId).where('status', '=', 'dormant').returning('id').executeTakeFirst()
  if (!changed) return false
  await trx
    .insertInto('user_dormancy')
    .values({ user_id: userId, reactivated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ reactivated_at: now, warned_18_for: null, warned_23_for: null }))
    .execute()
  await audit(trx, actor, now, { action: 'access.user_reactivated', objectType: 'app_user', objectId: userId })
  await syncBusinessDormancy(trx, now, actor)
  return true
}

/** The scheduled job in a long-running process: a pass at once, then every `intervalMs` (hourly), never two at once. */
export function startDormancyJob(deps: { db: Db; clock: Clock; timeZone: string }, options: { intervalMs?: number; log?: PassLog } = {}): { stop(): Promise<void> } {
  return startPeriodic(
    async () => {
      const r = await runDormancy(deps)
      if (r.warned18 + r.warned23 + r.madeDormant + r.businessesDormant + r.businessesReactivated > 0) options.log?.info(r, 'dormancy pass')
    },
    { intervalMs: options.intervalMs ?? 60 * 60_000, runNow: true, onError: (err) => options.log?.error({ err }, 'dormancy pass failed') },
  )
}

/** A dormant person asks the department to reactivate them (one open request at a time; asking again changes nothing). */
export async function requestReactivation(db: Db, actor: Actor, userId: string, reason: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('reactivation_request')
      .values({ user_id: userId, reason, created_at: now })
      .onConflict((oc) => oc.column('user_id').where('status', '=', sql.lit('submitted')).doNothing())
      .returning('id')
      .executeTakeFirst()
    if (row) await audit(trx, actor, now, { action: 'access.reactivation_requested', objectType: 'reactivation_request', objectId: row.id })
  })
}

export async function assignReactivation(db: DbOrTrx, actor: Actor, officerId: string, id: string, now: Date): Promise<void> {
  const r = await db.updateTable('reactivation_request').set({ assigned_to: officerId }).where('id', '=', id).where('status', '=', 'submitted').returning('id').executeTakeFirst()
  if (r) await audit(db, actor, now, { action: 'access.reactivation_assigned', objectType: 'reactivation_request', objectId: id })
}

export type ReactivationDecision = { decision: 'reactivate'; note: string } | { decision: 'refuse'; note: string }

/** An officer's decision, with its reason; the person is told. Decided once. */
export async function decideReactivation(db: Db, actor: Actor, officerId: string, id: string, d: ReactivationDecision, now: Date): Promise<'reactivated' | 'refused' | 'alreadyDecided'> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('reactivation_request')
      .set({ status: d.decision === 'reactivate' ? 'reactivated' : 'refused', decided_by: officerId, decided_at: now, decision_note: d.note })
      .where('id', '=', id)
      .where('status', '=', 'submitted')
      .returning('user_id')
      .executeTakeFirst()
    if (!row) return 'alreadyDecided'
    if (d.decision === 'refuse') {
      await audit(trx, actor, now, { action: 'access.reactivation_refused', objectType: 'reactivation_request', objectId: id })
      await notifyUser(trx, { userId: row.user_id, template: 'accessReactivationRefused', params: { reason: d.note }, now })
      return 'refused'
    }
    await reactivateUser(trx, row.user_id, now, actor)
    await audit(trx, actor, now, { action: 'access.reactivation_approved', objectType: 'reactivation_request', objectId: id })
    await notifyUser(trx, { userId: row.user_id, template: 'accessReactivated', params: {}, now })
    return 'reactivated'
  })
}
