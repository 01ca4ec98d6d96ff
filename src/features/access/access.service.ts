import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { fillEmptyProfileName, fullName } from '../auth/users.repository.ts'
import { eachLanguage, translate, type Lang } from '../../i18n/i18n.ts'
import { audit, type Actor } from '../../platform/audit.ts'
import { formatInZone } from '../../platform/dates.ts'
import { clearFailures, recordFailure, throttleWait, type ThrottlePolicy } from '../auth/throttle.ts'
import { notify, notifyUser } from '../notifications/notify.ts'
import { syncBusinessDormancy } from './dormancy.service.ts'
import { namesMatch } from '../reference/validators.ts'
import { formatPin, generatePin, normalizePin, PIN_MAX_ATTEMPTS, PIN_TTL_MS, pinHash, pinHashes, sealPin, unsealPin, type PinKeys } from './access.pin.ts'
import type { ActingMembership } from './access.policy.ts'
import {
  activePrimaryUser,
  branchesWithoutPrimary,
  countPinFailure,
  findPinByHash,
  insertBranch,
  insertMembership,
  insertPin,
  markPinUsed,
  reissuePin,
  duePins,
  expirePins,
  findBranch,
  removeMembership,
  revokePin,
  scrubPinFromOutbox,
  swapPrimary,
  type MemberRow,
} from './access.repository.ts'
import type { AccessPin, PinRole } from './access.tables.ts'

export interface AccessDeps {
  db: Db
  keys: PinKeys
  timeZone: string
}

/** Wrong PIN entries per signed-in person: 5 free, then doubling waits from 30 s up to an hour. */
export const PIN_USER_POLICY: ThrottlePolicy = { free: 5, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000, windowMs: 60 * 60_000 }
/** Per network address: more room (offices share an address), same doubling. */
export const PIN_ADDRESS_POLICY: ThrottlePolicy = { free: 20, baseDelayMs: 30_000, maxDelayMs: 60 * 60_000, windowMs: 60 * 60_000 }
const userKey = (userId: string) => `pin:user:${userId}`
const addressKey = (ip: string) => `pin:ip:${ip}`

export interface PersonInput {
  givenNames: string
  familyName: string
  email?: string
}

/** E-mails a PIN (when it has an address), in `lang`. A branch's PIN names the branch ("the Laval branch of Acme Inc."). */
export async function emailPin(trx: Parameters<typeof notify>[0], deps: AccessDeps, pin: AccessPin, plain: string, businessName: string, inviter: string, lang: Lang, now: Date) {
  if (!pin.email) return
  const branch = pin.branch_id ? await findBranch(trx, pin.branch_id) : undefined
  const business = branch ? eachLanguage((l) => translate(l, 'access.emails.pinBranchOf', { branch: branch.name, business: businessName })) : businessName
  await notify(trx, {
    template: 'accessPin',
    params: { name: pin.given_names, business, inviter, pin: formatPin(plain), expires: eachLanguage((l) => formatInZone(l, pin.expires_at, deps.timeZone, 'date')) },
    lang,
    email: { to: pin.email },
    now,
  })
}

/**
 * Issues a PIN for a named person to join the business with `role` (in `branchId`).
 * The caller has checked `canManage`; the PIN is e-mailed when an address is given.
 */
export async function issuePin(
  deps: AccessDeps,
  actor: Actor,
  user: SignedInUser,
  m: ActingMembership,
  input: PersonInput & { role: PinRole; branchId: string | null },
  lang: Lang,
  now: Date,
  trxIn?: Parameters<typeof notify>[0],
): Promise<AccessPin> {
  const work = async (trx: Parameters<typeof notify>[0]) => {
    const plain = generatePin()
    const pin = await insertPin(
      trx,
      {
        businessId: m.businessId,
        branchId: input.branchId,
        role: input.role,
        givenNames: input.givenNames,
        familyName: input.familyName,
        email: input.email ?? null,
        pinHash: pinHash(deps.keys, plain),
        pinSealed: sealPin(deps.keys, plain),
        expiresAt: new Date(now.getTime() + PIN_TTL_MS),
        createdBy: user.id,
      },
      now,
    )
    await audit(trx, actor, now, { action: 'access.pin_issued', businessId: m.businessId, objectType: 'access_pin', objectId: pin.id, details: { role: input.role, branchId: input.branchId, emailed: !!pin.email } })
    await emailPin(trx, deps, pin, plain, m.businessName, fullName(user), lang, now)
    return pin
  }
  return trxIn ? work(trxIn) : deps.db.transaction().execute(work)
}

/** A new PIN for the same person; the old one stops working at once. */
export async function reissue(deps: AccessDeps, actor: Actor, user: SignedInUser, m: ActingMembership, pin: AccessPin, lang: Lang, now: Date): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    const plain = generatePin()
    const expiresAt = new Date(now.getTime() + PIN_TTL_MS)
    if (!(await reissuePin(trx, pin.id, pinHash(deps.keys, plain), sealPin(deps.keys, plain), expiresAt, now))) return false
    await forgetSealed(trx, deps, pin.pin_sealed)
    await audit(trx, actor, now, { action: 'access.pin_reissued', businessId: pin.business_id, objectType: 'access_pin', objectId: pin.id, details: { previousStatus: pin.status } })
    await emailPin(trx, deps, { ...pin, expires_at: expiresAt }, plain, m.businessName, fullName(user), lang, now)
    return true
  })
}

export async function revoke(deps: AccessDeps, actor: Actor, pin: AccessPin, now: Date): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await revokePin(trx, pin.id))) return false
    await forgetSealed(trx, deps, pin.pin_sealed)
    await audit(trx, actor, now, { action: 'access.pin_revoked', businessId: pin.business_id, objectType: 'access_pin', objectId: pin.id })
    return true
  })
}

/** Removes the e-mailed copy of a PIN that is about to stop being showable. */
export async function forgetSealed(trx: Parameters<typeof notify>[0], deps: AccessDeps, sealed: string | null): Promise<void> {
  const plain = sealed ? unsealPin(deps.keys, sealed) : undefined
  if (plain) await scrubPinFromOutbox(trx, formatPin(plain))
}

/** Marks PINs past their date expired; their readable copies (sealed, e-mailed) are erased. */
export async function expireDuePins(deps: AccessDeps, businessId: string, now: Date): Promise<void> {
  const due = await duePins(deps.db, businessId, now)
  if (due.length === 0) return
  await deps.db.transaction().execute(async (trx) => {
    for (const p of due) await forgetSealed(trx, deps, p.pin_sealed)
    await expirePins(trx, businessId, now)
  })
}

/** The PIN as the primary user may still see it: only while unused and unexpired. */
export function readablePin(deps: AccessDeps, pin: AccessPin, now: Date): string | undefined {
  if (pin.status !== 'issued' || !pin.pin_sealed || pin.expires_at.getTime() <= now.getTime()) return undefined
  const plain = unsealPin(deps.keys, pin.pin_sealed)
  return plain ? formatPin(plain) : undefined
}

export type JoinResult =
  | { kind: 'throttled'; waitMs: number }
  /** Unknown, used, expired, revoked or locked PIN: one answer for all. */
  | { kind: 'invalid' }
  | { kind: 'names'; givenNames: boolean; familyName: boolean }
  | { kind: 'locked' }
  | { kind: 'already'; businessName: string }
  | { kind: 'joined'; businessId: string; businessName: string }

/**
 * Enrolment with a PIN. Only someone holding a live PIN learns anything beyond
 * "this PIN is not valid": which name did not match, or that it just locked.
 */
export async function joinWithPin(deps: AccessDeps, actor: Actor, user: SignedInUser, input: { givenNames: string; familyName: string; pin: string }, ip: string, now: Date): Promise<JoinResult> {
  const { db } = deps
  const wait = Math.max(await throttleWait(db, userKey(user.id), now), await throttleWait(db, addressKey(ip), now))
  if (wait > 0) return { kind: 'throttled', waitMs: wait }
  // Under the current key, else under a previous one (a PIN issued before SESSION_SECRET was rotated).
  let hash = pinHash(deps.keys, normalizePin(input.pin))
  const failed = async (result: JoinResult, pinId?: string): Promise<JoinResult> => {
    await db.transaction().execute(async (trx) => {
      await recordFailure(trx, userKey(user.id), now, PIN_USER_POLICY)
      await recordFailure(trx, addressKey(ip), now, PIN_ADDRESS_POLICY)
      // What was typed is never recorded: only that an attempt failed, and on which PIN when it was a live one.
      await audit(trx, actor, now, { action: 'access.pin_attempt_failed', objectType: pinId ? 'access_pin' : null, objectId: pinId ?? null, details: { outcome: result.kind } })
    })
    return result
  }
  let pin = await findPinByHash(db, hash)
  for (const older of pinHashes(deps.keys, normalizePin(input.pin)).slice(1)) {
    if (pin) break
    pin = await findPinByHash(db, older)
    if (pin) hash = older
  }
  if (pin && pin.status === 'issued' && pin.expires_at.getTime() <= now.getTime()) await expireDuePins(deps, pin.business_id, now)
  if (!pin || pin.status !== 'issued' || pin.expires_at.getTime() <= now.getTime()) return failed({ kind: 'invalid' })
  const givenOk = namesMatch(input.givenNames, pin.given_names)
  const familyOk = namesMatch(input.familyName, pin.family_name)
  if (!givenOk || !familyOk) {
    const { locked } = await countPinFailure(db, pin.id, PIN_MAX_ATTEMPTS)
    if (locked) {
      await db.transaction().execute(async (trx) => {
        await scrubPinFromOutbox(trx, formatPin(normalizePin(input.pin)))
        await audit(trx, actor, now, { action: 'access.pin_locked', businessId: pin.business_id, objectType: 'access_pin', objectId: pin.id })
      })
      return failed({ kind: 'locked' }, pin.id)
    }
    return failed({ kind: 'names', givenNames: givenOk, familyName: familyOk }, pin.id)
  }
  const business = await db.selectFrom('business').select(['id', 'legal_name']).where('id', '=', pin.business_id).executeTakeFirstOrThrow()
  const existing = await db.selectFrom('business_membership').select(['id', 'role']).where('business_id', '=', pin.business_id).where('user_id', '=', user.id).where('status', '=', 'active').executeTakeFirst()
  // A PIN from the department that makes its holder the primary user also works for a member who is not the primary user yet.
  if (existing && (pin.role !== 'primary' || existing.role === 'primary')) return { kind: 'already', businessName: business.legal_name }

  const joined = await db.transaction().execute(async (trx) => {
    let membershipId: string
    // The primary user before this join: told when a department's PIN replaces them, or told of the join (below).
    const primaryBefore = await activePrimaryUser(trx, pin.business_id)
    if (pin.role === 'primary') {
      // The business keeps exactly one primary user: the current one (if any) becomes a secondary user.
      await trx.updateTable('business_membership').set({ role: 'secondary', branch_id: null }).where('business_id', '=', pin.business_id).where('role', '=', 'primary').where('status', '=', 'active').execute()
      if (existing) {
        await trx.updateTable('business_membership').set({ role: 'primary', branch_id: null }).where('id', '=', existing.id).execute()
        membershipId = existing.id
      } else {
        membershipId = await insertMembership(trx, { businessId: pin.business_id, userId: user.id, role: 'primary', branchId: null, createdBy: pin.created_by }, now)
      }
    } else {
      membershipId = await insertMembership(trx, { businessId: pin.business_id, userId: user.id, role: pin.role, branchId: pin.branch_id, createdBy: pin.created_by }, now)
    }
    if (!(await markPinUsed(trx, pin.id, hash, user.id, membershipId, now))) throw new PinRace()
    // Registering asks for no name, so a person's first PIN gives their profile the names the
    // primary user wrote (which the typed ones matched, case and accents aside): Manage access and the audit trail name them.
    await fillEmptyProfileName(trx, user.id, pin.given_names, pin.family_name, now)
    if (pin.role === 'primary') await syncBusinessDormancy(trx, now, actor)
    await scrubPinFromOutbox(trx, formatPin(normalizePin(input.pin)))
    await audit(trx, actor, now, { action: 'access.pin_used', businessId: pin.business_id, objectType: 'business_membership', objectId: membershipId, details: { pinId: pin.id, role: pin.role, branchId: pin.branch_id } })
    const replaced = pin.role === 'primary' && primaryBefore && primaryBefore.id !== user.id ? primaryBefore : undefined
    if (replaced) {
      // The department made someone else the primary user: the former one is told (as with a transfer) and it is in the trail.
      // The names are as the schema left them (checkPersonName: trimmed, spaces collapsed).
      const params = { business: business.legal_name, from: fullName(replaced), to: `${input.givenNames} ${input.familyName}` }
      await audit(trx, actor, now, { action: 'access.primary_transferred', businessId: pin.business_id, objectType: 'business_membership', objectId: membershipId, details: { byDepartmentPin: pin.id, fromUserId: replaced.id } })
      await notifyUser(trx, { userId: replaced.id, template: 'accessPrimaryTransferred', params, now })
    }
    // The person who gave the PIN is told, when that is the business's user; a PIN from the department tells the business's primary user instead (officers read no account messages), unless it made the joiner the primary user.
    const creator = pin.created_by ? await trx.selectFrom('app_user').select('role').where('id', '=', pin.created_by).executeTakeFirst() : undefined
    const toldId = creator?.role === 'employer' ? pin.created_by : pin.role === 'primary' ? undefined : primaryBefore?.id
    if (toldId && toldId !== user.id) {
      await notifyUser(trx, {
        userId: toldId,
        template: 'accessJoined',
        params: { name: `${pin.given_names} ${pin.family_name}`, business: business.legal_name },
        now,
        email: false,
      })
    }
    return true
  }).catch((e: unknown) => {
    if (e instanceof PinRace) return false
    throw e
  })
  if (!joined) return failed({ kind: 'invalid' })
  await clearFailures(db, userKey(user.id))
  return { kind: 'joined', businessId: business.id, businessName: business.legal_name }
}

/** The PIN was used by a racing request between the check and the use: nothing is kept. */
class PinRace extends Error {}

export type DeleteResult = 'deleted' | 'primary' | 'self' | 'gone'

/**
 * Ends a user's access to the business at once (their next request is refused);
 * their account, their history and the users they created stay.
 */
export async function deleteMember(deps: AccessDeps, actor: Actor, actorUserId: string, member: MemberRow, now: Date): Promise<DeleteResult> {
  if (member.role === 'primary') return 'primary'
  if (member.user_id === actorUserId) return 'self'
  return deps.db.transaction().execute(async (trx) => {
    if (!(await removeMembership(trx, member.id, now))) return 'gone'
    await audit(trx, actor, now, { action: 'access.member_deleted', businessId: member.business_id, objectType: 'business_membership', objectId: member.id, details: { userId: member.user_id, role: member.role, branchId: member.branch_id } })
    return 'deleted'
  })
}

/** A branch and the PIN of its first user, who becomes its branch primary user. */
export async function createBranch(
  deps: AccessDeps,
  actor: Actor,
  user: SignedInUser,
  m: ActingMembership,
  input: { name: string; street: string; city: string; province: string; postalCode: string } & PersonInput,
  lang: Lang,
  now: Date,
): Promise<AccessPin> {
  return deps.db.transaction().execute(async (trx) => {
    const branch = await insertBranch(trx, { businessId: m.businessId, name: input.name, street: input.street, city: input.city, province: input.province, postalCode: input.postalCode, createdBy: user.id }, now)
    await audit(trx, actor, now, { action: 'access.branch_created', businessId: m.businessId, objectType: 'branch', objectId: branch.id, details: { name: branch.name } })
    return issuePin(deps, actor, user, m, { givenNames: input.givenNames, familyName: input.familyName, email: input.email, role: 'branch_primary', branchId: branch.id }, lang, now, trx)
  })
}

class TransferRace extends Error {}

/**
 * Transfers the primary role to another active user of the business; the old
 * primary becomes a secondary user of the whole business, or (their choice) the primary user of a
 * branch that has none (a branch primary user who becomes the primary user leaves their branch without one). Both are told; the business is never without
 * its one primary user (both changes or neither).
 */
export async function transferPrimary(deps: AccessDeps, actor: Actor, from: ActingMembership & { userName: string }, to: MemberRow, now: Date, becomesBranchId: string | null = null): Promise<boolean> {
  if (from.role !== 'primary' || to.business_id !== from.businessId || to.status !== 'active' || to.id === from.membershipId) return false
  try {
    await deps.db.transaction().execute(async (trx) => {
      // The former primary user may take a branch left without its own primary user (the new primary's former branch, say), and only such a branch.
      if (becomesBranchId && !(await branchesWithoutPrimary(trx, from.businessId, to.id)).some((b) => b.id === becomesBranchId)) throw new TransferRace()
      if (!(await swapPrimary(trx, from.businessId, from.membershipId, to.id, becomesBranchId))) throw new TransferRace()
      await audit(trx, actor, now, {
        action: 'access.primary_transferred',
        businessId: from.businessId,
        objectType: 'business_membership',
        objectId: to.id,
        details: { fromMembershipId: from.membershipId, toUserId: to.user_id, toFormerBranchId: to.role === 'branch_primary' ? to.branch_id : null, fromBecomesBranchId: becomesBranchId },
      })
      const toName = `${to.given_name} ${to.family_name}`.trim()
      const params = { business: from.businessName, from: from.userName, to: toName }
      const formerPrimary = actor.userId
      if (formerPrimary) await notifyUser(trx, { userId: formerPrimary, template: 'accessPrimaryTransferred', params, now })
      await notifyUser(trx, { userId: to.user_id, template: 'accessPrimaryTransferred', params, now })
    })
    return true
  } catch (e) {
    if (e instanceof TransferRace) return false
    throw e
  }
}
