import type { FastifyInstance } from 'fastify'
import { requireUserId } from '../auth/guards.ts'
import { actorFrom } from '../../platform/audit.ts'
import { NotFoundError } from '../../platform/errors.ts'
import type { MonerisPage } from './payment.gateways.ts'
import { allowMoneris, monerisCheckoutBody } from './payment.moneris-page.ts'
import type { PaymentService } from './payment.service.ts'
import { resultPage } from './payment.views.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The portal's side of the hosted page: the return address and the result page.
 * The return never reads the query string: the result is asked of the gateway.
 */
export function registerPaymentRoutes(scope: FastifyInstance, deps: { payments: PaymentService; moneris?: MonerisPage; timeZone: string }): void {
  const load = async (id: string, userId: string) => {
    if (!UUID.test(id)) throw new NotFoundError()
    const payment = await deps.payments.findPayment(id)
    // Only the person who started the payment sees it (officers get their own console).
    if (!payment || payment.created_by_user_id !== userId) throw new NotFoundError()
    return payment
  }

  scope.get<{ Params: { id: string } }>('/payments/:id/return', async (request, reply) => {
    const userId = requireUserId(request, reply)
    if (!userId) return reply
    const payment = await load(request.params.id, userId)
    // The return is the payer's own browser: what it settles is credited to them, with their address.
    const { payment: current } = await deps.payments.confirmPayment(payment.id, actorFrom(request, request.user ?? undefined))
    // Paid: straight on to what was paid for (an offer's page shows its number and the receipt).
    if (current.status === 'approved' && current.continue_path) return reply.redirect(current.continue_path, 303)
    // POST-redirect-GET style: refresh and Back land on the result page, which asks again if needed.
    return reply.redirect(`/${request.lang}/payments/${payment.id}`, 303)
  })

  scope.get<{ Params: { id: string } }>('/payments/:id', async (request, reply) => {
    const userId = requireUserId(request, reply)
    if (!userId) return reply
    const payment = await load(request.params.id, userId)
    const { payment: current, unconfirmed } = await deps.payments.confirmPayment(payment.id, actorFrom(request, request.user ?? undefined))
    const retry = deps.payments.retryAction(current, request.lang)
    const page = resultPage(request.t, request.lang, current, unconfirmed, `/${request.lang}/payments/${payment.id}`, deps.timeZone, retry ? { action: retry, csrfToken: reply.csrfToken() } : undefined)
    return reply.page({ title: page.title, body: page.body, breadcrumbs: [{ text: request.t('common.home'), href: `/${request.lang}` }] })
  })

  const moneris = deps.moneris
  if (moneris) {
    // The page that embeds Moneris's hosted card form for a ticket (the gateway's redirect address).
    scope.get<{ Params: { ticket: string } }>('/payments/moneris/:ticket', async (request, reply) => {
      const userId = requireUserId(request, reply)
      if (!userId) return reply
      const payment = await deps.payments.findByCheckoutRef(request.params.ticket)
      if (!payment || payment.created_by_user_id !== userId) throw new NotFoundError()
      if (payment.status !== 'pending') return reply.redirect(`/${request.lang}/payments/${payment.id}`, 303)
      allowMoneris(reply, moneris.scriptUrl)
      return reply.page({
        title: request.t('payment.monerisTitle'),
        body: monerisCheckoutBody({
          t: request.t,
          lang: request.lang,
          payment,
          returnUrl: `/${request.lang}/payments/${payment.id}/return`,
          settings: moneris,
          nonce: reply.cspNonce,
        }),
      })
    })
  }
}
