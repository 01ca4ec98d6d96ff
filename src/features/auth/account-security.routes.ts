import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField, notice, textInput } from '../../ui/components.ts'
import { emailField } from '../../ui/email-field.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { notify } from '../notifications/notify.ts'
import { resetSchema } from './auth.schema.ts'
import { audienceOf, endSessionsForPasswordChange } from './session-lifecycle.ts'
import { hashSecret, verifySecret } from './passwords.ts'
import { recordFailure, throttleWait, type ThrottlePolicy } from './throttle.ts'
import { createToken, pendingEmail } from './tokens.ts'
import { passwordHashOf } from './users.repository.ts'

const str = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())
const emailChangeSchema = z.object({
  email: str.pipe(z.string().trim().min(1, 'auth.errEmailRequired')).pipe(emailField),
  currentPassword: str.pipe(z.string().min(1, 'auth.errCurrentRequired')),
})

/** Wrong current passwords (a stolen session guessing it): ten a day, then 20 minutes' pause (tests/security/hostile-input.test.ts); every page that asks for it. */
export const CURRENT_PASSWORD_POLICY: ThrottlePolicy = { free: 9, baseDelayMs: 20 * 60_000, maxDelayMs: 20 * 60_000, windowMs: 24 * 60 * 60_000 }
/** Confirmation e-mails to new addresses: five an hour per person, so the portal mails no one in a loop. */
const EMAIL_CHANGE_POLICY: ThrottlePolicy = { free: 4, baseDelayMs: 60 * 60_000, maxDelayMs: 60 * 60_000, windowMs: 60 * 60_000 }

/** Change password and change e-mail (re-verified), for any signed-in person. */
export function registerAccountSecurityRoutes(scope: FastifyInstance, deps: { db: Db; clock: Clock; publicBaseUrl: string }): void {
  const { db, clock } = deps
  const signedIn = (request: FastifyRequest, reply: FastifyReply): SignedInUser | undefined => {
    if (request.user) return request.user
    void reply.redirect(`/${request.lang}/sign-in?returnTo=${encodeURIComponent(request.url)}`, 303)
    return undefined
  }
  /** Whether `typed` is the user's current password (the hash is read here, never kept on the request). */
  const isCurrentPassword = async (user: SignedInUser, typed: string) => {
    const hash = typed.length > 0 ? await passwordHashOf(db, user.id) : null
    return !!hash && (await verifySecret(hash, typed))
  }
  const home = (request: FastifyRequest, user: SignedInUser) => (audienceOf(user.role) === 'console' ? `/${request.lang}/console` : `/${request.lang}/home`)

  const passwordPage = (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, errors?: FormErrors, done = false) => {
    const { t, lang } = request
    return reply.page(
      {
        title: t('auth.changePasswordTitle'),
        errors,
        breadcrumbs: [{ text: t('common.home'), href: home(request, user) }],
        body: html`<h1>${t('auth.changePasswordTitle')}</h1>
${done ? notice({ kind: 'success', title: t('auth.passwordChanged') }) : ''}
${done && audienceOf(user.role) === 'console' ? html`<p><a href="${home(request, user)}">${t('auth.continueToConsole')}</a></p>` : ''}
${user.must_change_password ? notice({ kind: 'warning', title: t('auth.temporaryPasswordTitle'), body: html`<p>${t('auth.temporaryPasswordBody')}</p>` }) : ''}
<form method="post" action="/${lang}/account/password" novalidate>
${csrfField(reply.csrfToken())}
${textInput({ t, name: 'currentPassword', label: t('auth.currentPassword'), type: 'password', autocomplete: 'current-password', error: errors?.fields.currentPassword, width: '20' })}
${textInput({ t, name: 'password', label: t('auth.newPassword'), hint: t('auth.passwordHint'), type: 'password', autocomplete: 'new-password', error: errors?.fields.password, width: '20' })}
${textInput({ t, name: 'confirmPassword', label: t('auth.confirmPassword'), type: 'password', autocomplete: 'new-password', error: errors?.fields.confirmPassword, width: '20' })}
${button({ text: t('common.save'), preventDoubleClick: true })}
</form>`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/account/password', (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    return passwordPage(request, reply, user, undefined, (request.query as Record<string, unknown>).done === '1')
  })

  scope.post('/account/password', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = resetSchema.safeParse(raw)
    const current = typeof raw.currentPassword === 'string' ? raw.currentPassword : ''
    const guesses = `current-password:${user.id}`
    const wait = await throttleWait(db, guesses, clock.now())
    if (wait > 0) return passwordPage(request, reply, user, formErrors([['currentPassword', t('auth.slowDown', { seconds: Math.ceil(wait / 1000) })]]))
    const currentOk = await isCurrentPassword(user, current)
    if (!currentOk && current) await recordFailure(db, guesses, clock.now(), CURRENT_PASSWORD_POLICY)
    if (!parsed.success || !currentOk) {
      const base = parsed.success ? formErrors([]) : zodFormErrors(t, parsed.error, {}, ['password', 'confirmPassword'])
      const errors = currentOk ? base : formErrors([['currentPassword', current ? t('auth.errCurrentWrong') : t('auth.errCurrentRequired')], ...Object.entries(base.fields)])
      return passwordPage(request, reply, user, errors)
    }
    // The right current password typed again as the new one changes nothing: say so.
    if (parsed.data.password === current) return passwordPage(request, reply, user, formErrors([['password', t('auth.errPasswordSame')]]))
    const now = clock.now()
    const passwordHash = await hashSecret(parsed.data.password)
    await db.transaction().execute(async (trx) => {
      // A temporary password (an administrator's) is now the person's own: the console opens again.
      await trx.updateTable('app_user').set({ password_hash: passwordHash, must_change_password: false, updated_at: now }).where('id', '=', user.id).execute()
      // Other sessions end (their browsers are told why at sign-in); this one carries on.
      await endSessionsForPasswordChange(trx, user.id, request.session.sessionId)
      await audit(trx, actorFrom(request, user), now, { action: 'auth.password_changed', objectType: 'user', objectId: user.id })
      if (user.email) await notify(trx, { template: 'passwordChanged', params: { username: user.username }, lang: user.preferred_language, email: { to: user.email }, now })
    })
    return reply.redirect(`/${lang}/account/password?done=1`, 303)
  })

  /** A link confirming `email` for this user, mailed there (counted against EMAIL_CHANGE_POLICY), and the audit event `action`. */
  const sendLink = async (request: FastifyRequest, user: SignedInUser, email: string, template: 'verifyEmail' | 'confirmNewEmail', action: string) => {
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await recordFailure(trx, `email-change-mail:${user.id}`, now, EMAIL_CHANGE_POLICY)
      const token = await createToken(trx, user.id, 'verify_email', now, email)
      // One language throughout: the recipient's, for the words and the link alike.
      await notify(trx, { template, params: { username: user.username, link: `${deps.publicBaseUrl}/${user.preferred_language}/verify-email/${token}` }, lang: user.preferred_language, email: { to: email }, now })
      await audit(trx, actorFrom(request, user), now, { action, objectType: 'user', objectId: user.id })
    })
  }

  const emailPage = (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, email: string, errors?: FormErrors, sentTo?: string, resent?: boolean) => {
    const { t, lang } = request
    // An address never confirmed (its link expired or was lost): a new link, to the same address.
    const unconfirmed =
      user.email && !user.email_verified_at
        ? html`<form method="post" action="/${lang}/account/email/resend" novalidate>
${csrfField(reply.csrfToken())}
<p>${t('auth.emailUnconfirmed', { email: user.email })}</p>
${button({ text: t('auth.resendLink'), variant: 'secondary', preventDoubleClick: true })}
</form>`
        : ''
    return reply.page(
      {
        title: t('auth.changeEmailTitle'),
        errors,
        breadcrumbs: [{ text: t('common.home'), href: home(request, user) }],
        body: html`<h1>${t('auth.changeEmailTitle')}</h1>
${sentTo ? notice({ kind: 'success', title: resent ? t('auth.linkResent', { email: sentTo }) : t('auth.emailLinkSent', { email: sentTo }) }) : ''}
<p>${t('auth.changeEmailLead')}</p>
<p><strong>${t('auth.emailLabel')}</strong> ${user.email ?? ''}</p>
${unconfirmed}
<form method="post" action="/${lang}/account/email" novalidate>
${csrfField(reply.csrfToken())}
${textInput({ t, name: 'email', label: t('auth.newEmail'), type: 'email', autocomplete: 'email', spellcheck: false, value: email, error: errors?.fields.email })}
${textInput({ t, name: 'currentPassword', label: t('auth.currentPassword'), type: 'password', autocomplete: 'current-password', error: errors?.fields.currentPassword, width: '20' })}
${button({ text: t('auth.sendLink'), preventDoubleClick: true })}
</form>`,
      },
      errors ? 400 : 200,
    )
  }

  scope.get('/account/email', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    const q = request.query as Record<string, unknown>
    // "Sent": the address named is the one the server sent the link to, never text from the address bar.
    const sentTo = q.sent !== undefined ? await pendingEmail(db, user.id, clock.now()) : undefined
    return emailPage(request, reply, user, '', undefined, sentTo, q.resent === '1')
  })

  scope.post('/account/email/resend', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    const { t, lang } = request
    if (!user.email || user.email_verified_at) return reply.redirect(`/${lang}/account/email`, 303)
    const mails = `email-change-mail:${user.id}`
    const wait = await throttleWait(db, mails, clock.now())
    if (wait > 0) return emailPage(request, reply, user, '', formErrors([['email', t('auth.slowDown', { seconds: Math.ceil(wait / 1000) })]]))
    await sendLink(request, user, user.email, 'verifyEmail', 'auth.email_link_resent')
    return reply.redirect(`/${lang}/account/email?sent=1&resent=1`, 303)
  })

  scope.post('/account/email', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const typed = typeof raw.email === 'string' ? raw.email : ''
    const parsed = emailChangeSchema.safeParse(raw)
    if (!parsed.success) return emailPage(request, reply, user, typed, zodFormErrors(t, parsed.error, {}, ['email', 'currentPassword']))
    const guesses = `current-password:${user.id}`
    const mails = `email-change-mail:${user.id}`
    const wait = Math.max(await throttleWait(db, guesses, clock.now()), await throttleWait(db, mails, clock.now()))
    if (wait > 0) return emailPage(request, reply, user, typed, formErrors([['email', t('auth.slowDown', { seconds: Math.ceil(wait / 1000) })]]))
    if (!(await isCurrentPassword(user, parsed.data.currentPassword))) {
      await recordFailure(db, guesses, clock.now(), CURRENT_PASSWORD_POLICY)
      return emailPage(request, reply, user, typed, formErrors([['currentPassword', t('auth.errCurrentWrong')]]))
    }
    if (parsed.data.email.toLowerCase() === (user.email ?? '').toLowerCase()) return emailPage(request, reply, user, typed, formErrors([['email', t('auth.errEmailSame')]]))
    // Its own message ("confirm your new address"), not the registration's; the old address is told once the change is made.
    await sendLink(request, user, parsed.data.email, 'confirmNewEmail', 'auth.email_change_requested')
    return reply.redirect(`/${lang}/account/email?sent=1`, 303)
  })
}
