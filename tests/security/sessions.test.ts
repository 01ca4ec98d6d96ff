import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildApp } from '../../src/app.ts'
import { testConfig } from '../../src/config.ts'
import { newTotpSecret } from '../../src/features/auth/totp.ts'
import { SESSION_COOKIE } from '../../src/platform/security.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient } from '../helpers/http.ts'
import { createUser, signIn, signInStaff } from '../helpers/users.ts'

const OFFICER_TOTP = newTotpSecret()

/** The Set-Cookie header lines of a response. */
function setCookies(res: { headers: Record<string, unknown> }): string[] {
  const h = res.headers['set-cookie']
  return h === undefined ? [] : Array.isArray(h) ? h.map(String) : [String(h)]
}

describe('sessions and CSRF', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'session.owner' })
    await createUser(t.db, { username: 'session.officer', role: 'officer', totpSecret: OFFICER_TOTP })
  })
  after(() => t.close())

  it('session fixation: the session id a visitor had before signing in is not the one after, and no longer works', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    const before = client.cookies.get(SESSION_COOKIE)
    assert.ok(before, 'the sign-in page starts a session (for its CSRF secret)')
    const res = await signIn(client, 'session.owner')
    assert.equal(res.status, 303)
    const afterId = client.cookies.get(SESSION_COOKIE)
    assert.ok(afterId && afterId !== before, 'a new session id at sign-in')
    assert.equal((await client.get('/en/home')).status, 200)

    // Whoever kept (or planted) the first id gets nothing from it.
    const planted = new TestClient(t.app)
    planted.cookies.set(SESSION_COOKIE, before)
    const home = await planted.get('/en/home')
    assert.equal(home.status, 303)
    assert.match(home.location ?? '', /\/en\/sign-in/)
  })

  it('session fixation through the second factor: a new id after the password, another after the code', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/console/sign-in')
    const first = client.cookies.get(SESSION_COOKIE)
    await signIn(client, 'session.officer', undefined, 'en', true)
    const pending = client.cookies.get(SESSION_COOKIE)
    assert.ok(pending && pending !== first)
    const done = await signInStaff(client, 'session.officer', OFFICER_TOTP, t.clock.now())
    assert.equal(done.location, '/en/console')
    const signedIn = client.cookies.get(SESSION_COOKIE)
    assert.ok(signedIn && signedIn !== pending && signedIn !== first)
    for (const old of [first, pending]) {
      const stale = new TestClient(t.app)
      stale.cookies.set(SESSION_COOKIE, old!)
      assert.equal((await stale.get('/en/console')).status, 303, 'an earlier id does not reach the console')
    }
  })

  it('a forged or unsigned session cookie is ignored', async () => {
    // A signed-in session's raw id (as if read from the database), without its signature or with a forged one.
    const row = await t.db.selectFrom('session').select('id').where('user_id', 'is not', null).executeTakeFirstOrThrow()
    for (const value of [row.id, `${row.id}.forgedsignature`, 'attacker-chosen-id', `s:${row.id}`]) {
      const client = new TestClient(t.app)
      client.cookies.set(SESSION_COOKIE, value)
      const res = await client.get('/en/home')
      assert.equal(res.status, 303, value)
      assert.match(res.location ?? '', /sign-in/)
    }
  })

  it('signing out ends the session on the server: the old cookie no longer works', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'session.owner')
    const id = client.cookies.get(SESSION_COOKIE)!
    await client.get('/en/home')
    const out = await client.post('/en/sign-out', {})
    assert.equal(out.status, 303)
    const replay = new TestClient(t.app)
    replay.cookies.set(SESSION_COOKIE, id)
    assert.equal((await replay.get('/en/home')).status, 303)
  })

  it('the session cookie is HttpOnly, SameSite=Lax, Path=/, and carries no personal data', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    const res = await client.post('/en/sign-in', { username: 'session.owner', password: 'correct horse battery staple' })
    const cookie = setCookies(res.raw).find((c) => c.startsWith(`${SESSION_COOKIE}=`))
    assert.ok(cookie, 'a session cookie is set at sign-in')
    assert.match(cookie, /;\s*HttpOnly/i)
    assert.match(cookie, /;\s*SameSite=Lax/i)
    assert.match(cookie, /;\s*Path=\//i)
    assert.doesNotMatch(cookie, /session\.owner|@|role|employer/i)
    // Only the session cookie: no other cookie is ever set.
    const names = new Set<string>()
    for (const url of ['/en', '/en/home', '/en/messages', '/fr/enrol']) for (const c of setCookies((await client.get(url)).raw)) names.add(c.split('=')[0]!)
    for (const n of names) assert.equal(n, SESSION_COOKIE)
  })

  it('in production the session cookie is Secure behind the TLS proxy, and HSTS is sent', async () => {
    const prod = await buildApp({
      config: testConfig({ isProduction: true, logLevel: 'silent', trustProxy: true, sessionSecret: 'p'.repeat(64) }),
      db: t.db,
      clock: t.clock,
    })
    try {
      await prod.ready()
      const page = await prod.inject({ url: '/en/sign-in', headers: { 'x-forwarded-proto': 'https' } })
      const cookie = setCookies(page).find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      assert.ok(cookie)
      assert.match(cookie, /;\s*Secure/i)
      assert.match(cookie, /;\s*HttpOnly/i)
      assert.match(String(page.headers['strict-transport-security']), /max-age=\d{7,}/)
      assert.match(String(page.headers['content-security-policy']), /upgrade-insecure-requests/)
    } finally {
      await prod.close()
    }
  })

  it('every page forbids framing and inline script, and tells browsers not to sniff or cache', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'session.owner')
    for (const url of ['/en', '/fr/about', '/en/home', '/en/messages', '/en/sign-in', '/en/no-such-page', '/en/%E0%A4%A']) {
      const res = await client.get(url)
      assert.equal(res.headers['x-frame-options'], 'DENY', url)
      const csp = String(res.headers['content-security-policy'])
      assert.match(csp, /frame-ancestors 'none'/, url)
      // Scripts: our own files, plus inline ones carrying the page's nonce (none at all on the router's 400 page).
      assert.match(csp, /script-src 'self' 'nonce-[^']+'|^(?!.*script-src).*default-src 'self'/, url)
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, url)
      assert.match(csp, /object-src 'none'/, url)
      assert.match(csp, /base-uri 'none'/, url)
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url)
      if (res.status < 300 || res.status >= 400) assert.match(String(res.headers['cache-control']), /no-store/, url)
    }
  })

  it('the CSRF exemptions (/api/, /health/, /__test/) cannot be borrowed by a page through a crafted address', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'session.owner')
    await client.get('/en/home')
    const before = await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('username', '=', 'session.owner').executeTakeFirstOrThrow()
    for (const url of ['/api/../en/home/contact', '/api/..%2f..%2fen/home/contact', '/api/%2e%2e/en/home/contact', '/health/../en/home/contact', '/__test/..%2Fen%2Fhome%2Fcontact', '/api//en/home/contact']) {
      const res = await client.request('POST', url, { form: { givenName: 'Pwned', familyName: 'Pwned', preferredLanguage: 'en' } })
      assert.ok([400, 403, 404].includes(res.status), `${url}: ${res.status}`)
    }
    assert.deepEqual(await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('username', '=', 'session.owner').executeTakeFirstOrThrow(), before)
  })

  it('a CSRF token from one session does not work in another', async () => {
    const alice = new TestClient(t.app)
    await signIn(alice, 'session.owner')
    await alice.get('/en/home')
    const stolen = alice.csrf!
    const mallory = new TestClient(t.app)
    await mallory.get('/en/offers/eligibility')
    const before = await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('username', '=', 'session.owner').executeTakeFirstOrThrow()
    // The cross-site attempt: the victim's cookie, a token the attacker saw elsewhere.
    const forged = new TestClient(t.app)
    for (const [k, v] of alice.cookies) forged.cookies.set(k, v)
    const res = await forged.post('/en/home/contact', { givenName: 'Pwned', familyName: 'Pwned', preferredLanguage: 'en', _csrf: mallory.csrf! })
    assert.equal(res.status, 403)
    const withOwn = await mallory.post('/en/sign-out-everywhere', { _csrf: stolen })
    assert.equal(withOwn.status, 403)
    assert.deepEqual(await t.db.selectFrom('app_user').select(['given_name', 'family_name']).where('username', '=', 'session.owner').executeTakeFirstOrThrow(), before)
  })
})
