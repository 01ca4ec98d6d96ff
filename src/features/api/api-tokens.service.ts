import crypto from 'node:crypto'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { audit, type Actor } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { isUuid } from '../../platform/ids.ts'
import { activeMembership, type ActingMembership } from '../access/access.policy.ts'
import * as repo from './api-tokens.repository.ts'
import type { ApiToken } from './api.tables.ts'

/**
 * Personal API tokens: `ep_` and 43 base64url characters (256 random bits), shown once,
 * kept as SHA-256 (enough for a high-entropy secret; no salt or slow hash is needed,
 * and the token can be found by its hash). The prefix lets secret scanners recognise
 * one in a repository or a log.
 */
export const TOKEN_PREFIX = 'ep_'
export const SCOPES = ['read', 'drafts', 'submit'] as const
export type Scope = (typeof SCOPES)[number]
/** Choices of lifetime offered (days); a year at most. */
export const EXPIRY_DAYS = [30, 90, 180, 365] as const
export const MAX_EXPIRY_DAYS = 365
const DAY_MS = 86_400_000

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

export function newTokenValue(): string {
  return TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url')
}

/** A bearer token as we issue them (shape only; its hash decides). */
export const TOKEN_SHAPE = /^ep_[A-Za-z0-9_-]{43}$/

export function scopesOf(token: Pick<ApiToken, 'scopes'>): Scope[] {
  return token.scopes.split(' ').filter((s): s is Scope => (SCOPES as readonly string[]).includes(s))
}

/** Who a request made with a token acts as: the token's user, in the token's one business, with that user's current rights. */
export interface ApiPrincipal {
  token: ApiToken
  user: SignedInUser
  membership: ActingMembership
  scopes: Scope[]
}

export type AuthFailure = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired' | 'noAccess'

export class ApiTokenService {
  constructor(private readonly deps: { db: Db; clock: Clock }) {}

  async create(user: SignedInUser, input: { name: string; scopes: readonly Scope[]; days: number; businessId: string }, actor: Actor): Promise<{ token: ApiToken; value: string } | undefined> {
    const membership = await activeMembership(this.deps.db, user.id, input.businessId)
    if (!membership) return undefined
    const days = Math.min(Math.max(1, Math.trunc(input.days)), MAX_EXPIRY_DAYS)
    const now = this.deps.clock.now()
    const value = newTokenValue()
    const scopes = SCOPES.filter((s) => input.scopes.includes(s)).join(' ')
    return this.deps.db.transaction().execute(async (trx) => {
      const token = await repo.insertToken(trx, {
        userId: user.id,
        businessId: membership.businessId,
        name: input.name,
        scopes,
        tokenHash: hashToken(value),
        tokenPrefix: value.slice(0, TOKEN_PREFIX.length + 6),
        now,
        expiresAt: new Date(now.getTime() + days * DAY_MS),
      })
      // Never the token itself: its id, name, scopes and expiry.
      await audit(trx, actor, now, { action: 'api_token.created', businessId: membership.businessId, objectType: 'api_token', objectId: token.id, details: { name: token.name, scopes, expiresAt: token.expires_at.toISOString(), prefix: token.token_prefix } })
      return { token, value }
    })
  }

  list(userId: string) {
    return repo.listTokens(this.deps.db, userId)
  }

  find(userId: string, id: string) {
    return isUuid(id) ? repo.findUserToken(this.deps.db, userId, id) : Promise.resolve(undefined)
  }

  /** Revokes at once: the next request with the token is refused. */
  async revoke(userId: string, id: string, actor: Actor): Promise<boolean> {
    if (!isUuid(id)) return false
    const now = this.deps.clock.now()
    return this.deps.db.transaction().execute(async (trx) => {
      const revoked = await repo.markRevoked(trx, id, userId, now)
      if (revoked) await audit(trx, actor, now, { action: 'api_token.revoked', businessId: revoked.business_id, objectType: 'api_token', objectId: revoked.id, details: { name: revoked.name, prefix: revoked.token_prefix } })
      return !!revoked
    })
  }

  /**
   * The principal of an `Authorization` header, checked on every request: the token
   * (known, not revoked, not expired), its user (an employer, active: not deleted, not dormant)
   * and the user's membership of the token's business (still active: a removed user's
   * token stops working at once; their role and branch are read now, not at creation).
   */
  async authenticate(header: string | undefined): Promise<{ ok: true; principal: ApiPrincipal } | { ok: false; reason: AuthFailure }> {
    if (!header) return { ok: false, reason: 'missing' }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m || !TOKEN_SHAPE.test(m[1]!)) return { ok: false, reason: 'malformed' }
    const found = await repo.findPrincipalByHash(this.deps.db, hashToken(m[1]!))
    if (!found) return { ok: false, reason: 'unknown' }
    const { token, user, membership } = found
    const now = this.deps.clock.now()
    if (token.revoked_at) return { ok: false, reason: 'revoked' }
    if (token.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' }
    if (!user || user.role !== 'employer' || user.status !== 'active') return { ok: false, reason: 'noAccess' }
    if (!membership) return { ok: false, reason: 'noAccess' }
    await repo.touchLastUsed(this.deps.db, token, now)
    return { ok: true, principal: { token, user, membership, scopes: scopesOf(token) } }
  }
}
