import type { FastifyRequest } from 'fastify'
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/database.ts'

export type DbOrTrx = Kysely<Database> | Transaction<Database>

/** Who acted, from where, within which request. */
export interface Actor {
  userId: string | null
  /** A username, or 'system' for scheduled jobs. */
  label: string
  ip?: string | null
  requestId?: string | null
}

export const SYSTEM_ACTOR: Actor = { userId: null, label: 'system' }

export function actorFrom(request: FastifyRequest, user?: { id: string; username: string }): Actor {
  return {
    userId: user?.id ?? request.session?.userId ?? null,
    label: user?.username ?? (request.session?.userId ? `user:${request.session.userId}` : 'anonymous'),
    ip: request.ip,
    requestId: String(request.id),
  }
}

export interface AuditEntry {
  action: string
  businessId?: string | null
  objectType?: string | null
  objectId?: string | null
  /** Never secrets: no passwords, PINs, tokens, card or passport numbers. */
  details?: Record<string, unknown>
}

/**
 * Appends to the audit trail, in the caller's transaction so the entry exists if
 * and only if the change does. The table refuses updates and deletes.
 */
export async function audit(db: DbOrTrx, actor: Actor, now: Date, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      occurred_at: now,
      actor_user_id: actor.userId,
      actor_label: actor.label,
      action: entry.action,
      business_id: entry.businessId ?? null,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId ?? null,
      ip: actor.ip ?? null,
      request_id: actor.requestId ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute()
}
