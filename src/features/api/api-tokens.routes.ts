import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { actorFrom } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { membershipChoices } from '../access/active-business.ts'
import { requireEmployer } from '../auth/guards.ts'
import { createTokenSchema } from './api-tokens.schema.ts'
import { ApiTokenService, type Scope } from './api-tokens.service.ts'
import { createdPage, revokePage, tokensPage, type TokenFormValues } from './api-tokens.views.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** A token just created, shown once on its "created" page and then forgotten. */
    newApiToken?: { id: string; value: string }
  }
}

const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** `/{lang}/account/api-tokens`: create (shown once), list and revoke personal API tokens (employers only). */
export function registerApiTokenRoutes(scope: FastifyInstance, deps: { db: Db; clock: Clock; timeZone: string }): void {
  const service = new ApiTokenService(deps)
  const businessesOf = async (userId: string) => (await membershipChoices(deps.db, userId)).filter((c) => !c.dormant).map((c) => ({ id: c.businessId, name: c.businessName }))

  const listPage = async (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, values?: TokenFormValues, errors?: FormErrors) => {
    const { t, lang } = request
    const businesses = await businessesOf(user.id)
    const current = request.businessContext?.current?.businessId
    return reply.page(
      {
        title: t('api.tokens.title'),
        errors,
        breadcrumbs: [{ text: t('common.home'), href: `/${lang}/home` }],
        body: tokensPage(
          { t, lang, csrf: reply.csrfToken(), timeZone: deps.timeZone, now: deps.clock.now() },
          {
            tokens: await service.list(user.id),
            businesses,
            values: values ?? { name: '', scopes: ['read'], days: '90', business: businesses.find((b) => b.id === current)?.id ?? businesses[0]?.id ?? '' },
            errors,
            revoked: (request.query as Record<string, unknown>).revoked === '1',
          },
        ),
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/account/api-tokens', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    return listPage(request, reply, user)
  })

  scope.post('/account/api-tokens', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const body = (request.body ?? {}) as Record<string, unknown>
    const values: TokenFormValues = { name: str(body.name), scopes: [body.scopes ?? []].flat().filter((s): s is string => typeof s === 'string'), days: str(body.days), business: str(body.business) }
    const parsed = createTokenSchema.safeParse(body)
    if (!parsed.success) return listPage(request, reply, user, values, zodFormErrors(request.t, parsed.error, {}, ['name', 'scopes', 'days', 'business']))
    const created = await service.create(user, { name: parsed.data.name, scopes: parsed.data.scopes as Scope[], days: parsed.data.days, businessId: parsed.data.business }, actorFrom(request, user))
    // Not one of their businesses (or no longer): the same "choose" error, whether it exists or not.
    if (!created) return listPage(request, reply, user, values, formErrors([['business', request.t('api.tokens.errBusiness')]]))
    request.session.newApiToken = { id: created.token.id, value: created.value }
    return reply.redirect(`/${request.lang}/account/api-tokens/${created.token.id}/created`, 303)
  })

  scope.get('/account/api-tokens/:id/created', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const token = await service.find(user.id, (request.params as { id: string }).id)
    if (!token) throw new NotFoundError()
    const shown = request.session.newApiToken
    const value = shown?.id === token.id ? shown.value : undefined
    // Shown once: a refresh or Back shows that it is gone.
    if (value) request.session.newApiToken = undefined
    return reply.page({ title: request.t('api.tokens.createdTitle'), breadcrumbs: [{ text: request.t('api.tokens.title'), href: `/${request.lang}/account/api-tokens` }], body: createdPage(request.t, request.lang, token, value) })
  })

  scope.get('/account/api-tokens/:id/revoke', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const token = await service.find(user.id, (request.params as { id: string }).id)
    if (!token) throw new NotFoundError()
    if (token.revoked_at || token.expires_at.getTime() <= deps.clock.now().getTime()) return reply.redirect(`/${request.lang}/account/api-tokens`, 303)
    return reply.page({ title: request.t('api.tokens.revokeTitle', { name: token.name }), backLink: { href: `/${request.lang}/account/api-tokens`, text: request.t('api.tokens.backToList') }, body: revokePage(request.t, request.lang, reply.csrfToken(), token) })
  })

  scope.post('/account/api-tokens/:id/revoke', async (request, reply) => {
    const user = requireEmployer(request, reply)
    if (!user) return reply
    const id = (request.params as { id: string }).id
    const token = await service.find(user.id, id)
    if (!token) throw new NotFoundError()
    await service.revoke(user.id, id, actorFrom(request, user))
    return reply.redirect(`/${request.lang}/account/api-tokens?revoked=1`, 303)
  })
}
