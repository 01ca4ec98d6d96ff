import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newTotpSecret, totpCode } from '../../src/features/auth/totp.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { makeBusiness } from '../helpers/console-fixtures.ts'
import { errorSummaryLinks, TestClient, text, type PageResponse } from '../helpers/http.ts'
import { createUser, signIn, TEST_PASSWORD } from '../helpers/users.ts'

const REFERER = (path: string) => ({ referer: `http://localhost${path}` })

/** Signs in again on the page the session's end led to; the response to the sign-in POST. */
async function signInAgain(client: TestClient, ended: PageResponse, username: string): Promise<PageResponse> {
  assert.equal(ended.status, 303)
  assert.match(ended.location ?? '', /\/sign-in$/)
  const page = await client.follow(ended)
  assert.match(text(page.dom.querySelector('main .notice')), /20 minutes without activity/)
  const returnTo = page.dom.querySelector('input[name="returnTo"]')!.getAttribute('value')!
  return client.post(ended.location!, { username, password: TEST_PASSWORD, returnTo })
}

describe('a form sent after the session ended comes back filled in on its page after signing in again', () => {
  let t: TestApp
  let primaryId: string
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'kept.user', givenName: 'Before', familyName: 'Typing' })
    const primary = await createUser(t.db, { username: 'kept.primary', givenName: 'Prim', familyName: 'Ary' })
    primaryId = primary.id
    const business = await makeBusiness(t.db, { eight: '87654321', legalName: 'Érable Kept Ltd' })
    await t.db.insertInto('business_membership').values({ business_id: business, user_id: primary.id, role: 'primary', created_at: t.clock.now(), created_by: null }).execute()
  })
  after(() => t.close())

  it('the contact details form of the home page (which posts to an address no GET answers)', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'kept.user')
    await client.get('/en/home')
    t.clock.advanceMinutes(21)
    const late = await client.post('/en/home/contact', { givenName: 'Kept', middleName: 'Q', familyName: 'Value', preferredLanguage: 'fr' }, REFERER('/en/home'))
    const back = await signInAgain(client, late, 'kept.user')
    assert.equal(back.location, '/en/home', 'the page the form was on, never GET /en/home/contact')
    const home = await client.follow(back)
    assert.equal(home.status, 200)
    assert.equal(home.dom.querySelector('#given-name')!.getAttribute('value'), 'Kept')
    assert.equal(home.dom.querySelector('#middle-name')!.getAttribute('value'), 'Q')
    assert.equal(home.dom.querySelector('#family-name')!.getAttribute('value'), 'Value')
    assert.ok(home.dom.querySelector('#preferred-language-2')!.hasAttribute('checked'))
    assert.ok(!home.dom.querySelector('#preferred-language')!.hasAttribute('checked'))
    assert.match(text(home.dom.querySelector('#restored-form-title')), /What you typed is filled in again/)
    const user = await t.db.selectFrom('app_user').select(['given_name', 'preferred_language']).where('username_key', '=', 'kept.user').executeTakeFirstOrThrow()
    assert.deepEqual([user.given_name, user.preferred_language], ['Before', 'en'], 'the form was not sent for the person')
    // Once: the next visit shows what is saved.
    const again = await client.get('/en/home')
    assert.equal(again.dom.querySelector('#given-name')!.getAttribute('value'), 'Before')
    assert.equal(again.dom.querySelector('#restored-form-title'), null)
    // The person sends it themselves.
    assert.equal((await client.post('/en/home/contact', { givenName: 'Kept', middleName: 'Q', familyName: 'Value', preferredLanguage: 'fr' })).status, 303)
  })

  it('without a Referer, a form whose address is no page comes back on the home page', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'kept.user')
    await client.get('/en/home')
    t.clock.advanceMinutes(21)
    const late = await client.post('/en/home/contact', { givenName: 'No', middleName: '', familyName: 'Referer', preferredLanguage: 'en' })
    const back = await signInAgain(client, late, 'kept.user')
    assert.equal(back.location, '/en/home')
    assert.equal((await client.follow(back)).dom.querySelector('#family-name')!.getAttribute('value'), 'Referer')
  })

  it('Create user (with its ?business= address), a select and a tick box', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'kept.primary')
    const form = await client.get('/en/access/users/new')
    assert.equal(form.status, 200)
    const action = form.dom.querySelector('main form')!.getAttribute('action')!
    t.clock.advanceMinutes(25)
    const late = await client.post(action, { givenNames: 'Zoë', familyName: "O'Neil <b>", email: 'zoe@example.ca', attest: 'yes' }, REFERER('/en/access/users/new'))
    const back = await signInAgain(client, late, 'kept.primary')
    assert.equal(back.location, '/en/access/users/new')
    const page = await client.follow(back)
    assert.equal(page.status, 200)
    assert.equal(page.dom.querySelector('#given-names')!.getAttribute('value'), 'Zoë')
    assert.equal(page.dom.querySelector('#family-name')!.getAttribute('value'), "O'Neil <b>")
    assert.match(page.body, /value="O&#39;Neil &lt;b&gt;"|value="O'Neil &lt;b&gt;"/, 'escaped')
    assert.equal(page.dom.querySelector('#email')!.getAttribute('value'), 'zoe@example.ca')
    assert.ok(page.dom.querySelector('#attest')!.hasAttribute('checked'))
    assert.equal((await t.db.selectFrom('access_pin').select('id').execute()).length, 0, 'no PIN was made for the person')
  })

  it('never keeps a password, and never ends on "page not found" for /business/active or /session/continue', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'kept.user')
    await client.get('/en/account/password')
    t.clock.advanceMinutes(21)
    const late = await client.post('/en/account/password', { currentPassword: TEST_PASSWORD, password: 'a brand new secret phrase', confirmPassword: 'a brand new secret phrase' }, REFERER('/en/account/password'))
    const rows = await t.db.selectFrom('session').select('data').execute()
    assert.ok(!rows.some((r) => JSON.stringify(r.data).includes('a brand new secret phrase')), 'no password is kept')
    assert.ok(!rows.some((r) => JSON.stringify(r.data).includes(TEST_PASSWORD)))
    const back = await signInAgain(client, late, 'kept.user')
    assert.equal(back.location, '/en/account/password')
    const page = await client.follow(back)
    assert.equal(page.status, 200)
    assert.ok(page.dom.querySelectorAll('input[type="password"]').every((i) => !i.hasAttribute('value')))

    for (const [action, form] of [
      ['/en/business/active', { business: '00000000-0000-0000-0000-000000000000', returnTo: '/en/home' }],
      ['/en/session/continue', { returnTo: '/en/account/email' }],
      ['/en/offers/new', {}],
    ] as const) {
      const c = new TestClient(t.app)
      await signIn(c, 'kept.primary')
      await c.get('/en/home')
      t.clock.advanceMinutes(21)
      const ended = await c.post(action, form)
      const signedIn = await signInAgain(c, ended, 'kept.primary')
      const landed = await c.get(signedIn.location!)
      assert.equal(landed.status, 200, `${action} → ${signedIn.location}`)
      if (action === '/en/session/continue') assert.equal(signedIn.location, '/en/account/email', 'back to the page "Continue session" was pressed on')
    }
    assert.ok(primaryId)
  })

  it('is kept through the second factor, for the same person only', async () => {
    const secret = newTotpSecret()
    await createUser(t.db, { username: 'kept.totp', totpSecret: secret })
    const client = new TestClient(t.app)
    await signIn(client, 'kept.totp')
    await client.get('/en/sign-in/code')
    await client.post('/en/sign-in/code', { code: totpCode(secret, t.clock.now()) })
    await client.get('/en/home')
    t.clock.advanceMinutes(21)
    const late = await client.post('/en/home/contact', { givenName: 'Second', middleName: '', familyName: 'Factor', preferredLanguage: 'en' }, REFERER('/en/home'))
    const password = await signInAgain(client, late, 'kept.totp')
    assert.equal(password.location, '/en/sign-in/code')
    await client.get('/en/sign-in/code')
    t.clock.advanceMinutes(1)
    const done = await client.post('/en/sign-in/code', { code: totpCode(secret, t.clock.now()) })
    assert.equal(done.location, '/en/home')
    assert.equal((await client.follow(done)).dom.querySelector('#given-name')!.getAttribute('value'), 'Second')

    // Someone else signing in on that browser does not get it.
    const shared = new TestClient(t.app)
    await signIn(shared, 'kept.user')
    await shared.get('/en/home')
    t.clock.advanceMinutes(21)
    const ended = await shared.post('/en/home/contact', { givenName: 'Private', middleName: '', familyName: 'Typing', preferredLanguage: 'en' }, REFERER('/en/home'))
    const other = await signInAgain(shared, ended, 'kept.primary')
    const home = await shared.follow(other)
    assert.notEqual(home.dom.querySelector('#given-name')!.getAttribute('value'), 'Private')
    assert.doesNotMatch(home.body, /Private/)
  })
})

describe('"Continue session"', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'cont.user', givenName: 'Saved', familyName: 'Name' })
  })
  after(() => t.close())

  it('answers the warning script with the new status, without leaving the page', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'cont.user')
    const page = await client.get('/en/home')
    assert.equal(page.dom.querySelector('#session-warning')!.getAttribute('data-seconds-to-warn'), '1080', 'seconds from the server’s now, not a time of day')
    t.clock.advanceMinutes(19)
    const res = await client.post('/en/session/continue', { returnTo: '/en/home' }, { accept: 'application/json' })
    assert.equal(res.status, 200)
    const status = JSON.parse(res.body)
    assert.equal(status.signedIn, true)
    assert.equal(status.warn, false)
    assert.equal(status.secondsToWarn, 18 * 60)
    assert.equal(status.secondsLeft, 20 * 60)
    t.clock.advanceMinutes(19)
    assert.equal((await client.get('/en/home')).status, 200, 'the session carried on')
  })

  it('without script, carries the page’s form (offer sections, contact details) and brings its typing back, unsent', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'cont.user')
    const page = await client.get('/en/home')
    const noscript = page.body.slice(page.body.indexOf('<noscript>'), page.body.indexOf('</noscript>'))
    assert.match(noscript, /<button[^>]* form="contact-form" formaction="\/en\/session\/continue\?returnTo=%2Fen%2Fhome" formmethod="post"[^>]* name="_keep" value="\/en\/home\/contact">/)
    assert.ok(page.dom.querySelector('form#contact-form[action="/en/home/contact"]'))
    t.clock.advanceMinutes(19)
    // What the browser sends: the contact form's fields (and its CSRF token), to the button's address.
    const res = await client.post('/en/session/continue?returnTo=%2Fen%2Fhome', { givenName: 'Half', middleName: '', familyName: 'Typed', preferredLanguage: 'en', _keep: '/en/home/contact' })
    assert.equal(res.status, 303)
    assert.equal(res.location, '/en/home')
    const back = await client.follow(res)
    assert.equal(back.dom.querySelector('#given-name')!.getAttribute('value'), 'Half')
    assert.equal(back.dom.querySelector('#family-name')!.getAttribute('value'), 'Typed')
    const user = await t.db.selectFrom('app_user').select('given_name').where('username_key', '=', 'cont.user').executeTakeFirstOrThrow()
    assert.equal(user.given_name, 'Saved', 'kept, not sent')
    t.clock.advanceMinutes(19)
    assert.equal((await client.get('/en/home')).status, 200, 'the session carried on')
  })

  it('without script on a page that names no form, is a plain form back to the page', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'cont.user')
    const page = await client.get('/en/account/email')
    assert.match(page.body, /<noscript>.*<form method="post" action="\/en\/session\/continue">/s)
    assert.equal((await client.post('/en/session/continue', { returnTo: '/en/account/email' })).location, '/en/account/email')
    assert.equal((await client.post('/en/session/continue', { returnTo: '/en/home/contact' })).location, '/en/home', 'an address no page answers: home')
  })
})

describe('two-step verification, once it is on', () => {
  let t: TestApp
  const secret = newTotpSecret()
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'two.step' })
  })
  after(() => t.close())

  it('is set up, then managed from its own page: new recovery codes, a new app, and codes left after using one', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'two.step')
    const setup = await client.get('/en/two-factor/setup')
    const key = text(setup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })
    const codes = (await client.get('/en/two-factor/recovery-codes')).dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    assert.equal(codes.length, 10)
    await client.post('/en/two-factor/recovery-codes', {})

    const home = await client.get('/en/home')
    const manage = home.dom.querySelector('a[href="/en/account/two-factor"]')
    assert.ok(manage, 'home links to the management page')
    // The setup page no longer replaces a working second factor by its address.
    const direct = await client.get('/en/two-factor/setup')
    assert.equal(direct.location, '/en/account/two-factor')
    assert.equal((await client.post('/en/two-factor/setup', { code: '123456' })).location, '/en/sign-in', 'no key was issued')

    const page = await client.get('/en/account/two-factor')
    assert.equal(page.status, 200)
    assert.match(text(page.dom.querySelector('main')), /Recovery codes left: 10/)
    const fr = await client.get('/fr/account/two-factor')
    assert.match(text(fr.dom.querySelector('main')), /Codes de récupération restants : 10/)

    // New recovery codes after the password.
    const empty = await client.post('/en/account/two-factor/recovery-codes', { codesPassword: '' })
    assert.deepEqual(errorSummaryLinks(empty.dom).map((l) => [l.text, l.targetExists]), [['Enter your current password', true]])
    const wrong = await client.post('/en/account/two-factor/recovery-codes', { codesPassword: 'not my password' })
    assert.equal(wrong.status, 400)
    const renewed = await client.post('/en/account/two-factor/recovery-codes', { codesPassword: TEST_PASSWORD })
    assert.equal(renewed.location, '/en/two-factor/recovery-codes')
    const fresh = (await client.follow(renewed)).dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    assert.equal(fresh.length, 10)
    assert.ok(fresh.every((c) => !codes.includes(c)))

    // Signing in with a recovery code: the next page says how many are left, once.
    const other = new TestClient(t.app)
    await signIn(other, 'two.step')
    await other.get('/en/sign-in/code')
    assert.equal((await other.post('/en/sign-in/code', { code: codes[0]! })).status, 400, 'the old codes no longer work')
    const withCode = await other.post('/en/sign-in/code', { code: fresh[0]! })
    assert.equal(withCode.location, '/en/home')
    const landed = await other.follow(withCode)
    assert.match(text(landed.dom.querySelector('#recovery-codes-left-title')?.parentNode), /Recovery codes left: 9\./)
    assert.equal((await other.get('/en/home')).dom.querySelector('#recovery-codes-left-title'), null, 'said once')

    // A new authenticator app: password and a code of the current one (or a recovery code).
    const refused = await other.post('/en/account/two-factor/replace', { currentPassword: TEST_PASSWORD, code: '000000' })
    assert.equal(refused.status, 400)
    assert.deepEqual(errorSummaryLinks(refused.dom).map((l) => l.href), ['#code'])
    const allowed = await other.post('/en/account/two-factor/replace', { currentPassword: TEST_PASSWORD, code: fresh[1]! })
    assert.equal(allowed.location, '/en/two-factor/setup')
    const newSetup = await other.follow(allowed)
    const newKey = text(newSetup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    assert.notEqual(newKey, key)
    t.clock.advanceMinutes(1)
    const replaced = await other.post('/en/two-factor/setup', { code: totpCode(newKey, t.clock.now()) })
    assert.equal(replaced.location, '/en/two-factor/recovery-codes')
    assert.equal((await other.get('/en/two-factor/setup')).location, '/en/account/two-factor', 'once replaced, the setup page is closed again')

    t.clock.advanceMinutes(1)
    const next = new TestClient(t.app)
    await signIn(next, 'two.step')
    await next.get('/en/sign-in/code')
    assert.equal((await next.post('/en/sign-in/code', { code: totpCode(key, t.clock.now()) })).status, 400, 'the old app no longer works')
    assert.equal((await next.post('/en/sign-in/code', { code: totpCode(newKey, t.clock.now()) })).location, '/en/home')
    const actions = (await t.db.selectFrom('audit_event').select('action').execute()).map((a) => a.action)
    assert.ok(actions.includes('auth.recovery_codes_replaced') && actions.includes('auth.totp_replaced'))
    void secret
  })
})
