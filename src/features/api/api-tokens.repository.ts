import { cachedRead } from '../../db/read-cache.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { ApiToken } from './api.tables.ts'

export async function insertToken(
  db: DbOrTrx,
  row: { userId: string; businessId: string; name: string; scopes: string; tokenHash: string; tokenPrefix: string; now: Date; expiresAt: Date },
): Promise<ApiToken> {
  return db
    .insertInto('api_token')
    .values({ user_id: row.userId, business_id: row.businessId, name: row.name, scopes: row.scopes, token_hash: row.tokenHash, token_prefix: row.tokenPrefix, created_at: row.now, expires_at: row.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export interface TokenListRow extends ApiToken {
  business_name: string
}

/** The user's tokens, newest first, with the business each acts for. */
export async function listTokens(db: DbOrTrx, userId: string): Promise<TokenListRow[]> {
  return db
    .selectFrom('api_token as t')
    .innerJoin('business as b', 'b.id', 't.business_id')
    .selectAll('t')
    .select('b.legal_name as business_name')
    .where('t.user_id', '=', userId)
    .orderBy('t.created_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute()
}

export async function findUserToken(db: DbOrTrx, userId: string, id: string): Promise<TokenListRow | undefined> {
  return db
    .selectFrom('api_token as t')
    .innerJoin('business as b', 'b.id', 't.business_id')
    .selectAll('t')
    .select('b.legal_name as business_name')
    .where('t.user_id', '=', userId)
    .where('t.id', '=', id)
    .executeTakeFirst()
}

/** On the embedded database from the read cache unless a token was written since: a revocation is such a write (read-cache.ts). */
export async function findByHash(db: DbOrTrx, tokenHash: string): Promise<ApiToken | undefined> {
  return cachedRead(db, `api_token:${tokenHash}`, () => db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash), (rows) => rows[0])
}

/** Revokes once: a second revocation (another tab) changes nothing. */
export async function markRevoked(db: DbOrTrx, id: string, userId: string, now: Date): Promise<ApiToken | undefined> {
  return db
    .updateTable('api_token')
    .set({ revoked_at: now, revoked_by: userId })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

const TOUCH_EVERY_MS = 60_000

/**
 * Records use at most once a minute per token (a write per request would cost more than the
 * request): not even sent when the row just read says it was used within the minute (on the
 * embedded database this write, to a table a cached query reads, also empties the read cache, read-cache.ts).
 */
export async function touchLastUsed(db: DbOrTrx, token: { id: string; last_used_at: Date | null }, now: Date): Promise<void> {
  if (token.last_used_at && now.getTime() - token.last_used_at.getTime() < TOUCH_EVERY_MS) return
  await db
    .updateTable('api_token')
    .set({ last_used_at: now })
    .where('id', '=', token.id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now.getTime() - TOUCH_EVERY_MS))]))
    .execute()
}
