import { sql } from 'kysely'
import { compiledOnce } from '../../db/compiled-once.ts'
import type { SignedInUser } from '../../db/database.ts'
import { cachedRead } from '../../db/read-cache.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import { activeMembershipsQuery, type ActingMembership } from '../access/access.policy.ts'
import type { ApiToken, ApiTokenTable } from './api.tables.ts'

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

/** Every column of a token, each read as `token_<column>` beside its user's (a new column must be added here: the type says so). */
const TOKEN_COLUMNS = ['id', 'user_id', 'business_id', 'name', 'scopes', 'token_hash', 'token_prefix', 'created_at', 'expires_at', 'last_used_at', 'revoked_at', 'revoked_by'] as const
const everyTokenColumn: Exclude<keyof ApiTokenTable, (typeof TOKEN_COLUMNS)[number]> extends never ? true : never = true
void everyTokenColumn

/** The membership's columns, each read as `membership_<column>`. */
const MEMBERSHIP_COLUMNS = ['membershipId', 'businessId', 'businessName', 'role', 'branchId'] as const satisfies readonly (keyof ActingMembership)[]

/** A token, as it stands, with its user and the user's active membership of the token's business (each absent if there is none). */
export interface TokenPrincipalRead {
  token: ApiToken
  user: SignedInUser | undefined
  membership: ActingMembership | undefined
}

const principalStatement = compiledOnce((db: DbOrTrx, _shape: undefined, tokenHash: string) =>
  db
    .selectFrom('api_token as t')
    .leftJoin('app_user as u', 'u.id', 't.user_id')
    .leftJoinLateral(
      (eb) => activeMembershipsQuery(db, eb.ref('t.user_id')).where('m.business_id', '=', sql.ref<string>('t.business_id')).as('am'),
      (join) => join.onTrue(),
    )
    .selectAll('u')
    .select(TOKEN_COLUMNS.map((c) => sql.ref(`t.${c}`).as(`token_${c}`)))
    .select(MEMBERSHIP_COLUMNS.map((c) => sql.ref(`am.${c}`).as(`membership_${c}`)))
    .where('t.token_hash', '=', tokenHash),
)

/**
 * The token with this hash, its user and membership, in one statement: an API request is
 * authenticated in one round trip, not three (it was 3 of the API list's 6 statements on
 * PostgreSQL). On the embedded database from the read cache unless a token, user, membership
 * or business was written since: a revocation or a removal is such a write (read-cache.ts).
 */
export async function findPrincipalByHash(db: DbOrTrx, tokenHash: string): Promise<TokenPrincipalRead | undefined> {
  return cachedRead(db, `api_principal:${tokenHash}`, () => principalStatement(db, undefined, tokenHash), (rows) => splitPrincipal(rows[0] as Record<string, unknown> | undefined))
}

/** The row sorted by its columns' prefixes: `token_`, `membership_`, and the user's own names. */
function splitPrincipal(row: Record<string, unknown> | undefined): TokenPrincipalRead | undefined {
  if (!row) return undefined
  const token: Record<string, unknown> = {}
  const membership: Record<string, unknown> = {}
  const user: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(row)) {
    if (name.startsWith('token_')) token[name.slice('token_'.length)] = value
    else if (name.startsWith('membership_')) membership[name.slice('membership_'.length)] = value
    else user[name] = value
  }
  return {
    token: token as unknown as ApiToken,
    user: user.id === null ? undefined : (user as unknown as SignedInUser),
    membership: membership.membershipId === null ? undefined : (membership as unknown as ActingMembership),
  }
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
