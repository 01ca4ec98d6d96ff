import type { Db } from '../../db/connect.ts'
import { translate } from '../../i18n/i18n.ts'
import { audit, type Actor } from '../../platform/audit.ts'
import { notify } from '../notifications/notify.ts'
import { findUserById, fullName } from '../auth/users.repository.ts'
import type { RefusalReason } from './enrolment.schema.ts'
import { findBusinessByLegalNameKey, findBusinessByNumber, nextEmployerNumber } from './enrolment.repository.ts'
import type { Business, EnrolmentRequest } from './enrolment.tables.ts'

export type Conflict = 'number' | 'name' | 'pending'

const isUniqueViolation = (err: unknown, constraint?: string) =>
  (err as { code?: string }).code === '23505' && (!constraint || String((err as { constraint?: string }).constraint ?? (err as Error).message).includes(constraint))

/** Why a business cannot be enrolled again, if it cannot. */
export async function enrolledConflict(db: Db, businessNumber: string | null, legalNameKey: string | null): Promise<Conflict | undefined> {
  if (businessNumber && (await findBusinessByNumber(db, businessNumber))) return 'number'
  if (legalNameKey && (await findBusinessByLegalNameKey(db, legalNameKey))) return 'name'
  return undefined
}

export function isComplete(r: EnrolmentRequest): boolean {
  return !!(r.operates_in_canada && r.business_number && r.legal_name && r.operating_name && r.street && r.city && r.province && r.postal_code && r.phone)
}

export type SubmitResult = { kind: 'submitted' } | { kind: 'incomplete' } | { kind: 'conflict'; conflict: Conflict }

/**
 * Sends a draft for review. A business already enrolled stops it with the reason;
 * two requests racing for one business number are decided by a unique index:
 * exactly one is under review.
 */
export async function submitRequest(db: Db, request: EnrolmentRequest, actor: Actor, now: Date): Promise<SubmitResult> {
  if (!isComplete(request)) return { kind: 'incomplete' }
  const conflict = await enrolledConflict(db, request.business_number, request.legal_name_key)
  if (conflict) return { kind: 'conflict', conflict }
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('enrolment_request')
        .set({ status: 'submitted', submitted_at: now, updated_at: now })
        .where('id', '=', request.id)
        .where('status', '=', 'draft')
        .execute()
      await audit(trx, actor, now, { action: 'enrolment.submitted', objectType: 'enrolment_request', objectId: request.id, details: { businessNumber: request.business_number } })
    })
    return { kind: 'submitted' }
  } catch (err) {
    if (isUniqueViolation(err)) return { kind: 'conflict', conflict: 'pending' }
    throw err
  }
}

export type DecisionResult = { kind: 'approved'; business: Business } | { kind: 'refused' } | { kind: 'alreadyDecided' } | { kind: 'conflict'; conflict: Conflict }

/**
 * Approval creates the business with a new employer number, makes the requester its
 * primary user, and tells them in their language — all in one transaction.
 */
export async function approveRequest(db: Db, requestId: string, actor: Actor, now: Date): Promise<DecisionResult> {
  try {
    return await db.transaction().execute(async (trx) => {
      const decided = await trx
        .updateTable('enrolment_request')
        .set({ status: 'approved', decided_at: now, decided_by: actor.userId, updated_at: now })
        .where('id', '=', requestId)
        .where('status', '=', 'submitted')
        .returningAll()
        .executeTakeFirst()
      if (!decided) return { kind: 'alreadyDecided' as const }
      const business = await trx
        .insertInto('business')
        .values({
          business_number: decided.business_number!,
          legal_name: decided.legal_name!,
          legal_name_key: decided.legal_name_key!,
          operating_name: decided.operating_name!,
          street: decided.street!,
          city: decided.city!,
          province: decided.province!,
          postal_code: decided.postal_code!,
          phone: decided.phone!,
          employer_number: await nextEmployerNumber(trx),
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx.updateTable('enrolment_request').set({ business_id: business.id }).where('id', '=', requestId).execute()
      await trx.insertInto('business_membership').values({ business_id: business.id, user_id: decided.requester_user_id, role: 'primary', created_at: now, created_by: actor.userId }).execute()
      const requester = (await findUserById(trx, decided.requester_user_id))!
      await notify(trx, {
        template: 'enrolmentApproved',
        params: { name: fullName(requester), legalName: business.legal_name, employerNumber: business.employer_number },
        lang: requester.preferred_language,
        email: requester.email ? { to: requester.email } : undefined,
        accountMessage: { userId: requester.id },
        now,
      })
      await audit(trx, actor, now, { action: 'enrolment.approved', businessId: business.id, objectType: 'enrolment_request', objectId: requestId, details: { employerNumber: business.employer_number } })
      return { kind: 'approved' as const, business }
    })
  } catch (err) {
    if (isUniqueViolation(err, 'business_number')) return { kind: 'conflict', conflict: 'number' }
    if (isUniqueViolation(err, 'legal_name_key')) return { kind: 'conflict', conflict: 'name' }
    throw err
  }
}

export async function refuseRequest(db: Db, requestId: string, reason: RefusalReason, note: string, actor: Actor, now: Date): Promise<DecisionResult> {
  return db.transaction().execute(async (trx) => {
    const decided = await trx
      .updateTable('enrolment_request')
      .set({ status: 'refused', decided_at: now, decided_by: actor.userId, refusal_reason: reason, decision_note: note || null, updated_at: now })
      .where('id', '=', requestId)
      .where('status', '=', 'submitted')
      .returningAll()
      .executeTakeFirst()
    if (!decided) return { kind: 'alreadyDecided' as const }
    const requester = (await findUserById(trx, decided.requester_user_id))!
    const lang = requester.preferred_language
    await notify(trx, {
      template: 'enrolmentRefused',
      params: {
        name: fullName(requester),
        legalName: decided.legal_name ?? '',
        reason: translate(lang, `enrolment.reasons.${reason}`),
        note: note ? translate(lang, 'enrolment.refusedNote', { note }) : '',
      },
      lang,
      email: requester.email ? { to: requester.email } : undefined,
      accountMessage: { userId: requester.id },
      now,
    })
    await audit(trx, actor, now, { action: 'enrolment.refused', objectType: 'enrolment_request', objectId: requestId, details: { reason } })
    return { kind: 'refused' as const }
  })
}
