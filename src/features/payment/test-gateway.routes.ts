import type { FastifyInstance } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { Clock } from '../../platform/clock.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { zodFormErrors } from '../../ui/form-errors.ts'
import { cardBrand, testCardOutcome } from './test-gateway.cards.ts'
import { checkoutExpired, TEST_CHECKOUT_MINUTES, testCheckoutPath, testTransactionId } from './test-gateway.gateway.ts'
import * as store from './test-gateway.repository.ts'
import { CARD_FIELDS, cardFormSchema } from './test-gateway.schema.ts'
import { cardForm, closedPage, type CardFormValues } from './test-gateway.views.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The embedded test gateway's hosted pages, under /{lang}/test-gateway/…: "another
 * site" that the portal happens to serve. It reads and writes only its own tables;
 * the portal learns the result through the gateway port, never from this page.
 */
export function registerTestGatewayRoutes(scope: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  const load = async (id: string) => {
    const checkout = UUID.test(id) ? await store.findCheckout(deps.db, id) : undefined
    if (!checkout) throw new NotFoundError()
    return checkout
  }

  scope.get<{ Params: { id: string } }>('/test-gateway/checkouts/:id', async (request, reply) => {
    const { t, lang } = request
    const checkout = await load(request.params.id)
    // Back to a finished page (the browser's Back after paying): on to the portal, which shows the result.
    if (checkout.status !== 'open') return reply.redirect(checkout.return_url, 303)
    if (checkoutExpired(checkout.expires_at, deps.clock.now())) {
      return reply.page({ title: t('testGateway.expiredTitle'), body: closedPage(t, 'expired', checkout.return_url, TEST_CHECKOUT_MINUTES) })
    }
    return reply.page({
      title: t('testGateway.title'),
      body: cardForm({ t, lang, checkout, action: testCheckoutPath(lang, checkout.id), csrfToken: reply.csrfToken(), values: {} }),
    })
  })

  scope.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/test-gateway/checkouts/:id', async (request, reply) => {
    const { t, lang } = request
    const checkout = await load(request.params.id)
    const now = deps.clock.now()
    if (checkout.status !== 'open' || checkoutExpired(checkout.expires_at, now)) {
      const kind = checkout.status === 'open' ? 'expired' : 'finished'
      return reply.page({ title: kind === 'expired' ? t('testGateway.expiredTitle') : t('testGateway.finishedTitle'), body: closedPage(t, kind, checkout.return_url, TEST_CHECKOUT_MINUTES) }, 409)
    }
    const body = request.body ?? {}
    if (body.action === 'cancel') {
      await store.completeCheckout(deps.db, checkout.id, { status: 'cancelled', card_brand: null, card_last4: null, transaction_id: null, completed_at: now })
      return reply.redirect(checkout.return_url, 303)
    }
    const parsed = cardFormSchema(now).safeParse(body)
    if (!parsed.success) {
      // The card number and security code are never echoed back into the page.
      const values: CardFormValues = { expiry: str(body.expiry), cardholderName: str(body.cardholderName) }
      const errors = zodFormErrors(t, parsed.error, {}, CARD_FIELDS)
      return reply.page(
        {
          title: t('testGateway.title'),
          errors,
          body: cardForm({ t, lang, checkout, action: testCheckoutPath(lang, checkout.id), csrfToken: reply.csrfToken(), values, errors }),
        },
        400,
      )
    }
    const digits = parsed.data.cardNumber
    const outcome = testCardOutcome(digits)!
    // Only the brand and the last four digits are kept; the number leaves memory with this request.
    const completed = await store.completeCheckout(deps.db, checkout.id, {
      status: outcome,
      card_brand: cardBrand(digits),
      card_last4: digits.slice(-4),
      transaction_id: outcome === 'approved' ? testTransactionId() : null,
      completed_at: now,
    })
    // A second click that lost the race to the first: nothing more is charged, and the page says so.
    if (!completed) return reply.page({ title: t('testGateway.finishedTitle'), body: closedPage(t, 'finished', checkout.return_url, TEST_CHECKOUT_MINUTES) }, 409)
    return reply.redirect(checkout.return_url, 303)
  })
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}
