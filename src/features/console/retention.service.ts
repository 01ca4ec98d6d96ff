import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import { audit, type Actor, type DbOrTrx } from '../../platform/audit.ts'
import type { OfferStatus } from '../offers/offers.tables.ts'

/**
 * Retention: when may an offer be purged? An issued work permit's offer is kept to the
 * end of its six-year inspection window; any other offer six years after its last
 * change (decision, withdrawal, submission or edit). Drafts follow the same rule.
 * The same SQL expression lists what is past retention and guards the purge itself, so
 * a purge asked for a record still inside its window deletes nothing.
 */
const RETENTION_UNTIL = sql<string>`coalesce(d.inspection_until, ((greatest(o.updated_at, coalesce(d.decided_at, o.updated_at)) at time zone 'UTC')::date + interval '6 years')::date)`

export interface RetentionRow {
  id: string
  offer_number: string | null
  status: OfferStatus
  business_id: string
  legal_name: string
  retention_until: string
}

export function pastRetention(db: DbOrTrx, today: string, limit = 200): Promise<RetentionRow[]> {
  return db
    .selectFrom('offer as o')
    .innerJoin('business as b', 'b.id', 'o.business_id')
    .leftJoin('work_permit_decision as d', 'd.offer_id', 'o.id')
    .select(['o.id', 'o.offer_number', 'o.status', 'o.business_id', 'b.legal_name', sql<string>`to_char(${RETENTION_UNTIL}, 'YYYY-MM-DD')`.as('retention_until')])
    .where(sql<boolean>`${RETENTION_UNTIL} < ${today}::date`)
    .orderBy(sql`6`)
    .orderBy('o.id')
    .limit(limit)
    .execute()
}

export interface PurgeResult {
  purged: number
  refused: number
}

/**
 * Purges the chosen offers that are past retention, one transaction each: the console's
 * rows about it, the offer (its documents go with it), a `retention_purge` row and an
 * audit entry. An offer still inside its window is left alone and counted as refused.
 */
export async function purgeOffers(db: Db, ids: readonly string[], reason: string, actor: Actor & { userId: string }, today: string, now: Date): Promise<PurgeResult> {
  let purged = 0
  let refused = 0
  for (const id of ids) {
    const done = await db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('offer as o')
        .leftJoin('work_permit_decision as d', 'd.offer_id', 'o.id')
        .select(['o.id', 'o.offer_number', 'o.business_id', sql<string>`to_char(${RETENTION_UNTIL}, 'YYYY-MM-DD')`.as('retention_until')])
        .where('o.id', '=', id)
        .where(sql<boolean>`${RETENTION_UNTIL} < ${today}::date`)
        .modifyEnd(sql`for update of o`)
        .executeTakeFirst()
      if (!row) return false
      await trx.deleteFrom('offer_correction').where('offer_id', '=', id).execute()
      await trx.deleteFrom('work_permit_match').where('offer_id', '=', id).execute()
      await trx.deleteFrom('work_permit_decision').where('offer_id', '=', id).execute()
      await trx.deleteFrom('offer').where('id', '=', id).execute()
      await trx
        .insertInto('retention_purge')
        .values({ object_type: 'offer', object_id: id, label: row.offer_number ?? '', business_id: row.business_id, retention_until: row.retention_until, reason, purged_by: actor.userId, purged_at: now })
        .execute()
      await audit(trx, actor, now, { action: 'retention.purged', businessId: row.business_id, objectType: 'offer', objectId: id, details: { offerNumber: row.offer_number, retentionUntil: row.retention_until, reason } })
      return true
    })
    if (done) purged++
    else refused++
  }
  return { purged, refused }
}

export function purgeHistory(db: DbOrTrx, limit = 50) {
  return db
    .selectFrom('retention_purge as r')
    .innerJoin('app_user as u', 'u.id', 'r.purged_by')
    .select(['r.id', 'r.label', 'r.retention_until', 'r.reason', 'r.purged_at', 'u.username as purged_by'])
    .orderBy('r.purged_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute()
}
