import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import { SESSION_COOKIE } from '../../src/platform/security.ts'
import { hash, type Algorithm } from '@node-rs/argon2'
import { ARGON2_SETTING, madeWithOtherSetting } from '../../src/features/auth/passwords.ts'
import { newTotpSecret, totpCode } from '../../src/features/auth/totp.ts'
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
  })
  after(() => t.close())

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
