import type { DbOrTrx } from '../../platform/audit.ts'

export async function findFederatedUserId(db: DbOrTrx, provider: string, subject: string): Promise<string | undefined> {
  const row = await db.selectFrom('federated_identity').select('user_id').where('provider', '=', provider).where('subject', '=', subject).executeTakeFirst()
  return row?.user_id
}

/** Links a provider account to a user; false when the link already exists (a concurrent first sign-in). */
export async function insertFederatedIdentity(db: DbOrTrx, link: { provider: string; subject: string; userId: string }, now: Date): Promise<boolean> {
  const inserted = await db
    .insertInto('federated_identity')
    .values({ provider: link.provider, subject: link.subject, user_id: link.userId, created_at: now, last_used_at: now })
    .onConflict((oc) => oc.columns(['provider', 'subject']).doNothing())
    .returning('user_id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function touchFederatedIdentity(db: DbOrTrx, provider: string, subject: string, now: Date): Promise<void> {
  await db.updateTable('federated_identity').set({ last_used_at: now }).where('provider', '=', provider).where('subject', '=', subject).execute()
}

export async function usernameTaken(db: DbOrTrx, usernameKey: string): Promise<boolean> {
  const row = await db.selectFrom('app_user').select('id').where('username_key', '=', usernameKey).executeTakeFirst()
  return row !== undefined
}
