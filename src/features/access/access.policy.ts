import { sql, type Expression } from 'kysely'
import { cachedRead } from '../../db/read-cache.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { MembershipRole } from '../enrolment/enrolment.tables.ts'
import { isUuid } from '../../platform/ids.ts'

/**
 * Who may act for a business, and what they may manage: the one place every
 * feature asks. A membership is read fresh on every request, so a removed user
 * is refused at their next request (on the embedded database it may come from the
 * read cache, which any write to memberships or businesses empties: src/db/read-cache.ts).
 */
export interface ActingMembership {
  membershipId: string
  businessId: string
  businessName: string
  role: MembershipRole
  branchId: string | null
}

const ROLE_ORDER: Record<MembershipRole, number> = { primary: 0, branch_primary: 1, secondary: 2 }

/**
 * The user's active memberships, each with its business: the rule in one place. `userId` is a
 * value, or a column of an outer query (the API reads a token's principal in one statement).
 */
export function activeMembershipsQuery(db: DbOrTrx, userId: string | Expression<string>) {
  return db
    .selectFrom('business_membership as m')
    .innerJoin('business as b', 'b.id', 'm.business_id')
    .select(['m.id as membershipId', 'm.business_id as businessId', 'b.legal_name as businessName', 'm.role', 'm.branch_id as branchId'])
    .where('m.user_id', '=', userId)
    .where('m.status', '=', sql.lit('active'))
    // No one acts for a dormant business (its primary user is dormant) until it is reactivated.
    .where('b.status', '=', 'active')
}

/** The user's active membership of this business, if any. */
export async function activeMembership(db: DbOrTrx, userId: string, businessId: string): Promise<ActingMembership | undefined> {
  if (!isUuid(businessId)) return undefined
  return cachedRead(db, `membership:${userId}:${businessId}`, () => activeMembershipsQuery(db, userId).where('m.business_id', '=', businessId), (rows) => rows[0])
}

/**
 * The membership the user acts with: the business asked for (`?business=`), or
 * else their first (primary roles first, then by business name). The header's choice is `currentMembership` (active-business.ts).
 */
export async function actingMembership(db: DbOrTrx, userId: string, requestedBusinessId?: string): Promise<ActingMembership | undefined> {
  if (requestedBusinessId) return activeMembership(db, userId, requestedBusinessId)
  const all = await cachedRead(db, `acting:${userId}`, () => activeMembershipsQuery(db, userId).orderBy('b.legal_name').orderBy('m.created_at'))
  return all.sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role])[0]
}

/** Primary users manage the whole business; branch primary users, their branch. */
export function canManage(m: ActingMembership | undefined): m is ActingMembership {
  return !!m && (m.role === 'primary' || (m.role === 'branch_primary' && m.branchId !== null))
}

export function canCreateBranch(m: ActingMembership | undefined): m is ActingMembership {
  return !!m && m.role === 'primary'
}

/** May `m` manage something (a user, a PIN) of this business and branch? */
export function canManageTarget(m: ActingMembership | undefined, target: { businessId: string; branchId: string | null }): boolean {
  if (!canManage(m) || m.businessId !== target.businessId) return false
  return m.role === 'primary' || target.branchId === m.branchId
}

export { isUuid }
