import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { totpCode } from '../../src/features/auth/totp.ts'
import { redactUrl } from '../../src/platform/log-redaction.ts'
import { SESSION_COOKIE } from '../../src/platform/security.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text, type Form, type PageResponse } from '../helpers/http.ts'
import { createUser } from '../helpers/users.ts'
import { snapshotTables } from '../helpers/db-snapshot.ts'
import { fillOffer } from '../helpers/offers.ts'
import { bn } from './world.ts'

const PASSWORD = 'Maple-syrup-season-2026'
const WRONG_PASSWORD = 'Wrong-guess-on-purpose-77'
const NEW_PASSWORD = 'Spring-thaw-on-the-Ottawa-41'
const OFFICER_PASSWORD = 'Officer-desk-by-the-window-9'
const PASSPORT = 'ZX9876543'
const CARD = '5555555555554444'
const CARD_AS_TYPED = '5555 5555 5555 4444'

/** Every session id this browser was ever given, as the cookie value and as the bare id. */
class RecordingClient extends TestClient {
  readonly sessionValues = new Set<string>()
  override async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, init: { form?: Form; headers?: Record<string, string>; payload?: string | Buffer } = {}): Promise<PageResponse> {
    const res = await super.request(method, url, init)
    const cookie = this.cookies.get(SESSION_COOKIE)
    if (cookie) {
      this.sessionValues.add(cookie)
      const decoded = decodeURIComponent(cookie)
      this.sessionValues.add(decoded.slice(0, decoded.lastIndexOf('.')))
    }
    return res
  }
}

/**
 * One whole journey with the app's JSON logs captured: registration and e-mail check,
 * a wrong then a right password, an officer's first sign-in with authenticator setup and
 * recovery codes, a later sign-in with a recovery code, enrolment and approval, an offer
 * with a passport number, and a password reset. No password, TOTP secret, recovery code,
 * link token, session id or passport number may appear in the logs or in the audit trail.
 */
describe('secrets stay out of logs and the audit trail', () => {
  let t: TestApp
  const secrets = new Map<string, string>()
  const clients: RecordingClient[] = []
  const browser = () => {
    const c = new RecordingClient(t.app)
    clients.push(c)
    return c
  }
  const linkToken = async (template: string, path: string) => {
    const row = await t.db.selectFrom('email_outbox').select('params').where('template', '=', template).orderBy('created_at', 'desc').executeTakeFirstOrThrow()
    const link = String(row.params.link)
    const token = new RegExp(`/${path}/([^/?#]+)`).exec(link)?.[1]
    assert.ok(token, `a ${path} link in ${link}`)
    return { url: new URL(link).pathname, token }
  }

  before(async () => {
    t = await testApp({ config: { logLevel: 'debug' } })
    t.clock.set('2026-11-23T15:00:00Z')
    await createUser(t.db, { username: 'secret.officer', role: 'officer', password: OFFICER_PASSWORD })
    secrets.set('password', PASSWORD)
    secrets.set('wrong password', WRONG_PASSWORD)
    secrets.set('new password', NEW_PASSWORD)
    secrets.set('officer password', OFFICER_PASSWORD)

    // Registration, then the e-mail check link.
    const owner = browser()
    await owner.get('/en/register')
    const registered = await owner.post('/en/register', { username: 'secret.owner', email: 'secret.owner@example.ca', password: PASSWORD, confirmPassword: PASSWORD })
    assert.equal(registered.status, 303, text(registered.dom.querySelector('.error-summary')))
    const verify = await linkToken('verifyEmail', 'verify-email')
    secrets.set('verify token', verify.token)
    assert.equal((await owner.get(verify.url)).status, 200)
    await owner.get('/en/home')
    assert.equal((await owner.post('/en/sign-out', {})).status, 303)

    // A wrong password, then the right one.
    await owner.get('/en/sign-in')
    assert.equal((await owner.post('/en/sign-in', { username: 'secret.owner', password: WRONG_PASSWORD })).status, 400)
    assert.equal((await owner.post('/en/sign-in', { username: 'secret.owner', password: PASSWORD })).status, 303)

    // The officer's first sign-in: authenticator setup, recovery codes.
    const officer = browser()
    await officer.get('/en/console/sign-in')
    const toSetup = await officer.post('/en/console/sign-in', { username: 'secret.officer', password: OFFICER_PASSWORD })
    assert.equal(toSetup.location, '/en/two-factor/setup')
    const setup = await officer.follow(toSetup)
    const formatted = text(setup.dom.querySelector('code.totp-key'))
    const totpSecret = formatted.replace(/\s+/g, '')
    assert.ok(totpSecret.length >= 16, 'the setup page shows the key')
    secrets.set('TOTP secret', totpSecret)
    secrets.set('TOTP secret (as shown)', formatted)
    const toCodes = await officer.post('/en/two-factor/setup', { code: totpCode(totpSecret, t.clock.now()) })
    assert.equal(toCodes.location, '/en/two-factor/recovery-codes')
    const codesPage = await officer.follow(toCodes)
    const codes = codesPage.dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    assert.ok(codes.length >= 8, 'recovery codes are shown once')
    codes.forEach((c, i) => secrets.set(`recovery code ${i + 1}`, c))
    assert.equal((await officer.post('/en/two-factor/recovery-codes', {})).location, '/en/console')

    // Later: signing in with a recovery code instead of the authenticator.
    await officer.get('/en/console')
    assert.equal((await officer.post('/en/sign-out', {})).status, 303)
    await officer.get('/en/console/sign-in')
    assert.equal((await officer.post('/en/console/sign-in', { username: 'secret.officer', password: OFFICER_PASSWORD })).location, '/en/sign-in/code')
    await officer.get('/en/sign-in/code')
    assert.equal((await officer.post('/en/sign-in/code', { code: codes[0]! })).location, '/en/console')

    // Enrolment, and the officer's approval.
    await owner.get('/en/enrol')
    await owner.follow(await owner.post('/en/enrol/start', {}))
    await owner.post('/en/enrol/business', { operatesInCanada: 'yes', businessNumber: bn('76543210'), legalName: 'Secret Keeping Ltd.', operatingName: 'Secret Keeping', then: 'next' })
    await owner.get('/en/enrol/address')
    await owner.post('/en/enrol/address', { street: '1 Rideau St', city: 'Ottawa', province: 'ON', postalCode: 'K1N 8S7', phone: '613 555 0199', then: 'next' })
    await owner.get('/en/enrol/contact')
    await owner.post('/en/enrol/contact', { givenName: 'Sam', middleName: '', familyName: 'Keeper', preferredLanguage: 'en', then: 'next' })
    await owner.get('/en/enrol/review')
    assert.equal((await owner.post('/en/enrol/submit', {})).status, 303)
    const request = await t.db.selectFrom('enrolment_request').select('id').where('status', '=', 'submitted').executeTakeFirstOrThrow()
    await officer.get(`/en/console/enrolments/${request.id}`)
    assert.equal((await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'approve', reason: '', note: '' })).status, 303)

    // An offer with the worker's passport number, by the newly enrolled business's primary user.
    await owner.get('/en/offers/new')
    const started = await owner.post('/en/offers/new', {})
    assert.equal(started.status, 303, 'an offer is started')
    const offerId = /\/offers\/([0-9a-f-]{36})/.exec(started.location ?? '')?.[1]
    assert.ok(offerId, `an offer address: ${started.location}`)
    const worker = await owner.get(`/en/offers/${offerId}/worker`)
    assert.ok(worker.dom.querySelector('[name="passportNumber"]'), 'the worker section asks for the passport number')
    const hidden = worker.dom.querySelectorAll('main form input[type="hidden"]').map((el) => [el.getAttribute('name') ?? '', el.getAttribute('value') ?? ''] as const).filter(([n]) => n && n !== '_csrf')
    secrets.set('passport number', PASSPORT)
    const saved = await owner.post(`/en/offers/${offerId}/worker`, { ...Object.fromEntries(hidden), passportNumber: PASSPORT, nav: 'exit' })
    assert.equal(saved.status, 303, 'the worker section is saved')

    // The whole offer, then the fee paid on the hosted test page with a card number.
    await fillOffer(owner, offerId, 'en', { worker: { passportNumber: PASSPORT } })
    const review = await owner.get(`/en/offers/${offerId}/review`)
    const submitted = await owner.post(`/en/offers/${offerId}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    const checkout = (submitted.location ?? '').replace(t.config.publicBaseUrl, '')
    await owner.get(checkout)
    secrets.set('card number', CARD)
    secrets.set('card number as typed', CARD_AS_TYPED)
    const paid = await owner.post(checkout, { cardNumber: CARD_AS_TYPED, expiry: '12/29', securityCode: '737', cardholderName: 'Sam Keeper', action: 'pay' })
    assert.equal(paid.status, 303, 'the fee is paid')
    await owner.get((paid.location ?? '').replace(t.config.publicBaseUrl, ''))
    assert.equal((await t.db.selectFrom('offer').select('status').where('id', '=', offerId).executeTakeFirstOrThrow()).status, 'pending')

    // A password reset through the e-mailed link.
    const forgetful = browser()
    await forgetful.get('/en/forgot-password')
    assert.equal((await forgetful.post('/en/forgot-password', { username: 'secret.owner' })).status, 303)
    const reset = await linkToken('resetPassword', 'reset-password')
    secrets.set('reset token', reset.token)
    await forgetful.get(reset.url)
    assert.equal((await forgetful.post(reset.url, { password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD })).status, 303)
    const again = browser()
    await again.get('/en/sign-in')
    assert.equal((await again.post('/en/sign-in', { username: 'secret.owner', password: NEW_PASSWORD })).status, 303)

    let n = 0
    for (const c of clients) for (const v of c.sessionValues) secrets.set(`session id ${++n}`, v)
    for (const row of await t.db.selectFrom('session').select('id').execute()) secrets.set(`session id ${++n}`, row.id)
  })
  after(() => t.close())

  it('the journey produced logs and audit entries to look through', async () => {
    assert.ok(t.logs.length > 50, `${t.logs.length} log lines`)
    const actions = (await t.db.selectFrom('audit_event').select('action').execute()).map((r) => r.action)
    for (const a of ['auth.signed_in', 'auth.password_reset', 'enrolment.approved', 'auth.recovery_code_used']) assert.ok(actions.includes(a), a)
    assert.ok([...secrets.keys()].filter((k) => k.startsWith('session id')).length >= 4)
  })

  it('no secret appears in the logs', () => {
    const logs = t.logs.join('\n')
    const found = [...secrets].filter(([, value]) => logs.includes(value) || logs.includes(encodeURIComponent(value))).map(([name]) => name)
    assert.deepEqual(found, [], `secrets in the logs: ${found.join(', ')}`)
    // The requests are still logged, with the token replaced.
    const urls = t.logs.map((l) => JSON.parse(l) as { req?: { url?: string; method?: string } }).filter((l) => l.req?.url)
    assert.ok(urls.some((l) => l.req!.url === '/en/reset-password/[redacted]' && l.req!.method === 'POST'))
    assert.ok(urls.some((l) => l.req!.url === '/en/verify-email/[redacted]'))
  })

  it('redacts OpenID Connect codes and states in logged addresses', () => {
    assert.equal(redactUrl('/auth/callback/gckey?code=abc123&state=xyz&iss=https%3A%2F%2Fidp'), '/auth/callback/gckey?code=[redacted]&state=[redacted]&iss=https%3A%2F%2Fidp')
    assert.equal(redactUrl('/fr/reset-password/tok_en-1?x=1'), '/fr/reset-password/[redacted]?x=1')
    assert.equal(redactUrl('/en/reference/occupations?q=code'), '/en/reference/occupations?q=code')
  })

  it('a logged request carries no header: cookies, authorization and CSRF tokens sent stay out of the log', async () => {
    const headers = { cookie: 'portal_probe=cookie-value-7Q2', authorization: 'Bearer ep_probeTokenValue4F9', 'x-csrf-token': 'csrf-probe-value-K3' }
    const before = t.logs.length
    await t.app.inject({ method: 'GET', url: '/en/about', headers })
    await t.app.inject({ method: 'GET', url: '/api/v1/offers', headers })
    const lines = t.logs.slice(before).join('\n')
    assert.match(lines, /"url":"\/en\/about"/, 'the request was logged')
    for (const value of Object.values(headers)) assert.ok(!lines.includes(value.split('=').pop()!), `${value} in the log`)
    assert.ok(!lines.includes('"headers"'), 'no headers object in a log line')
  })

  it('no secret appears in the audit trail', async () => {
    const rows = JSON.stringify(await t.db.selectFrom('audit_event').selectAll().execute())
    const found = [...secrets].filter(([, value]) => rows.includes(value)).map(([name]) => name)
    assert.deepEqual(found, [], `secrets in audit_event: ${found.join(', ')}`)
  })

  it('the passport number is kept in the offer, where it belongs (so the checks above looked for a value that was really typed)', async () => {
    const offers = JSON.stringify(await t.db.selectFrom('offer').select('answers').execute())
    assert.ok(offers.includes(PASSPORT), 'saved in the offer')
  })

  it('the card number is stored nowhere: no table holds it, only the brand and last four', async () => {
    const tables = await snapshotTables(t.db)
    for (const [table, rows] of tables) {
      const all = rows.join('\n')
      assert.ok(!all.includes(CARD) && !all.includes(CARD_AS_TYPED), `the card number in ${table}`)
    }
    const payment = await t.db.selectFrom('payment').select(['card_brand', 'card_last4']).where('status', '=', 'approved').executeTakeFirstOrThrow()
    assert.deepEqual(payment, { card_brand: 'Mastercard', card_last4: '4444' })
  })

  it('passwords, the TOTP secret and recovery codes are not stored in the clear either', async () => {
    const users = JSON.stringify(await t.db.selectFrom('app_user').select(['password_hash', 'username', 'totp_secret']).execute())
    assert.match(users, /"totp_secret":"v1\./, 'the officer has a sealed TOTP secret')
    const codes = JSON.stringify(await t.db.selectFrom('recovery_code').selectAll().execute())
    for (const [name, value] of secrets) {
      if (name.includes('password') || name.startsWith('recovery code') || name === 'TOTP secret') {
        assert.ok(!users.includes(value), `${name} in app_user`)
        assert.ok(!codes.includes(value), `${name} in recovery_code`)
      }
    }
    const tokens = JSON.stringify(await t.db.selectFrom('user_token').selectAll().execute())
    assert.ok(tokens.length > 2, 'the link tokens are there (hashed)')
    for (const name of ['reset token', 'verify token']) assert.ok(!tokens.includes(secrets.get(name)!), `${name} is stored hashed`)
  })
})
