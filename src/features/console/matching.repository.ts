import { normalizePassport } from '../offers/offers.repository.ts'
import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { Offer } from '../offers/offers.tables.ts'
import type { CorrectableField, OfferCorrection, WorkPermitDecision, WorkPermitMatch } from './console.tables.ts'

/** The columns of an offer the console reads (written against the offer table as it stands). */
export type ConsoleOffer = Pick<
  Offer,
  'id' | 'business_id' | 'status' | 'offer_number' | 'answers' | 'worker_name' | 'job_title' | 'created_by' | 'created_at' | 'updated_at' | 'submitted_at' | 'fee_exemption' | 'needs_review' | 'fee_review_decision'
>

const OFFER_COLUMNS = ['id', 'business_id', 'status', 'offer_number', 'answers', 'worker_name', 'job_title', 'created_by', 'created_at', 'updated_at', 'submitted_at', 'fee_exemption', 'needs_review', 'fee_review_decision'] as const

export function findOfferById(db: DbOrTrx, id: string): Promise<ConsoleOffer | undefined> {
  return db.selectFrom('offer').select(OFFER_COLUMNS).where('id', '=', id).executeTakeFirst()
}

/** The offer, locked until the transaction ends (a fee review decided meanwhile waits, or is seen). */
export function lockOffer(trx: DbOrTrx, id: string): Promise<ConsoleOffer | undefined> {
  return trx.selectFrom('offer').select(OFFER_COLUMNS).where('id', '=', id).forUpdate().executeTakeFirst()
}

export function findOfferByNumber(db: DbOrTrx, offerNumber: string): Promise<ConsoleOffer | undefined> {
  return db.selectFrom('offer').select(OFFER_COLUMNS).where('offer_number', '=', offerNumber).executeTakeFirst()
}

/** pending → matched, only if still pending (two officers matching at once: one wins). */
export async function markMatched(db: DbOrTrx, offerId: string, now: Date): Promise<boolean> {
  const r = await db.updateTable('offer').set({ status: 'matched', updated_at: now }).where('id', '=', offerId).where('status', '=', 'pending').executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function markUnmatched(db: DbOrTrx, offerId: string, now: Date): Promise<boolean> {
  const r = await db.updateTable('offer').set({ status: 'pending', updated_at: now }).where('id', '=', offerId).where('status', '=', 'matched').executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function insertMatch(db: DbOrTrx, m: { offerId: string; offerNumber: string; passport: string; citizenship: string; by: string; now: Date }): Promise<WorkPermitMatch> {
  return db
    .insertInto('work_permit_match')
    .values({ offer_id: m.offerId, entered_offer_number: m.offerNumber, entered_passport: m.passport, entered_citizenship: m.citizenship, matched_by: m.by, matched_at: m.now })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function liveMatch(db: DbOrTrx, offerId: string): Promise<WorkPermitMatch | undefined> {
  return db.selectFrom('work_permit_match').selectAll().where('offer_id', '=', offerId).where('undone_at', 'is', null).executeTakeFirst()
}

export async function undoMatch(db: DbOrTrx, offerId: string, by: string, reason: string, now: Date): Promise<WorkPermitMatch | undefined> {
  return db
    .updateTable('work_permit_match')
    .set({ undone_by: by, undone_at: now, undo_reason: reason })
    .where('offer_id', '=', offerId)
    .where('undone_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

export function matchesOf(db: DbOrTrx, offerId: string) {
  return db
    .selectFrom('work_permit_match as m')
    .innerJoin('app_user as u', 'u.id', 'm.matched_by')
    .leftJoin('app_user as x', 'x.id', 'm.undone_by')
    .select(['m.id', 'm.matched_at', 'm.undone_at', 'm.undo_reason', 'u.username as matched_by', 'x.username as undone_by'])
    .where('m.offer_id', '=', offerId)
    .orderBy('m.matched_at')
    .orderBy('m.id')
    .execute()
}

export function findDecision(db: DbOrTrx, offerId: string): Promise<WorkPermitDecision | undefined> {
  return db.selectFrom('work_permit_decision').selectAll().where('offer_id', '=', offerId).executeTakeFirst()
}

/** Inserts the decision unless one exists (the primary key decides a race). */
export async function insertDecision(
  db: DbOrTrx,
  d: { offerId: string; outcome: 'issued' | 'refused'; firstDay: string | null; inspectionUntil: string | null; note: string; by: string; now: Date },
): Promise<WorkPermitDecision | undefined> {
  return db
    .insertInto('work_permit_decision')
    .values({ offer_id: d.offerId, outcome: d.outcome, first_day_of_employment: d.firstDay, inspection_until: d.inspectionUntil, note: d.note, decided_by: d.by, decided_at: d.now })
    .onConflict((oc) => oc.column('offer_id').doNothing())
    .returningAll()
    .executeTakeFirst()
}

export async function setRefundOutcome(db: DbOrTrx, offerId: string, paymentId: string | null, outcome: WorkPermitDecision['refund_outcome']): Promise<void> {
  await db.updateTable('work_permit_decision').set({ refund_payment_id: paymentId, refund_outcome: outcome }).where('offer_id', '=', offerId).execute()
}

/** The fee payment of an offer: approved, or already refunded. */
export function feePaymentOf(db: DbOrTrx, offerId: string) {
  return db
    .selectFrom('payment')
    .select(['id', 'status', 'amount_cents', 'receipt_number'])
    .where('purpose_type', '=', 'offer')
    .where('purpose_id', '=', offerId)
    .where('status', 'in', ['approved', 'refunded'])
    .orderBy('created_at', 'desc')
    .executeTakeFirst()
}

export function paymentsOf(db: DbOrTrx, offerIds: readonly string[]) {
  if (offerIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('payment')
    .select(['id', 'purpose_id', 'status', 'amount_cents', 'receipt_number', 'card_brand', 'card_last4', 'gateway_transaction_id', 'created_at', 'approved_at', 'created_by_user_id'])
    .where('purpose_type', '=', 'offer')
    .where('purpose_id', 'in', offerIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

export function refundsOfPayments(db: DbOrTrx, paymentIds: readonly string[]) {
  if (paymentIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('payment_refund')
    .select(['id', 'payment_id', 'status', 'amount_cents', 'reason', 'reason_detail', 'gateway_refund_id', 'created_at', 'completed_at', 'requested_by_user_id'])
    .where('payment_id', 'in', paymentIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

/** Sets one answer of a submitted offer (jsonb_set), bumping its version. */
export async function setAnswer(db: DbOrTrx, offerId: string, section: string, field: string, value: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('offer')
    .set({
      answers: sql`jsonb_set(case when answers ? ${section} then answers else answers || jsonb_build_object(${section}::text, '{}'::jsonb) end, ${sql.lit(`{${section},${field}}`)}::text[], to_jsonb(${value}::text), true)`,
      version: sql`version + 1`,
      // The searchable copy of the passport number follows a correction of it.
      ...(section === 'worker' && field === 'passportNumber' ? { passport_key: normalizePassport(value) } : {}),
      updated_at: now,
    })
    .where('id', '=', offerId)
    .where('status', 'in', ['pending', 'matched'])
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function insertCorrection(db: DbOrTrx, c: { offerId: string; field: CorrectableField; oldValue: string; newValue: string; reason: string; by: string; now: Date }): Promise<void> {
  await db
    .insertInto('offer_correction')
    .values({ offer_id: c.offerId, field: c.field, old_value: c.oldValue, new_value: c.newValue, reason: c.reason, corrected_by: c.by, corrected_at: c.now })
    .execute()
}

export function correctionsOf(db: DbOrTrx, offerIds: readonly string[]): Promise<Array<OfferCorrection & { corrected_by_name: string }>> {
  if (offerIds.length === 0) return Promise.resolve([])
  return db
    .selectFrom('offer_correction as c')
    .innerJoin('app_user as u', 'u.id', 'c.corrected_by')
    .selectAll('c')
    .select('u.username as corrected_by_name')
    .where('c.offer_id', 'in', offerIds)
    .orderBy('c.corrected_at')
    .orderBy('c.id')
    .execute()
}

/** An offer's fee payments, every attempt (oldest first), with the card, the transaction and each refund: the offer page's payments. */
/** Each payment of an offer with its refunds, from the rows `paymentsOf` and `refundsOfPayments` read (the dossier's). */
export function paymentAttempts(payments: Awaited<ReturnType<typeof paymentsOf>>, refunds: Awaited<ReturnType<typeof refundsOfPayments>>) {
  return payments.map((payment) => ({ payment, refunds: refunds.filter((r) => r.payment_id === payment.id) }))
}
export type PaymentAttempt = ReturnType<typeof paymentAttempts>[number]
