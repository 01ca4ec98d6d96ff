import type { FastifyReply, FastifyRequest } from 'fastify'
import type { SignedInUser } from '../../db/database.ts'
import { html } from '../../platform/html.ts'
import { keepFormOfEndedSession } from './session-lifecycle.ts'

/**
 * The contract every feature relies on for "who is signed in". The sign-in feature
 * sets `request.session.userId` at sign-in and, before any route runs, ends idle or
 * expired sessions and loads `request.user`; a route only asks.
 */
export function signedInUserId(request: FastifyRequest): string | undefined {
  return request.user?.id
}

export function signInPath(lang: string, returnTo?: string, console = false): string {
  return `/${lang}${console ? '/console' : ''}/sign-in${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`
}

function toSignIn(request: FastifyRequest, reply: FastifyReply, console: boolean): undefined {
  keepFormOfEndedSession(request)
  void reply.redirect(signInPath(request.lang, request.method === 'GET' ? request.url : undefined, console), 303)
  return undefined
}

function wrongAudience(request: FastifyRequest, reply: FastifyReply, userIsEmployer: boolean): undefined {
  const { t, lang } = request
  void reply.page(
    {
      title: t('auth.wrongAudienceTitle'),
      body: html`<h1>${t('auth.wrongAudienceTitle')}</h1>
<p>${userIsEmployer ? t('auth.wrongPageForEmployer') : t('auth.wrongPageForOfficer')}</p>
<p><a href="/${lang}${userIsEmployer ? '/home' : '/console'}">${userIsEmployer ? t('auth.goToPortalSignedIn') : t('auth.goToConsoleSignedIn')}</a></p>`,
    },
    403,
  )
  return undefined
}

/**
 * A password an administrator chose (a new staff account's temporary one) is changed before any
 * other page: every page a guard below protects leads to the change until it is done.
 */
function toPasswordChange(request: FastifyRequest, reply: FastifyReply): undefined {
  void reply.redirect(`/${request.lang}/account/password`, 303)
  return undefined
}

/** Any signed-in person: the user id, or undefined after redirecting to sign-in. */
export function requireUserId(request: FastifyRequest, reply: FastifyReply): string | undefined {
  return request.user?.id ?? toSignIn(request, reply, false)
}

/** An employer-side user (the portal audience). */
export function requireEmployer(request: FastifyRequest, reply: FastifyReply): SignedInUser | undefined {
  const user = request.user
  if (!user) return toSignIn(request, reply, false)
  if (user.role !== 'employer') return wrongAudience(request, reply, false)
  if (user.must_change_password) return toPasswordChange(request, reply)
  return user
}

/** An officer or administrator (the console audience); `administrator` for administration. */
export function requireStaff(request: FastifyRequest, reply: FastifyReply, level: 'officer' | 'administrator' = 'officer'): SignedInUser | undefined {
  const user = request.user
  if (!user) return toSignIn(request, reply, true)
  if (user.role === 'employer') return wrongAudience(request, reply, true)
  if (user.must_change_password) return toPasswordChange(request, reply)
  if (level === 'administrator' && user.role !== 'administrator') {
    // An officer on an administrator's page: say who may, and the way back.
    const { t, lang } = request
    void reply.page(
      {
        title: t('console.administratorsOnlyTitle'),
        body: html`<h1>${t('console.administratorsOnlyTitle')}</h1>
<p>${t('console.administratorsOnlyBody')}</p>
<p><a href="/${lang}/console">${t('console.backToConsole')}</a></p>`,
      },
      403,
    )
    return undefined
  }
  return user
}
