import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import { TestClock } from '../../platform/clock.ts'
import { freshDatabase, usingPostgres } from '../../../tests/helpers/database.ts'
import { GatewayUnavailableError, type PaymentGateway } from './payment.gateway.ts'
import { startPaymentReconciler } from './payment.reconciler.ts'
import { PaymentService, type StartPaymentInput } from './payment.service.ts'
import { EmbeddedTestGateway } from './test-gateway.gateway.ts'
import * as store from './test-gateway.repository.ts'

/** A gateway that can be switched off, to play "the gateway does not answer" server to server. */
class FlakyGateway implements PaymentGateway {
  down = false
  calls = { start: 0, confirm: 0, refund: 0 }
  constructor(private readonly inner: PaymentGateway) {}
  private check(): void {
    if (this.down) throw new GatewayUnavailableError('switched off by the test')
  }
  startCheckout(...a: Parameters<PaymentGateway['startCheckout']>) {
    this.calls.start++
    this.check()
    return this.inner.startCheckout(...a)
  }
  confirm(...a: Parameters<PaymentGateway['confirm']>) {
    this.calls.confirm++
    this.check()
    return this.inner.confirm(...a)
  }
  refund(...a: Parameters<PaymentGateway['refund']>) {
    this.calls.refund++
    this.check()
    return this.inner.refund(...a)
  }
}

describe('payment service (embedded test gateway)', () => {
  let database: DatabaseHandle
  let clock: TestClock
  let embedded: EmbeddedTestGateway
  let gateway: FlakyGateway
  let service: PaymentService

  before(async () => {
    database = await freshDatabase()
  })
  after(() => database.close())
  beforeEach(() => {
    clock = new TestClock('2026-11-23T15:00:00Z')
    embedded = new EmbeddedTestGateway({ db: database.db, clock, publicBaseUrl: 'http://portal.test' })
    gateway = new FlakyGateway(embedded)
    service = new PaymentService({ db: database.db, clock, gateway, gatewayName: 'embedded', publicBaseUrl: 'http://portal.test', feeCents: 23000 })
  })

  const purpose = () => ({ purposeType: 'offer', purposeId: crypto.randomUUID(), lang: 'en' as const })

  /** What the person does on the hosted page (the card form writes exactly this). */
  async function payAtHostedPage(checkoutRef: string, status: 'approved' | 'declined' | 'no_answer' | 'cancelled' = 'approved') {
    await store.completeCheckout(database.db, checkoutRef, {
      status,
      card_brand: status === 'cancelled' ? null : 'Visa',
      card_last4: status === 'cancelled' ? null : '4242',
      transaction_id: status === 'approved' ? `TG-${crypto.randomUUID()}` : null,
      completed_at: clock.now(),
    })
  }

  async function started(p: StartPaymentInput = purpose()) {
    const r = await service.startPayment(p)
    assert.equal(r.kind, 'redirect')
    if (r.kind !== 'redirect') throw new Error('unreachable')
    return r
  }

  it('starting twice with the same key gives the same checkout, at the gateway and in the service', async () => {
    const req = { idempotencyKey: `k-${crypto.randomUUID()}`, amountCents: 23000, currency: 'CAD' as const, returnUrl: 'http://portal.test/r', lang: 'fr' as const }
    const a = await embedded.startCheckout(req)
    const b = await embedded.startCheckout(req)
    assert.deepEqual(a, b)
    assert.match(a.redirectUrl, /^http:\/\/portal\.test\/fr\/test-gateway\/checkouts\/[0-9a-f-]{36}$/)

    const p = purpose()
    const first = await started(p)
    const second = await started(p)
    assert.equal(second.payment.id, first.payment.id)
    assert.equal(second.redirectUrl, first.redirectUrl)
    assert.equal(first.payment.idempotency_key, `payment-${first.payment.id}`)
    assert.equal(first.payment.amount_cents, 23000)
    const checkouts = await database.db.selectFrom('test_gateway_checkout').selectAll().where('idempotency_key', '=', first.payment.idempotency_key).execute()
    assert.equal(checkouts.length, 1)
  })

  it('records an approval once, with a receipt, however often it is confirmed', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    const [a, b] = await Promise.all([service.confirmPayment(payment.id), service.confirmPayment(payment.id)])
    const c = await service.confirmPayment(payment.id)
    assert.equal(a.payment.status, 'approved')
    assert.equal(b.payment.receipt_number, a.payment.receipt_number)
    assert.equal(c.payment.receipt_number, a.payment.receipt_number)
    assert.match(a.payment.receipt_number!, /^EC-2026-\d{6}$/)
    assert.equal(a.payment.card_brand, 'Visa')
    assert.equal(a.payment.card_last4, '4242')
    assert.ok(a.payment.gateway_transaction_id?.startsWith('TG-'))
    assert.equal(a.payment.approved_at?.toISOString(), '2026-11-23T15:00:00.000Z')
    const audits = await database.db.selectFrom('audit_event').selectAll().where('object_id', '=', payment.id).where('action', '=', 'payment.approved').execute()
    assert.equal(audits.length, 1)
    // Paid: starting again for the same purpose does not charge twice.
    const again = await service.startPayment({ purposeType: payment.purpose_type, purposeId: payment.purpose_id, lang: 'en' })
    assert.equal(again.kind, 'already_paid')
    assert.equal(again.payment.id, payment.id)
  })

  for (const [outcome, status, reason] of [
    ['declined', 'declined', 'card_declined'],
    ['no_answer', 'failed', 'no_answer'],
    ['cancelled', 'cancelled', null],
  ] as const) {
    it(`a ${outcome} checkout leaves the purpose retryable with a new payment`, async () => {
      const p = purpose()
      const { payment } = await started(p)
      await payAtHostedPage(payment.checkout_ref!, outcome)
      const { payment: settled } = await service.confirmPayment(payment.id)
      assert.equal(settled.status, status)
      assert.equal(settled.failure_reason, reason)
      assert.equal(settled.receipt_number, null)
      const retry = await started(p)
      assert.notEqual(retry.payment.id, payment.id)
      assert.notEqual(retry.payment.checkout_ref, payment.checkout_ref)
    })
  }

  it('audits every step: started, declined, started again, approved, refunded', async () => {
    const p = purpose()
    const userId = crypto.randomUUID()
    const first = await started({ ...p, userId })
    await payAtHostedPage(first.payment.checkout_ref!, 'declined')
    await service.confirmPayment(first.payment.id)
    await service.confirmPayment(first.payment.id)
    const second = await started({ ...p, userId })
    await payAtHostedPage(second.payment.checkout_ref!)
    await service.confirmPayment(second.payment.id)
    await service.refundPayment(second.payment.id, { actor: { userId, label: 'officer' } })
    const rows = await database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_user_id', 'object_id'])
      .where('object_id', 'in', [first.payment.id, second.payment.id])
      .orderBy('id')
      .execute()
    assert.deepEqual(
      rows.map((r) => [r.action, r.object_id === first.payment.id ? 1 : 2, r.actor_user_id]),
      [
        ['payment.started', 1, userId],
        ['payment.declined', 1, null],
        ['payment.started', 2, userId],
        ['payment.approved', 2, null],
        ['payment.refunded', 2, userId],
      ],
    )
  })

  it('a start the gateway does not answer fails cleanly and can be retried', async () => {
    const p = purpose()
    gateway.down = true
    const r = await service.startPayment(p)
    assert.equal(r.kind, 'unavailable')
    assert.equal(r.payment.status, 'failed')
    assert.equal(r.payment.failure_reason, 'gateway_unavailable')
    gateway.down = false
    const retry = await started(p)
    assert.notEqual(retry.payment.id, r.payment.id)
  })

  it('keeps a payment pending when the confirmation gets no answer, and reconciliation settles it later', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    gateway.down = true
    const r = await service.confirmPayment(payment.id)
    assert.equal(r.unconfirmed, true)
    assert.equal(r.payment.status, 'pending')
    clock.advanceMinutes(20)
    const nothing = await service.reconcile()
    assert.equal((await service.findPayment(payment.id))!.status, 'pending')
    assert.ok(nothing.examined >= 1)
    gateway.down = false
    await service.reconcile()
    assert.equal((await service.findPayment(payment.id))!.status, 'approved')
  })

  it('reconciliation settles an abandoned approved checkout (the return never came)', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    // Nobody calls confirmPayment: the browser never came back.
    const early = await service.reconcile({ graceMinutes: 15 })
    assert.equal((await service.findPayment(payment.id))!.status, 'pending', 'too recent to reconcile')
    assert.equal(early.settled, 0)
    clock.advanceMinutes(16)
    const r = await service.reconcile({ graceMinutes: 15 })
    assert.ok(r.settled >= 1)
    const settled = (await service.findPayment(payment.id))!
    assert.equal(settled.status, 'approved')
    assert.ok(settled.receipt_number)
  })

  it('reconciliation expires a checkout nobody completed, freeing the purpose', async () => {
    const p = purpose()
    const { payment } = await started(p)
    clock.advanceMinutes(31)
    await service.reconcile()
    const expired = (await service.findPayment(payment.id))!
    assert.equal(expired.status, 'expired')
    assert.notEqual((await started(p)).payment.id, payment.id)
  })

  it('refunds once, with its own idempotency key, however often it is asked', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    await service.confirmPayment(payment.id)
    const [a, b] = await Promise.all([service.refundPayment(payment.id, { reason: { code: 'offer_withdrawn' } }), service.refundPayment(payment.id)])
    const c = await service.refundPayment(payment.id)
    assert.equal(a.kind, 'refunded')
    assert.equal(b.kind, 'refunded')
    assert.equal(c.kind, 'refunded')
    const refunds = await service.refundsOf(payment.id)
    assert.equal(refunds.length, 1)
    assert.equal(refunds[0]!.status, 'succeeded')
    assert.equal(refunds[0]!.idempotency_key, `refund-${refunds[0]!.id}`)
    assert.equal(refunds[0]!.amount_cents, 23000)
    const atGateway = await database.db.selectFrom('test_gateway_refund').selectAll().where('checkout_id', '=', payment.checkout_ref!).execute()
    assert.equal(atGateway.length, 1, 'the gateway refunded once')
    assert.equal((await service.findPayment(payment.id))!.status, 'refunded')
    // The gateway itself answers a repeated key with the first refund.
    const again = await embedded.refund({
      idempotencyKey: refunds[0]!.idempotency_key,
      checkoutRef: payment.checkout_ref!,
      transactionId: (await service.findPayment(payment.id))!.gateway_transaction_id!,
      orderRef: payment.idempotency_key,
      amountCents: 23000,
    })
    assert.deepEqual(again, { status: 'succeeded', refundId: refunds[0]!.gateway_refund_id })
  })

  it('a refund the gateway does not answer stays pending and completes with the same key later', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    await service.confirmPayment(payment.id)
    gateway.down = true
    const first = await service.refundPayment(payment.id)
    assert.equal(first.kind, 'pending')
    gateway.down = false
    const second = await service.refundPayment(payment.id)
    assert.equal(second.kind, 'refunded')
    if (first.kind === 'pending' && second.kind === 'refunded') assert.equal(second.refund.id, first.refund.id)
    assert.equal((await service.refundsOf(payment.id)).length, 1)
  })

  it('reconciliation retries a refund the gateway did not answer, with the same key', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    await service.confirmPayment(payment.id)
    gateway.down = true
    assert.equal((await service.refundPayment(payment.id)).kind, 'pending')
    gateway.down = false
    clock.advanceMinutes(16)
    await service.reconcile()
    const refunds = await service.refundsOf(payment.id)
    assert.deepEqual(refunds.map((r) => r.status), ['succeeded'])
    assert.equal((await service.findPayment(payment.id))!.status, 'refunded')
  })

  it('the reconciler runs reconcile() on its interval, one pass at a time, and stops', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] })
    let passes = 0
    const fake = { reconcile: async () => ({ examined: ++passes, settled: 0 }) } as unknown as PaymentService
    const reconciler = startPaymentReconciler(fake, { intervalMs: 1000 })
    t.mock.timers.tick(1000)
    await reconciler.stop()
    t.mock.timers.tick(5000)
    assert.equal(passes, 1)
  })

  it('refuses an approval for another amount than the payment\'s', async () => {
    const { payment } = await started()
    await payAtHostedPage(payment.checkout_ref!)
    const lying: PaymentGateway = {
      startCheckout: (r) => embedded.startCheckout(r),
      confirm: async (r) => {
        const o = await embedded.confirm(r)
        return o.status === 'approved' ? { ...o, amountCents: 100 } : o
      },
      refund: (r) => embedded.refund(r),
    }
    const other = new PaymentService({ db: database.db, clock, gateway: lying, gatewayName: 'embedded', publicBaseUrl: 'http://portal.test', feeCents: 23000 })
    const { payment: settled } = await other.confirmPayment(payment.id)
    assert.equal(settled.status, 'failed')
    assert.equal(settled.failure_reason, 'amount_mismatch')
    assert.equal(settled.receipt_number, null)
  })

  it('reconciliation fails a payment whose start never got a checkout (a crash between the two)', async () => {
    const p = purpose()
    gateway.down = true
    // The start fails cleanly; to play a crash, put the row back to pending without a checkout.
    const r = await service.startPayment(p)
    await database.db.updateTable('payment').set({ status: 'pending', failure_reason: null }).where('id', '=', r.payment.id).execute()
    gateway.down = false
    clock.advanceMinutes(16)
    await service.reconcile()
    const after = (await service.findPayment(r.payment.id))!
    assert.equal(after.status, 'failed')
    assert.equal(after.failure_reason, 'never_started')
  })

  it('refuses to refund a payment that was not approved', async () => {
    const { payment } = await started()
    assert.equal((await service.refundPayment(payment.id)).kind, 'not_refundable')
  })

  it('many concurrent starts for one purpose make one payment and one checkout', async () => {
    const p = purpose()
    const results = await Promise.all(Array.from({ length: 20 }, () => service.startPayment(p)))
    const ids = new Set(results.map((r) => r.payment.id))
    assert.equal(ids.size, 1)
    assert.ok(results.every((r) => r.kind === 'redirect'))
    const rows = await database.db.selectFrom('payment').select('id').where('purpose_id', '=', p.purposeId).execute()
    assert.equal(rows.length, 1)
    const checkouts = await database.db.selectFrom('test_gateway_checkout').select('id').where('idempotency_key', '=', results[0]!.payment.idempotency_key).execute()
    assert.equal(checkouts.length, 1)
  })

  if (usingPostgres()) {
    it('PostgreSQL: concurrent starts from separate connections still make one payment (real contention)', async (t) => {
      const startsBefore = gateway.calls.start
      for (let round = 0; round < 5; round++) {
        const p = purpose()
        // Each service call runs on its own pooled connection; the partial unique index arbitrates.
        const results = await Promise.all(Array.from({ length: 10 }, () => service.startPayment(p)))
        assert.equal(new Set(results.map((r) => r.payment.id)).size, 1)
        const rows = await database.db.selectFrom('payment').select(['id', 'status']).where('purpose_id', '=', p.purposeId).execute()
        assert.equal(rows.length, 1)
        assert.equal(new Set(results.map((r) => (r.kind === 'redirect' ? r.redirectUrl : ''))).size, 1)
      }
      // How many callers raced into the gateway with the same key (its idempotency kept one checkout each).
      t.diagnostic(`gateway starts for 5 purposes x 10 callers: ${gateway.calls.start - startsBefore}`)
    })
  }
})
