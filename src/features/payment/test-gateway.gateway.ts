import crypto from 'node:crypto'
import type { Db } from '../../db/connect.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Checkout, CheckoutOutcome, ConfirmRequest, PaymentGateway, RefundOutcome, RefundRequest, StartCheckoutRequest } from './payment.gateway.ts'
import type { TestGatewayCheckout } from './payment.tables.ts'
import * as store from './test-gateway.repository.ts'

/** How long a hosted test checkout accepts a card. */
export const TEST_CHECKOUT_MINUTES = 30

/**
 * The embedded test gateway seen from the portal's side: the same port a remote
 * gateway implements. It reaches the gateway's store directly instead of over HTTP,
 * but answers exactly what the hosted pages recorded.
 */
export class EmbeddedTestGateway implements PaymentGateway {
  constructor(
    private readonly deps: { db: Db; clock: Clock; publicBaseUrl: string },
  ) {}

  async startCheckout(request: StartCheckoutRequest): Promise<Checkout> {
    const now = this.deps.clock.now()
    const row = await store.insertCheckoutOnce(this.deps.db, {
      id: crypto.randomUUID(),
      idempotency_key: request.idempotencyKey,
      amount_cents: request.amountCents,
      currency: request.currency,
      order_ref: request.idempotencyKey,
      return_url: request.returnUrl,
      lang: request.lang,
      created_at: now,
      expires_at: new Date(now.getTime() + TEST_CHECKOUT_MINUTES * 60_000),
    })
    return { checkoutRef: row.id, redirectUrl: `${this.deps.publicBaseUrl}${testCheckoutPath(row.lang, row.id)}` }
  }

  async confirm(request: ConfirmRequest): Promise<CheckoutOutcome> {
    const row = await store.findCheckout(this.deps.db, request.checkoutRef)
    if (!row) return { status: 'expired' }
    switch (row.status) {
      case 'approved':
        return {
          status: 'approved',
          transactionId: row.transaction_id!,
          orderRef: row.order_ref,
          amountCents: row.amount_cents,
          cardBrand: row.card_brand!,
          cardLast4: row.card_last4!,
          approvedAt: row.completed_at!,
        }
      case 'declined':
        return { status: 'declined', reason: 'card_declined' }
      case 'no_answer':
        return { status: 'no_answer' }
      case 'cancelled':
        return { status: 'cancelled' }
      case 'open':
        return checkoutExpired(row.expires_at, this.deps.clock.now()) ? { status: 'expired' } : { status: 'open' }
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    const row = await store.findCheckout(this.deps.db, request.checkoutRef)
    if (!row || row.status !== 'approved' || row.transaction_id !== request.transactionId) {
      return { status: 'failed', reason: 'unknown_transaction' }
    }
    const already = await store.refundedCents(this.deps.db, row.id)
    const existing = await this.deps.db
      .selectFrom('test_gateway_refund')
      .select('refund_id')
      .where('idempotency_key', '=', request.idempotencyKey)
      .executeTakeFirst()
    if (existing) return { status: 'succeeded', refundId: existing.refund_id }
    if (already + request.amountCents > row.amount_cents) return { status: 'failed', reason: 'exceeds_amount' }
    const saved = await store.insertRefundOnce(this.deps.db, {
      id: crypto.randomUUID(),
      idempotency_key: request.idempotencyKey,
      checkout_id: row.id,
      amount_cents: request.amountCents,
      refund_id: `TR-${crypto.randomBytes(6).toString('hex').toUpperCase()}`,
      created_at: this.deps.clock.now(),
    })
    return { status: 'succeeded', refundId: saved.refund_id }
  }
}

/** A transaction id as the test gateway's card page gives one. */
export function testTransactionId(): string {
  return `TG-${crypto.randomBytes(8).toString('hex').toUpperCase()}`
}

/**
 * A checkout paid without the card page: the development demo's seeded payment. The gateway
 * then knows its transaction (by the payment's idempotency key, once), so the portal refunds it
 * as it refunds any other; a payment the gateway did not know could never be refunded.
 */
export async function recordPaidCheckout(
  db: DbOrTrx,
  p: { idempotencyKey: string; amountCents: number; currency: string; lang: 'en' | 'fr'; returnUrl: string; cardBrand: string; cardLast4: string; paidAt: Date },
): Promise<TestGatewayCheckout> {
  const open = await store.insertCheckoutOnce(db, {
    id: crypto.randomUUID(),
    idempotency_key: p.idempotencyKey,
    amount_cents: p.amountCents,
    currency: p.currency,
    order_ref: p.idempotencyKey,
    return_url: p.returnUrl,
    lang: p.lang,
    created_at: p.paidAt,
    expires_at: new Date(p.paidAt.getTime() + TEST_CHECKOUT_MINUTES * 60_000),
  })
  const paid = await store.completeCheckout(db, open.id, { status: 'approved', card_brand: p.cardBrand, card_last4: p.cardLast4, transaction_id: testTransactionId(), completed_at: p.paidAt })
  return paid ?? open
}

export function testCheckoutPath(lang: 'en' | 'fr', checkoutId: string): string {
  return `/${lang}/test-gateway/checkouts/${checkoutId}`
}

export function checkoutExpired(expiresAt: Date, now: Date): boolean {
  return now.getTime() >= expiresAt.getTime()
}
