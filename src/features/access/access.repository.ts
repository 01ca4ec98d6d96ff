import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { MembershipRole } from '../enrolment/enrolment.tables.ts'
import type { AccessPin, Branch, PinRole } from './access.tables.ts'

export interface NewPin {
  businessId: string
  branchId: string | null
  role: PinRole
  givenNames: string
  familyName: string
  email: string | null
  pinHash: string
  pinSealed: string
  expiresAt: Date
  createdBy: string
}

export async function insertPin(db: DbOrTrx, p: NewPin, now: Date): Promise<AccessPin> {
  return db
    .insertInto('access_pin')
    .values({
      business_id: p.businessId,
      branch_id: p.branchId,
      role: p.role,
      given_names: p.givenNames,
      family_name: p.familyName,
      email: p.email,
      pin_hash: p.pinHash,
      pin_sealed: p.pinSealed,
      expires_at: p.expiresAt,
      created_by: p.createdBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findPin(db: DbOrTrx, id: string): Promise<AccessPin | undefined> {
  return db.selectFrom('access_pin').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The live PIN with this hash, or else the most recent PIN that had it. */
export async function findPinByHash(db: DbOrTrx, hash: string): Promise<AccessPin | undefined> {
  return db
    .selectFrom('access_pin')
    .selectAll()
    .where('pin_hash', '=', hash)
    .orderBy(sql`status = 'issued'`, 'desc')
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** PINs past their date become 'expired' and lose their readable copy. */
export async function expirePins(db: DbOrTrx, businessId: string, now: Date): Promise<number> {
  const r = await db
    .updateTable('access_pin')
    .set({ status: 'expired', pin_sealed: null })
    .where('business_id', '=', businessId)
    .where('status', '=', 'issued')
    .where('expires_at', '<=', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

export async function reissuePin(db: DbOrTrx, id: string, hash: string, sealed: string, expiresAt: Date, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('access_pin')
    .set({ pin_hash: hash, pin_sealed: sealed, status: 'issued', failed_attempts: 0, expires_at: expiresAt, reissued_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['issued', 'locked', 'expired'])
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function revokePin(db: DbOrTrx, id: string): Promise<boolean> {
  const r = await db
    .updateTable('access_pin')
    .set({ status: 'revoked', pin_sealed: null })
    .where('id', '=', id)
    .where('status', 'in', ['issued', 'locked', 'expired'])
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** One more wrong attempt on a live PIN; at the limit it locks (and loses its readable copy). */
export async function countPinFailure(db: DbOrTrx, id: string, max: number): Promise<{ attempts: number; locked: boolean }> {
  const row = await db
    .updateTable('access_pin')
    .set({
      failed_attempts: sql`failed_attempts + 1`,
      status: sql`case when failed_attempts + 1 >= ${max} then 'locked' else status end`,
      pin_sealed: sql`case when failed_attempts + 1 >= ${max} then null else pin_sealed end`,
    })
    .where('id', '=', id)
    .where('status', '=', 'issued')
    .returning(['failed_attempts', 'status'])
    .executeTakeFirst()
  return { attempts: row?.failed_attempts ?? max, locked: !row || row.status === 'locked' }
}

/** Uses the PIN once: only a live, unexpired PIN with this very hash. */
export async function markPinUsed(db: DbOrTrx, id: string, hash: string, userId: string, membershipId: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('access_pin')
    .set({ status: 'used', pin_sealed: null, used_at: now, used_by: userId, membership_id: membershipId })
    .where('id', '=', id)
    .where('pin_hash', '=', hash)
    .where('status', '=', 'issued')
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function insertMembership(
  db: DbOrTrx,
  m: { businessId: string; userId: string; role: MembershipRole; branchId: string | null; createdBy: string | null },
  now: Date,
): Promise<string> {
  const row = await db
    .insertInto('business_membership')
    .values({ business_id: m.businessId, user_id: m.userId, role: m.role, branch_id: m.branchId, created_at: now, created_by: m.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export interface MemberRow {
  id: string
  business_id: string
  user_id: string
  role: MembershipRole
  status: 'active' | 'removed'
  branch_id: string | null
  given_name: string
  family_name: string
  email: string | null
  user_status: 'active' | 'dormant' | 'deleted'
  created_by: string | null
}

function membersQuery(db: DbOrTrx) {
  return db
    .selectFrom('business_membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['m.id', 'm.business_id', 'm.user_id', 'm.role', 'm.status', 'm.branch_id', 'm.created_by', 'u.given_name', 'u.family_name', 'u.email', 'u.status as user_status'])
}

export async function findMember(db: DbOrTrx, id: string): Promise<MemberRow | undefined> {
  return membersQuery(db).where('m.id', '=', id).executeTakeFirst()
}

/** Members of a business (of one branch when `branchId` is given), active first. */
export async function listMembers(db: DbOrTrx, businessId: string, branchId?: string): Promise<MemberRow[]> {
  let q = membersQuery(db).where('m.business_id', '=', businessId)
  if (branchId) q = q.where('m.branch_id', '=', branchId)
  return q.orderBy('m.status').orderBy('u.family_name').orderBy('u.given_name').orderBy('m.created_at').execute()
}

/** PINs not (yet) turned into a membership: issued, locked, expired, revoked. */
export async function listOpenPins(db: DbOrTrx, businessId: string, branchId?: string): Promise<AccessPin[]> {
  // A 'primary' PIN is the department's (a PIN reset for the future primary user): not the current primary user's to see or revoke.
  let q = db.selectFrom('access_pin').selectAll().where('business_id', '=', businessId).where('status', '!=', 'used').where('role', '!=', 'primary')
  if (branchId) q = q.where('branch_id', '=', branchId)
  return q.orderBy('created_at', 'desc').execute()
}

export async function removeMembership(db: DbOrTrx, id: string, now: Date): Promise<boolean> {
  const r = await db.updateTable('business_membership').set({ status: 'removed', removed_at: now }).where('id', '=', id).where('status', '=', 'active').executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function insertBranch(
  db: DbOrTrx,
  b: { businessId: string; name: string; street: string; city: string; province: string; postalCode: string; createdBy: string },
  now: Date,
): Promise<Branch> {
  return db
    .insertInto('branch')
    .values({ business_id: b.businessId, name: b.name, street: b.street, city: b.city, province: b.province, postal_code: b.postalCode, created_at: now, created_by: b.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function listBranches(db: DbOrTrx, businessId: string): Promise<Branch[]> {
  return db.selectFrom('branch').selectAll().where('business_id', '=', businessId).orderBy('name').execute()
}

export async function findBranch(db: DbOrTrx, id: string): Promise<Branch | undefined> {
  return db.selectFrom('branch').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * The PIN e-mail's copy of the PIN, removed from the outbox once the PIN can no
 * longer be shown (used, locked, revoked, re-issued, expired): after that the
 * database holds the PIN only as its hash.
 */
export async function scrubPinFromOutbox(db: DbOrTrx, formattedPin: string): Promise<void> {
  await sql`update email_outbox set params = jsonb_set(params, '{pin}', '"—"'::jsonb) where template = 'accessPin' and params->>'pin' = ${formattedPin}`.execute(db)
}

/** Issued PINs past their date, with their sealed copy (to scrub their e-mail before erasing it). */
export async function duePins(db: DbOrTrx, businessId: string, now: Date): Promise<Array<{ id: string; pin_sealed: string | null }>> {
  return db.selectFrom('access_pin').select(['id', 'pin_sealed']).where('business_id', '=', businessId).where('status', '=', 'issued').where('expires_at', '<=', now).execute()
}

/** The business's primary user now (its one active primary membership), if it has one. */
export function activePrimaryUser(db: DbOrTrx, businessId: string) {
  return db
    .selectFrom('business_membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.given_name', 'u.family_name', 'u.username', 'u.email', 'u.last_sign_in_at', 'u.status'])
    .where('m.business_id', '=', businessId)
    .where('m.role', '=', 'primary')
    .where('m.status', '=', sql.lit('active'))
    .executeTakeFirst()
}

/** Active users of the business who could become its primary user (not the current one). */
export async function transferCandidates(db: DbOrTrx, businessId: string, exceptMembershipId: string): Promise<MemberRow[]> {
  return membersQuery(db)
    .where('m.business_id', '=', businessId)
    .where('m.status', '=', sql.lit('active'))
    .where('u.status', '=', 'active')
    .where('m.id', '!=', exceptMembershipId)
    .orderBy('u.family_name')
    .orderBy('u.given_name')
    .execute()
}

/**
 * Swaps the primary role in one transaction: the old primary must still be the
 * active primary and the new one still active in the same business, or nothing changes.
 */
export async function swapPrimary(db: DbOrTrx, businessId: string, fromMembershipId: string, toMembershipId: string, becomesBranchId: string | null = null): Promise<boolean> {
  const demoted = await db
    .updateTable('business_membership')
    // The former primary user becomes a secondary user of the whole business, or the primary user of a branch left without one.
    .set(becomesBranchId ? { role: 'branch_primary', branch_id: becomesBranchId } : { role: 'secondary', branch_id: null })
    .where('id', '=', fromMembershipId)
    .where('business_id', '=', businessId)
    .where('role', '=', 'primary')
    .where('status', '=', 'active')
    .executeTakeFirst()
  if (Number(demoted.numUpdatedRows) !== 1) return false
  const promoted = await db
    .updateTable('business_membership')
    .set({ role: 'primary', branch_id: null })
    .where('id', '=', toMembershipId)
    .where('business_id', '=', businessId)
    .where('status', '=', 'active')
    .where('role', '!=', 'primary')
    .executeTakeFirst()
  return Number(promoted.numUpdatedRows) === 1
}

/** Open PIN reset requests routed to the business's primary user, oldest first. */
export async function openPinResetsFor(db: DbOrTrx, businessId: string) {
  return db
    .selectFrom('pin_reset_request')
    .select(['id', 'given_names', 'family_name', 'created_at'])
    .where('business_id', '=', businessId)
    .where('handled_by', '=', 'primary')
    .where('status', '=', 'submitted')
    .orderBy('created_at')
    .limit(100)
    .execute()
}

/** A person's reactivation request waiting for an officer (one at a time), if any. */
export function openReactivationRequest(db: DbOrTrx, userId: string): Promise<{ created_at: Date } | undefined> {
  return db.selectFrom('reactivation_request').select('created_at').where('user_id', '=', userId).where('status', '=', 'submitted').executeTakeFirst()
}

/** The business's branches that have no active branch primary user (not counting `exceptMembershipId`, who is leaving that role). */
export async function branchesWithoutPrimary(db: DbOrTrx, businessId: string, exceptMembershipId?: string): Promise<Branch[]> {
  return db
    .selectFrom('branch as b')
    .selectAll('b')
    .where('b.business_id', '=', businessId)
    .where(({ not, exists, selectFrom }) => {
      let q = selectFrom('business_membership as m').select('m.id').whereRef('m.branch_id', '=', 'b.id').where('m.role', '=', 'branch_primary').where('m.status', '=', sql.lit('active'))
      if (exceptMembershipId) q = q.where('m.id', '!=', exceptMembershipId)
      return not(exists(q))
    })
    .orderBy('b.name')
    .execute()
}
