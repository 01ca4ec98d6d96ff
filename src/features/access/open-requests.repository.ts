import { sql } from 'kysely'
import { fullName } from '../auth/users.repository.ts'
import type { DbOrTrx } from '../../platform/audit.ts'

/** An open request an officer should see beside the one they decide (same person or same business). */
export interface OpenRequest {
  kind: 'pinReset' | 'transfer' | 'reactivation'
  id: string
  /** Who asked. */
  name: string
  /** The business it is about (none for a reactivation). */
  business: string | null
  createdAt: Date
  /** PIN resets the business's primary user handles: officers cannot open them. */
  officers: boolean
}

/** The person's requests, and the business's when there is one (`r`: a request table with both columns). */
const ofPersonOrBusiness = (userId: string, businessId: string | null) =>
  businessId ? sql<boolean>`(r.requester_user_id = ${userId} or r.business_id = ${businessId})` : sql<boolean>`r.requester_user_id = ${userId}`

/**
 * Every other open request of the same person or about the same business: PIN resets, primary-role
 * transfers, the person's reactivation. Oldest first; the request being decided (`except`) left out.
 */
export async function otherOpenRequests(db: DbOrTrx, p: { userId: string; businessId: string | null; except: string }): Promise<OpenRequest[]> {
  const { userId, businessId, except } = p
  const [pins, transfers, reactivations] = await Promise.all([
    db
      .selectFrom('pin_reset_request as r')
      .leftJoin('business as b', 'b.id', 'r.business_id')
      .select(['r.id', 'r.given_names', 'r.family_name', 'r.business_key', 'b.legal_name', 'r.created_at', 'r.handled_by'])
      .where('r.status', '=', sql.lit('submitted'))
      .where('r.id', '!=', except)
      .where(ofPersonOrBusiness(userId, businessId))
      .orderBy('r.created_at')
      .limit(20)
      .execute(),
    db
      .selectFrom('primary_transfer_request as r')
      .innerJoin('business as b', 'b.id', 'r.business_id')
      .innerJoin('app_user as u', 'u.id', 'r.requester_user_id')
      .select(['r.id', 'u.given_name', 'u.family_name', 'u.username', 'b.legal_name', 'r.created_at'])
      .where('r.status', '=', sql.lit('submitted'))
      .where('r.id', '!=', except)
      .where(ofPersonOrBusiness(userId, businessId))
      .orderBy('r.created_at')
      .limit(20)
      .execute(),
    db
      .selectFrom('reactivation_request as r')
      .innerJoin('app_user as u', 'u.id', 'r.user_id')
      .select(['r.id', 'u.given_name', 'u.family_name', 'u.username', 'r.created_at'])
      .where('r.status', '=', sql.lit('submitted'))
      .where('r.id', '!=', except)
      .where('r.user_id', '=', userId)
      .execute(),
  ])
  return [
    ...pins.map((r) => ({ kind: 'pinReset' as const, id: r.id, name: `${r.given_names} ${r.family_name}`, business: r.legal_name ?? r.business_key, createdAt: r.created_at, officers: r.handled_by === 'officers' })),
    ...transfers.map((r) => ({ kind: 'transfer' as const, id: r.id, name: fullName(r), business: r.legal_name, createdAt: r.created_at, officers: true })),
    ...reactivations.map((r) => ({ kind: 'reactivation' as const, id: r.id, name: fullName(r), business: null, createdAt: r.created_at, officers: true })),
  ].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
}

/** A person's active role in a business (and branch), if they act for it. */
export async function relationToBusiness(db: DbOrTrx, userId: string, businessId: string) {
  return db
    .selectFrom('business_membership as m')
    .leftJoin('branch as br', 'br.id', 'm.branch_id')
    .select(['m.role', 'br.name as branch'])
    .where('m.business_id', '=', businessId)
    .where('m.user_id', '=', userId)
    .where('m.status', '=', sql.lit('active'))
    .executeTakeFirst()
}

/**
 * The primary role changed hands in the business since `since` (a transfer, a department's PIN
 * used), or the department issued a PIN that will make someone its primary user: newest first.
 */
export async function recentPrimaryChanges(db: DbOrTrx, businessId: string, since: Date) {
  return db
    .selectFrom('audit_event')
    .select(['action', 'occurred_at'])
    .where('business_id', '=', businessId)
    .where((eb) => eb.or([eb('action', 'in', ['transfer.approved', 'access.primary_transferred']), eb.and([eb('action', '=', 'access.pin_issued'), sql<boolean>`details->>'role' = 'primary'`])]))
    .where('occurred_at', '>=', since)
    .orderBy('occurred_at', 'desc')
    .limit(5)
    .execute()
}
