import crypto from 'node:crypto'
import type { Transaction } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { Database } from '../../db/database.ts'
import { audit, SYSTEM_ACTOR, type Actor } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { GatewayUnavailableError, type CheckoutOutcome, type PaymentGateway } from './payment.gateway.ts'
import * as repo from './payment.repository.ts'
import { notifyUser, type OfferIds } from '../notifications/notify.ts'
import { formatInZone } from '../../platform/dates.ts'
import { eachLanguage } from '../../i18n/i18n.ts'
import { refundReasonText, type RefundReason } from './payment.views.ts'
import { formatMoney } from '../reference/validators.ts'
import type { GatewayName, Payment, PaymentRefund } from './payment.tables.ts'

/**
 * Payments, exactly once. For one purpose (e.g. an offer) at most one payment is in
 * progress or approved (a partial unique index decides, even under contention);
 * every gateway call carries a key derived from the payment id; the result of the
 * hosted page is always asked of the gateway, server to server; `reconcile()` settles
 * payments whose return never came; refunds are records with their own key.
 */

export interface PaymentServiceDeps {
  db: Db
  clock: Clock
  gateway: PaymentGateway
  gatewayName: GatewayName
  publicBaseUrl: string
  feeCents: number
  /** The fee now, when an administrator can change it (the console's setting); default: `feeCents`. */
  currentFeeCents?: () => Promise<number>
  /** Where receipts' times are told (PORTAL_TIME_ZONE). */
  timeZone?: string
  log?: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

export interface StartPaymentInput {
  purposeType: string
  purposeId: string
  businessId?: string | null
  userId?: string | null
  /** Who starts it, for the audit trail (default: the user id, else the system). */
  actor?: Actor
  lang: 'en' | 'fr'
  /** Where the result page's "Continue" goes (the caller's next step). */
  continuePath?: string | null
  /** Defaults to the configured fee. */
  amountCents?: number
}

export type StartPaymentResult =
  | { kind: 'redirect'; payment: Payment; redirectUrl: string }
  | { kind: 'already_paid'; payment: Payment }
  /** The gateway did not answer: nothing was started, try again later. */
  | { kind: 'unavailable'; payment: Payment }

export interface ConfirmResult {
  payment: Payment
  /** True when the gateway could not be asked: the payment stays pending and will be reconciled. */
  unconfirmed: boolean
}

export type RefundResult =
  | { kind: 'refunded'; refund: PaymentRefund }
  /** The gateway did not answer: the refund stays pending and is retried with the same key. */
  | { kind: 'pending'; refund: PaymentRefund }
  | { kind: 'failed'; refund: PaymentRefund }
  | { kind: 'not_refundable' }

/**
 * What a purpose (e.g. 'offer') does with its payments: complete itself in the very
 * transaction that records the approval (so a crash leaves both or neither), and name
 * the approved payments it owes back, which `reconcile()` refunds.
 */
export interface PurposeHooks {
  /**
   * Returns what the receipt names as the payment's object (an offer's number). `actor` is who
   * the approval is credited to: the payer when their own request (the return from the hosted
   * page, their offer's page) learnt it, the system for the reconciler's work.
   */
  onApproved?(trx: Transaction<Database>, payment: Payment, now: Date, actor: Actor): Promise<{ reference: string } | undefined>
  refundsOwed?(db: Db, limit: number): Promise<Array<{ paymentId: string; reason: RefundReason }>>
  /**
   * Where a form POSTs to pay for the purpose again after a payment that did not go through
   * (the purpose's route calls `startPayment`, so one payment at a time and one charge), in `lang`.
   */
  retryAction?(payment: Payment, lang: 'en' | 'fr'): string | undefined
}

/** A checkout the gateway still calls open after this long is treated as abandoned. */
export const CHECKOUT_MAX_AGE_MINUTES = 120

export function paymentIdempotencyKey(paymentId: string): string {
  return `payment-${paymentId}`
}
export function refundIdempotencyKey(refundId: string): string {
  return `refund-${refundId}`
}

/** Who a payment's step is credited to when the caller named no actor: the user (no address known), else the system. */
const actorOf = (userId: string | null | undefined): Actor => (userId ? { userId, label: `user:${userId}` } : SYSTEM_ACTOR)

/** An offer's fee payment named for its notifications' links; other payments are looked up by receipt (and link nowhere). */
const offerPaymentIds = (p: Pick<Payment, 'id' | 'purpose_type' | 'purpose_id'>): OfferIds | undefined =>
  p.purpose_type === 'offer' ? { offerId: p.purpose_id, paymentId: p.id } : undefined

export class PaymentService {
  private readonly purposes = new Map<string, PurposeHooks>()

  constructor(private readonly deps: PaymentServiceDeps) {}

  /** The fee a payment started now charges, in integer cents (the administrators' setting, else FEE_CENTS). */
  async currentFeeCents(): Promise<number> {
    return this.deps.currentFeeCents ? this.deps.currentFeeCents() : this.deps.feeCents
  }

  /** Called once per purpose type by the feature that owns it (the composition root wires it). */
  registerPurpose(purposeType: string, hooks: PurposeHooks): void {
    this.purposes.set(purposeType, hooks)
  }

  /** Where "Try again" POSTs for this payment's purpose (`PurposeHooks.retryAction`), if it has such a step. */
  retryAction(payment: Payment, lang: 'en' | 'fr'): string | undefined {
    return this.purposes.get(payment.purpose_type)?.retryAction?.(payment, lang)
  }

  returnUrl(payment: Pick<Payment, 'id' | 'lang'>): string {
    return `${this.deps.publicBaseUrl}/${payment.lang}/payments/${payment.id}/return`
  }

  /**
   * Starts (or resumes) the payment of a purpose. Calling it again, from another tab
   * or concurrently, gives the same payment and the same checkout.
   */
  async startPayment(input: StartPaymentInput): Promise<StartPaymentResult> {
    const amountCents = input.amountCents ?? (await this.currentFeeCents())
    for (let attempt = 0; attempt < 5; attempt++) {
      const active = await repo.findActiveForPurpose(this.deps.db, input.purposeType, input.purposeId)
      if (active?.status === 'approved') return { kind: 'already_paid', payment: active }
      if (active) {
        if (active.checkout_ref && active.redirect_url) {
          // Back from the hosted page without the return (Back button, closed tab): ask the gateway first.
          const { payment } = await this.confirmPayment(active.id, input.actor ?? actorOf(input.userId))
          if (payment.status === 'approved') return { kind: 'already_paid', payment }
          if (payment.status === 'pending') return { kind: 'redirect', payment, redirectUrl: payment.redirect_url! }
          continue // it ended (declined, cancelled, expired…): start a fresh payment
        }
        return this.ensureCheckout(active, input.actor ?? actorOf(input.userId))
      }
      const now = this.deps.clock.now()
      const id = crypto.randomUUID()
      const actor = input.actor ?? actorOf(input.userId)
      const inserted = await this.deps.db.transaction().execute(async (trx) => {
        const row = await repo.insertPendingIfNone(trx, {
          id,
          purpose_type: input.purposeType,
          purpose_id: input.purposeId,
          business_id: input.businessId ?? null,
          created_by_user_id: input.userId ?? null,
          amount_cents: amountCents,
          gateway: this.deps.gatewayName,
          idempotency_key: paymentIdempotencyKey(id),
          continue_path: input.continuePath ?? null,
          lang: input.lang,
          created_at: now,
        })
        if (row) {
          await audit(trx, actor, now, {
            action: 'payment.started',
            businessId: row.business_id,
            objectType: 'payment',
            objectId: row.id,
            details: { amountCents: row.amount_cents, purposeType: row.purpose_type, purposeId: row.purpose_id, gateway: row.gateway },
          })
        }
        return row
      })
      if (inserted) return this.ensureCheckout(inserted, actor)
      // Another request created the purpose's payment a moment ago: use it.
    }
    throw new Error(`could not start a payment for ${input.purposeType} ${input.purposeId}`)
  }

  /** Gets the payment's checkout from the gateway; the idempotency key makes a repeat give the same one. */
  private async ensureCheckout(payment: Payment, actor: Actor): Promise<StartPaymentResult> {
    let checkout
    try {
      checkout = await this.deps.gateway.startCheckout({
        idempotencyKey: payment.idempotency_key,
        amountCents: payment.amount_cents,
        currency: 'CAD',
        returnUrl: this.returnUrl(payment),
        lang: payment.lang,
      })
    } catch (err) {
      if (!(err instanceof GatewayUnavailableError)) throw err
      this.deps.log?.warn({ err, paymentId: payment.id }, 'payment gateway did not answer the start')
      const failed = await this.endWithoutCharge(payment, (trx) => repo.failUnstarted(trx, payment.id, 'gateway_unavailable', this.deps.clock.now()), actor)
      return { kind: 'unavailable', payment: failed ?? (await repo.findPayment(this.deps.db, payment.id))! }
    }
    const updated =
      (await repo.setCheckout(this.deps.db, payment.id, { checkout_ref: checkout.checkoutRef, redirect_url: checkout.redirectUrl }, this.deps.clock.now())) ??
      (await repo.findPayment(this.deps.db, payment.id))!
    if (updated.status === 'pending' && updated.redirect_url) return { kind: 'redirect', payment: updated, redirectUrl: updated.redirect_url }
    if (updated.status === 'approved') return { kind: 'already_paid', payment: updated }
    return { kind: 'unavailable', payment: updated }
  }

  /**
   * Asks the gateway how a pending payment ended and records it once. Confirming a
   * settled payment changes nothing. The browser's query string is never read. `actor`:
   * whose request asks (the payer's return or page: the audit trail credits them, with their
   * address); the system by default (the reconciler).
   */
  async confirmPayment(paymentId: string, actor: Actor = SYSTEM_ACTOR): Promise<ConfirmResult> {
    const payment = await repo.findPayment(this.deps.db, paymentId)
    if (!payment) throw new Error(`no payment ${paymentId}`)
    if (payment.status !== 'pending' || !payment.checkout_ref) return { payment, unconfirmed: false }
    let outcome: CheckoutOutcome
    try {
      outcome = await this.deps.gateway.confirm({ checkoutRef: payment.checkout_ref, idempotencyKey: payment.idempotency_key })
    } catch (err) {
      if (!(err instanceof GatewayUnavailableError)) throw err
      this.deps.log?.warn({ err, paymentId }, 'payment gateway did not answer the confirmation')
      return { payment, unconfirmed: true }
    }
    return { payment: await this.record(payment, outcome, actor), unconfirmed: false }
  }

  private async record(payment: Payment, outcome: CheckoutOutcome, actor: Actor): Promise<Payment> {
    const now = this.deps.clock.now()
    // A payment that ends without a charge: recorded once, with its audit entry in the same transaction.
    const settle = async (changes: Parameters<typeof repo.settlePending>[2]) =>
      (await this.endWithoutCharge(payment, (trx) => repo.settlePending(trx, payment.id, { ...changes, updated_at: now }), actor)) ??
      (await repo.findPayment(this.deps.db, payment.id))!
    switch (outcome.status) {
      case 'open':
        return payment
      case 'declined':
        return settle({ status: 'declined', failure_reason: outcome.reason })
      case 'no_answer':
        return settle({ status: 'failed', failure_reason: 'no_answer' })
      case 'cancelled':
        return settle({ status: 'cancelled' })
      case 'expired':
        return settle({ status: 'expired' })
      case 'approved': {
        if (outcome.amountCents !== payment.amount_cents) {
          this.deps.log?.error({ paymentId: payment.id, expected: payment.amount_cents, got: outcome.amountCents }, 'payment approved for a different amount')
          return settle({ status: 'failed', failure_reason: 'amount_mismatch' })
        }
        const approvedAt = Number.isNaN(outcome.approvedAt.getTime()) ? now : outcome.approvedAt
        return this.deps.db.transaction().execute(async (trx) => {
          const receipt = await repo.nextReceiptNumber(trx, approvedAt.getUTCFullYear())
          const approved = await repo.settlePending(trx, payment.id, {
            status: 'approved',
            receipt_number: receipt,
            approved_at: approvedAt,
            card_brand: outcome.cardBrand,
            card_last4: outcome.cardLast4,
            gateway_transaction_id: outcome.transactionId,
            gateway_order_ref: outcome.orderRef,
            failure_reason: null,
            updated_at: now,
          })
          if (!approved) return (await repo.findPayment(trx, payment.id))!
          await audit(trx, actor, now, {
            action: 'payment.approved',
            businessId: payment.business_id,
            objectType: 'payment',
            objectId: payment.id,
            details: { receipt, amountCents: payment.amount_cents, purposeType: payment.purpose_type, purposeId: payment.purpose_id },
          })
          const completed = await this.purposes.get(payment.purpose_type)?.onApproved?.(trx, approved, now, actor)
          await this.sendReceipt(trx, approved, completed?.reference ?? '', now)
          return approved
        })
      }
    }
  }

  /** The receipt, kept in the payer's account messages and e-mailed, in the same transaction as the approval. */
  private async sendReceipt(trx: Transaction<Database>, p: Payment, reference: string, now: Date): Promise<void> {
    if (!(await this.payerExists(trx, p))) return
    const business = p.business_id ? await trx.selectFrom('business').select('legal_name').where('id', '=', p.business_id).executeTakeFirst() : undefined
    await notifyUser(trx, {
      userId: p.created_by_user_id!,
      template: 'paymentReceipt',
      params: {
        receipt: p.receipt_number ?? '',
        // Dates and amounts in the words of the language the message is read in (rendered again per page and e-mail).
        date: eachLanguage((lang) => formatInZone(lang, p.approved_at ?? now, this.timeZone, 'dateTime')),
        amount: eachLanguage((lang) => formatMoney(p.amount_cents, lang)),
        card: `${p.card_brand ?? ''} •••• ${p.card_last4 ?? ''}`.trim(),
        offerNumber: reference,
        business: business?.legal_name ?? '',
      },
      ids: offerPaymentIds(p),
      now,
    })
  }

  /** Payments started by the system (or by a person since removed) have nobody to notify. */
  private async payerExists(trx: Transaction<Database>, p: Payment): Promise<boolean> {
    if (!p.created_by_user_id) return false
    return !!(await trx.selectFrom('app_user').select('id').where('id', '=', p.created_by_user_id).executeTakeFirst())
  }

  private get timeZone(): string {
    return this.deps.timeZone ?? 'America/Toronto'
  }

  /** Ends a pending payment without a charge (once) and audits it in the same transaction, credited to `actor`. */
  private endWithoutCharge(payment: Pick<Payment, 'id' | 'business_id'>, change: (trx: Transaction<Database>) => Promise<Payment | undefined>, actor: Actor = SYSTEM_ACTOR): Promise<Payment | undefined> {
    return this.deps.db.transaction().execute(async (trx) => {
      const ended = await change(trx)
      if (ended) {
        await audit(trx, actor, this.deps.clock.now(), {
          action: `payment.${ended.status}`,
          businessId: payment.business_id,
          objectType: 'payment',
          objectId: payment.id,
          details: { reason: ended.failure_reason },
        })
      }
      return ended
    })
  }

  /**
   * Settles pending payments whose return from the hosted page never came: asks the
   * gateway about each one older than `graceMinutes`, and retries refunds left pending.
   * Safe to run from several processes: every change is conditional on the old status.
   */
  async reconcile(options: { graceMinutes?: number; limit?: number } = {}): Promise<{ examined: number; settled: number }> {
    const now = this.deps.clock.now()
    const before = new Date(now.getTime() - (options.graceMinutes ?? 15) * 60_000)
    const stale = await repo.pendingOlderThan(this.deps.db, before, options.limit ?? 100)
    let settled = 0
    for (const payment of stale) {
      if (!payment.checkout_ref) {
        // The start never reached the gateway's answer: nobody was sent to a card page.
        if (await this.endWithoutCharge(payment, (trx) => repo.failUnstarted(trx, payment.id, 'never_started', now))) settled++
        continue
      }
      const { payment: after, unconfirmed } = await this.confirmPayment(payment.id)
      if (after.status !== 'pending') {
        settled++
      } else if (!unconfirmed && now.getTime() - payment.created_at.getTime() > CHECKOUT_MAX_AGE_MINUTES * 60_000) {
        if (await this.endWithoutCharge(payment, (trx) => repo.settlePending(trx, payment.id, { status: 'expired', failure_reason: 'abandoned', updated_at: now }))) settled++
      }
    }
    // Refunds a purpose owes (an offer withdrawn, a payment that came after the offer moved on).
    for (const hooks of this.purposes.values()) {
      for (const owed of (await hooks.refundsOwed?.(this.deps.db, options.limit ?? 100)) ?? []) {
        const r = await this.refundPayment(owed.paymentId, { reason: owed.reason })
        if (r.kind === 'refunded') settled++
      }
    }
    // Refunds the gateway did not answer: asked again with their own key, so never twice.
    for (const refund of await repo.pendingRefundsOlderThan(this.deps.db, before, options.limit ?? 100)) {
      const r = await this.refundPayment(refund.payment_id)
      if (r.kind === 'refunded' || r.kind === 'failed') settled++
    }
    return { examined: stale.length, settled }
  }

  /** Refunds an approved payment in full, once. Calling it again returns the same refund. */
  async refundPayment(paymentId: string, input: { reason?: RefundReason | null; actor?: Actor } = {}): Promise<RefundResult> {
    const payment = await repo.findPayment(this.deps.db, paymentId)
    if (!payment || (payment.status !== 'approved' && payment.status !== 'refunded')) return { kind: 'not_refundable' }
    let refund = await repo.findLiveRefund(this.deps.db, payment.id)
    if (!refund) {
      const id = crypto.randomUUID()
      refund =
        (await repo.insertRefundIfNone(this.deps.db, {
          id,
          payment_id: payment.id,
          amount_cents: payment.amount_cents,
          idempotency_key: refundIdempotencyKey(id),
          reason: input.reason?.code ?? null,
          reason_detail: input.reason?.detail ?? null,
          requested_by_user_id: input.actor?.userId ?? null,
          created_at: this.deps.clock.now(),
        })) ?? (await repo.findLiveRefund(this.deps.db, payment.id))!
    }
    if (refund.status === 'succeeded') return { kind: 'refunded', refund }
    let outcome
    try {
      outcome = await this.deps.gateway.refund({
        idempotencyKey: refund.idempotency_key,
        checkoutRef: payment.checkout_ref!,
        transactionId: payment.gateway_transaction_id!,
        orderRef: payment.gateway_order_ref ?? payment.idempotency_key,
        amountCents: refund.amount_cents,
      })
    } catch (err) {
      if (!(err instanceof GatewayUnavailableError)) throw err
      this.deps.log?.warn({ err, paymentId, refundId: refund.id }, 'payment gateway did not answer the refund')
      return { kind: 'pending', refund }
    }
    const now = this.deps.clock.now()
    if (outcome.status === 'failed') {
      const failed = (await repo.finishRefund(this.deps.db, refund.id, { status: 'failed', failure_reason: outcome.reason, completed_at: now })) ?? refund
      return { kind: 'failed', refund: failed }
    }
    return this.deps.db.transaction().execute(async (trx) => {
      const done = await repo.finishRefund(trx, refund.id, { status: 'succeeded', gateway_refund_id: outcome.refundId, completed_at: now })
      if (done) {
        await repo.setPaymentStatus(trx, payment.id, 'approved', 'refunded', now)
        await audit(trx, input.actor ?? SYSTEM_ACTOR, now, {
          action: 'payment.refunded',
          businessId: payment.business_id,
          objectType: 'payment',
          objectId: payment.id,
          details: { refundId: refund.id, amountCents: refund.amount_cents, gatewayRefundId: outcome.refundId, reason: refund.reason, reasonDetail: refund.reason_detail },
        })
        if (await this.payerExists(trx, payment)) {
          await notifyUser(trx, {
            userId: payment.created_by_user_id!,
            template: 'paymentRefunded',
            params: { receipt: payment.receipt_number ?? '', amount: eachLanguage((lang) => formatMoney(refund.amount_cents, lang)), reason: eachLanguage((lang) => refundReasonText(lang, refund)) },
            ids: offerPaymentIds(payment),
            now,
          })
        }
      }
      return { kind: 'refunded' as const, refund: done ?? (await repo.findLiveRefund(trx, payment.id))! }
    })
  }

  findPayment(id: string): Promise<Payment | undefined> {
    return repo.findPayment(this.deps.db, id)
  }

  findByCheckoutRef(checkoutRef: string): Promise<Payment | undefined> {
    return repo.findByCheckoutRef(this.deps.db, checkoutRef)
  }

  refundsOf(paymentId: string): Promise<PaymentRefund[]> {
    return repo.refundsOf(this.deps.db, paymentId)
  }
}
