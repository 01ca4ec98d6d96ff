import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'

export interface AuditFilter {
  actorUserId?: string
  actorLabel?: string
  businessId?: string
  action?: string
  from?: Date
  to?: Date
  /** Keyset cursor: entries strictly older than this (time, id). */
  before?: { at: Date; id: number }
}

export const AUDIT_PAGE_SIZE = 50

/** Newest first, keyset-paginated (served by the audit_event indexes on time, actor, business and action). */
export async function searchAudit(db: DbOrTrx, f: AuditFilter, limit = AUDIT_PAGE_SIZE) {
  let q = db
    .selectFrom('audit_event as a')
    .leftJoin('business as b', 'b.id', 'a.business_id')
    .select(['a.id', 'a.occurred_at', 'a.actor_label', 'a.actor_user_id', 'a.action', 'a.object_type', 'a.object_id', 'a.ip', 'a.details', 'b.business_number', 'b.legal_name'])
  if (f.actorUserId) q = q.where((eb) => eb.or([eb('a.actor_user_id', '=', f.actorUserId!), eb('a.actor_label', '=', f.actorLabel ?? '')]))
  else if (f.actorLabel) q = q.where('a.actor_label', '=', f.actorLabel)
  if (f.businessId) q = q.where('a.business_id', '=', f.businessId)
  if (f.action) q = q.where('a.action', '=', f.action)
  if (f.from) q = q.where('a.occurred_at', '>=', f.from)
  if (f.to) q = q.where('a.occurred_at', '<', f.to)
  if (f.before) {
    const { at, id } = f.before
    q = q.where((eb) => eb.or([eb('a.occurred_at', '<', at), eb.and([eb('a.occurred_at', '=', at), eb('a.id', '<', id)])]))
  }
  return q.orderBy('a.occurred_at', 'desc').orderBy('a.id', 'desc').limit(sql.lit(limit + 1)).execute()
}

/** Who did `action` to an object last, and when (a second administrator is told who was first). */
export function latestAuditOf(db: DbOrTrx, action: string, objectId: string): Promise<{ actor_label: string; occurred_at: Date } | undefined> {
  return db.selectFrom('audit_event').select(['actor_label', 'occurred_at']).where('action', '=', action).where('object_id', '=', objectId).orderBy('id', 'desc').executeTakeFirst()
}

export async function distinctActions(db: DbOrTrx): Promise<string[]> {
  const rows = await db.selectFrom('audit_event').select('action').distinct().orderBy('action').execute()
  return rows.map((r) => r.action)
}
