import type { DbOrTrx } from '../../platform/audit.ts'

/** Every staff account (officers and administrators), removed ones too, by username. */
export function staffAccounts(db: DbOrTrx) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'given_name', 'family_name', 'role', 'status', 'totp_enabled_at', 'must_change_password', 'updated_at'])
    .where('role', 'in', ['officer', 'administrator'])
    .orderBy('username')
    .execute()
}

/** Who removed each of these accounts and when, from the audit trail (the latest removal of each), by account id. */
export async function removalsOf(db: DbOrTrx, ids: readonly string[]): Promise<Map<string, { by: string; at: Date }>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('audit_event')
    .select(['object_id', 'actor_label', 'occurred_at'])
    .where('action', '=', 'staff.removed')
    .where('object_id', 'in', [...ids])
    .orderBy('id')
    .execute()
  // Oldest first: a later removal (there is normally one) replaces an earlier one.
  return new Map(rows.flatMap((r) => (r.object_id ? [[r.object_id, { by: r.actor_label, at: r.occurred_at }] as const] : [])))
}
