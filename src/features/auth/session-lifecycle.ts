import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import type { Db } from '../../db/connect.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import type { AppUser, Role, SignedInUser } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField } from '../../ui/components.ts'
import { currentUser, fullName } from './users.repository.ts'
import { formatInZone } from '../../platform/dates.ts'
import type { DbSessionStore } from '../../platform/session-store.ts'
import { fillForm, keptFields, type StashedValues } from './form-restore.ts'

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
    pendingSignIn?: { userId: string; audience: Audience; returnTo?: string; setup: boolean; registeredEmail?: string }
    pendingTotpSecret?: string
    /** The new recovery codes, sealed (sessions are database rows), until the person has seen them. */
    recoveryCodesToShow?: { userId: string; sealed: string; from?: 'enabled' | 'replaced' | 'renewed' }
    /** Why the session ended: shown on the sign-in page. */
    signedOutReason?: 'idle' | 'absolute' | 'passwordReset' | 'passwordChanged'
    returnTo?: string
    /**
     * Whose session ended (idle or absolute limit; the session is anonymous now): a form sent later
     * from a page still open in another tab is kept for them, and signing in again as them keeps
     * the pages' CSRF secret, so those forms are not refused as forged.
     */
    endedUserId?: string
    /** A form that arrived after the session had ended (or the no-script "Continue session" carried), kept for after sign-in. */
    stashedForm?: StashedForm
    /** Signed in with a recovery code: how many are left, said once on the next page. */
    recoveryCodesLeft?: number
    /** Just registered: the next page says the account is ready and where the confirmation link went. */
    registeredEmail?: string
  }
}

/**
 * A form kept with the session: what was typed (secrets left out), the address it posts to
 * (`url`), and the page it was on (`page`), where it is filled in again, never sent for the person.
 */
export interface StashedForm {
  url: string
  page?: string
  body: StashedValues
  userId: string
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, loaded fresh on every request. */
    user: SignedInUser | null
    /** Values read with the session for this request's user (`SessionCompanion`), each taken once. */
    sessionCompanions: Record<string, unknown> | null
    /** A kept form whose page this request shows: filled in on the way out unless the route took it. */
    restoredForm: StashedForm | null
    /** A form on this page whose typing the no-script "Continue session" button carries (`keepTypingOnContinue`). */
    typingForm: { id: string; action: string } | null
  }
  interface FastifyInstance {
    /** Whether a GET route answers this address (a page to come back to after signing in). */
    hasPage(url: string): boolean
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

function isContinue(url: string): boolean {
  return /^\/(en|fr)\/session\/continue(?:[?#]|$)/.test(url)
}

/**
 * What a "Continue session" request names: the page to go back to (`returnTo`, in the form or
 * the address) and, from the no-script button that submits a page's form, that form's address (`keep`).
 */
export function continueRequest(request: FastifyRequest, body: Record<string, unknown>): { returnTo?: string; keep?: string } {
  const query = (request.query ?? {}) as Record<string, unknown>
  const keep = safeReturnTo(body._keep)
  // The page's own form may have a returnTo of its own: the button's address names the page.
  return { returnTo: safeReturnTo(keep ? query.returnTo : (body.returnTo ?? query.returnTo)), keep }
}

/** The warning script's requests (it asks for JSON; pages never do). */
export function wantsJson(request: FastifyRequest): boolean {
  return /application\/json/.test(request.headers.accept ?? '')
}

/** Status polls must not count as activity, or the session would never end. */
function isStatusPoll(url: string): boolean {
  return /^\/(en|fr)\/session\/status/.test(url)
}

/** Starts a signed-in session under a new id (no fixation). */
export async function startSession(request: FastifyRequest, user: AppUser, now: Date): Promise<void> {
  const stashed = request.session.stashedForm
  // The same person back after their session ended: the forms of their pages still open stay valid.
  await request.session.regenerate(request.session.endedUserId === user.id ? ['_csrf'] : [])
  request.session.userId = user.id
  request.session.audience = audienceOf(user.role)
  request.session.createdAt = now.toISOString()
  request.session.lastSeenAt = now.toISOString()
  if (stashed && stashed.userId === user.id) request.session.stashedForm = stashed
  request.user = user
}

/**
 * A form kept when it could not be sent (`StashedForm`), posting to `url`, for the route of its
 * page to show again itself (otherwise it is filled in generically on the way out).
 */
export function takeStashedForm(request: FastifyRequest, url: string): Record<string, unknown> | undefined {
  const restored = request.restoredForm
  if (restored && restored.url === url) {
    request.restoredForm = null
    return restored.body
  }
  const stashed = request.session?.stashedForm
  if (!stashed || stashed.url !== url || stashed.userId !== request.user?.id) return undefined
  request.session.stashedForm = undefined
  return stashed.body
}

/**
 * The no-script "Continue session" button of this page submits the form `id` (posting to
 * `action`) to /session/continue, so what was typed comes back with the page instead of being lost.
 */
export function keepTypingOnContinue(request: FastifyRequest, form: { id: string; action: string }): void {
  request.typingForm = form
}

function pathOf(url: string): string {
  const end = url.search(/[?#]/)
  const path = end === -1 ? url : url.slice(0, end)
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path
}

/** A same-site page named by the Referer header (path and query), if it is one we may return to. */
function refererPage(request: FastifyRequest): string | undefined {
  const referer = request.headers.referer
  if (!referer) return undefined
  try {
    const url = new URL(referer)
    const host = (request.headers.host ?? '').replace(/:(80|443)$/, '')
    return url.host === host || url.host === request.headers.host ? safeReturnTo(url.pathname + url.search) : undefined
  } catch {
    return undefined
  }
}

/**
 * The page a form came from, to bring the person back to: the Referer (sent by browsers to
 * the same site), else the form's own address when a GET answers it, else the home page.
 */
export function pageOfForm(request: FastifyRequest, action: string, audience: Audience | undefined, given?: string): string {
  const home = audience === 'console' ? `/${request.lang}/console` : `/${request.lang}/home`
  for (const candidate of [given, refererPage(request), action]) {
    if (candidate && !candidate.includes('/session/') && request.server.hasPage(pathOf(candidate))) return candidate
  }
  return home
}

/**
 * A form sent to a signed-in page after another tab found the session ended: kept for the person
 * whose session it was, and their way back after signing in, as a form that ended the session is.
 */
export function keepFormOfEndedSession(request: FastifyRequest): void {
  const s = request.session
  const body = request.body
  if (request.method !== 'POST' || !s?.endedUserId || !body || typeof body !== 'object') return
  const action = safeReturnTo(request.url.split('#')[0])
  if (!action) return
  const page = pageOfForm(request, action, s.audience)
  stashForm(request, s.endedUserId, action, page, body as Record<string, unknown>)
  s.returnTo = page
}

/** Keeps a form's typing (secrets left out) for its page, for the same person. */
export function stashForm(request: FastifyRequest, userId: string, action: string, page: string, body: Record<string, unknown>): void {
  const kept = keptFields(body)
  // A button alone (nothing typed): nothing to fill in again.
  if (Object.keys(kept).length > 0) request.session.stashedForm = { url: action, page, body: kept, userId }
}

/**
 * Ends the user's sessions on the server (but `exceptId`) because the password changed: each row becomes
 * an anonymous session that remembers why (and keeps its CSRF secret, so a form sent from it leads to
 * sign-in rather than to a security error), and the browser holding it is told so on the sign-in page.
 */
export async function endSessionsForPasswordChange(db: DbOrTrx, userId: string, exceptId?: string): Promise<number> {
  let update = db
    .updateTable('session')
    .set({
      user_id: null,
      data: sql<string>`jsonb_strip_nulls(jsonb_build_object('cookie', data->'cookie', '_csrf', data->'_csrf', 'audience', data->'audience', 'signedOutReason', ${sql.lit('passwordChanged')}::text))`,
    })
    .where('user_id', '=', userId)
  if (exceptId) update = update.where('id', '!=', exceptId)
  const result = await update.executeTakeFirst()
  return Number(result.numUpdatedRows)
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
  app.decorateRequest('restoredForm', null)
  app.decorateRequest('typingForm', null)
  // A page (GET route) a kept form may bring the person back to: asked of Fastify's own router, as a request would be.
  app.decorate('hasPage', (url: string) => app.findRoute({ method: 'GET', url }) !== null)
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
    // Back on the page a kept form came from: its typing is filled in again (once).
    const stash = s.stashedForm
    if (stash && request.method === 'GET' && stash.userId === user.id && stash.page && pathOf(stash.page) === pathOf(request.url)) {
      request.restoredForm = stash
      s.stashedForm = undefined
    }
  })

  // The kept form, filled in on its page (unless the page's route took it to show itself).
  app.addHook('onSend', (request, reply, payload, done) => {
    const restored = request.restoredForm
    if (!restored) return done(null, payload)
    request.restoredForm = null
    const page = Buffer.isBuffer(payload) ? payload.toString('utf8') : typeof payload === 'string' ? payload : undefined
    if (page === undefined || reply.statusCode !== 200 || !String(reply.getHeader('content-type') ?? '').startsWith('text/html')) return done(null, payload)
    done(null, fillForm(page, restored.url, restored.body).page)
  })

  /**
   * The session becomes anonymous, remembering why and where the person was (and a
   * form they were sending). Public pages carry on; protected ones send the person
   * to sign in, where they are told why and brought back afterwards.
   */
  async function endSession(request: FastifyRequest, reply: FastifyReply, reason: 'idle' | 'absolute'): Promise<FastifyReply | undefined> {
    const { audience, userId } = request.session
    // The warning script asking: the session is left as it is (its CSRF secret with it), so the script
    // can still send the page's typing to be kept (`canKeep`), as the no-script "Continue session" does.
    if (isStatusPoll(request.url)) return reply.header('cache-control', 'no-store').send({ signedIn: false, canKeep: true })
    let body = request.method === 'POST' && request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : undefined
    const address = safeReturnTo(request.url.split('#')[0])
    // Signing out needs no session: that form carries on to its route.
    if (body && address && /^\/(en|fr)\/sign-out/.test(address)) body = undefined
    // "Continue session" too late: back to the page it was pressed on, with the form it carried (`keep`).
    const continued = body && isContinue(request.url) ? continueRequest(request, body) : undefined
    const action = continued ? continued.keep : address
    // A form is never sent again for the person: after signing in, they come back to its page, filled in.
    const returnTo = continued ? pageOfForm(request, continued.returnTo ?? '', audience, continued.returnTo) : body && address ? pageOfForm(request, address, audience) : address
    // The CSRF secret stays: another tab's form, sent later, reaches its guard and is kept (keepFormOfEndedSession).
    await request.session.regenerate(['_csrf'])
    request.session.endedUserId = userId
    request.session.signedOutReason = reason
    request.session.returnTo = returnTo
    request.session.audience = audience
    if (body && userId && (action || continued)) {
      if (action) stashForm(request, userId, action, returnTo ?? pageOfForm(request, action, audience), body)
      // The form cannot be processed without a session: keep it and ask for sign-in.
      // (The warning script's "Continue session" gets where to go as JSON: a redirect it followed would be a page.)
      if (continued && wantsJson(request)) return reply.header('cache-control', 'no-store').send({ signedIn: false, next: signInPathFor(request.lang, audience) })
      return reply.redirect(signInPathFor(request.lang, audience), 303)
    }
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
    const here = safeReturnTo(request.url) ?? ''
    const continueForm = html`<form method="post" action="/${lang}/session/continue">${csrfField(token)}<input type="hidden" name="returnTo" value="${here}">${button({ text: t('auth.continueSession'), variant: 'secondary' })}</form>`
    // Without script, the page's main form (if it named one) goes with the button: its typing comes back with the page.
    const typing = request.typingForm
    const noScriptContinue = typing
      ? html`<button class="button button-secondary" type="submit" form="${typing.id}" formaction="/${lang}/session/continue?returnTo=${encodeURIComponent(here)}" formmethod="post" formnovalidate name="_keep" value="${typing.action}">${t('auth.continueSession')}</button>`
      : continueForm
    // Seconds from now (the server's now) rather than a time of day: the browser's clock may be wrong.
    const secondsToWarn = Math.max(0, Math.round((expiry.warnAt.getTime() - deps.clock.now().getTime()) / 1000))
    // For the script: the same form and address, so that when the session ends (or "Continue session" comes too
    // late) what was typed is sent to be kept, as without script.
    const keepAttrs = typing ? html` data-keep-form="${typing.id}" data-keep-action="${typing.action}" data-keep-url="/${lang}/session/continue?returnTo=${encodeURIComponent(here)}"` : ''
    const banner = html`<div class="session-warning" id="session-warning" hidden data-seconds-to-warn="${secondsToWarn}" data-status-url="/${lang}/session/status"${keepAttrs}>
<section class="notice notice-warning" aria-labelledby="session-warning-title" role="alertdialog" aria-describedby="session-warning-body">
<h2 class="notice-title" id="session-warning-title">${t('auth.sessionWarningTitle')}</h2>
<p id="session-warning-body">${t('auth.sessionWarningBody', { time })}</p>
${continueForm}
</section>
</div>
<noscript><div class="session-noscript"><p>${t('auth.sessionNoScript', { time })}</p>${noScriptContinue}</div></noscript>`
    const banners = [banner]
    // Signed in with a recovery code: how many are left, once, with the way to new ones.
    const left = request.session.recoveryCodesLeft
    if (left !== undefined) {
      request.session.recoveryCodesLeft = undefined
      banners.unshift(html`<section class="notice notice-warning" aria-labelledby="recovery-codes-left-title"><h2 class="notice-title" id="recovery-codes-left-title">${t('auth.recoveryCodeUsedTitle')}</h2><div class="notice-body"><p>${t('auth.recoveryCodeUsed', { left })}</p><p>${t('auth.recoveryCodesFew')} <a href="/${lang}/account/two-factor">${t('auth.twoFactorTitle')}</a></p></div></section>`)
    }
    // Just registered: once, on the first page after it.
    const registeredEmail = request.session.registeredEmail
    if (registeredEmail !== undefined) {
      request.session.registeredEmail = undefined
      banners.unshift(html`<section class="notice notice-success" aria-labelledby="registered-title"><h2 class="notice-title" id="registered-title">${t('auth.registered')}</h2><div class="notice-body"><p>${t('auth.registeredBody', { email: registeredEmail })}</p></div></section>`)
    }
    // A kept form filled in again on this page (by the generic filler, on the way out): say so.
    if (request.restoredForm) {
      banners.unshift(html`<section class="notice notice-info" aria-labelledby="restored-form-title"><h2 class="notice-title" id="restored-form-title">${t('auth.restoredTitle')}</h2><div class="notice-body"><p>${t('auth.restoredBody')}</p></div></section>`)
    }
    return { account, banners }
  })
}
