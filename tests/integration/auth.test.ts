import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { SESSION_COOKIE } from '../../src/platform/security.ts'
import { hash, type Algorithm } from '@node-rs/argon2'
import { ARGON2_SETTING, madeWithOtherSetting } from '../../src/features/auth/passwords.ts'
import { newTotpSecret, totpCode } from '../../src/features/auth/totp.ts'
import { renderEmail, type NotificationParams } from '../../src/features/notifications/render.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../helpers/http.ts'
import { createUser, signIn, TEST_PASSWORD } from '../helpers/users.ts'

describe('registration', () => {
  let t: TestApp
  before(async () => (t = await testApp()))
  after(() => t.close())

  it('creates an account, signs the person in and shows their home page', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/register')
    const res = await client.post('/en/register', { username: 'marie.tremblay', email: 'marie@example.ca', password: 'a long and quiet river', confirmPassword: 'a long and quiet river' })
    assert.equal(res.status, 303)
    const home = await client.follow(await client.follow(res).then(() => res))
    assert.equal(home.status, 200)
    assert.match(text(home.dom.querySelector('h1')), /marie\.tremblay’s Employer Portal account/)
    assert.match(home.body, /This is your first time signing in/)
    const user = await t.db.selectFrom('app_user').selectAll().where('username_key', '=', 'marie.tremblay').executeTakeFirstOrThrow()
    assert.match(user.password_hash!, /^\$argon2id\$/)
    const events = await t.db.selectFrom('audit_event').select('action').where('actor_user_id', '=', user.id).execute()
    assert.deepEqual(events.map((e) => e.action).sort(), ['auth.registered', 'auth.signed_in'])
  })

  it('explains each problem in French, linked to its field, and creates nothing', async () => {
    const client = new TestClient(t.app)
    await client.get('/fr/register')
    const res = await client.post('/fr/register', { username: 'x', email: 'pas-un-courriel', password: 'password1234', confirmPassword: 'autre chose' })
    assert.equal(res.status, 400)
    assert.match(text(res.dom.querySelector('title')), /^Erreur : /)
    const links = errorSummaryLinks(res.dom)
    assert.deepEqual(links.map((l) => l.href), ['#username', '#email', '#password', '#confirm-password'])
    assert.ok(links.every((l) => l.targetExists))
    assert.match(links[2]!.text, /trop courant/)
    assert.match(links[3]!.text, /ne sont pas identiques/)
    assert.equal(res.dom.querySelector('#email')!.getAttribute('value'), 'pas-un-courriel')
    assert.equal(res.dom.querySelector('#password')!.hasAttribute('value'), false, 'passwords are never sent back')
    const count = await t.db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    assert.equal(Number(count.n), 1)
  })

  it('refuses short passwords and ones containing the username', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/register')
    const short = await client.post('/en/register', { username: 'short.pw', email: 'a@example.ca', password: 'elevenchars', confirmPassword: 'elevenchars' })
    assert.match(text(short.dom.querySelector('#password-error')), /at least 12 characters/)
    const like = await client.post('/en/register', { username: 'jean.roy', email: 'a@example.ca', password: 'Jean.Roy-2026-secret', confirmPassword: 'Jean.Roy-2026-secret' })
    assert.match(text(like.dom.querySelector('#password-error')), /must not contain the username/)
  })

  it('says a username is taken regardless of case, without creating a second account', async () => {
    await createUser(t.db, { username: 'Taken.Name' })
    const client = new TestClient(t.app)
    await client.get('/en/register')
    const res = await client.post('/en/register', { username: 'taken.name', email: 'b@example.ca', password: 'another long passphrase', confirmPassword: 'another long passphrase' })
    assert.equal(res.status, 400)
    assert.match(text(res.dom.querySelector('#username-error')), /not available/)
  })

  it('answers once, and the first page says the account is ready and where the confirmation link went (once)', async () => {
    const client = new TestClient(t.app)
    await client.get('/fr/register')
    const res = await client.post('/fr/register', { username: 'luc.gagnon', email: 'luc@example.ca', password: 'a long and quiet river', confirmPassword: 'a long and quiet river' })
    assert.equal(res.status, 303)
    assert.equal(res.location, '/fr/home')
    assert.doesNotMatch(t.logs.join(''), /Reply was already sent/)
    const home = await client.follow(res)
    assert.match(text(home.dom.querySelector('#registered-title')), /Votre compte est prêt/)
    assert.match(text(home.dom.querySelector('body')), /Nous avons envoyé un lien à luc@example\.ca pour confirmer votre adresse courriel/)
    assert.equal((await client.get('/fr/home')).dom.querySelector('#registered-title'), null, 'said once')
  })
})

describe('signing in', () => {
  let t: TestApp
  beforeEach(async () => {
    await t?.close()
    t = await testApp()
    await createUser(t.db, { username: 'employer1', givenName: 'Amélie', familyName: 'Nguyen' })
  })
  after(() => t.close())

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const client = new TestClient(t.app)
    const unknown = await signIn(client, 'nobody-here', 'some password here')
    const wrong = await signIn(client, 'employer1', 'wrong password here')
    assert.equal(unknown.status, 400)
    assert.equal(wrong.status, 400)
    assert.equal(text(unknown.dom.querySelector('.error-summary')), text(wrong.dom.querySelector('.error-summary')))
    assert.match(text(wrong.dom.querySelector('.error-summary')), /username or password is not right/)
  })

  it("makes a password's hash again with the current argon2id setting at sign-in when an older release made it, and not on a wrong password", async () => {
    // 19 MiB and 2 passes: the setting of releases before session 31.
    const older = await hash(TEST_PASSWORD, { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 })
    await t.db.updateTable('app_user').set({ password_hash: older }).where('username_key', '=', 'employer1').execute()
    const storedHash = async () => (await t.db.selectFrom('app_user').select('password_hash').where('username_key', '=', 'employer1').executeTakeFirstOrThrow()).password_hash!

    assert.equal((await signIn(new TestClient(t.app), 'employer1', 'wrong password here')).status, 400)
    assert.equal(await storedHash(), older, 'a wrong password changes nothing')

    assert.equal((await signIn(new TestClient(t.app), 'employer1')).location, '/en/home')
    const remade = await storedHash()
    assert.ok(remade.startsWith(`$argon2id$v=19$m=${ARGON2_SETTING.memoryCost},t=${ARGON2_SETTING.timeCost},p=${ARGON2_SETTING.parallelism}$`), remade)
    assert.equal(madeWithOtherSetting(remade), false)
    assert.equal((await signIn(new TestClient(t.app), 'employer1')).location, '/en/home', 'the same password opens it')
    assert.equal((await signIn(new TestClient(t.app), 'employer1', 'wrong password here')).status, 400)
  })

  it('signs in under a new session id, records the sign-in and remembers the previous one', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    const before = client.cookies.get(SESSION_COOKIE)
    assert.ok(before, 'the sign-in form has a session for its CSRF token')
    const res = await client.post('/en/sign-in', { username: 'employer1', password: TEST_PASSWORD })
    assert.equal(res.status, 303)
    assert.equal(res.location, '/en/home')
    assert.notEqual(client.cookies.get(SESSION_COOKIE), before)

    const home = await client.get('/en/home')
    assert.match(text(home.dom.querySelector('h1')), /Amélie Nguyen’s Employer Portal account/)
    assert.match(home.body, /first time signing in/)

    t.clock.advanceMinutes(60 * 24)
    const second = new TestClient(t.app)
    await signIn(second, 'EMPLOYER1')
    const again = await second.get('/en/home')
    assert.match(again.body, /The last time you signed in was on January 15, 2026/)
  })

  it('sets session cookies HttpOnly and SameSite=Lax', async () => {
    const client = new TestClient(t.app)
    const res = await signIn(client, 'employer1')
    const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith(`${SESSION_COOKIE}=`))!
    assert.match(String(cookie), /HttpOnly/i)
    assert.match(String(cookie), /SameSite=Lax/i)
  })

  it('locks the account name after 10 failures for 20 minutes, says so plainly, then lets the right password in', async () => {
    const client = new TestClient(t.app)
    for (let i = 1; i <= 9; i++) assert.equal((await signIn(client, 'employer1', `wrong password ${i}`)).status, 400)
    const tenth = await signIn(client, 'employer1', 'wrong password 10')
    assert.equal(tenth.status, 429)
    assert.match(text(tenth.dom.querySelector('.error-summary')), /sign-in is paused for this account after too many attempts/)
    assert.match(text(tenth.dom.querySelector('.error-summary')), /“Forgot your password\?” below the form: that ends the pause/, 'the way out now')
    assert.ok(tenth.dom.querySelector('main a[href="/en/forgot-password"]'))
    const right = await signIn(client, 'employer1')
    assert.equal(right.status, 429, 'even the right password waits for the lock to end')

    const unknown = new TestClient(t.app)
    for (let i = 1; i <= 10; i++) await signIn(unknown, 'ghost-account', `wrong password ${i}`)
    assert.match(text((await signIn(unknown, 'ghost-account', 'x'.repeat(12))).dom.querySelector('.error-summary')), /paused/, 'unknown names lock the same way')

    t.clock.advanceMinutes(21)
    const later = await signIn(new TestClient(t.app), 'employer1')
    assert.equal(later.status, 303)
    const actions = await t.db.selectFrom('audit_event').select('action').execute()
    assert.equal(actions.filter((a) => a.action === 'auth.sign_in_failed').length, 10)
    assert.equal(actions.filter((a) => a.action === 'auth.locked').length, 1)
  })

  it('signing out ends the session on the server', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'employer1')
    const cookie = client.cookies.get(SESSION_COOKIE)!
    const home = await client.get('/en/home')
    await client.post('/en/sign-out', {})
    const rows = await t.db.selectFrom('session').select('id').where('user_id', 'is not', null).execute()
    assert.equal(rows.length, 0)
    // Replaying the old cookie gets nothing.
    const replay = new TestClient(t.app)
    replay.cookies.set(SESSION_COOKIE, cookie)
    const res = await replay.get('/en/home')
    assert.equal(res.status, 303)
    assert.match(res.location!, /^\/en\/sign-in/)
    assert.equal(home.status, 200)
  })

  it('"sign out everywhere" ends every session of the user', async () => {
    const phone = new TestClient(t.app)
    const laptop = new TestClient(t.app)
    await signIn(phone, 'employer1')
    await signIn(laptop, 'employer1')
    assert.equal((await phone.get('/en/home')).status, 200)
    await laptop.get('/en/home')
    const res = await laptop.post('/en/sign-out-everywhere', {})
    assert.equal(res.location, '/en/signed-out?everywhere=1')
    assert.equal((await phone.get('/en/home')).status, 303)
    assert.equal((await laptop.get('/en/home')).status, 303)
  })

  it('saves contact details, and refuses missing names with linked errors', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'employer1')
    await client.get('/en/home')
    const bad = await client.post('/en/home/contact', { givenName: ' ', middleName: '', familyName: '', preferredLanguage: 'de' })
    assert.equal(bad.status, 400)
    assert.deepEqual(errorSummaryLinks(bad.dom).map((l) => [l.href, l.targetExists]), [
      ['#given-name', true],
      ['#family-name', true],
      ['#preferred-language', true],
    ])
    const ok = await client.post('/en/home/contact', { givenName: 'Amélie', middleName: 'Lan', familyName: "N'Guyen-Roy", preferredLanguage: 'fr' })
    assert.equal(ok.status, 303)
    const user = await t.db.selectFrom('app_user').selectAll().where('username_key', '=', 'employer1').executeTakeFirstOrThrow()
    assert.deepEqual([user.given_name, user.middle_name, user.family_name, user.preferred_language], ['Amélie', 'Lan', "N'Guyen-Roy", 'fr'])
  })
})

describe('registration where employers must use two-step verification (REQUIRE_EMPLOYER_TOTP)', () => {
  let t: TestApp
  before(async () => (t = await testApp({ config: { requireEmployerTotp: true } })))
  after(() => t.close())

  it('sets up the authenticator app before the account is signed in, then says the account is ready', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/register')
    const res = await client.post('/en/register', { username: 'new.totp', email: 'new.totp@example.ca', password: 'a long and quiet river', confirmPassword: 'a long and quiet river' })
    assert.equal(res.location, '/en/two-factor/setup')
    assert.match((await client.get('/en/home')).location ?? '', /\/en\/sign-in/, 'not signed in before the second factor is set up')
    const setup = await client.get('/en/two-factor/setup')
    assert.match(text(setup.dom.querySelector(`main form[action="/en/sign-out"] button`)), /Cancel and go back to the sign-in page/, 'a way out mid-sign-in')
    const key = text(setup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    const done = await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })
    assert.equal(done.location, '/en/two-factor/recovery-codes')
    await client.follow(done)
    const home = await client.post('/en/two-factor/recovery-codes', {})
    assert.equal(home.location, '/en/home')
    const page = await client.follow(home)
    assert.match(text(page.dom.querySelector('body')), /We sent a link to new\.totp@example\.ca to confirm your email address/)
    const user = await t.db.selectFrom('app_user').select('totp_enabled_at').where('username_key', '=', 'new.totp').executeTakeFirstOrThrow()
    assert.ok(user.totp_enabled_at)
  })
})

describe('idle and absolute session limits', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'idle.user' })
  })
  after(() => t.close())

  it('warns 2 minutes before the idle limit, ends the session at 20 minutes, and returns the user to the page after signing in again', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    const page = await client.get('/en/home')
    const banner = page.dom.querySelector('#session-warning')!
    assert.ok(banner, 'every signed-in page carries the warning')
    assert.match(page.body, /<noscript>.*<button[^>]* form="contact-form" formaction="\/en\/session\/continue[^"]*" formmethod="post"/s, 'without JavaScript, a button continues the session, carrying the contact form (tests/integration/session-forms.test.ts)')

    t.clock.advanceMinutes(17)
    assert.equal(JSON.parse((await client.get('/en/session/status')).body).warn, false)
    t.clock.advanceMinutes(1.5)
    const status = JSON.parse((await client.get('/en/session/status')).body)
    assert.equal(status.warn, true)
    assert.ok(status.secondsLeft > 0 && status.secondsLeft <= 120)

    // Continue session: a plain POST, and the clock starts again.
    await client.post('/en/session/continue', { returnTo: '/en/home' })
    t.clock.advanceMinutes(19)
    assert.equal((await client.get('/en/home')).status, 200)

    t.clock.advanceMinutes(21)
    const ended = await client.get('/en/home?tab=contact')
    assert.equal(ended.status, 303)
    const signInPage = await client.follow(ended)
    assert.match(text(signInPage.dom.querySelector('.notice')), /signed out after 20 minutes without activity/)
    const back = await client.post('/en/sign-in', { username: 'idle.user', password: TEST_PASSWORD, returnTo: signInPage.dom.querySelector('input[name="returnTo"]')!.getAttribute('value')! })
    assert.equal(back.location, '/en/home?tab=contact')
  })

  it('a form sent after the idle limit is kept for the same user after signing in again', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    await client.get('/en/home')
    t.clock.advanceMinutes(25)
    const late = await client.post('/en/home/contact', { givenName: 'Kept', middleName: '', familyName: 'Value', preferredLanguage: 'en' })
    assert.equal(late.status, 303)
    assert.match(late.location!, /\/en\/sign-in/)
    const user = await t.db.selectFrom('app_user').select('given_name').where('username_key', '=', 'idle.user').executeTakeFirstOrThrow()
    assert.notEqual(user.given_name, 'Kept', 'nothing changed without a session')
    const row = await t.db.selectFrom('session').select('data').execute()
    assert.ok(row.some((r) => JSON.stringify(r.data).includes('"Kept"')), 'the form is kept with the signed-out session')
  })

  it('a form from a page left open while another tab found the session ended is kept, not refused as forged; sent after signing in again, it is saved', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    await client.get('/en/home')
    const pageToken = client.csrf
    t.clock.advanceMinutes(25)
    // Another tab: its page ends the session (sign in again, it says).
    assert.equal((await client.get('/en/offers')).status, 303)
    const late = await client.post('/en/home/contact', { givenName: 'Other', middleName: '', familyName: 'Tab', preferredLanguage: 'en', _csrf: pageToken })
    assert.equal(late.status, 303, 'not the "could not be accepted" page')
    assert.match(late.location!, /\/en\/sign-in/)
    const signInPage = await client.get('/en/sign-in')
    const back = await client.post('/en/sign-in', { username: 'idle.user', password: TEST_PASSWORD, returnTo: signInPage.dom.querySelector('input[name="returnTo"]')!.getAttribute('value')! })
    const home = await client.follow(back)
    assert.equal(home.dom.querySelector('#given-name')!.getAttribute('value'), 'Other')
    assert.match(text(home.dom.querySelector('#restored-form-title')), /What you typed is filled in again/)

    // Signed in again (in that other tab): a form of a page opened before the end is saved as sent.
    t.clock.advanceMinutes(25)
    assert.equal((await client.get('/en/offers')).status, 303)
    await signIn(client, 'idle.user')
    const saved = await client.post('/en/home/contact', { givenName: 'Saved', middleName: '', familyName: 'Later', preferredLanguage: 'en', _csrf: pageToken })
    assert.equal(saved.status, 303)
    assert.doesNotMatch(saved.location!, /sign-in/)
    const user = await t.db.selectFrom('app_user').select('given_name').where('username_key', '=', 'idle.user').executeTakeFirstOrThrow()
    assert.equal(user.given_name, 'Saved')
  })

  it('someone else signing in on the same browser after a session ended does not make its pages’ forms valid', async () => {
    await createUser(t.db, { username: 'idle.other', password: TEST_PASSWORD })
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    await client.get('/en/home')
    const pageToken = client.csrf
    t.clock.advanceMinutes(25)
    assert.equal((await client.get('/en/offers')).status, 303)
    await signIn(client, 'idle.other')
    const refused = await client.post('/en/home/contact', { givenName: 'Forged', middleName: '', familyName: 'Form', preferredLanguage: 'en', _csrf: pageToken })
    assert.equal(refused.status, 403)
    const other = await t.db.selectFrom('app_user').select('given_name').where('username_key', '=', 'idle.other').executeTakeFirstOrThrow()
    assert.notEqual(other.given_name, 'Forged')
  })

  it('with script: the status poll leaves an ended session for the page’s typing to be kept, which comes back after signing in', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    const page = await client.get('/en/home')
    const warning = page.dom.querySelector('#session-warning')!
    assert.deepEqual(
      ['data-keep-form', 'data-keep-action', 'data-keep-url'].map((a) => warning.getAttribute(a)),
      ['contact-form', '/en/home/contact', '/en/session/continue?returnTo=%2Fen%2Fhome'],
      'the script is told which form to keep, and where to send it',
    )
    t.clock.advanceMinutes(21)
    const status = await client.get('/en/session/status', { accept: 'application/json' })
    assert.deepEqual(JSON.parse(status.body), { signedIn: false, canKeep: true })
    // What the script sends: the contact form's fields (no password) and `_keep`, with the page's token, which still works.
    const kept = await client.post('/en/session/continue?returnTo=%2Fen%2Fhome', { givenName: 'Scripted', middleName: '', familyName: 'Typing', preferredLanguage: 'en', _keep: '/en/home/contact' }, { accept: 'application/json' })
    assert.equal(kept.status, 200)
    assert.deepEqual(JSON.parse(kept.body), { signedIn: false, next: '/en/sign-in' })
    const signInPage = await client.get('/en/sign-in')
    assert.match(text(signInPage.dom.querySelector('.notice')), /20 minutes without activity/)
    const back = await client.post('/en/sign-in', { username: 'idle.user', password: TEST_PASSWORD, returnTo: signInPage.dom.querySelector('input[name="returnTo"]')!.getAttribute('value')! })
    assert.equal(back.location, '/en/home')
    const home = await client.follow(back)
    assert.equal(home.dom.querySelector('#given-name')!.getAttribute('value'), 'Scripted')
    assert.equal(home.dom.querySelector('#family-name')!.getAttribute('value'), 'Typing')
    assert.match(text(home.dom.querySelector('#restored-form-title')), /What you typed is filled in again/)
  })

  it('with script: "Continue session" after the end (a laptop asleep) answers where to sign in, as JSON, and keeps nothing it should not', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    await client.get('/en/account/email')
    t.clock.advanceMinutes(30)
    const late = await client.post('/en/session/continue', { returnTo: '/en/account/email' }, { accept: 'application/json' })
    assert.equal(late.status, 200)
    assert.deepEqual(JSON.parse(late.body), { signedIn: false, next: '/en/sign-in' })
    const signInPage = await client.get('/en/sign-in')
    assert.match(text(signInPage.dom.querySelector('.notice')), /20 minutes without activity/)
    const back = await client.post('/en/sign-in', { username: 'idle.user', password: TEST_PASSWORD, returnTo: signInPage.dom.querySelector('input[name="returnTo"]')!.getAttribute('value')! })
    assert.equal(back.location, '/en/account/email', 'back to the page it was pressed on')
  })

  it('ends any session after 12 hours, however active', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'idle.user')
    for (let i = 0; i < 12 * 4; i++) {
      t.clock.advanceMinutes(15)
      const res = await client.get('/en/home')
      if (res.status !== 200) {
        assert.ok(i >= 47, `ended early, after ${(i + 1) * 15} minutes`)
        assert.match(text((await client.follow(res)).dom.querySelector('.notice')), /sessions end after 12 hours/)
        return
      }
    }
    t.clock.advanceMinutes(15)
    assert.equal((await client.get('/en/home')).status, 303)
  })
})

describe('second factor and audiences', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'officer.one', role: 'officer', givenName: 'Olivier', familyName: 'Agent' })
    await createUser(t.db, { username: 'employer.two' })
    await createUser(t.db, { username: 'employer.lost', totpSecret: newTotpSecret() })
  })
  after(() => t.close())

  it('the code page takes recovery codes on a text keyboard, and helps someone who lost both, with a way back to sign-in', async () => {
    for (const lang of ['en', 'fr'] as const) {
      const client = new TestClient(t.app)
      const first = await signIn(client, 'employer.lost', TEST_PASSWORD, lang)
      assert.equal(first.location, `/${lang}/sign-in/code`)
      const page = await client.follow(first)
      const input = page.dom.querySelector('input[name="code"]')!
      assert.equal(input.getAttribute('inputmode'), 'text', 'letters of recovery codes (k7mq-2xtd-9pwa) need a text keyboard')
      assert.equal(input.getAttribute('autocomplete'), 'one-time-code')
      assert.match(text(page.dom.querySelector('main')), lang === 'en' ? /Lost your authenticator app and your recovery codes\?/ : /Vous avez perdu votre application d’authentification et vos codes de récupération\?/)
      assert.ok(page.dom.querySelector(`main a[href="/${lang}/help"]`), 'points to Help and support')
      const cancel = page.dom.querySelector(`main form[action="/${lang}/sign-out"] button`)!
      assert.match(text(cancel), lang === 'en' ? /go back to the sign-in page/ : /retourner à la page de connexion/)
      const back = await client.post(`/${lang}/sign-out`, {})
      assert.equal(back.location, `/${lang}/sign-in`)
      assert.equal((await client.get(`/${lang}/sign-in/code`)).location, `/${lang}/sign-in`, 'the half-done sign-in is forgotten')
    }
  })

  it('makes an officer set up an authenticator at first sign-in, then asks for a code each time; a recovery code works once', async () => {
    const client = new TestClient(t.app)
    const first = await signIn(client, 'officer.one', TEST_PASSWORD, 'en', true)
    assert.equal(first.location, '/en/two-factor/setup')
    const setup = await client.follow(first)
    assert.ok(setup.dom.querySelector('img[alt="QR code for your authenticator app"]'))
    const key = text(setup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    assert.match(key, /^[A-Z2-7]{32}$/)

    const wrong = await client.post('/en/two-factor/setup', { code: '000000' })
    assert.equal(wrong.status, 400)
    const done = await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })
    assert.equal(done.location, '/en/two-factor/recovery-codes')
    const codesPage = await client.follow(done)
    const codes = codesPage.dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    assert.equal(codes.length, 10)
    assert.equal(new Set(codes).size, 10)
    const toConsole = await client.post('/en/two-factor/recovery-codes', {})
    assert.equal(toConsole.location, '/en/console')
    assert.match(text((await client.follow(toConsole)).dom.querySelector('main')), /Signed in as Olivier Agent \(officer\)/)
    const stored = await t.db.selectFrom('recovery_code').select('code_hash').execute()
    assert.ok(stored.every((r) => r.code_hash.startsWith('$argon2id$') && !codes.some((c) => r.code_hash.includes(c))), 'codes are kept hashed')

    // Next sign-in: a code is required; the same code cannot be replayed.
    t.clock.advanceMinutes(1)
    const usedCode = totpCode(key, t.clock.now())
    const second = new TestClient(t.app)
    assert.equal((await signIn(second, 'officer.one', TEST_PASSWORD, 'en', true)).location, '/en/sign-in/code')
    await second.get('/en/sign-in/code')
    const bad = await second.post('/en/sign-in/code', { code: '123456' })
    assert.equal(bad.status, 400)
    assert.match(text(bad.dom.querySelector('#code-error')), /not right/)
    assert.equal((await second.post('/en/sign-in/code', { code: usedCode })).location, '/en/console')
    const replay = new TestClient(t.app)
    await signIn(replay, 'officer.one', TEST_PASSWORD, 'en', true)
    await replay.get('/en/sign-in/code')
    assert.equal((await replay.post('/en/sign-in/code', { code: usedCode })).status, 400, 'a code works once')

    // A recovery code, typed loosely, works once.
    const loose = codes[0]!.toUpperCase().replace(/-/g, ' ')
    assert.equal((await replay.post('/en/sign-in/code', { code: loose })).location, '/en/console')
    const third = new TestClient(t.app)
    await signIn(third, 'officer.one', TEST_PASSWORD, 'en', true)
    await third.get('/en/sign-in/code')
    assert.equal((await third.post('/en/sign-in/code', { code: codes[0]! })).status, 400)
  })

  it('tells an employer at the console, and an officer at the portal, that their account is not authorized here', async () => {
    const employer = new TestClient(t.app)
    const res = await signIn(employer, 'employer.two', TEST_PASSWORD, 'fr', true)
    assert.equal(res.status, 403)
    assert.equal(text(res.dom.querySelector('h1')), 'Votre compte n’est pas autorisé à accéder à ce portail.')
    assert.equal(res.dom.querySelector('main a')!.getAttribute('href'), '/fr/sign-in')

    const officer = new TestClient(t.app)
    const o = await signIn(officer, 'officer.one', TEST_PASSWORD, 'en', false)
    assert.equal(o.status, 403)
    assert.equal(text(o.dom.querySelector('h1')), 'Your account is not authorized to access this portal.')
    assert.equal(o.dom.querySelector('main a')!.getAttribute('href'), '/en/console/sign-in')
  })

  it('keeps employers out of the console and officers out of the portal even when signed in', async () => {
    const employer = new TestClient(t.app)
    await signIn(employer, 'employer.two')
    const res = await employer.get('/en/console')
    assert.equal(res.status, 403)
    assert.match(text(res.dom.querySelector('h1')), /not authorized/)
  })

  it('an employer may set up a second factor from their account and then needs it', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'employer.two')
    const setup = await client.get('/en/two-factor/setup')
    const key = text(setup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    const done = await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })
    assert.equal(done.location, '/en/two-factor/recovery-codes')
    t.clock.advanceMinutes(1)
    const again = await signIn(new TestClient(t.app), 'employer.two')
    assert.equal(again.location, '/en/sign-in/code')
  })
})

describe('security e-mails of two-step verification', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'sec.user', email: 'sec@example.ca', lang: 'fr' })
  })
  after(() => t.close())

  const mails = async () =>
    (await t.db.selectFrom('email_outbox').select(['template', 'to_address', 'lang', 'params']).where('to_address', '=', 'sec@example.ca').orderBy('created_at').orderBy('id').execute()).map((m) => ({
      ...m,
      text: renderEmail(m.template, m.lang, m.params as NotificationParams, 'https://portal.example').text,
    }))
  const setUpApp = async (client: TestClient) => {
    const key = text((await client.get('/en/two-factor/setup')).dom.querySelector('.totp-key')).replace(/\s+/g, '')
    const done = await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })
    assert.equal(done.location, '/en/two-factor/recovery-codes')
    const codes = (await client.follow(done)).dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    await client.post('/en/two-factor/recovery-codes', {})
    return codes
  }

  it('turned on, new recovery codes, a recovery code used to sign in, a new app: each told by e-mail in the person’s language, with the way to support', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'sec.user')
    await setUpApp(client)
    assert.deepEqual((await mails()).map((m) => [m.template, m.lang]), [['twoFactorEnabled', 'fr']])

    t.clock.advanceMinutes(1)
    await client.get('/en/account/two-factor')
    assert.equal((await client.post('/en/account/two-factor/recovery-codes', { codesPassword: TEST_PASSWORD })).location, '/en/two-factor/recovery-codes')
    const codes = (await client.get('/en/two-factor/recovery-codes')).dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    await client.post('/en/two-factor/recovery-codes', {})
    assert.equal((await mails()).at(-1)!.template, 'recoveryCodesReplaced')

    // A minute on: the e-mails are listed by when they were written (the test clock stands still).
    t.clock.advanceMinutes(1)
    await client.post('/en/sign-out', {})
    const again = new TestClient(t.app)
    assert.equal((await signIn(again, 'sec.user')).location, '/en/sign-in/code')
    await again.get('/en/sign-in/code')
    assert.equal((await again.post('/en/sign-in/code', { code: codes[0]! })).location, '/en/home')
    const used = (await mails()).at(-1)!
    assert.equal(used.template, 'recoveryCodeUsed')
    assert.match(used.text, /Codes de récupération restants\u00a0: 9\./)

    t.clock.advanceMinutes(1)
    await again.get('/en/account/two-factor')
    assert.equal((await again.post('/en/account/two-factor/replace', { currentPassword: TEST_PASSWORD, code: codes[1]! })).location, '/en/two-factor/setup')
    t.clock.advanceMinutes(1)
    await setUpApp(again)
    const all = await mails()
    assert.deepEqual(all.map((m) => m.template), ['twoFactorEnabled', 'recoveryCodesReplaced', 'recoveryCodeUsed', 'authenticatorReplaced'], 'a recovery code used to replace the app is not a sign-in')
    for (const m of all) {
      assert.match(m.text, /soutien du ministère par la page Aide et soutien/)
      assert.match(m.text, /https:\/\/portal\.example\/fr\/help\n/, 'the link is the way to support, in the same language')
    }
  })

  it('the password and address changes say how to reach support, and not that this session ended', async () => {
    const password = renderEmail('passwordChanged', 'en', { username: 'sec.user' }, 'https://portal.example').text
    assert.doesNotMatch(password, /every session was ended/)
    assert.match(password, /signed out everywhere else/)
    assert.match(password, /Help and support page/)
    assert.match(password, /https:\/\/portal\.example\/en\/help\n/)
    const address = renderEmail('emailChanged', 'fr', { username: 'sec.user', email: 'new@example.ca' }, 'https://portal.example').text
    assert.doesNotMatch(address, /communiquez avec nous\./)
    assert.match(address, /https:\/\/portal\.example\/fr\/help\n/)
  })
})

describe('two-step verification pages, signed in', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'pages.user' })
  })
  after(() => t.close())

  const saveCodes = async (client: TestClient) => {
    const codes = (await client.get('/en/two-factor/recovery-codes')).dom.querySelectorAll('.recovery-codes code').map((c) => text(c))
    return { codes, back: await client.post('/en/two-factor/recovery-codes', {}) }
  }

  it('offer a way back, tell a replacement from a first setup, and come back to the Two-step verification page saying what was done', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'pages.user')
    const setup = await client.get('/en/two-factor/setup')
    assert.equal(text(setup.dom.querySelector('h1')), 'Set up your authenticator app')
    assert.equal(setup.dom.querySelector('a.back-link')!.getAttribute('href'), '/en/home')
    assert.equal(text(setup.dom.querySelector('a.back-link')), 'Cancel')
    const key = text(setup.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    await client.post('/en/two-factor/setup', { code: totpCode(key, t.clock.now()) })
    const enabled = await saveCodes(client)
    assert.equal(enabled.back.location, '/en/account/two-factor?done=enabled')
    assert.match(text((await client.follow(enabled.back)).dom.querySelector('main .notice-title')), /Two-step verification is on/)

    await client.post('/en/account/two-factor/recovery-codes', { codesPassword: TEST_PASSWORD })
    const renewed = await saveCodes(client)
    assert.equal(renewed.back.location, '/en/account/two-factor?done=renewed')
    assert.match(text((await client.follow(renewed.back)).dom.querySelector('main .notice-title')), /You have new recovery codes/)
    assert.equal((await client.get('/en/account/two-factor?done=<b>x</b>')).dom.querySelector('main .notice-title'), null, 'only the portal’s own words')

    const empty = await client.post('/en/account/two-factor/replace', { currentPassword: TEST_PASSWORD, code: '' })
    assert.deepEqual(errorSummaryLinks(empty.dom).map((l) => l.text), ['Enter a code from your authenticator app, or one of your recovery codes'])
    const emptyFr = await client.post('/fr/account/two-factor/replace', { currentPassword: TEST_PASSWORD, code: '' })
    assert.match(text(emptyFr.dom.querySelector('#code-error')), /ou l’un de vos codes de récupération/)
    const allowed = await client.post('/en/account/two-factor/replace', { currentPassword: TEST_PASSWORD, code: renewed.codes[0]! })
    const replacing = await client.follow(allowed)
    assert.equal(text(replacing.dom.querySelector('h1')), 'Set up your new authenticator app')
    assert.match(text(replacing.dom.querySelector('main')), /Your current app keeps working until you finish here/)
    assert.equal(replacing.dom.querySelector('a.back-link')!.getAttribute('href'), '/en/account/two-factor')
    const fr = await client.get('/fr/two-factor/setup')
    assert.equal(text(fr.dom.querySelector('h1')), 'Configurer votre nouvelle application d’authentification')
    const newKey = text(replacing.dom.querySelector('.totp-key')).replace(/\s+/g, '')
    t.clock.advanceMinutes(1)
    await client.post('/en/two-factor/setup', { code: totpCode(newKey, t.clock.now()) })
    const replaced = await saveCodes(client)
    assert.equal(replaced.back.location, '/en/account/two-factor?done=replaced')
    assert.match(text((await client.follow(replaced.back)).dom.querySelector('main .notice-title')), /Your new authenticator app is set up/)
  })
})

describe('a production portal', () => {
  it('marks the session cookie Secure behind TLS', async () => {
    const t = await testApp({ config: { isProduction: true, trustProxy: true } })
    try {
      await createUser(t.db, { username: 'secure.user' })
      const client = new TestClient(t.app, { 'x-forwarded-proto': 'https' })
      const res = await signIn(client, 'secure.user')
      const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith(`${SESSION_COOKIE}=`))
      assert.match(String(cookie), /Secure/)
    } finally {
      await t.close()
    }
  })
})

void newTotpSecret
