import type { FastifyRequest } from 'fastify'
import { sql, type Insertable, type Kysely, type RawBuilder, type Transaction } from 'kysely'
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
  await db.insertInto('audit_event').values(auditRow(actor, now, entry)).execute()
}

/** The audit trail's row for `entry`: for a statement that writes it together with its change (`audit` writes it alone). */
export function auditRow(actor: Actor, now: Date, entry: AuditEntry): Insertable<Database['audit_event']> {
  return {
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
  }
}

/** audit_event's columns and their types, for a row written from a statement's own values. */
const AUDIT_COLUMN_TYPES = {
  occurred_at: 'timestamptz',
  actor_user_id: 'uuid',
  actor_label: 'text',
  action: 'text',
  business_id: 'uuid',
  object_type: 'text',
  object_id: 'text',
  ip: 'text',
  request_id: 'text',
  details: 'jsonb',
} as const

const AUDIT_COLUMNS = Object.keys(AUDIT_COLUMN_TYPES) as Array<keyof typeof AUDIT_COLUMN_TYPES>

/** An audit row's values in the order of its columns: what `auditEachRowOf` takes. */
export type AuditValues = unknown[]

/** `entry`'s row as values in the order `auditEachRowOf` writes them (null for what it lacks). */
export function auditValues(actor: Actor, now: Date, entry: AuditEntry): AuditValues {
  const row = auditRow(actor, now, entry)
  return AUDIT_COLUMNS.map((c) => row[c] ?? null)
}

/**
 * An insert of the audit row `values` (`auditValues`) for each row of `source`, a common
 * table expression of the same statement (`with saved as (update … returning …)`): one
 * statement writes the change and its entry, so the entry exists if and only if the change
 * does, without a transaction. Each value is a parameter, so a statement compiled once
 * (compiled-once.ts) may take stand-ins for them.
 */
export function auditEachRowOf(source: string, values: AuditValues): RawBuilder<Record<string, unknown>> {
  // In parentheses: Kysely writes a raw common table expression as it is.
  return sql<Record<string, unknown>>`(insert into audit_event (${sql.join(AUDIT_COLUMNS.map((c) => sql.ref(c)))}) select ${sql.join(
    AUDIT_COLUMNS.map((c, i) => sql`cast(${values[i]} as ${sql.raw(AUDIT_COLUMN_TYPES[c])})`),
  )} from ${sql.table(source)})`
}
