import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { DatabaseHandle } from '../../db/connect.ts'
import { TestClock } from '../../platform/clock.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { startMonerisStandIn, STAND_IN_CREDENTIALS, type MonerisStandIn } from './moneris-stand-in.ts'
import { MonerisCheckoutGateway } from './moneris.gateway.ts'
import { GatewayUnavailableError } from './payment.gateway.ts'
import { PaymentService } from './payment.service.ts'
import { gatewayFromConfig } from './payment.gateways.ts'
import { startSession } from '../auth/session-lifecycle.ts'
import { testApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { translator } from '../../i18n/i18n.ts'
import { monerisCheckoutBody } from './payment.moneris-page.ts'
import type { Payment } from './payment.tables.ts'

describe('Moneris Checkout adapter against a local stand-in', () => {
  let standIn: MonerisStandIn
  let gateway: MonerisCheckoutGateway
  before(async () => {
    standIn = await startMonerisStandIn()
    gateway = new MonerisCheckoutGateway({
      ...STAND_IN_CREDENTIALS,
      environment: 'qa',
      checkoutRequestUrl: `${standIn.url}/chktv2/request/request.php`,
      hostedPageUrl: 'http://portal.test/{lang}/payments/moneris/{ticket}',
      gatewayRequestUrl: `${standIn.url}/gateway2/servlet/MpgRequest`,
      timeoutMs: 500,
    })
  })
  after(() => standIn.close())
  beforeEach(() => {
    standIn.mode = 'up'
    standIn.requests.length = 0
  })

  const start = (key = `payment-${crypto.randomUUID()}`) =>
    gateway.startCheckout({ idempotencyKey: key, amountCents: 23000, currency: 'CAD', returnUrl: 'http://portal.test/r', lang: 'fr' })

  it('preload sends the documented fields and returns the ticket and the hosted page', async () => {
    const key = `payment-${crypto.randomUUID()}`
    const checkout = await start(key)
    const sent = JSON.parse(standIn.requests[0]!.body) as Record<string, unknown>
    assert.deepEqual(
      { ...sent },
      { store_id: 'store5', api_token: 'yesguy', checkout_id: 'chktSTANDIN', environment: 'qa', action: 'preload', txn_total: '230.00', order_no: key, language: 'fr' },
    )
    assert.ok(standIn.tickets.has(checkout.checkoutRef))
    assert.equal(checkout.redirectUrl, `http://portal.test/fr/payments/moneris/${encodeURIComponent(checkout.checkoutRef)}`)
  })

  it('receipt: open until completed, then approved with card brand, last four and transaction number', async () => {
    const checkout = await start()
    assert.deepEqual(await gateway.confirm({ checkoutRef: checkout.checkoutRef, idempotencyKey: 'k' }), { status: 'open' })
    standIn.complete(checkout.checkoutRef, 'approved', { type: 'M', first6last4: '5555554444' })
    const outcome = await gateway.confirm({ checkoutRef: checkout.checkoutRef, idempotencyKey: 'k' })
    assert.equal(outcome.status, 'approved')
    if (outcome.status !== 'approved') return
    assert.equal(outcome.amountCents, 23000)
    assert.equal(outcome.cardBrand, 'Mastercard')
    assert.equal(outcome.cardLast4, '4444')
    assert.equal(outcome.transactionId, standIn.tickets.get(checkout.checkoutRef)!.transactionNo)
    assert.equal(outcome.approvedAt.toISOString(), '2026-11-23T15:00:05.000Z')
    const receiptRequest = JSON.parse(standIn.requests.at(-1)!.body) as Record<string, unknown>
    assert.equal(receiptRequest.action, 'receipt')
    assert.equal(receiptRequest.ticket, checkout.checkoutRef)
  })

  it('receipt: declined', async () => {
    const checkout = await start()
    standIn.complete(checkout.checkoutRef, 'declined')
    const outcome = await gateway.confirm({ checkoutRef: checkout.checkoutRef, idempotencyKey: 'k' })
    assert.deepEqual(outcome, { status: 'declined', reason: 'response_code_481' })
  })

  it('refund: the Gateway API refund transaction with the purchase order and transaction number; a second one over the amount is refused', async () => {
    const key = `payment-${crypto.randomUUID()}`
    const checkout = await start(key)
    standIn.complete(checkout.checkoutRef, 'approved')
    const approved = await gateway.confirm({ checkoutRef: checkout.checkoutRef, idempotencyKey: key })
    assert.equal(approved.status, 'approved')
    if (approved.status !== 'approved') return
    const request = { idempotencyKey: 'refund-1', checkoutRef: checkout.checkoutRef, transactionId: approved.transactionId, orderRef: approved.orderRef, amountCents: 23000 }
    const refund = await gateway.refund(request)
    assert.equal(refund.status, 'succeeded')
    const xml = standIn.requests.at(-1)!.body
    assert.match(xml, new RegExp(`<refund><order_id>${key}</order_id><amount>230.00</amount><txn_number>${approved.transactionId}</txn_number><crypt_type>7</crypt_type>`))
    assert.equal((await gateway.refund(request)).status, 'failed', 'Moneris itself would refund twice: the service must never ask twice')
  })

  it('a gateway that answers 503 or does not answer at all is "unavailable", not a result', async () => {
    standIn.mode = 'down'
    await assert.rejects(start(), GatewayUnavailableError)
    standIn.mode = 'hang'
    await assert.rejects(gateway.confirm({ checkoutRef: 'x', idempotencyKey: 'k' }), GatewayUnavailableError)
  })

  describe('behind the payment service', () => {
    let database: DatabaseHandle
    before(async () => {
      database = await freshDatabase()
    })
    after(() => database.close())

    it('pays, records the receipt once and refunds once, knowing only the port', async () => {
      const clock = new TestClock('2026-11-23T15:00:00Z')
      const service = new PaymentService({ db: database.db, clock, gateway, gatewayName: 'moneris', publicBaseUrl: 'http://portal.test', feeCents: 23000 })
      const purpose = { purposeType: 'offer', purposeId: crypto.randomUUID(), lang: 'en' as const }
      const started = await service.startPayment(purpose)
      assert.equal(started.kind, 'redirect')
      const again = await service.startPayment(purpose)
      assert.equal(again.payment.checkout_ref, started.payment.checkout_ref, 'the stored ticket is reused, no second preload')
      assert.equal([...standIn.tickets.values()].filter((t) => t.orderNo === started.payment.idempotency_key).length, 1)
      standIn.complete(started.payment.checkout_ref!, 'approved')
      const { payment } = await service.confirmPayment(started.payment.id)
      await service.confirmPayment(started.payment.id)
      assert.equal(payment.status, 'approved')
      assert.equal(payment.card_brand, 'Visa')
      assert.equal(payment.card_last4, '4242')
      assert.equal(payment.gateway_order_ref, payment.idempotency_key)
      const refundsBefore = standIn.requests.filter((r) => r.path.endsWith('MpgRequest')).length
      await service.refundPayment(payment.id)
      await service.refundPayment(payment.id)
      assert.equal(standIn.requests.filter((r) => r.path.endsWith('MpgRequest')).length - refundsBefore, 1)
      assert.equal((await service.findPayment(payment.id))!.status, 'refunded')
    })
  })

  it('through the portal: the page embedding Moneris\'s form, then the receipt confirmed server to server', async () => {
    const t = await testApp({
      config: {
        paymentGateway: 'moneris',
        moneris: {
          ...STAND_IN_CREDENTIALS,
          environment: 'qa',
          checkoutRequestUrl: `${standIn.url}/chktv2/request/request.php`,
          hostedPageUrl: undefined,
          gatewayRequestUrl: `${standIn.url}/gateway2/servlet/MpgRequest`,
        },
      },
      configure: (app) => {
        app.get<{ Params: { id: string } }>('/test/payment-sign-in/:id', async (request, reply) => {
          const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow()
          await startSession(request, user, t.clock.now())
          return reply.code(204).send()
        })
      },
    })
    try {
      const now = t.clock.now()
      const { id: userId } = await t.db
        .insertInto('app_user')
        .values({ role: 'employer', username: 'moneris-payer', username_key: 'moneris-payer', email: null, email_key: null, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      const client = new TestClient(t.app)
      assert.equal((await client.get(`/test/payment-sign-in/${userId}`)).status, 204)
      const service = new PaymentService({ db: t.db, clock: t.clock, gateway: gatewayFromConfig(t.config, t), gatewayName: 'moneris', publicBaseUrl: t.config.publicBaseUrl, feeCents: t.config.feeCents })
      const started = await service.startPayment({ purposeType: 'offer', purposeId: crypto.randomUUID(), userId, lang: 'en' })
      assert.equal(started.kind, 'redirect')
      if (started.kind !== 'redirect') return
      const ticket = started.payment.checkout_ref!
      assert.equal(started.redirectUrl, `${t.config.publicBaseUrl}/en/payments/moneris/${ticket}`)

      const page = await client.get(started.redirectUrl.slice(t.config.publicBaseUrl.length))
      assert.equal(page.status, 200)
      const csp = String(page.headers['content-security-policy'])
      assert.match(csp, new RegExp(`script-src 'self' 'nonce-[^']+' ${standIn.url}`))
      assert.match(csp, new RegExp(`frame-src ${standIn.url}`))
      const div = page.dom.querySelector('#monerisCheckout')!
      assert.equal(div.getAttribute('data-ticket'), ticket)
      assert.equal(div.getAttribute('data-mode'), 'qa')
      assert.equal(div.getAttribute('data-return'), `/en/payments/${started.payment.id}/return`)
      const scripts = page.dom.querySelectorAll('main script')
      assert.equal(scripts[0]!.getAttribute('src'), `${standIn.url}/chkt/js/chkt_v1.00.js`)
      const nonce = /'nonce-([^']+)'/.exec(csp)![1]
      assert.ok(scripts.every((s) => s.getAttribute('nonce') === nonce))
      // Other pages keep the strict policy, and the embedded test gateway is not served.
      assert.doesNotMatch(String((await client.get('/en/about')).headers['content-security-policy']), /127\.0\.0\.1/)
      assert.equal((await client.get(`/en/test-gateway/checkouts/${crypto.randomUUID()}`)).status, 404)

      standIn.complete(ticket, 'approved')
      const ret = await client.get(`/en/payments/${started.payment.id}/return`)
      const result = await client.follow(ret)
      assert.equal(text(result.dom.querySelector('h1')), 'Payment received')
      assert.match(text(result.dom.querySelector('main')), /Visa ending in 4242/)
      // Paid: the embedding page now sends to the result instead of showing the form again.
      assert.equal((await client.get(`/en/payments/moneris/${ticket}`)).location, `/en/payments/${started.payment.id}`)
    } finally {
      await t.close()
    }
  })
})

describe('the page that embeds Moneris Checkout, in French', () => {
  it('writes the amount’s label with a non-breaking space before its colon', () => {
    const payment = { amount_cents: 23000, checkout_ref: 'ticket', lang: 'fr' } as Payment
    const body = monerisCheckoutBody({ t: translator('fr'), lang: 'fr', payment, returnUrl: '/fr/payments/x/return', settings: { mode: 'qa', scriptUrl: 'https://moneris.test/chkt.js' }, nonce: 'n' })
    assert.match(body.value, /<strong>Montant\u00a0:<\/strong> 230,00\s\$/)
  })
})
