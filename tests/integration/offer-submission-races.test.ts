import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { businessWithPrimary, fillOffer, startOffer } from '../helpers/offers.ts'
import { signIn } from '../helpers/users.ts'

/**
 * Exactly once, under contention: many submits of one offer, then many returns from
 * the gateway racing the reconciler, end with one payment, one charge and one offer
 * number. On the PostgreSQL server (CI's second run) the requests really run in
 * parallel on separate connections; on the embedded engine they interleave.
 */
describe('offer submission races', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    t.clock.set('2026-11-23T15:00:00Z')
    await businessWithPrimary(t, 'race.owner', '123456782', 'Course Inc.')
  })
  after(() => t.close())

  const local = (url: string | undefined) => (url ?? '').replace(t.config.publicBaseUrl, '')

  it('ten concurrent submits, then ten returns racing two reconcilers: one payment, one charge, one number', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'race.owner')
    const id = await startOffer(client)
    await fillOffer(client, id)
    const review = await client.get(`/en/offers/${id}/review`)
    const version = review.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const submits = await Promise.all(Array.from({ length: 10 }, () => client.post(`/en/offers/${id}/submit`, { version })))
    const pages = new Set(submits.map((r) => local(r.location)))
    assert.equal(pages.size, 1, `one hosted page for every submit, got ${[...pages].join(', ')}`)
    const checkout = [...pages][0]!
    assert.match(checkout, /\/test-gateway\/checkouts\//)

    // A double click on Pay: the second answer is "already finished", never a second charge.
    await client.get(checkout)
    const card = { cardNumber: '4242424242424242', expiry: '12/29', securityCode: '123', cardholderName: 'Alex Tremblay', action: 'pay' }
    const [pay1, pay2] = await Promise.all([client.post(checkout, card), client.post(checkout, card)])
    assert.deepEqual([pay1.status, pay2.status].sort(), [303, 409])
    const returnPath = local((pay1.status === 303 ? pay1 : pay2).location)

    t.clock.advanceMinutes(20) // past the reconciler's grace period, so it races the returns
    const { PaymentService } = await import('../../src/features/payment/payment.service.ts')
    const { EmbeddedTestGateway } = await import('../../src/features/payment/test-gateway.gateway.ts')
    const { OfferService } = await import('../../src/features/offers/offers.service.ts')
    // A second process's services on the same database: its reconciler completes offers too.
    const other = new PaymentService({ db: t.db, clock: t.clock, gateway: new EmbeddedTestGateway({ db: t.db, clock: t.clock, publicBaseUrl: t.config.publicBaseUrl }), gatewayName: 'embedded', publicBaseUrl: t.config.publicBaseUrl, feeCents: t.config.feeCents })
    new OfferService({ db: t.db, clock: t.clock, timeZone: t.config.timeZone, payments: other })
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () => client.get(returnPath)),
      other.reconcile({ graceMinutes: 15 }),
      other.reconcile({ graceMinutes: 15 }),
    ])
    for (const r of results.slice(0, 10)) assert.equal((r as { status: number }).status, 303)

    const offer = await t.db.selectFrom('offer').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(offer.status, 'pending')
    assert.match(offer.offer_number!, /^A\d{7}$/)
    const rows = await t.db.selectFrom('payment').selectAll().where('purpose_id', '=', id).execute()
    assert.equal(rows.length, 1)
    assert.equal(rows[0]!.status, 'approved')
    const charges = await t.db.selectFrom('test_gateway_checkout').select('status').where('id', '=', rows[0]!.checkout_ref!).execute()
    assert.deepEqual(charges.map((c) => c.status), ['approved'])
    const audit = await t.db.selectFrom('audit_event').select('action').where('object_id', '=', id).where('action', '=', 'offer.submitted').execute()
    assert.equal(audit.length, 1, 'submitted once')
    const receipts = await t.db.selectFrom('account_message').select('id').where('template', '=', 'paymentReceipt').execute()
    assert.equal(receipts.length, 1, 'one receipt')
  })
})
