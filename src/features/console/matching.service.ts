import type { Db } from '../../db/connect.ts'
import { audit, type Actor, type DbOrTrx } from '../../platform/audit.ts'
import { notifyUser } from '../notifications/notify.ts'
import type { RefundResult } from '../payment/payment.service.ts'
import type { RefundReason } from '../payment/payment.views.ts'
import type { Answers, OfferStatus } from '../offers/offers.tables.ts'
import * as repo from './matching.repository.ts'
import type { ConsoleOffer } from './matching.repository.ts'
import { citizenshipCode, compactKey, OFFER_NUMBER, passportKey } from './search.keys.ts'
import type { RefundOutcome } from './console.tables.ts'

/**
 * Matching a work permit application to an offer, un-matching it, and recording the
 * work permit decision. No HTTP here: the routes turn results into pages.
 */

/** What the officer typed from the work permit application. */
export interface ApplicationDetails {
  offerNumber: string
  passportNumber: string
  citizenship: string
}

/** Each element that does not agree, in form order (one per field at most). */
export type MatchProblem =
  | { field: 'offerNumber'; kind: 'required' | 'format' | 'unknown' }
  | { field: 'offerNumber'; kind: 'status'; status: OfferStatus }
  | { field: 'offerNumber'; kind: 'feeOwed' | 'feeUnderReview' }
  | { field: 'passportNumber'; kind: 'required' | 'differs' }
  | { field: 'citizenship'; kind: 'required' | 'unknownCountry' | 'differs' }

const answer = (answers: Answers, section: string, field: string): string => {
  const v = answers[section]?.[field]
  return typeof v === 'string' ? v : ''
}

/**
 * Compares the application with an offer after normalizing case, spaces and punctuation
 * (and, for citizenship, a code or a name in either language). Pure: every element is
 * checked, so the officer learns every one that does not agree.
 */
export function compareWithOffer(offer: { status: OfferStatus; answers: Answers }, input: ApplicationDetails): MatchProblem[] {
  const problems: MatchProblem[] = []
  if (offer.status !== 'pending') problems.push({ field: 'offerNumber', kind: 'status', status: offer.status })
  const passport = passportKey(compactKey(input.passportNumber))
  if (passport === '') problems.push({ field: 'passportNumber', kind: 'required' })
  else if (passport !== passportKey(answer(offer.answers, 'worker', 'passportNumber'))) problems.push({ field: 'passportNumber', kind: 'differs' })
  if (input.citizenship.trim() === '') problems.push({ field: 'citizenship', kind: 'required' })
  else {
    const code = citizenshipCode(input.citizenship)
    if (!code) problems.push({ field: 'citizenship', kind: 'unknownCountry' })
    else if (code !== answer(offer.answers, 'worker', 'citizenship').trim().toUpperCase()) problems.push({ field: 'citizenship', kind: 'differs' })
  }
  return problems
}

/**
 * Where an offer's employer compliance fee stands. A pending offer is submitted and paid, or
 * exempt; an exemption the employer claimed is submitted at once for an officer to review, and
 * a refused one leaves the offer pending with the fee owed until the employer pays it.
 */
export type FeeStanding =
  | { kind: 'paid' | 'refunded'; amountCents: number; receipt: string | null }
  /** An officer accepted the exemption claimed. */
  | { kind: 'exempt' }
  /** An exemption is claimed and not decided yet. */
  | { kind: 'underReview' }
  /** The exemption claimed was refused and the fee is not paid. */
  | { kind: 'owed' }
  /** Nothing was charged (the fee was zero when the offer was submitted). */
  | { kind: 'none' }

export function feeStanding(
  offer: Pick<ConsoleOffer, 'fee_exemption' | 'needs_review' | 'fee_review_decision'>,
  payment: { status: string; amount_cents: number; receipt_number: string | null } | undefined,
): FeeStanding {
  if (payment) return { kind: payment.status === 'refunded' ? 'refunded' : 'paid', amountCents: payment.amount_cents, receipt: payment.receipt_number }
  if (!offer.fee_exemption) return { kind: 'none' }
  if (offer.fee_review_decision === 'accepted') return { kind: 'exempt' }
  return offer.fee_review_decision === 'refused' ? { kind: 'owed' } : { kind: 'underReview' }
}

/** Why a pending offer cannot be matched because of its fee, if it cannot. */
async function feeProblem(db: DbOrTrx, offer: ConsoleOffer): Promise<MatchProblem | undefined> {
  if (offer.status !== 'pending') return undefined
  const standing = feeStanding(offer, await repo.feePaymentOf(db, offer.id))
  if (standing.kind === 'owed') return { field: 'offerNumber', kind: 'feeOwed' }
  if (standing.kind === 'underReview') return { field: 'offerNumber', kind: 'feeUnderReview' }
  return undefined
}

export type MatchResult = { kind: 'matched'; offerId: string } | { kind: 'mismatch'; problems: MatchProblem[]; offerId?: string }

export interface ConsoleDeps {
  db: Db
}

export async function matchApplication(db: Db, input: ApplicationDetails, officer: Actor & { userId: string }, now: Date): Promise<MatchResult> {
  const number = compactKey(input.offerNumber)
  if (!OFFER_NUMBER.test(number)) {
    // The other elements are still checked for presence, so the officer sees every gap at once.
    const rest = compareWithOffer({ status: 'pending', answers: {} }, input).filter((p) => p.kind === 'required' || p.kind === 'unknownCountry')
    return { kind: 'mismatch', problems: [{ field: 'offerNumber', kind: number === '' ? 'required' : 'format' }, ...rest] }
  }
  const offer = await repo.findOfferByNumber(db, number)
  if (!offer) {
    const rest = compareWithOffer({ status: 'pending', answers: {} }, input).filter((p) => p.kind === 'required' || p.kind === 'unknownCountry')
    return { kind: 'mismatch', problems: [{ field: 'offerNumber', kind: 'unknown' }, ...rest] }
  }
  // An offer whose fee is owed (or whose exemption is not decided yet) is not submitted and paid: it waits.
  const fee = await feeProblem(db, offer)
  const differences = compareWithOffer(offer, input)
  const problems = [...(fee ? [fee] : []), ...differences]
  if (problems.length) {
    // Refused for its fee is not a mismatch: the fee is said as such, and only elements that did not agree are listed as elements.
    const elements = differences.map((p) => p.field)
    const details = fee ? { fee: fee.kind === 'feeOwed' ? 'owed' : 'underReview', ...(elements.length ? { elements } : {}) } : { elements }
    await audit(db, officer, now, { action: 'offer.match_refused', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details })
    return { kind: 'mismatch', problems, offerId: offer.id }
  }
  return db.transaction().execute(async (trx): Promise<MatchResult> => {
    // Checked again under the offer's lock: an exemption refused a moment ago is seen here.
    const locked = await repo.lockOffer(trx, offer.id)
    const feeNow = locked && (await feeProblem(trx, locked))
    if (feeNow) return { kind: 'mismatch', problems: [feeNow], offerId: offer.id }
    if (!(await repo.markMatched(trx, offer.id, now))) {
      const current = (await repo.findOfferById(trx, offer.id))!
      return { kind: 'mismatch', problems: [{ field: 'offerNumber', kind: 'status', status: current.status }], offerId: offer.id }
    }
    // Only the normalized forms are kept: the offer holds the passport number itself.
    await repo.insertMatch(trx, { offerId: offer.id, offerNumber: number, passport: passportKey(compactKey(input.passportNumber)), citizenship: citizenshipCode(input.citizenship)!, by: officer.userId, now })
    await audit(trx, officer, now, { action: 'offer.matched', businessId: offer.business_id, objectType: 'offer', objectId: offer.id, details: { offerNumber: number } })
    await notifyUser(trx, { userId: offer.created_by, template: 'consoleOfferMatched', params: { offerNumber: number }, ids: { offerId: offer.id }, now })
    return { kind: 'matched', offerId: offer.id }
  })
}

export type UnmatchResult = 'unmatched' | 'notMatched' | 'decided'

/** Undoes a match (a wrong application was linked) while no decision is recorded. */
export async function unmatchOffer(db: Db, offerId: string, reason: string, officer: Actor & { userId: string }, now: Date): Promise<UnmatchResult> {
  return db.transaction().execute(async (trx) => {
    const offer = await trx.selectFrom('offer').select(['id', 'business_id', 'offer_number', 'created_by', 'status']).where('id', '=', offerId).forUpdate().executeTakeFirst()
    if (!offer || offer.status !== 'matched') return 'notMatched'
    if (await repo.findDecision(trx, offerId)) return 'decided'
    if (!(await repo.markUnmatched(trx, offerId, now))) return 'notMatched'
    await repo.undoMatch(trx, offerId, officer.userId, reason, now)
    await audit(trx, officer, now, { action: 'offer.unmatched', businessId: offer.business_id, objectType: 'offer', objectId: offerId, details: { reason } })
    await notifyUser(trx, { userId: offer.created_by, template: 'consoleOfferUnmatched', params: { offerNumber: offer.offer_number ?? '' }, ids: { offerId: offer.id }, now })
    return 'unmatched'
  })
}

/** The last day of the inspection window: the day before the sixth anniversary of the first day of employment. */
export function inspectionUntil(firstDay: string): string {
  const [y, m, d] = firstDay.split('-').map(Number) as [number, number, number]
  // 29 February + 6 years is 1 March (Date rolls over), so the window is never short.
  const end = new Date(Date.UTC(y + 6, m - 1, d) - 86_400_000)
  return end.toISOString().slice(0, 10)
}

export interface Refunder {
  refundPayment(paymentId: string, input: { reason?: RefundReason | null; actor?: Actor }): Promise<RefundResult>
}

export type DecisionInput = { outcome: 'issued'; firstDay: string; note: string } | { outcome: 'refused'; note: string }
export type DecisionResult = { kind: 'recorded'; refund?: RefundOutcome } | { kind: 'notMatched' } | { kind: 'alreadyDecided' }

/**
 * Records the work permit decision on a matched offer (once). A refusal refunds the
 * fee after the decision is committed (the gateway is never called inside a
 * transaction); a refund the gateway did not answer stays pending and is retried by
 * the payments reconciler, and `retryRefund` can be asked again.
 */
export async function recordDecision(db: Db, payments: Refunder, offerId: string, input: DecisionInput, officer: Actor & { userId: string }, now: Date): Promise<DecisionResult> {
  const recorded = await db.transaction().execute(async (trx) => {
    const offer = await trx.selectFrom('offer').select(['id', 'business_id', 'offer_number', 'created_by', 'status']).where('id', '=', offerId).forUpdate().executeTakeFirst()
    if (!offer || offer.status !== 'matched') return { kind: 'notMatched' as const }
    const firstDay = input.outcome === 'issued' ? input.firstDay : null
    const until = firstDay ? inspectionUntil(firstDay) : null
    const decision = await repo.insertDecision(trx, { offerId, outcome: input.outcome, firstDay, inspectionUntil: until, note: input.note, by: officer.userId, now })
    if (!decision) return { kind: 'alreadyDecided' as const }
    await audit(trx, officer, now, {
      action: input.outcome === 'issued' ? 'offer.work_permit_issued' : 'offer.work_permit_refused',
      businessId: offer.business_id,
      objectType: 'offer',
      objectId: offerId,
      details: firstDay ? { firstDayOfEmployment: firstDay, inspectionUntil: until } : {},
    })
    if (input.outcome === 'issued') {
      await notifyUser(trx, { userId: offer.created_by, template: 'consoleWorkPermitIssued', params: { offerNumber: offer.offer_number ?? '', firstDay: firstDay!, inspectionUntil: until! }, ids: { offerId: offer.id }, now })
    } else {
      await notifyUser(trx, { userId: offer.created_by, template: 'consoleWorkPermitRefused', params: { offerNumber: offer.offer_number ?? '' }, ids: { offerId: offer.id }, now })
    }
    return { kind: 'recorded' as const }
  })
  if (recorded.kind !== 'recorded' || input.outcome !== 'refused') return recorded
  return { kind: 'recorded', refund: await retryRefund(db, payments, offerId, officer) }
}

/** Refunds the fee of an offer whose work permit was refused (idempotent: the payment service refunds once). */
export async function retryRefund(db: Db, payments: Refunder, offerId: string, officer: Actor): Promise<RefundOutcome> {
  const decision = await repo.findDecision(db, offerId)
  if (decision?.outcome !== 'refused') return 'not_refundable'
  const payment = await repo.feePaymentOf(db, offerId)
  let outcome: RefundOutcome
  if (!payment) outcome = 'not_refundable'
  else {
    const result = await payments.refundPayment(payment.id, { reason: { code: 'work_permit_refused' }, actor: officer })
    outcome = result.kind
  }
  await repo.setRefundOutcome(db, offerId, payment?.id ?? null, outcome)
  return outcome
}
