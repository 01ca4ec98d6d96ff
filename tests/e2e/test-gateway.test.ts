import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { startSession } from '../../src/features/auth/session-lifecycle.ts'
import { PaymentService } from '../../src/features/payment/payment.service.ts'
import { EmbeddedTestGateway } from '../../src/features/payment/test-gateway.gateway.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { expectAccessible, launchBrowser, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { freePort } from './helpers/portal.ts'

/**
 * Paying the fee on the embedded test gateway in a real browser, with and without
 * JavaScript, in both languages: the hosted card page, its error summary, the result.
 * The portal runs in this process (listening on a free port) so the test can start
 * payments the way the offer flow will.
 */
describe('paying on the embedded test gateway in a browser', () => {
  let t: TestApp
  let browser: Browser
  let baseUrl: string
  let payments: PaymentService

  before(async () => {
    const port = await freePort()
    baseUrl = `http://127.0.0.1:${port}`
    t = await testApp({
      config: { publicBaseUrl: baseUrl, logLevel: 'warn' },
      configure: (app) => {
        app.get<{ Params: { id: string } }>('/test/payment-sign-in/:id', async (request, reply) => {
          const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow()
          await startSession(request, user, t.clock.now())
          return reply.code(204).send()
        })
      },
    })
    t.clock.set('2026-11-23T15:00:00Z')
    await t.app.listen({ port, host: '127.0.0.1' })
    payments = new PaymentService({
      db: t.db,
      clock: t.clock,
      gateway: new EmbeddedTestGateway({ db: t.db, clock: t.clock, publicBaseUrl: baseUrl }),
      gatewayName: 'embedded',
      publicBaseUrl: baseUrl,
      feeCents: t.config.feeCents,
    })
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await t?.close()
  })

  for (const [javaScript, lang] of [
    [true, 'en'],
    [false, 'fr'],
  ] as const) {
    it(`shows the card page, its errors and the receipt accessibly (JavaScript ${javaScript ? 'on' : 'off'}, ${lang})`, async (tc) => {
      const now = t.clock.now()
      const username = `payer-${crypto.randomBytes(4).toString('hex')}`
      const { id: userId } = await t.db
        .insertInto('app_user')
        .values({ role: 'employer', username, username_key: username, email: null, email_key: null, created_at: now, updated_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      const started = await payments.startPayment({ purposeType: 'offer', purposeId: crypto.randomUUID(), userId, lang })
      assert.equal(started.kind, 'redirect')
      if (started.kind !== 'redirect') return

      const context = await newContext(browser, { javaScript, locale: lang === 'fr' ? 'fr-CA' : 'en-CA' })
      const page = await context.newPage()
      const en = lang === 'en'
      try {
        // A 204 is not a page: sign in through the context's request API, which shares its cookies.
        assert.equal((await context.request.get(`${baseUrl}/test/payment-sign-in/${userId}`)).status(), 204)
        await page.goto(started.redirectUrl)
        assert.equal(
          (await page.locator('.test-gateway-banner h2').textContent())?.trim(),
          en ? 'Test payment page — no real card is charged' : 'Page de paiement d’essai — aucune vraie carte n’est débitée',
        )
        await expectAccessible(page, 'test-gateway-card')

        await page.getByLabel(en ? 'Card number' : 'Numéro de carte').fill('4242 4242 4242 4241')
        await page.getByRole('button', { name: en ? 'Pay $230.00' : 'Payer 230,00 $' }).click()
        assert.match(await page.title(), en ? /^Error: / : /^Erreur\s:\s/)
        await expectAccessible(page, 'test-gateway-card-error')
        await page.locator('.error-summary a').first().click()
        assert.equal(await page.locator(':focus').getAttribute('id'), 'card-number')

        await page.getByLabel(en ? 'Card number' : 'Numéro de carte').fill('4242 4242 4242 4242')
        await page.getByLabel(en ? 'Expiry date' : 'Date d’expiration').fill('12/29')
        await page.getByLabel(en ? 'Security code' : 'Code de sécurité').fill('123')
        await page.getByLabel(en ? 'Name on card' : 'Nom sur la carte').fill('Alex Tremblay')
        await page.getByRole('button', { name: en ? 'Pay $230.00' : 'Payer 230,00 $' }).click()
        assert.equal(new URL(page.url()).pathname, `/${lang}/payments/${started.payment.id}`)
        assert.equal((await page.locator('h1').textContent())?.trim(), en ? 'Payment received' : 'Paiement reçu')
        await expectAccessible(page, 'payment-result')

        // The card page opened again after paying (the browser's Back): the finished checkout sends
        // the browser on to the portal's result, never the card form again, and charges nothing.
        await page.goto(started.redirectUrl)
        assert.equal(new URL(page.url()).pathname, `/${lang}/payments/${started.payment.id}`)
        assert.equal((await page.locator('h1').textContent())?.trim(), en ? 'Payment received' : 'Paiement reçu')
        assert.equal(await page.locator('input[name="cardNumber"]').count(), 0)
        assert.equal((await payments.findPayment(started.payment.id))!.status, 'approved')
      } catch (err) {
        await screenshotOnFailure(page, tc.name)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
