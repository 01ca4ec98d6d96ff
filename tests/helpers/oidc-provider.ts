import crypto from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import type { TestClient, PageResponse } from './http.ts'

/** What the test provider says about a person (the claims of `findAccount`). */
export interface TestAccount {
  sub: string
  email?: string
  email_verified?: boolean
  given_name?: string
  family_name?: string
}

/** How the provider answers the next login interaction. */
export type Outcome = { kind: 'login'; accountId: string } | { kind: 'deny' }

/**
 * A real OpenID provider (oidc-provider) in this process, on a free port, whose
 * login and consent interactions complete themselves as `outcome` says.
 */
export interface TestIdentityProvider {
  issuer: string
  clientId: string
  clientSecret: string
  accounts: Map<string, TestAccount>
  outcome: Outcome
  /** A user agent for the provider's side: fetch with its own cookie jar. */
  fetch(url: string): Promise<Response>
  /** Forgets the provider's cookies: the next sign-in starts at its login prompt. */
  clearCookies(): void
  close(): Promise<void>
}

/** `redirectUris` is read at the provider's first request (an e2e test fills it once the portal runs). */
export async function startTestIdentityProvider(opts: { redirectUris: string[] }): Promise<TestIdentityProvider> {
  const clientId = 'employer-portal'
  const clientSecret = 'test-client-secret-that-is-long-enough-for-hs256'
  const accounts = new Map<string, TestAccount>()
  const holder: { provider?: Provider } = {}
  const state = { outcome: { kind: 'deny' } as Outcome }

  const server = http.createServer((req, res) => {
    // Built at the first request, so `redirectUris` may be filled once the portal's address is known.
    const provider = (holder.provider ??= createProvider())
    const match = /^\/interaction\/([^/?]+)/.exec(req.url ?? '')
    if (!match) return provider.callback()(req, res)
    void (async () => {
      const details = await provider.interactionDetails(req, res)
      const outcome = state.outcome
      if (outcome.kind === 'deny') {
        return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled.' }, { mergeWithLastSubmission: false })
      }
      if (details.prompt.name === 'login') {
        return provider.interactionFinished(req, res, { login: { accountId: outcome.accountId } }, { mergeWithLastSubmission: false })
      }
      const grant = new provider.Grant({ accountId: details.session?.accountId ?? outcome.accountId, clientId: String(details.params.client_id) })
      grant.addOIDCScope('openid email profile')
      const grantId = await grant.save()
      return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true })
    })().catch((err: unknown) => {
      res.statusCode = 500
      res.end(String(err))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const createProvider = () => {
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: opts.redirectUris,
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_basic',
        },
      ],
      findAccount: (_ctx: unknown, sub: string) => {
        const account = accounts.get(sub)
        return account ? { accountId: sub, claims: () => ({ ...account }) } : undefined
      },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
      cookies: { keys: ['test-provider-cookie-key'] },
      // A signing key of its own (RS256, the default for ID tokens), made for this run.
      jwks: { keys: [{ ...crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'test', use: 'sig', alg: 'RS256' }] },
      pkce: { required: () => true },
      ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    })
    // Its own errors are part of some tests; keep them out of the output.
    provider.on('server_error', () => {})
    return provider
  }

  const jar = new Map<string, string>()
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    get outcome() {
      return state.outcome
    },
    set outcome(value: Outcome) {
      state.outcome = value
    },
    async fetch(url: string) {
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
      const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} })
      for (const line of res.headers.getSetCookie()) {
        const [pair = '', ...attrs] = line.split(';')
        const eq = pair.indexOf('=')
        const name = pair.slice(0, eq).trim()
        const value = pair.slice(eq + 1).trim()
        const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a))
        if (expired || value === '') jar.delete(name)
        else jar.set(name, value)
      }
      return res
    },
    clearCookies: () => jar.clear(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Follows the provider's redirects (authorization, interactions, resume) until it
 * sends the browser back to the portal at `portalOrigin`; returns that address.
 */
export async function throughProvider(idp: TestIdentityProvider, authorizationUrl: string, portalOrigin: string): Promise<string> {
  let url = authorizationUrl
  for (let hops = 0; hops < 12; hops++) {
    const res = await idp.fetch(url)
    const location = res.headers.get('location')
    if (res.status < 300 || res.status >= 400 || !location) throw new Error(`The provider answered ${res.status} at ${url}: ${await res.text()}`)
    const next = new URL(location, url)
    if (next.origin === portalOrigin) return next.href
    url = next.href
  }
  throw new Error('Too many redirects at the provider')
}

/** The whole federated sign-in from the portal's sign-in page; returns the portal's answer to the callback. */
export async function signInFederated(
  client: TestClient,
  idp: TestIdentityProvider,
  opts: { provider: string; lang?: 'en' | 'fr'; portalOrigin: string; rewriteCallback?: (url: URL) => URL },
): Promise<{ start: PageResponse; callback: PageResponse }> {
  const lang = opts.lang ?? 'en'
  idp.clearCookies()
  await client.get(`/${lang}/sign-in`)
  const start = await client.post(`/${lang}/sign-in/federated/${opts.provider}`, { returnTo: '' })
  if (start.status !== 303 || !start.location) throw new Error(`Expected a redirect to the provider, got ${start.status}`)
  let back = new URL(await throughProvider(idp, start.location, opts.portalOrigin))
  if (opts.rewriteCallback) back = opts.rewriteCallback(back)
  const callback = await client.get(`${back.pathname}${back.search}`)
  return { start, callback }
}
