import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { startSession } from '../auth/session-lifecycle.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { PaymentService } from './payment.service.ts'
import { EmbeddedTestGateway } from './test-gateway.gateway.ts'

/**
 * The hosted test pages and the portal's return, through HTTP as a browser would:
 * the card form, each test card's outcome, and what is left in the database.
 */
describe('embedded test gateway pages and the payment return', () => {
  let t: TestApp
  let payments: PaymentService

  before(async () => {
    t = await testApp({
      configure: (app) => {
        app.get<{ Params: { id: string } }>('/test/payment-sign-in/:id', async (request, reply) => {
          const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow()
          await startSession(request, user, t.clock.now())
          return reply.code(204).send()
        })
      },
    })
    t.clock.set('2026-11-23T15:00:00Z')
    // The offer flow will hold this service; here the test plays it.
    payments = new PaymentService({
      db: t.db,
      clock: t.clock,
      gateway: new EmbeddedTestGateway({ db: t.db, clock: t.clock, publicBaseUrl: t.config.publicBaseUrl }),
      gatewayName: 'embedded',
      publicBaseUrl: t.config.publicBaseUrl,
      feeCents: t.config.feeCents,
    })
  })
  after(() => t.close())

  async function signedInClient(): Promise<{ client: TestClient; userId: string }> {
    const now = t.clock.now()
    const username = `payer-${crypto.randomBytes(4).toString('hex')}`
    const { id } = await t.db
      .insertInto('app_user')
      .values({ role: 'employer', username, username_key: username, email: null, email_key: null, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    const client = new TestClient(t.app)
    const res = await client.get(`/test/payment-sign-in/${id}`)
    assert.equal(res.status, 204)
    return { client, userId: id }
  }

  /** Starts a payment for a new purpose and returns the hosted page's path. */
  async function startPayment(userId: string, lang: 'en' | 'fr' = 'en') {
    const r = await payments.startPayment({ purposeType: 'offer', purposeId: crypto.randomUUID(), userId, lang, continuePath: `/${lang}/offers/next` })
    assert.equal(r.kind, 'redirect')
    if (r.kind !== 'redirect') throw new Error('unreachable')
    assert.ok(r.redirectUrl.startsWith(t.config.publicBaseUrl))
    return { payment: r.payment, path: r.redirectUrl.slice(t.config.publicBaseUrl.length) }
  }

  const localPath = (url: string | undefined) => {
    assert.ok(url)
    return url.startsWith(t.config.publicBaseUrl) ? url.slice(t.config.publicBaseUrl.length) : url
  }

  async function payWith(client: TestClient, path: string, cardNumber: string) {
    await client.get(path)
    const res = await client.post(path, { cardNumber, expiry: '12/29', securityCode: '123', cardholderName: 'Alex Tremblay', action: 'pay' })
    assert.equal(res.status, 303)
    // Back to the portal's return address, which asks the gateway and then shows the result.
    const ret = await client.get(localPath(res.location))
    assert.equal(ret.status, 303)
    // An approved payment goes on to what it paid for (its continue path); the result page stays at its address.
    return client.get(localPath(res.location).replace(/\/return$/, ''))
  }

  for (const [lang, banner, other] of [
    ['en', 'Test payment page — no real card is charged', 'fr'],
    ['fr', 'Page de paiement d’essai — aucune vraie carte n’est débitée', 'en'],
  ] as const) {
    it(`shows the hosted card page in ${lang}, with the test banner and the documented test cards`, async () => {
      const { client, userId } = await signedInClient()
      const { path } = await startPayment(userId, lang)
      assert.ok(path.startsWith(`/${lang}/test-gateway/checkouts/`))
      const page = await client.get(path)
      assert.equal(page.status, 200)
      assert.equal(page.dom.querySelector('html')!.getAttribute('lang'), lang)
      assert.equal(text(page.dom.querySelector('.test-gateway-banner h2')), banner)
      assert.equal(page.dom.querySelector('.lang-toggle a')!.getAttribute('href'), `/${other}${path.slice(3)}`)
      const cards = page.dom.querySelectorAll('table code').map((c) => text(c).replace(/\s/g, ''))
      assert.deepEqual(cards, ['4242424242424242', '5555555555554444', '4000000000000002', '4000000000000119'])
      assert.ok(page.dom.querySelector('input[name="_csrf"]'))
      assert.equal(page.dom.querySelector('#card-number')!.getAttribute('autocomplete'), 'cc-number')
      assert.match(text(page.dom.querySelector('main')), lang === 'en' ? /\$230\.00/ : /230,00 \$/)
    })
  }

  it('refuses card errors with an error summary, status 400 and without echoing the card number', async () => {
    const { client, userId } = await signedInClient()
    const { path } = await startPayment(userId)
    await client.get(path)
    const res = await client.post(path, { cardNumber: '4242 4242 4242 4241', expiry: '10/26', securityCode: '12a', cardholderName: '', action: 'pay' })
    assert.equal(res.status, 400)
    assert.match(text(res.dom.querySelector('title')), /^Error: /)
    const links = errorSummaryLinks(res.dom)
    assert.deepEqual(
      links.map((l) => l.href),
      ['#card-number', '#expiry', '#security-code', '#cardholder-name'],
    )
    assert.ok(links.every((l) => l.targetExists))
    assert.match(links[0]!.text, /not valid/)
    assert.match(links[1]!.text, /expired/)
    assert.ok(!res.body.includes('4242 4242 4242 4241') && !res.body.includes('4242424242424241'))
    assert.equal(res.dom.querySelector('#card-number')!.getAttribute('aria-invalid'), 'true')
    assert.equal(res.dom.querySelector('#expiry')!.getAttribute('value'), '10/26', 'the expiry is kept')
  })

  it('approves with the approved test card: a receipt, confirmed server to server, and no card number stored anywhere', async () => {
    const { client, userId } = await signedInClient()
    const { path, payment } = await startPayment(userId)
    const result = await payWith(client, path, '4242 4242 4242 4242')
    assert.equal(result.status, 200)
    assert.equal(text(result.dom.querySelector('h1')), 'Payment received')
    const stored = (await payments.findPayment(payment.id))!
    assert.equal(stored.status, 'approved')
    assert.ok(result.body.includes(stored.receipt_number!))
    assert.match(text(result.dom.querySelector('main')), /Visa ending in 4242/)
    assert.match(text(result.dom.querySelector('main')), /\$230\.00/)
    assert.equal(result.dom.querySelector('a.button-primary')!.getAttribute('href'), '/en/offers/next')

    const checkout = await t.db.selectFrom('test_gateway_checkout').selectAll().where('id', '=', stored.checkout_ref!).executeTakeFirstOrThrow()
    assert.equal(checkout.card_brand, 'Visa')
    assert.equal(checkout.card_last4, '4242')
    // Every row of every table, as text: the full number appears nowhere.
    const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(t.db)
    assert.ok(tables.rows.some((r) => r.table_name === 'test_gateway_checkout'))
    for (const { table_name } of tables.rows) {
      const { rows } = await sql<{ j: string }>`select row_to_json(x)::text as j from ${sql.table(table_name)} x`.execute(t.db)
      for (const r of rows) assert.ok(!/4242\s?4242\s?4242\s?4242/.test(r.j), `${table_name} holds a card number`)
    }
  })

  for (const [card, message] of [
    ['4000 0000 0000 0002', /Your card was declined\. You have not been charged/],
    ['4000 0000 0000 0119', /did not get an answer from your card’s bank\. You have not been charged/],
  ] as const) {
    it(`test card ${card} ends the payment with a clear message and a way to try again`, async () => {
      const { client, userId } = await signedInClient()
      const { path, payment } = await startPayment(userId)
      const result = await payWith(client, path, card)
      assert.equal(text(result.dom.querySelector('h1')), 'Payment not completed')
      assert.match(text(result.dom.querySelector('main')), message)
      // "Try again" pays again at once: a form to the purpose's own step (an offer's "pay"), said once under the heading.
      assert.equal(result.dom.querySelector('main form[method="post"]')!.getAttribute('action'), `/en/offers/${payment.purpose_id}/pay`)
      assert.equal(text(result.dom.querySelector('main')).split('Payment not completed').length, 2)
      const stored = (await payments.findPayment(payment.id))!
      assert.notEqual(stored.status, 'pending')
      assert.equal(stored.receipt_number, null)
      // Retry: the same purpose gets a new payment and a fresh checkout.
      const retry = await payments.startPayment({ purposeType: 'offer', purposeId: payment.purpose_id, userId, lang: 'en' })
      assert.equal(retry.kind, 'redirect')
      assert.notEqual(retry.payment.id, payment.id)
    })
  }

  it('shows the same messages in French', async () => {
    const { client, userId } = await signedInClient()
    const { path } = await startPayment(userId, 'fr')
    const result = await payWith(client, path, '4000000000000002')
    assert.equal(result.dom.querySelector('html')!.getAttribute('lang'), 'fr')
    assert.match(text(result.dom.querySelector('main')), /Votre carte a été refusée\. Aucun montant n’a été débité/)
  })

  it('never trusts the query string of the return: an unpaid checkout stays unpaid', async () => {
    const { client, userId } = await signedInClient()
    const { payment } = await startPayment(userId)
    const ret = await client.get(`/en/payments/${payment.id}/return?status=approved&result=a&transaction_no=FAKE`)
    assert.equal(ret.status, 303)
    const page = await client.follow(ret)
    assert.equal(text(page.dom.querySelector('h1')), 'Your payment is not finished')
    assert.equal((await payments.findPayment(payment.id))!.status, 'pending')
  })

  it('lets the person cancel on the hosted page, and hides a payment from anyone else', async () => {
    const { client, userId } = await signedInClient()
    const { path, payment } = await startPayment(userId)
    await client.get(path)
    const res = await client.post(path, { action: 'cancel' })
    assert.equal(res.status, 303)
    const page = await client.follow(await client.get(localPath(res.location)))
    assert.match(text(page.dom.querySelector('main')), /You cancelled the payment/)
    const stranger = await signedInClient()
    assert.equal((await stranger.client.get(`/en/payments/${payment.id}`)).status, 404)
    assert.equal((await new TestClient(t.app).get(`/en/payments/${payment.id}`)).status, 303, 'signed out: to sign-in')
  })

  it('a finished or expired hosted page cannot be paid again', async () => {
    const { client, userId } = await signedInClient()
    const first = await startPayment(userId)
    await payWith(client, first.path, '4242424242424242')
    // Back to the finished page: on to the portal's return address, never the card form again.
    const finished = await client.get(first.path)
    assert.equal(finished.status, 303)
    assert.equal(localPath(finished.location), `/en/payments/${first.payment.id}/return`)
    const again = await client.post(first.path, { cardNumber: '4242424242424242', expiry: '12/29', securityCode: '123', cardholderName: 'A', action: 'pay' })
    assert.equal(again.status, 409)

    const second = await startPayment(userId)
    t.clock.advanceMinutes(31)
    // The hosted page is another site: it needs no portal session (this one has gone idle anyway).
    const expired = await new TestClient(t.app).get(second.path)
    assert.equal(text(expired.dom.querySelector('h1')), 'This payment page has expired')
    t.clock.set('2026-11-23T15:00:00Z')
  })
})
