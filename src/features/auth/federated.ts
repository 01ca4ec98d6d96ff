import * as oidc from 'openid-client'
import type { OidcProviderConfig } from '../../config.ts'
import type { Lang } from '../../i18n/define.ts'

/**
 * Federated sign-in over OpenID Connect: the authorization code flow with PKCE,
 * state and nonce, through openid-client. This module speaks to the providers and
 * knows nothing of HTTP routes or the database (federated.routes.ts and
 * federated.service.ts do).
 */

export const FEDERATED_SCOPE = 'openid email profile'

/** What the portal keeps in the session between the start and the callback (single use). */
export interface FederatedFlow {
  provider: string
  state: string
  nonce: string
  codeVerifier: string
  lang: Lang
  returnTo?: string
}

/** Who the provider says the person is, from the verified ID token. */
export interface FederatedClaims {
  subject: string
  email: string | null
  emailVerified: boolean
  givenName: string
  familyName: string
}

/**
 * Why a federated sign-in failed. `reason` goes to the audit trail (never a secret);
 * `unavailable` means the provider could not be reached or answered with a server error.
 */
export class FederatedFailure extends Error {
  constructor(
    readonly reason: string,
    readonly unavailable = false,
    options?: { cause?: unknown },
  ) {
    super(`federated sign-in failed: ${reason}`, options)
    this.name = 'FederatedFailure'
  }
}

/** Sorts an error from openid-client (or fetch) into a reason for the trail and a status. */
export function classifyOidcError(err: unknown): FederatedFailure {
  if (err instanceof FederatedFailure) return err
  if (err instanceof oidc.AuthorizationResponseError) return new FederatedFailure(`provider_error:${err.error}`, false, { cause: err })
  if (err instanceof oidc.ResponseBodyError) return new FederatedFailure(`token_error:${err.error}`, err.status >= 500, { cause: err })
  if (err instanceof TypeError) return new FederatedFailure('unreachable', true, { cause: err })
  if (err instanceof oidc.ClientError) {
    const code = err.code ?? 'client_error'
    const cause = err.cause as { status?: number } | undefined
    const serverError = code === 'OAUTH_TIMEOUT' || code === 'OAUTH_ABORT' || (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && (cause?.status ?? 0) >= 500)
    return new FederatedFailure(code, serverError, { cause: err })
  }
  return new FederatedFailure('unexpected', false, { cause: err })
}

function stringClaim(value: unknown): string {
  return typeof value === 'string' ? value.trim().slice(0, 200) : ''
}

/** The configured providers, each discovered on first use and the result kept. */
export class OidcProviders {
  private readonly configurations = new Map<string, Promise<oidc.Configuration>>()

  constructor(
    readonly list: readonly OidcProviderConfig[],
    private readonly options: {
      publicBaseUrl: string
      /** Plain-http issuers (tests and development only). */
      allowInsecure: boolean
      timeoutSeconds?: number
    },
  ) {}

  find(id: string): OidcProviderConfig | undefined {
    return this.list.find((p) => p.id === id)
  }

  /** The address registered at the provider: no language in it, so it never changes. */
  redirectUri(id: string): string {
    return `${this.options.publicBaseUrl}/auth/callback/${id}`
  }

  /** Discovers lazily; a failed discovery is forgotten so the next sign-in tries again. */
  private configuration(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    let pending = this.configurations.get(provider.id)
    if (!pending) {
      const insecure = this.options.allowInsecure && provider.issuer.startsWith('http:')
      pending = oidc.discovery(new URL(provider.issuer), provider.clientId, undefined, oidc.ClientSecretBasic(provider.clientSecret), {
        execute: insecure ? [oidc.allowInsecureRequests] : [],
        timeout: this.options.timeoutSeconds ?? 10,
      })
      pending.catch(() => this.configurations.delete(provider.id))
      this.configurations.set(provider.id, pending)
    }
    return pending
  }

  /** The provider's authorization address for a new flow, and the flow to keep in the session. */
  async start(provider: OidcProviderConfig, lang: Lang, returnTo: string | undefined): Promise<{ url: URL; flow: FederatedFlow }> {
    let config: oidc.Configuration
    try {
      config = await this.configuration(provider)
    } catch (err) {
      throw new FederatedFailure('discovery_failed', true, { cause: err })
    }
    const codeVerifier = oidc.randomPKCECodeVerifier()
    const flow: FederatedFlow = { provider: provider.id, state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier, lang, returnTo }
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri(provider.id),
      scope: FEDERATED_SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
      ui_locales: lang === 'fr' ? 'fr-CA fr en' : 'en-CA en fr',
    })
    return { url, flow }
  }

  /**
   * Completes the flow from the callback's query string: checks state, exchanges the
   * code with the PKCE verifier, verifies the ID token (signature, issuer, audience,
   * nonce, times) and returns its claims. Throws a FederatedFailure otherwise.
   */
  async finish(provider: OidcProviderConfig, flow: FederatedFlow, query: string): Promise<FederatedClaims> {
    let config: oidc.Configuration
    try {
      config = await this.configuration(provider)
    } catch (err) {
      throw new FederatedFailure('discovery_failed', true, { cause: err })
    }
    try {
      const currentUrl = new URL(`${this.redirectUri(provider.id)}${query ? `?${query}` : ''}`)
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        pkceCodeVerifier: flow.codeVerifier,
        idTokenExpected: true,
      })
      const idToken = tokens.claims()
      if (!idToken?.sub) throw new FederatedFailure('no_subject')
      // Many providers put profile claims only in UserInfo; its `sub` must be the ID token's.
      const userInfo = config.serverMetadata().userinfo_endpoint ? await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub) : {}
      const claims: Record<string, unknown> = { ...userInfo, ...idToken }
      const email = stringClaim(claims.email)
      return {
        subject: idToken.sub,
        email: email.includes('@') ? email : null,
        emailVerified: claims.email_verified === true && email.includes('@'),
        givenName: stringClaim(claims.given_name),
        familyName: stringClaim(claims.family_name),
      }
    } catch (err) {
      throw classifyOidcError(err)
    }
  }
}
