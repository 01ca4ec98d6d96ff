import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../../config.ts'
import type { Db } from '../../db/connect.ts'
import type { Clock } from '../../platform/clock.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { homePathOf } from '../../platform/views.ts'
import { requireUserId, signedInUserId } from '../auth/guards.ts'
import { takeSessionCompanion } from '../auth/session-lifecycle.ts'
import { findDevMail, listDevMailbox } from './notifications.repository.ts'
import { mailIdParam, messageIdParam, pageQuery } from './notifications.schema.ts'
import { messagesPage, openMessage, unreadCount, unreadWithSession } from './notifications.service.ts'
import { mailboxView, mailView, messagesListView, messagesPath, messageView, unreadBadge } from './notifications.views.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person's unread account messages, counted before a page renders. */
    unreadMessages: number | null
  }
}

interface Deps {
  db: Db
  clock: Clock
  config: Config
}

/** Page requests (under /en or /fr) by a signed-in employer get the unread count for the header (staff receive no account messages). */
function wantsBadge(request: FastifyRequest): boolean {
  return request.method === 'GET' && /^\/(en|fr)(\/|\?|$)/.test(request.url) && request.user?.role === 'employer'
}

/**
 * The app-wide parts: the unread count in the header (a chrome contributor, fed by a
 * preHandler because contributors are synchronous) and, when configured (DEV_MAILBOX; never in production), the
 * development mailbox at /dev/mailbox. Register before the feature routes.
 */
export function registerNotifications(app: FastifyInstance, deps: Deps): void {
  app.decorateRequest('unreadMessages', null)
  app.addHook('preHandler', async (request) => {
    if (!wantsBadge(request)) return
    const readWithSession = takeSessionCompanion(request, unreadWithSession.name)
    request.unreadMessages = readWithSession !== undefined && readWithSession !== null ? Number(readWithSession) : await unreadCount(deps.db, signedInUserId(request)!)
  })
  app.chromeContributors.push((request) =>
    request.unreadMessages === null ? undefined : { account: unreadBadge(request.unreadMessages, request.t, request.lang) },
  )

  // Only when DEV_MAILBOX (or demo mode) enables it, never in production: otherwise the route
  // does not exist and answers 404 — it shows every e-mail, password reset links included.
  if (deps.config.isProduction || !deps.config.devMailbox) return
  app.get('/dev/mailbox', async (request, reply) => {
    const mails = await listDevMailbox(deps.db, 200)
    return reply.page({ title: request.t('notifications.mailbox.title'), body: mailboxView(request.t, request.lang, mails, !!deps.config.smtpUrl) })
  })
  app.get('/dev/mailbox/:id', async (request, reply) => {
    const mail = await findMail(deps.db, request.params)
    return reply.page({
      title: mail.subject,
      breadcrumbs: [{ text: request.t('notifications.mailbox.title'), href: '/dev/mailbox' }],
      body: mailView(request.t, mail),
    })
  })
  app.get('/dev/mailbox/:id/html', async (request, reply) => {
    const mail = await findMail(deps.db, request.params)
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(mail.html_body)
  })
}

async function findMail(db: Db, params: unknown) {
  const parsed = mailIdParam.safeParse(params)
  const mail = parsed.success ? await findDevMail(db, parsed.data.id) : undefined
  if (!mail) throw new NotFoundError()
  return mail
}

/** The person's businesses by id (the header's list): a business's message names the one it is about. */
function businessNamesOf(request: FastifyRequest): ReadonlyMap<string, string> | undefined {
  const choices = request.businessContext?.choices
  return choices ? new Map(choices.map((c) => [c.businessId, c.businessName])) : undefined
}

/** Account messages, under /en and /fr. */
export function registerNotificationRoutes(scope: FastifyInstance, deps: Pick<Deps, 'db' | 'clock'>): void {
  scope.get('/messages', async (request, reply) => {
    const userId = requireUserId(request, reply)
    if (!userId) return reply
    const { page } = pageQuery.parse(request.query)
    // An employer's businesses were read before the handler (their memberships): the same list the reader needs.
    const p = await messagesPage(deps.db, userId, page, request.lang, request.businessContext?.choices.map((c) => c.businessId))
    return reply.page({
      title: request.t('notifications.messagesTitle'),
      breadcrumbs: [{ text: request.t('common.home'), href: homePathOf(request) }],
      body: messagesListView(request.t, request.lang, p, businessNamesOf(request)),
    })
  })

  scope.get('/messages/:id', async (request, reply) => {
    const userId = requireUserId(request, reply)
    if (!userId) return reply
    const parsed = messageIdParam.safeParse(request.params)
    const message = parsed.success ? await openMessage(deps.db, userId, parsed.data.id, deps.clock.now(), request.lang) : undefined
    if (!message) throw new NotFoundError()
    // The header count was taken before this message was marked read.
    if (request.unreadMessages !== null) request.unreadMessages = await unreadCount(deps.db, userId)
    return reply.page({
      title: message.subject,
      breadcrumbs: [
        { text: request.t('common.home'), href: homePathOf(request) },
        { text: request.t('notifications.messagesTitle'), href: messagesPath(request.lang) },
      ],
      body: messageView(request.t, request.lang, message, businessNamesOf(request)),
    })
  })
}
