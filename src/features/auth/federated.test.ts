import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import * as oidc from 'openid-client'
import { ConfigError, loadConfig } from '../../config.ts'
import { classifyOidcError, FederatedFailure, OidcProviders } from './federated.ts'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { federatedUsername, resolveFederatedUser } from './federated.service.ts'

const bank = { id: 'bank', issuer: 'https://login.example-bank.ca', clientId: 'portal', clientSecret: 'secret', name: { en: 'Example Bank', fr: 'Banque Exemple' } }

describe('OIDC_PROVIDERS', () => {
  it('is none by default', () => {
    assert.deepEqual(loadConfig({}).oidcProviders, [])
  })

  it('reads a JSON array of providers', () => {
    assert.deepEqual(loadConfig({ OIDC_PROVIDERS: JSON.stringify([bank]) }).oidcProviders, [bank])
  })

  it('refuses what is not JSON, a bad id, a missing French name, and duplicate ids, naming the variable', () => {
    const refused = (value: string) =>
      assert.throws(
        () => loadConfig({ OIDC_PROVIDERS: value }),
        (err: unknown) => err instanceof ConfigError && err.problems.every((p) => p.startsWith('OIDC_PROVIDERS')),
        value,
      )
    refused('not json')
    refused(JSON.stringify([{ ...bank, id: 'Bank Name' }]))
    refused(JSON.stringify([{ ...bank, name: { en: 'Example Bank' } }]))
    refused(JSON.stringify([bank, bank]))
    refused(JSON.stringify({ providers: [bank] }))
  })

  it('requires https issuers in production', () => {
    const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32), PUBLIC_BASE_URL: 'https://portal.example.ca', SMTP_URL: 'smtp://mail:587' }
    assert.throws(
      () => loadConfig({ ...production, OIDC_PROVIDERS: JSON.stringify([{ ...bank, issuer: 'http://login.example-bank.ca' }]) }),
      (err: unknown) => err instanceof ConfigError && /https/.test(err.problems.join()),
    )
    assert.equal(loadConfig({ ...production, OIDC_PROVIDERS: JSON.stringify([bank]) }).oidcProviders.length, 1)
  })
})

describe('federated sign-in building blocks', () => {
  it('the redirect URI has no language in it', () => {
    const providers = new OidcProviders([bank], { publicBaseUrl: 'https://portal.example.ca', allowInsecure: false })
    assert.equal(providers.redirectUri('bank'), 'https://portal.example.ca/auth/callback/bank')
    assert.equal(providers.find('bank'), bank)
    assert.equal(providers.find('other'), undefined)
  })

  it('usernames are stable, per provider, and never show the subject', () => {
    const a = federatedUsername('bank', 'person@example.ca')
    assert.equal(a, federatedUsername('bank', 'person@example.ca'))
    assert.notEqual(a, federatedUsername('other', 'person@example.ca'))
    assert.match(a, /^bank-[0-9a-f]{16}$/)
    assert.ok(!a.includes('person'))
    assert.equal(federatedUsername('bank', 'person@example.ca', 1), `${a}-2`)
  })

  it('sorts failures: a provider error or a failed check is 400, an unreachable provider 502', () => {
    const denied = classifyOidcError(new oidc.AuthorizationResponseError('denied', { cause: new URLSearchParams({ error: 'access_denied' }) }))
    assert.equal(denied.reason, 'provider_error:access_denied')
    assert.equal(denied.unavailable, false)
    const unreachable = classifyOidcError(new TypeError('fetch failed'))
    assert.equal(unreachable.reason, 'unreachable')
    assert.equal(unreachable.unavailable, true)
    const timeout = classifyOidcError(new oidc.ClientError('operation timed out', { code: 'OAUTH_TIMEOUT' } as ErrorOptions))
    assert.equal(timeout.unavailable, true)
    const check = classifyOidcError(new oidc.ClientError('unexpected JWT claim value encountered', { code: 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' } as ErrorOptions))
    assert.equal(check.unavailable, false)
    const own = new FederatedFailure('no_subject')
    assert.equal(classifyOidcError(own), own)
  })
})

describe('resolveFederatedUser (database)', () => {
  const claims = { subject: 'race-subject', email: 'race@example.ca', emailVerified: true, givenName: 'Ada', familyName: 'Roy' }
  const actor = { userId: null, label: 'anonymous' }

  it('two first sign-ins at once end with one user and one link', async () => {
    const database = await freshDatabase()
    try {
      const now = new Date('2026-03-02T15:00:00Z')
      const results = await Promise.all([1, 2, 3].map(() => resolveFederatedUser(database.db, { provider: 'bank', claims, lang: 'fr', now, actor })))
      const ids = new Set(results.map((r) => (r.kind === 'refused' ? r.userId : r.user.id)))
      assert.equal(ids.size, 1)
      assert.equal(results.filter((r) => r.kind === 'created').length, 1)
      const users = await database.db.selectFrom('app_user').select(['id', 'preferred_language']).execute()
      assert.equal(users.length, 1)
      assert.equal(users[0]!.preferred_language, 'fr')
      const links = await database.db.selectFrom('federated_identity').selectAll().execute()
      assert.equal(links.length, 1)
      const audits = await database.db.selectFrom('audit_event').select('action').where('action', '=', 'auth.federated_registered').execute()
      assert.equal(audits.length, 1, 'the losers rolled back, audit entry included')
    } finally {
      await database.close()
    }
  })

  it('never links by e-mail address: the same address from another provider is another user', async () => {
    const database = await freshDatabase()
    try {
      const now = new Date('2026-03-02T15:00:00Z')
      const a = await resolveFederatedUser(database.db, { provider: 'bank', claims, lang: 'en', now, actor })
      const b = await resolveFederatedUser(database.db, { provider: 'other', claims, lang: 'en', now, actor })
      assert.equal(a.kind, 'created')
      assert.equal(b.kind, 'created')
      assert.notEqual(a.kind === 'created' && a.user.id, b.kind === 'created' && b.user.id)
    } finally {
      await database.close()
    }
  })
})
