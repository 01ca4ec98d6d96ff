import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import { translator } from '../../i18n/i18n.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { finishSignIn } from './auth.routes.ts'
import { classifyOidcError, FederatedFailure, type FederatedFlow, type OidcProviders } from './federated.ts'
import { resolveFederatedUser } from './federated.service.ts'
import { federatedFailedView } from './federated.views.ts'
import { safeReturnTo } from './session-lifecycle.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** A federated sign-in under way: its PKCE verifier, state and nonce (used once). */
    federatedFlow?: FederatedFlow
  }
}

export interface FederatedDeps {
  db: Db
  clock: Clock
  providers: OidcProviders
  /** Employers must set up a second factor too. */
  requireEmployerTotp: boolean
}

function providerOr404(deps: FederatedDeps, request: FastifyRequest) {
  const provider = deps.providers.find((request.params as { provider: string }).provider)
  if (!provider) throw new NotFoundError()
  return provider
}

/** Shows the failure page (400, or 502 when the provider is unreachable) and audits it. Nothing was created. */
async function failed(request: FastifyRequest, reply: FastifyReply, deps: FederatedDeps, providerId: string, providerName: string, failure: FederatedFailure, status?: number) {
  const { t, lang } = request
  request.log.info({ provider: providerId, reason: failure.reason, cause: (failure.cause as Error | undefined)?.message }, 'federated sign-in failed')
  await audit(deps.db, actorFrom(request), deps.clock.now(), {
    action: 'auth.federated_failed',
    objectType: 'federated_provider',
    objectId: providerId,
    details: { provider: providerId, reason: failure.reason },
  })
  return reply.page(
    { title: t('auth.federated.failedTitle', { provider: providerName }), body: federatedFailedView({ t, lang, provider: providerName, unavailable: failure.unavailable }) },
    status ?? (failure.unavailable ? 502 : 400),
  )
}

/** Under /en and /fr: the "Sign in with <provider>" buttons post here (with the CSRF token: no login CSRF). */
export function registerFederatedRoutes(scope: FastifyInstance, deps: FederatedDeps): void {
  scope.post('/sign-in/federated/:provider', async (request, reply) => {
    const provider = providerOr404(deps, request)
    const { lang } = request
    const returnTo = safeReturnTo(((request.body ?? {}) as Record<string, unknown>).returnTo)
    let started: Awaited<ReturnType<OidcProviders['start']>>
    try {
      started = await deps.providers.start(provider, lang, returnTo)
    } catch (err) {
      return failed(request, reply, deps, provider.id, provider.name[lang], classifyOidcError(err))
    }
    request.session.federatedFlow = started.flow
    return reply.redirect(started.url.href, 303)
  })
}

/**
 * The redirect URI registered at each provider: `${PUBLIC_BASE_URL}/auth/callback/<id>`,
 * with no language in it (the language travels in the session).
 */
export function registerFederatedCallback(app: FastifyInstance, deps: FederatedDeps): void {
  app.get('/auth/callback/:provider', async (request, reply) => {
    const provider = providerOr404(deps, request)
    const flow = request.session.federatedFlow
    // Single use: whatever happens next, this state cannot be presented again.
    request.session.federatedFlow = undefined
    if (flow) {
      request.lang = flow.lang
      request.t = translator(flow.lang)
    }
    const name = provider.name[request.lang]
    if (!flow || flow.provider !== provider.id) return failed(request, reply, deps, provider.id, name, new FederatedFailure('no_flow_in_session'))

    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : ''
    let claims: Awaited<ReturnType<OidcProviders['finish']>>
    try {
      claims = await deps.providers.finish(provider, flow, query)
    } catch (err) {
      return failed(request, reply, deps, provider.id, name, classifyOidcError(err))
    }

    const now = deps.clock.now()
    const result = await resolveFederatedUser(deps.db, { provider: provider.id, claims, lang: flow.lang, now, actor: actorFrom(request) })
    if (result.kind === 'refused') return failed(request, reply, deps, provider.id, name, new FederatedFailure(`account_${result.reason}`), 403)
    const user = result.user
    await audit(deps.db, actorFrom(request, user), now, {
      action: 'auth.federated_signed_in',
      objectType: 'user',
      objectId: user.id,
      details: { provider: provider.id, created: result.kind === 'created' },
    })

    // A person who turned on an authenticator app is asked for it here too.
    const needsSetup = !user.totp_enabled_at && deps.requireEmployerTotp
    if (user.totp_enabled_at || needsSetup) {
      const stashed = request.session.stashedForm
      await request.session.regenerate()
      request.session.pendingSignIn = { userId: user.id, audience: 'portal', returnTo: flow.returnTo, setup: needsSetup }
      // A form kept when the last session ended waits for the second factor too.
      if (stashed?.userId === user.id) request.session.stashedForm = stashed
      return reply.redirect(needsSetup ? `/${flow.lang}/two-factor/setup` : `/${flow.lang}/sign-in/code`, 303)
    }
    return finishSignIn(request, reply, deps, user, 'portal', flow.returnTo)
  })
}
