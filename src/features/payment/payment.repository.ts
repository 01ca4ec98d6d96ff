import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../../db/database.ts'
import type { Payment, PaymentRefund, PaymentStatus } from './payment.tables.ts'

type Db = Kysely<Database> | Transaction<Database>

export const ACTIVE_STATUSES: readonly PaymentStatus[] = ['pending', 'approved']

/** The payment of a purpose that is in progress or approved (at most one, by a unique index). */
export function findActiveForPurpose(db: Db, purposeType: string, purposeId: string): Promise<Payment | undefined> {
  return db
    .selectFrom('payment')
    .selectAll()
    .where('purpose_type', '=', purposeType)
    .where('purpose_id', '=', purposeId)
    .where('status', 'in', ACTIVE_STATUSES)
    .executeTakeFirst()
}

export function listForPurpose(db: Db, purposeType: string, purposeId: string): Promise<Payment[]> {
  return db
    .selectFrom('payment')
    .selectAll()
    .where('purpose_type', '=', purposeType)
    .where('purpose_id', '=', purposeId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute()
}

export function findByCheckoutRef(db: Db, checkoutRef: string): Promise<Payment | undefined> {
  return db.selectFrom('payment').selectAll().where('checkout_ref', '=', checkoutRef).executeTakeFirst()
}

export function findPayment(db: Db, id: string): Promise<Payment | undefined> {
  return db.selectFrom('payment').selectAll().where('id', '=', id).executeTakeFirst()
}

/**
 * Inserts a pending payment unless the purpose already has an active one; the
 * partial unique index decides, so concurrent callers get exactly one row.
 */
export async function insertPendingIfNone(
  db: Db,
  row: Pick<
    Payment,
    'id' | 'purpose_type' | 'purpose_id' | 'business_id' | 'created_by_user_id' | 'amount_cents' | 'gateway' | 'idempotency_key' | 'continue_path' | 'lang' | 'created_at'
  >,
): Promise<Payment | undefined> {
  const { rows } = await sql<Payment>`
    insert into payment (id, purpose_type, purpose_id, business_id, created_by_user_id, amount_cents, currency, gateway, status,
                         idempotency_key, continue_path, lang, created_at, updated_at)
    values (${row.id}, ${row.purpose_type}, ${row.purpose_id}, ${row.business_id}, ${row.created_by_user_id}, ${row.amount_cents}, 'CAD',
            ${row.gateway}, 'pending', ${row.idempotency_key}, ${row.continue_path}, ${row.lang}, ${row.created_at}, ${row.created_at})
    on conflict (purpose_type, purpose_id) where status in ('pending', 'approved') do nothing
    returning *`.execute(db)
  return rows[0]
}

export function setCheckout(db: Db, id: string, checkout: { checkout_ref: string; redirect_url: string }, now: Date): Promise<Payment | undefined> {
  return db
    .updateTable('payment')
    .set({ ...checkout, updated_at: now })
    .where('id', '=', id)
    .where('checkout_ref', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** Moves a pending payment to a final status once; returns undefined if it was no longer pending. */
export function settlePending(db: Db, id: string, changes: Partial<Omit<Payment, 'id'>> & { status: PaymentStatus }): Promise<Payment | undefined> {
  return db
    .updateTable('payment')
    .set(changes)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst()
}

export async function nextReceiptNumber(db: Db, year: number): Promise<string> {
  const { rows } = await sql<{ n: number }>`select nextval('payment_receipt_seq')::int8 as n`.execute(db)
  return `EC-${year}-${String(rows[0]!.n).padStart(6, '0')}`
}

export function pendingOlderThan(db: Db, before: Date, limit: number): Promise<Payment[]> {
  return db
    .selectFrom('payment')
    .selectAll()
    .where('status', '=', 'pending')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute()
}

export function setPaymentStatus(db: Db, id: string, from: PaymentStatus, to: PaymentStatus, now: Date): Promise<Payment | undefined> {
  return db.updateTable('payment').set({ status: to, updated_at: now }).where('id', '=', id).where('status', '=', from).returningAll().executeTakeFirst()
}

/** The refund in progress or done for a payment (at most one, by a unique index). */
export function findLiveRefund(db: Db, paymentId: string): Promise<PaymentRefund | undefined> {
  return db
    .selectFrom('payment_refund')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .where('status', 'in', ['pending', 'succeeded'])
    .executeTakeFirst()
}

export async function insertRefundIfNone(
  db: Db,
  row: Pick<PaymentRefund, 'id' | 'payment_id' | 'amount_cents' | 'idempotency_key' | 'reason' | 'reason_detail' | 'requested_by_user_id' | 'created_at'>,
): Promise<PaymentRefund | undefined> {
  const { rows } = await sql<PaymentRefund>`
    insert into payment_refund (id, payment_id, amount_cents, status, idempotency_key, reason, reason_detail, requested_by_user_id, created_at)
    values (${row.id}, ${row.payment_id}, ${row.amount_cents}, 'pending', ${row.idempotency_key}, ${row.reason}, ${row.reason_detail}, ${row.requested_by_user_id}, ${row.created_at})
    on conflict (payment_id) where status in ('pending', 'succeeded') do nothing
    returning *`.execute(db)
  return rows[0]
}

export function finishRefund(
  db: Db,
  id: string,
  changes: { status: 'succeeded' | 'failed'; gateway_refund_id?: string | null; failure_reason?: string | null; completed_at: Date },
): Promise<PaymentRefund | undefined> {
  return db.updateTable('payment_refund').set(changes).where('id', '=', id).where('status', '=', 'pending').returningAll().executeTakeFirst()
}

export function refundsOf(db: Db, paymentId: string): Promise<PaymentRefund[]> {
  return db.selectFrom('payment_refund').selectAll().where('payment_id', '=', paymentId).orderBy('created_at').execute()
}

/** Marks a pending payment whose checkout never started as failed (the gateway did not answer the start). */
export function failUnstarted(db: Db, id: string, reason: string, now: Date): Promise<Payment | undefined> {
  return db
    .updateTable('payment')
    .set({ status: 'failed', failure_reason: reason, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('checkout_ref', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

export function pendingRefundsOlderThan(db: Db, before: Date, limit: number): Promise<PaymentRefund[]> {
  return db.selectFrom('payment_refund').selectAll().where('status', '=', 'pending').where('created_at', '<', before).orderBy('created_at').limit(limit).execute()
}
