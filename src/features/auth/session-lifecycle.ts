import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { AppUser, Role, SignedInUser } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField } from '../../ui/components.ts'
import { currentUser, fullName } from './users.repository.ts'
import { formatInZone } from '../../platform/dates.ts'
import type { DbSessionStore } from '../../platform/session-store.ts'

export const IDLE_MS = 20 * 60_000
export const WARN_BEFORE_MS = 2 * 60_000
export const ABSOLUTE_MS = 12 * 60 * 60_000
/** Activity is written back at most this often (each write is a database round trip). */
const TOUCH_EVERY_MS = 15_000

export type Audience = 'portal' | 'console'

declare module '@fastify/session' {
  interface FastifySessionObject {
    audience?: Audience
    createdAt?: string
    lastSeenAt?: string
    /** Password checked, second factor still to come. */
    pendingSignIn?: { userId: string; audience: Audience; returnTo?: string; setup: boolean }
    pendingTotpSecret?: string
    /** The new recovery codes, sealed (sessions are database rows), until the person has seen them. */
    recoveryCodesToShow?: { userId: string; sealed: string }
    /** Why the last session ended, shown on the sign-in page. */
    /** Why the session ended: shown on the sign-in page. */
    signedOutReason?: 'idle' | 'absolute' | 'passwordReset'
    returnTo?: string
    /** A form that arrived after the session had ended, kept for after sign-in. */
    stashedForm?: { url: string; body: Record<string, unknown>; userId: string }
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, loaded fresh on every request. */
    user: SignedInUser | null
    /** Values read with the session for this request's user (`SessionCompanion`), each taken once. */
    sessionCompanions: Record<string, unknown> | null
  }
}

/**
 * The value companion `name` read with this request's session, once (a second call, e.g.
 * after the request wrote, reads afresh); undefined when there is none to take.
 */
export function takeSessionCompanion(request: FastifyRequest, name: string): unknown {
  const companions = request.sessionCompanions
  if (!companions || !(name in companions)) return undefined
  const value = companions[name]
  delete companions[name]
  return value
}

export function audienceOf(role: Role): Audience {
  return role === 'employer' ? 'portal' : 'console'
}

export function signInPathFor(lang: string, audience: Audience | undefined): string {
  return audience === 'console' ? `/${lang}/console/sign-in` : `/${lang}/sign-in`
}

/** Only our own pages may be returned to (no open redirect). */
export function safeReturnTo(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined
  return /^\/(en|fr)(\/[^\s\\]*)?$/.test(value) && !value.startsWith('//') && !value.includes('/session/') ? value : undefined
}

function isPassive(url: string): boolean {
  return url.startsWith('/assets/') || url.startsWith('/health/') || url === '/favicon.ico'
}

/** Status polls must not count as activity, or the session would never end. */
function isStatusPoll(url: string): boolean {
  return /^\/(en|fr)\/session\/status/.test(url)
}

/** Starts a signed-in session under a new id (no fixation). */
export async function startSession(request: FastifyRequest, user: AppUser, now: Date): Promise<void> {
  const stashed = request.session.stashedForm
  await request.session.regenerate()
  request.session.userId = user.id
  request.session.audience = audienceOf(user.role)
  request.session.createdAt = now.toISOString()
  request.session.lastSeenAt = now.toISOString()
  if (stashed && stashed.userId === user.id) request.session.stashedForm = stashed
  request.user = user
}

/** A form kept when it arrived after the session ended, for the page at `url` to show again. */
export function takeStashedForm(request: FastifyRequest, url: string): Record<string, unknown> | undefined {
  const stashed = request.session?.stashedForm
  if (!stashed || stashed.url !== url || stashed.userId !== request.user?.id) return undefined
  request.session.stashedForm = undefined
  return stashed.body
}

/** Ends sessions on the server: this one, or every one of the user's. */
export async function endAllSessions(db: Db, userId: string): Promise<number> {
  const result = await db.deleteFrom('session').where('user_id', '=', userId).executeTakeFirst()
  return Number(result.numDeletedRows)
}

export function sessionExpiry(request: FastifyRequest): { warnAt: Date; endsAt: Date } | undefined {
  const s = request.session
  if (!s?.userId || !s.lastSeenAt || !s.createdAt) return undefined
  const idleEnd = Date.parse(s.lastSeenAt) + IDLE_MS
  const absoluteEnd = Date.parse(s.createdAt) + ABSOLUTE_MS
  const endsAt = new Date(Math.min(idleEnd, absoluteEnd))
  return { endsAt, warnAt: new Date(endsAt.getTime() - WARN_BEFORE_MS) }
}

/**
 * Before any route runs: ends a session idle for 20 minutes or older than 12 hours
 * (judged by the injected clock), keeping where the user was and any form they
 * were sending, and loads the signed-in user (a deleted user loses access at once).
 */
export function registerSessionLifecycle(app: FastifyInstance, deps: { db: Db; clock: Clock; timeZone: string; sessions: DbSessionStore }): void {
  app.decorateRequest('user', null)
  app.decorateRequest('sessionCompanions', null)
  app.addHook('preValidation', async (request, reply) => {
    const s = request.session
    // The user row (and companions) the session store read with this session (one round trip for all),
    // asked since this request arrived (Fastify's clock for elapsedTime is performance.now()).
    const readWithSession = s ? deps.sessions.takeReadWith(s.sessionId, performance.now() - reply.elapsedTime) : undefined
    if (!s?.userId || isPassive(request.url)) return
    const now = deps.clock.now()
    const created = Date.parse(s.createdAt ?? '')
    const lastSeen = Date.parse(s.lastSeenAt ?? '')
    const reason =
      !(now.getTime() - created <= ABSOLUTE_MS) ? 'absolute' : !(now.getTime() - lastSeen <= IDLE_MS) ? 'idle' : undefined
    if (reason) return endSession(request, reply, reason)

    // Fresh on every request (on the embedded database, unless nothing at all was written since: read-cache.ts).
    const userId = s.userId
    const readHere = readWithSession?.user?.id === userId ? readWithSession : undefined
    const user = readHere ? readHere.user : await currentUser(deps.db, userId)
    if (!user || user.status === 'deleted') {
      await s.destroy()
      return reply.redirect(signInPathFor(request.lang, s.audience), 303)
    }
    request.user = user
    // The store made this object for this request's read (taking a companion deletes from it).
    if (readHere) request.sessionCompanions = readHere.companions
    if (!isStatusPoll(request.url) && now.getTime() - lastSeen >= TOUCH_EVERY_MS) s.lastSeenAt = now.toISOString()
  })

  /**
   * The session becomes anonymous, remembering why and where the person was (and a
   * form they were sending). Public pages carry on; protected ones send the person
   * to sign in, where they are told why and brought back afterwards.
   */
  async function endSession(request: FastifyRequest, reply: FastifyReply, reason: 'idle' | 'absolute'): Promise<FastifyReply | undefined> {
    const { audience, userId } = request.session
    const returnTo = safeReturnTo(request.url.split('#')[0])
    const body = request.method === 'POST' && request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : undefined
    await request.session.regenerate()
    request.session.signedOutReason = reason
    request.session.returnTo = returnTo
    request.session.audience = audience
    if (body && returnTo && userId) {
      const { _csrf: _token, ...fields } = body
      request.session.stashedForm = { url: returnTo, body: fields, userId }
      // The form cannot be processed without a session: keep it and ask for sign-in.
      return reply.redirect(signInPathFor(request.lang, audience), 303)
    }
    if (isStatusPoll(request.url)) return reply.send({ signedIn: false })
    return undefined
  }

  // The header's account area and the idle warning, on every page for a signed-in person.
  app.chromeContributors.push((request, reply) => {
    const user = request.user
    if (!user) return undefined
    const { t, lang } = request
    const name = fullName(user)
    const home = audienceOf(user.role) === 'console' ? `/${lang}/console` : `/${lang}/home`
    const token = reply.csrfToken()
    const account = html`<ul class="account-nav">
<li><a href="${home}">${t('auth.signedInAs', { name })}</a></li>
<li><form method="post" action="/${lang}/sign-out">${csrfField(token)}<button class="button-link" type="submit">${t('common.signOut')}</button></form></li>
</ul>`
    const expiry = sessionExpiry(request)
    if (!expiry) return { account }
    const time = formatInZone(lang, expiry.endsAt, deps.timeZone, 'clock')
    const continueForm = html`<form method="post" action="/${lang}/session/continue">${csrfField(token)}<input type="hidden" name="returnTo" value="${safeReturnTo(request.url) ?? ''}">${button({ text: t('auth.continueSession'), variant: 'secondary' })}</form>`
    const banner = html`<div class="session-warning" id="session-warning" hidden data-warn-at="${expiry.warnAt.toISOString()}" data-ends-at="${expiry.endsAt.toISOString()}" data-status-url="/${lang}/session/status">
<section class="notice notice-warning" aria-labelledby="session-warning-title" role="alertdialog" aria-describedby="session-warning-body">
<h2 class="notice-title" id="session-warning-title">${t('auth.sessionWarningTitle')}</h2>
<p id="session-warning-body">${t('auth.sessionWarningBody', { time })}</p>
${continueForm}
</section>
</div>
<noscript><div class="session-noscript"><p>${t('auth.sessionNoScript', { time })}</p>${continueForm}</div></noscript>`
    return { account, banners: [banner] }
  })
}
