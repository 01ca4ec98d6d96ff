import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newTotpSecret, totpCode } from '../../src/features/auth/totp.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text } from '../helpers/http.ts'
import { signInFederated, startTestIdentityProvider, throughProvider, type TestIdentityProvider } from '../helpers/oidc-provider.ts'

const PORTAL = 'http://portal.test'
const PROVIDER = 'testbank'

async function auditActions(t: TestApp, action: string) {
  return t.db.selectFrom('audit_event').selectAll().where('action', '=', action).orderBy('id').execute()
}

async function counts(t: TestApp) {
  const users = await t.db.selectFrom('app_user').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  const links = await t.db.selectFrom('federated_identity').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()
  return { users: Number(users.n), links: Number(links.n) }
}

describe('federated sign-in (OpenID Connect) against a real provider', () => {
  let idp: TestIdentityProvider
  let t: TestApp

  before(async () => {
    idp = await startTestIdentityProvider({ redirectUris: [`${PORTAL}/auth/callback/${PROVIDER}`] })
    idp.accounts.set('subject-0001', { sub: 'subject-0001', email: 'Amelie.Gagnon@example.ca', email_verified: true, given_name: 'Amélie', family_name: 'Gagnon' })
    idp.accounts.set('subject-0002', { sub: 'subject-0002', email: 'unverified@example.ca', email_verified: false, given_name: 'Sam', family_name: 'Lee' })
    t = await testApp({
      config: {
        publicBaseUrl: PORTAL,
        oidcProviders: [{ id: PROVIDER, issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, name: { en: 'Test Bank', fr: 'Banque Test' } }],
      },
    })
  })
  after(async () => {
    await t.close()
    await idp.close()
  })

  it('shows a "Sign in with" button per provider, a CSRF-protected form, in both languages', async () => {
    const client = new TestClient(t.app)
    const en = await client.get('/en/sign-in')
    const form = en.dom.querySelector(`form[action="/en/sign-in/federated/${PROVIDER}"]`)
    assert.ok(form, 'the provider form is on the page')
    assert.equal(form.getAttribute('method'), 'post')
    assert.ok(form.querySelector('input[name="_csrf"]')?.getAttribute('value'))
    assert.equal(text(form.querySelector('button')), 'Sign in with Test Bank')
    const fr = await client.get('/fr/sign-in')
    assert.equal(text(fr.dom.querySelector(`form[action="/fr/sign-in/federated/${PROVIDER}"] button`)), 'Se connecter avec Banque Test')
    // Staff never sign in federated.
    const console = await client.get('/en/console/sign-in')
    assert.equal(console.dom.querySelectorAll('form[action*="/federated/"]').length, 0)
    // The button's post must reach the provider: CSP form-action allows its origin.
    assert.match(String(en.headers['content-security-policy']), new RegExp(`form-action 'self' ${idp.issuer.replace(/\./g, '\\.')}`))
  })

  it('refuses the start without the CSRF token (no login CSRF)', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    const res = await client.post(`/en/sign-in/federated/${PROVIDER}`, { _csrf: 'forged' })
    assert.equal(res.status, 403)
  })

  it('a first sign-in creates the user and the link, signs in, and shows the names from the claims', async () => {
    const before = await counts(t)
    idp.outcome = { kind: 'login', accountId: 'subject-0001' }
    const client = new TestClient(t.app)
    const { start, callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL })

    // The authorization request: code flow with PKCE (S256), state, nonce and our stable redirect URI.
    const auth = new URL(start.location!)
    assert.equal(auth.origin, idp.issuer)
    assert.equal(auth.searchParams.get('response_type'), 'code')
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256')
    assert.ok(auth.searchParams.get('code_challenge'))
    assert.ok(auth.searchParams.get('state'))
    assert.ok(auth.searchParams.get('nonce'))
    assert.equal(auth.searchParams.get('scope'), 'openid email profile')
    assert.equal(auth.searchParams.get('redirect_uri'), `${PORTAL}/auth/callback/${PROVIDER}`)

    assert.equal(callback.status, 303)
    assert.equal(callback.location, '/en/home')
    const home = await client.follow(callback)
    assert.equal(home.status, 200)
    assert.match(home.body, /Amélie/)
    assert.match(home.body, /Gagnon/)

    const after = await counts(t)
    assert.deepEqual(after, { users: before.users + 1, links: before.links + 1 })
    const link = await t.db.selectFrom('federated_identity').selectAll().where('provider', '=', PROVIDER).where('subject', '=', 'subject-0001').executeTakeFirstOrThrow()
    const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', link.user_id).executeTakeFirstOrThrow()
    assert.equal(user.role, 'employer')
    assert.equal(user.password_hash, null)
    assert.equal(user.given_name, 'Amélie')
    assert.equal(user.family_name, 'Gagnon')
    assert.equal(user.email, 'Amelie.Gagnon@example.ca')
    assert.ok(user.email_verified_at, 'email_verified: true is trusted')
    assert.match(user.username, /^testbank-[0-9a-f]{16}$/)
    assert.equal(user.preferred_language, 'en')

    const registered = await auditActions(t, 'auth.federated_registered')
    assert.ok(registered.some((e) => e.object_id === user.id && e.details.provider === PROVIDER))
    const signedIn = await auditActions(t, 'auth.signed_in')
    assert.ok(signedIn.some((e) => e.actor_user_id === user.id))
    const federatedSignIn = await auditActions(t, 'auth.federated_signed_in')
    assert.ok(federatedSignIn.some((e) => e.actor_user_id === user.id && e.details.created === true))
  })

  it('a second sign-in reuses the same user (no duplicate)', async () => {
    const before = await counts(t)
    idp.outcome = { kind: 'login', accountId: 'subject-0001' }
    const client = new TestClient(t.app)
    const { callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL, lang: 'fr' })
    assert.equal(callback.status, 303)
    assert.equal(callback.location, '/fr/home')
    const home = await client.follow(callback)
    assert.equal(home.status, 200)
    assert.match(home.body, /Amélie/)
    assert.deepEqual(await counts(t), before)
    const users = await t.db.selectFrom('federated_identity').select('user_id').where('subject', '=', 'subject-0001').execute()
    assert.equal(users.length, 1)
    const reuse = await auditActions(t, 'auth.federated_signed_in')
    assert.ok(reuse.some((e) => e.actor_user_id === users[0]!.user_id && e.details.created === false))
  })

  it('an account with an authenticator app is asked for its code after the provider', async () => {
    const link = await t.db.selectFrom('federated_identity').select('user_id').where('subject', '=', 'subject-0001').executeTakeFirstOrThrow()
    const secret = newTotpSecret()
    await t.db.updateTable('app_user').set({ totp_secret: secret, totp_enabled_at: t.clock.now() }).where('id', '=', link.user_id).execute()
    try {
      idp.outcome = { kind: 'login', accountId: 'subject-0001' }
      const client = new TestClient(t.app)
      const { callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL })
      assert.equal(callback.status, 303)
      assert.equal(callback.location, '/en/sign-in/code')
      assert.notEqual((await client.get('/en/home')).status, 200, 'not signed in before the code')
      await client.get('/en/sign-in/code')
      const done = await client.post('/en/sign-in/code', { code: totpCode(secret, t.clock.now()) })
      assert.equal(done.status, 303)
      assert.equal(done.location, '/en/home')
      assert.equal((await client.follow(done)).status, 200)
    } finally {
      await t.db.updateTable('app_user').set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null }).where('id', '=', link.user_id).execute()
    }
  })

  it('an unverified e-mail address from the provider is kept unverified', async () => {
    idp.outcome = { kind: 'login', accountId: 'subject-0002' }
    const client = new TestClient(t.app)
    const { callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL })
    assert.equal(callback.status, 303)
    const link = await t.db.selectFrom('federated_identity').select('user_id').where('subject', '=', 'subject-0002').executeTakeFirstOrThrow()
    const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', link.user_id).executeTakeFirstOrThrow()
    assert.equal(user.email, 'unverified@example.ca')
    assert.equal(user.email_verified_at, null)
  })

  it('a tampered state is refused with the bilingual failure page, creates nothing, and is audited', async () => {
    idp.accounts.set('subject-0003', { sub: 'subject-0003', email: 'new@example.ca', email_verified: true, given_name: 'Nouveau', family_name: 'Venu' })
    idp.outcome = { kind: 'login', accountId: 'subject-0003' }
    const before = await counts(t)
    const failuresBefore = (await auditActions(t, 'auth.federated_failed')).length
    const client = new TestClient(t.app)
    const { callback } = await signInFederated(client, idp, {
      provider: PROVIDER,
      portalOrigin: PORTAL,
      lang: 'fr',
      rewriteCallback: (url) => {
        url.searchParams.set('state', 'an-attacker-chose-this-state')
        return url
      },
    })
    assert.equal(callback.status, 400)
    assert.equal(callback.dom.querySelector('html')?.getAttribute('lang'), 'fr')
    assert.equal(text(callback.dom.querySelector('h1')), 'Nous n’avons pas pu vous connecter avec Banque Test')
    assert.ok(callback.dom.querySelector('a[href="/fr/sign-in"]'), 'a link back to the sign-in page')
    assert.deepEqual(await counts(t), before)
    const failures = await auditActions(t, 'auth.federated_failed')
    assert.equal(failures.length, failuresBefore + 1)
    assert.equal(failures.at(-1)!.details.provider, PROVIDER)
    assert.equal(failures.at(-1)!.details.reason, 'OAUTH_INVALID_RESPONSE', 'the state check refused it')
    // Not signed in.
    const home = await client.get('/fr/home')
    assert.notEqual(home.status, 200)
  })

  it('the state is single-use: replaying the same callback is refused', async () => {
    idp.outcome = { kind: 'login', accountId: 'subject-0001' }
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    const start = await client.post(`/en/sign-in/federated/${PROVIDER}`, { returnTo: '/en/help' })
    const back = new URL(await throughProvider(idp, start.location!, PORTAL))
    const first = await client.get(`${back.pathname}${back.search}`)
    assert.equal(first.status, 303)
    assert.equal(first.location, '/en/help', 'back to where the person was going')
    const again = await client.get(`${back.pathname}${back.search}`)
    assert.equal(again.status, 400)
    assert.equal((await auditActions(t, 'auth.federated_failed')).at(-1)!.details.reason, 'no_flow_in_session')
    assert.equal(text(again.dom.querySelector('h1')), 'We couldn’t sign you in with Test Bank')
  })

  it('a provider error (access_denied) gives the failure page in the language of the start, audited, nothing created', async () => {
    const before = await counts(t)
    idp.outcome = { kind: 'deny' }
    for (const [lang, title] of [
      ['en', 'We couldn’t sign you in with Test Bank'],
      ['fr', 'Nous n’avons pas pu vous connecter avec Banque Test'],
    ] as const) {
      const client = new TestClient(t.app)
      const { callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL, lang })
      assert.equal(callback.status, 400)
      assert.equal(text(callback.dom.querySelector('h1')), title)
      assert.ok(callback.dom.querySelector(`a[href="/${lang}/sign-in"]`), 'a link back to the sign-in page')
    }
    assert.deepEqual(await counts(t), before)
    const failures = await auditActions(t, 'auth.federated_failed')
    assert.ok(failures.filter((e) => e.details.reason === 'provider_error:access_denied').length >= 2)
  })

  it('a deleted user is refused', async () => {
    const link = await t.db.selectFrom('federated_identity').select('user_id').where('subject', '=', 'subject-0002').executeTakeFirstOrThrow()
    await t.db.updateTable('app_user').set({ status: 'deleted' }).where('id', '=', link.user_id).execute()
    idp.outcome = { kind: 'login', accountId: 'subject-0002' }
    const client = new TestClient(t.app)
    const { callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL })
    assert.equal(callback.status, 403)
    assert.equal(text(callback.dom.querySelector('h1')), 'We couldn’t sign you in with Test Bank')
    const failures = await auditActions(t, 'auth.federated_failed')
    assert.equal(failures.at(-1)!.details.reason, 'account_deleted')
  })

  it('an unknown provider is not found', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/sign-in')
    assert.equal((await client.post('/en/sign-in/federated/nope', {})).status, 404)
    assert.equal((await client.get('/auth/callback/nope?code=x&state=y')).status, 404)
  })
})

describe('federated sign-in when employers must use an authenticator app', () => {
  it('a first federated sign-in goes on to set one up before the session starts', async () => {
    const idp = await startTestIdentityProvider({ redirectUris: [`${PORTAL}/auth/callback/${PROVIDER}`] })
    idp.accounts.set('totp-1', { sub: 'totp-1', email: 'totp@example.ca', email_verified: true, given_name: 'Theo', family_name: 'Poirier' })
    const t = await testApp({
      config: {
        publicBaseUrl: PORTAL,
        requireEmployerTotp: true,
        oidcProviders: [{ id: PROVIDER, issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, name: { en: 'Test Bank', fr: 'Banque Test' } }],
      },
    })
    try {
      idp.outcome = { kind: 'login', accountId: 'totp-1' }
      const client = new TestClient(t.app)
      const { callback } = await signInFederated(client, idp, { provider: PROVIDER, portalOrigin: PORTAL, lang: 'fr' })
      assert.equal(callback.status, 303)
      assert.equal(callback.location, '/fr/two-factor/setup')
      assert.equal((await client.follow(callback)).status, 200)
      assert.notEqual((await client.get('/fr/home')).status, 200, 'not signed in before the second factor is set up')
      assert.deepEqual(await counts(t), { users: 1, links: 1 })
    } finally {
      await t.close()
      await idp.close()
    }
  })
})

describe('federated sign-in: provider unreachable, and none configured', () => {
  it('an unreachable provider gives the 502 failure page and is tried again next time', async () => {
    const t = await testApp({
      config: {
        publicBaseUrl: PORTAL,
        // Port 9 (discard) on the loopback: nothing listens there.
        oidcProviders: [{ id: 'down', issuer: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's', name: { en: 'Down Bank', fr: 'Banque Absente' } }],
      },
    })
    try {
      const client = new TestClient(t.app)
      for (const lang of ['fr', 'en'] as const) {
        await client.get(`/${lang}/sign-in`)
        const res = await client.post(`/${lang}/sign-in/federated/down`, { returnTo: '' })
        assert.equal(res.status, 502)
        assert.match(text(res.dom.querySelector('h1')), lang === 'fr' ? /Banque Absente/ : /Down Bank/)
      }
      const failures = await auditActions(t, 'auth.federated_failed')
      assert.equal(failures.length, 2, 'discovery is retried after a failure, each attempt audited')
      assert.ok(failures.every((e) => e.details.reason === 'discovery_failed'))
    } finally {
      await t.close()
    }
  })

  it('without providers: no buttons, and the routes answer 404', async () => {
    const t = await testApp()
    try {
      const client = new TestClient(t.app)
      for (const lang of ['en', 'fr'] as const) {
        const page = await client.get(`/${lang}/sign-in`)
        assert.equal(page.dom.querySelectorAll('form[action*="/federated/"]').length, 0)
      }
      assert.equal((await client.post('/en/sign-in/federated/testbank', {})).status, 404)
      assert.equal((await client.get('/auth/callback/testbank')).status, 404)
    } finally {
      await t.close()
    }
  })
})
