import { sql } from 'kysely'
import type { SignedInUser } from '../../db/database.ts'
import { fullName } from '../auth/users.repository.ts'
import { translator, type Lang } from '../../i18n/i18n.ts'
import { audit, type Actor, type DbOrTrx } from '../../platform/audit.ts'
import { notifyUser } from '../notifications/notify.ts'
import { namesMatch } from '../reference/validators.ts'
import { generatePin, PIN_TTL_MS, pinHash, sealPin } from './access.pin.ts'
import { activePrimaryUser, insertPin, revokePin } from './access.repository.ts'
import { emailPin, forgetSealed, type AccessDeps } from './access.service.ts'
import type { PinResetRequest, PinRole } from './access.tables.ts'

/** Open requests one person may have at a time. */
export const MAX_OPEN_PIN_RESETS = 5

export interface PinResetInput {
  givenNames: string
  familyName: string
  /** A business number (9 digits) or an employer number (E + 7 digits), normalized. */
  businessKey: string
  email: string
  reason: string
  wantsPrimary: boolean
}

/** The business a typed number names, if any (by business number or employer number). */
export async function businessByKey(db: DbOrTrx, key: string) {
  return db
    .selectFrom('business')
    .select(['id', 'legal_name', 'status'])
    .where((eb) => eb.or([eb('business_number', '=', key), eb('employer_number', '=', key)]))
    .executeTakeFirst()
}

/** The active (not dormant) primary user of a business, if it has one. */
export async function activePrimaryOf(db: DbOrTrx, businessId: string) {
  return db
    .selectFrom('business_membership as m')
    .innerJoin('app_user as u', 'u.id', 'm.user_id')
    .select(['u.id'])
    .where('m.business_id', '=', businessId)
    .where('m.role', '=', 'primary')
    .where('m.status', '=', 'active')
    .where('u.status', '=', 'active')
    .executeTakeFirst()
}

/**
 * A request for a new PIN. It goes to the business's primary user (an account message
 * and an e-mail), or to the officers when the requester is, or must become, the primary
 * user, or when there is no primary user who can act (none, dormant, or the requester).
 * The requester is answered the same way whatever the number names, even nothing: the
 * page and the receipt never say whether a business exists.
 */
export async function requestPinReset(db: AccessDeps['db'], actor: Actor, user: SignedInUser, input: PinResetInput, now: Date): Promise<'sent' | 'tooMany'> {
  // A person (not a business) has at most a few requests waiting: no one floods primary users' inboxes.
  const open = await db.selectFrom('pin_reset_request').select((eb) => eb.fn.countAll<number>().as('n')).where('requester_user_id', '=', user.id).where('status', '=', 'submitted').executeTakeFirstOrThrow()
  if (Number(open.n) >= MAX_OPEN_PIN_RESETS) {
    const again = await db.selectFrom('pin_reset_request').select('id').where('requester_user_id', '=', user.id).where('business_key', '=', input.businessKey).where('status', '=', 'submitted').executeTakeFirst()
    return again ? 'sent' : 'tooMany'
  }
  const business = await businessByKey(db, input.businessKey)
  const primary = business ? await activePrimaryOf(db, business.id) : undefined
  const handledBy = !input.wantsPrimary && business?.status === 'active' && primary && primary.id !== user.id ? 'primary' : 'officers'
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('pin_reset_request')
      .values({
        requester_user_id: user.id,
        given_names: input.givenNames,
        family_name: input.familyName,
        business_key: input.businessKey,
        business_id: business?.id ?? null,
        email: input.email,
        reason: input.reason,
        wants_primary: input.wantsPrimary,
        handled_by: handledBy,
        created_at: now,
      })
      .onConflict((oc) => oc.columns(['requester_user_id', 'business_key']).where('status', '=', sql.lit('submitted')).doNothing())
      .returning('id')
      .executeTakeFirst()
    // Asked again while the first is open: answered like the first time, and nothing more is sent.
    if (!row) return
    await audit(trx, actor, now, { action: 'access.pin_reset_requested', businessId: business?.id ?? null, objectType: 'pin_reset_request', objectId: row.id, details: { handledBy, wantsPrimary: input.wantsPrimary } })
    if (handledBy === 'primary' && primary && business) {
      await notifyUser(trx, { userId: primary.id, template: 'accessPinResetToPrimary', params: { name: `${input.givenNames} ${input.familyName}`, business: business.legal_name }, now })
    }
    await notifyUser(trx, { userId: user.id, template: 'accessPinResetReceived', params: {}, now })
  })
  return 'sent'
}

/** Either way with its reason: recorded with the decision; the requester reads a refusal's. */
export interface PinResetDecision {
  decision: 'issue' | 'refuse'
  reason: string
}
export type PinResetOutcome = { kind: 'issued'; pinId: string } | { kind: 'refused' } | { kind: 'alreadyDecided' } | { kind: 'noBusiness' }

/**
 * Decides a request (the business's primary user, or an officer): a new PIN for the named
 * person, e-mailed to the address in the request (any live PIN of theirs in the business
 * stops working; a lost branch PIN keeps its branch and role; an officer's PIN for someone
 * who must become the primary user makes them the primary user), or a refusal with its
 * reason. The requester is told either way. Decided once: a second decision changes nothing.
 */
export async function decidePinReset(deps: AccessDeps, actor: Actor, decider: SignedInUser, req: PinResetRequest, d: PinResetDecision, now: Date): Promise<PinResetOutcome> {
  if (d.decision === 'issue' && !req.business_id) return { kind: 'noBusiness' }
  const byOfficer = decider.role !== 'employer'
  return deps.db.transaction().execute(async (trx): Promise<PinResetOutcome> => {
    const decided = await trx
      .updateTable('pin_reset_request')
      .set({ status: d.decision === 'issue' ? 'issued' : 'refused', decided_by: decider.id, decided_at: now, decision_note: d.reason })
      .where('id', '=', req.id)
      .where('status', '=', 'submitted')
      .returning('id')
      .executeTakeFirst()
    if (!decided) return { kind: 'alreadyDecided' }
    if (d.decision === 'refuse') {
      await audit(trx, actor, now, { action: 'access.pin_reset_refused', businessId: req.business_id, objectType: 'pin_reset_request', objectId: req.id })
      await notifyUser(trx, { userId: req.requester_user_id, template: 'accessPinResetRefused', params: { reason: d.reason }, now })
      return { kind: 'refused' }
    }
    const businessId = req.business_id!
    const business = await trx.selectFrom('business').select(['legal_name']).where('id', '=', businessId).executeTakeFirstOrThrow()
    // The lost PIN stops working; its role and branch carry over to the new one.
    let role: PinRole = byOfficer && req.wants_primary ? 'primary' : 'secondary'
    let branchId: string | null = null
    const live = await trx.selectFrom('access_pin').selectAll().where('business_id', '=', businessId).where('status', 'in', ['issued', 'locked', 'expired']).execute()
    for (const p of live.filter((p) => namesMatch(p.given_names, req.given_names) && namesMatch(p.family_name, req.family_name))) {
      if (!(await revokePin(trx, p.id))) continue
      await forgetSealed(trx, deps, p.pin_sealed)
      await audit(trx, actor, now, { action: 'access.pin_revoked', businessId, objectType: 'access_pin', objectId: p.id, details: { pinResetRequestId: req.id } })
      if (role === 'secondary') {
        role = p.role
        branchId = p.branch_id
      }
    }
    const requester = await trx.selectFrom('app_user').select(['preferred_language']).where('id', '=', req.requester_user_id).executeTakeFirstOrThrow()
    const lang: Lang = requester.preferred_language
    const plain = generatePin()
    const pin = await insertPin(
      trx,
      {
        businessId,
        branchId,
        role,
        givenNames: req.given_names,
        familyName: req.family_name,
        email: req.email,
        pinHash: pinHash(deps.keys, plain),
        pinSealed: sealPin(deps.keys, plain),
        expiresAt: new Date(now.getTime() + PIN_TTL_MS),
        createdBy: decider.id,
      },
      now,
    )
    await trx.updateTable('pin_reset_request').set({ pin_id: pin.id }).where('id', '=', req.id).execute()
    await audit(trx, actor, now, { action: 'access.pin_issued', businessId, objectType: 'access_pin', objectId: pin.id, details: { role, branchId, emailed: true, pinResetRequestId: req.id } })
    const inviter = byOfficer ? translator(lang)('common.department') : fullName(decider)
    await emailPin(trx, deps, pin, plain, business.legal_name, inviter, lang, now)
    await notifyUser(trx, { userId: req.requester_user_id, template: 'accessPinResetIssued', params: { business: business.legal_name, email: req.email }, now })
    // The primary user this PIN will replace is told now, while they can still object (and again when it is used).
    const replaced = role === 'primary' ? await activePrimaryUser(trx, businessId) : undefined
    if (replaced && replaced.id !== req.requester_user_id) {
      await notifyUser(trx, { userId: replaced.id, template: 'accessPrimaryPinIssued', params: { business: business.legal_name, to: `${req.given_names} ${req.family_name}` }, now })
    }
    return { kind: 'issued', pinId: pin.id }
  })
}

/** An officer takes a request (only while it is open). */
export async function assignPinReset(db: DbOrTrx, actor: Actor, officerId: string, id: string, now: Date): Promise<void> {
  const r = await db.updateTable('pin_reset_request').set({ assigned_to: officerId }).where('id', '=', id).where('status', '=', 'submitted').where('handled_by', '=', 'officers').returning('business_id').executeTakeFirst()
  if (r) await audit(db, actor, now, { action: 'access.pin_reset_assigned', businessId: r.business_id, objectType: 'pin_reset_request', objectId: id })
}
