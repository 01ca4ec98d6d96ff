import crypto from 'node:crypto'
import type { DbOrTrx } from '../../platform/audit.ts'

export type TokenPurpose = 'verify_email' | 'reset_password'

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  verify_email: 24 * 60 * 60_000,
  reset_password: 60 * 60_000,
}

/** Tokens have 256 random bits, so a plain SHA-256 is enough to keep them safe at rest. */
function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** A new single-use link token; only its hash is stored. Earlier unused ones of the same purpose stop working. */
export async function createToken(db: DbOrTrx, userId: string, purpose: TokenPurpose, now: Date, email?: string): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url')
  await db.updateTable('user_token').set({ used_at: now }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute()
  await db
    .insertInto('user_token')
    .values({ user_id: userId, purpose, token_hash: tokenHash(token), email: email ?? null, created_at: now, expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS[purpose]) })
    .execute()
  return token
}

/** Looks a token up without using it (to show the reset form). */
export async function peekToken(db: DbOrTrx, token: string, purpose: TokenPurpose, now: Date): Promise<{ userId: string } | undefined> {
  const row = await db
    .selectFrom('user_token')
    .select('user_id')
    .where('token_hash', '=', tokenHash(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return row ? { userId: row.user_id } : undefined
}

/** Uses a token once: one statement, so two tabs racing with the same link cannot both succeed. */
export async function consumeToken(db: DbOrTrx, token: string, purpose: TokenPurpose, now: Date): Promise<{ userId: string; email: string | null } | undefined> {
  const row = await db
    .updateTable('user_token')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['user_id', 'email'])
    .executeTakeFirst()
  return row ? { userId: row.user_id, email: row.email } : undefined
}

/** A token of `purpose` whether or not it still works (to tell a link already used from an unknown one): its user and address. */
export async function findToken(db: DbOrTrx, token: string, purpose: TokenPurpose): Promise<{ userId: string; email: string | null } | undefined> {
  const row = await db.selectFrom('user_token').select(['user_id', 'email']).where('token_hash', '=', tokenHash(token)).where('purpose', '=', purpose).executeTakeFirst()
  return row ? { userId: row.user_id, email: row.email } : undefined
}

/** The address the user's newest working confirmation link was sent to (a change of address waiting for it), if any. */
export async function pendingEmail(db: DbOrTrx, userId: string, now: Date): Promise<string | undefined> {
  const row = await db
    .selectFrom('user_token')
    .select('email')
    .where('user_id', '=', userId)
    .where('purpose', '=', 'verify_email')
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
  return row?.email ?? undefined
}
