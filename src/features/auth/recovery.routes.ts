import type { FastifyInstance } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { AppUser } from '../../db/database.ts'
import type { Lang } from '../../i18n/i18n.ts'
import { audit, actorFrom, type DbOrTrx } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField, textInput } from '../../ui/components.ts'
import { zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { notify } from '../notifications/notify.ts'
import { forgotSchema, forgotUsernameSchema, resetSchema } from './auth.schema.ts'
import { hashSecret } from './passwords.ts'
import { endSessionsForPasswordChange } from './session-lifecycle.ts'
import { clearFailures, recordFailure, throttleWait, type ThrottlePolicy } from './throttle.ts'
import { consumeToken, createToken, findToken, peekToken } from './tokens.ts'
import { emailKey, findUserById, findUserByUsername, usernameKey, usersWithConfirmedEmail } from './users.repository.ts'

/** Reset e-mails per account: five in an hour, then none for an hour (tests/security/hostile-input.test.ts). */
const RESET_MAIL_POLICY: ThrottlePolicy = { free: 4, baseDelayMs: 60 * 60_000, maxDelayMs: 60 * 60_000, windowMs: 60 * 60_000 }

export interface RecoveryDeps {
  db: Db
  clock: Clock
  publicBaseUrl: string
}

/** In the registration transaction: the e-mail with the confirmation link. */
export async function sendVerificationEmail(trx: DbOrTrx, user: AppUser, lang: Lang, deps: { publicBaseUrl: string }, now: Date): Promise<void> {
  if (!user.email) return
  const token = await createToken(trx, user.id, 'verify_email', now, user.email)
  await notify(trx, {
    template: 'verifyEmail',
    params: { username: user.username, link: `${deps.publicBaseUrl}/${lang}/verify-email/${token}` },
    lang,
    email: { to: user.email },
    now,
  })
}

/** E-mail confirmation and "Forgot your password?" by single-use, expiring links. */
export function registerRecoveryRoutes(scope: FastifyInstance, deps: RecoveryDeps): void {
  const { db, clock } = deps

  scope.get('/verify-email/:token', async (request, reply) => {
    const { t, lang } = request
    const now = clock.now()
    const { token } = request.params as { token: string }
    const used = await db.transaction().execute(async (trx) => {
      const found = await consumeToken(trx, token, 'verify_email', now)
      if (!found) return undefined
      // The link confirms the address it was sent to: at registration the same one, after a change the new one.
      const before = found.email ? await findUserById(trx, found.userId) : undefined
      if (found.email) await trx.updateTable('app_user').set({ email: found.email, email_key: emailKey(found.email), email_verified_at: now, updated_at: now }).where('id', '=', found.userId).execute()
      // A change: the old address is told (as after a password change), in case it was not its owner's doing.
      if (before?.email && found.email && before.email.toLowerCase() !== found.email.toLowerCase()) {
        await notify(trx, { template: 'emailChanged', params: { username: before.username, email: found.email }, lang: before.preferred_language, email: { to: before.email }, now })
      }
      await audit(trx, { ...actorFrom(request), userId: found.userId }, now, { action: 'auth.email_verified', objectType: 'user', objectId: found.userId })
      return found
    })
    if (!used) {
      // Opened again after it worked: the address it confirmed is still the account's, and confirmed.
      const known = await findToken(db, token, 'verify_email')
      const user = known?.email ? await findUserById(db, known.userId) : undefined
      if (user?.email && user.email_verified_at && user.email.toLowerCase() === known!.email!.toLowerCase()) {
        return reply.page({
          title: t('auth.emailAlreadyConfirmedTitle'),
          body: html`<h1>${t('auth.emailAlreadyConfirmedTitle')}</h1><p>${t('auth.emailVerifiedBody', { email: user.email })}</p><p><a href="/${lang}/home">${t('auth.continueTo')}</a></p>`,
        })
      }
    }
    // A new link is sent from the e-mail address page (after signing in): the same address again, or a new one.
    if (!used) return reply.page({ title: t('auth.linkInvalidTitle'), body: html`<h1>${t('auth.linkInvalidTitle')}</h1><p>${t('auth.linkInvalidBody')}</p><p><a href="/${lang}/account/email">${t('auth.newConfirmLink')}</a></p>` }, 410)
    return reply.page({
      title: t('auth.emailVerifiedTitle'),
      body: html`<h1>${t('auth.emailVerifiedTitle')}</h1><p>${t('auth.emailVerifiedBody', { email: used.email ?? '' })}</p><p><a href="/${lang}/home">${t('auth.continueTo')}</a></p>`,
    })
  })

  const forgotPage = (lang: string, csrf: string, t: Parameters<typeof textInput>[0]['t'], username: string, errors?: FormErrors) =>
    html`<h1>${t('auth.forgotTitle')}</h1>
<p>${t('auth.forgotLead')}</p>
<p><a href="/${lang}/forgot-username">${t('auth.forgotUsername')}</a></p>
<form method="post" action="/${lang}/forgot-password" novalidate>
${csrfField(csrf)}
${textInput({ t, name: 'username', label: t('auth.username'), value: username, autocomplete: 'username', spellcheck: false, error: errors?.fields.username, width: '20' })}
${button({ text: t('auth.sendLink'), preventDoubleClick: true })}
</form>`

  scope.get('/forgot-password', (request, reply) => {
    const { t, lang } = request
    return reply.page({ title: t('auth.forgotTitle'), body: forgotPage(lang, reply.csrfToken(), t, '') })
  })

  scope.post('/forgot-password', async (request, reply) => {
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = forgotSchema.safeParse(raw)
    if (!parsed.success) {
      const errors = zodFormErrors(t, parsed.error)
      return reply.page({ title: t('auth.forgotTitle'), errors, body: forgotPage(lang, reply.csrfToken(), t, typeof raw.username === 'string' ? raw.username : '', errors) }, 400)
    }
    const now = clock.now()
    const user = await findUserByUsername(db, parsed.data.username)
    // The same answer whether or not the name is an account's (no enumeration), and whether or
    // not an e-mail goes: at most five an hour per account, so no one can flood another's inbox.
    const floodKey = user ? `reset-mail:${usernameKey(user.username)}` : ''
    if (user && user.status !== 'deleted' && user.email && (await throttleWait(db, floodKey, now)) === 0) {
      await db.transaction().execute(async (trx) => {
        await recordFailure(trx, floodKey, now, RESET_MAIL_POLICY)
        const token = await createToken(trx, user.id, 'reset_password', now)
        await notify(trx, {
          template: 'resetPassword',
          // One language throughout: the recipient's, for the words and for the link alike (not the page's it was asked from).
          params: { username: user.username, link: `${deps.publicBaseUrl}/${user.preferred_language}/reset-password/${token}` },
          lang: user.preferred_language,
          email: { to: user.email! },
          now,
        })
        await audit(trx, { ...actorFrom(request), userId: user.id, label: user.username }, now, { action: 'auth.reset_requested', objectType: 'user', objectId: user.id })
      })
    }
    return reply.redirect(`/${lang}/forgot-password/sent`, 303)
  })

  // "Forgot your username?": the usernames of the accounts whose confirmed address this is, e-mailed there.
  const forgotUsernamePage = (lang: string, csrf: string, t: Parameters<typeof textInput>[0]['t'], email: string, errors?: FormErrors) =>
    html`<h1>${t('auth.forgotUsername')}</h1>
<p>${t('auth.forgotUsernameLead')}</p>
<form method="post" action="/${lang}/forgot-username" novalidate>
${csrfField(csrf)}
${textInput({ t, name: 'email', label: t('auth.email'), type: 'email', value: email, autocomplete: 'email', spellcheck: false, error: errors?.fields.email })}
${button({ text: t('auth.sendUsername'), preventDoubleClick: true })}
</form>`

  scope.get('/forgot-username', (request, reply) => {
    const { t, lang } = request
    return reply.page({ title: t('auth.forgotUsername'), body: forgotUsernamePage(lang, reply.csrfToken(), t, '') })
  })

  scope.post('/forgot-username', async (request, reply) => {
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const parsed = forgotUsernameSchema.safeParse(raw)
    if (!parsed.success) {
      const errors = zodFormErrors(t, parsed.error)
      return reply.page({ title: t('auth.forgotUsername'), errors, body: forgotUsernamePage(lang, reply.csrfToken(), t, typeof raw.email === 'string' ? raw.email : '', errors) }, 400)
    }
    const now = clock.now()
    const key = emailKey(parsed.data.email)
    // The same answer whether or not an account has this address (no enumeration), and whether or not an
    // e-mail goes: at most five an hour per address, like the password reset's, so no inbox is flooded.
    const floodKey = `username-mail:${key}`
    if ((await throttleWait(db, floodKey, now)) === 0) {
      const accounts = await usersWithConfirmedEmail(db, key)
      if (accounts.length > 0) {
        await db.transaction().execute(async (trx) => {
          await recordFailure(trx, floodKey, now, RESET_MAIL_POLICY)
          // One e-mail per account, in its own language, to the address it confirmed.
          for (const a of accounts) await notify(trx, { template: 'usernameReminder', params: { username: a.username }, lang: a.preferred_language, email: { to: a.email }, now })
        })
      }
    }
    return reply.redirect(`/${lang}/forgot-username/sent`, 303)
  })

  scope.get('/forgot-username/sent', (request, reply) => {
    const { t, lang } = request
    return reply.page({
      title: t('auth.forgotSentTitle'),
      body: html`<h1>${t('auth.forgotSentTitle')}</h1><p>${t('auth.forgotUsernameSentBody')}</p><p><a href="/${lang}/sign-in">${t('auth.federated.backToSignIn')}</a></p>`,
    })
  })

  scope.get('/forgot-password/sent', (request, reply) => {
    const { t } = request
    return reply.page({ title: t('auth.forgotSentTitle'), body: html`<h1>${t('auth.forgotSentTitle')}</h1><p>${t('auth.forgotSentBody')}</p>` })
  })

  const resetPage = (lang: string, token: string, csrf: string, t: Parameters<typeof textInput>[0]['t'], errors?: FormErrors) =>
    html`<h1>${t('auth.resetTitle')}</h1>
<form method="post" action="/${lang}/reset-password/${token}" novalidate>
${csrfField(csrf)}
${textInput({ t, name: 'password', label: t('auth.newPassword'), hint: t('auth.passwordHint'), type: 'password', autocomplete: 'new-password', error: errors?.fields.password, width: '20' })}
${textInput({ t, name: 'confirmPassword', label: t('auth.confirmPassword'), type: 'password', autocomplete: 'new-password', error: errors?.fields.confirmPassword, width: '20' })}
${button({ text: t('common.save'), preventDoubleClick: true })}
</form>`

  const linkGone = (t: Parameters<typeof textInput>[0]['t'], lang: string) =>
    html`<h1>${t('auth.linkInvalidTitle')}</h1><p>${t('auth.linkInvalidBody')}</p><p><a href="/${lang}/forgot-password">${t('auth.forgotTitle')}</a></p>`

  scope.get('/reset-password/:token', async (request, reply) => {
    const { t, lang } = request
    const { token } = request.params as { token: string }
    if (!(await peekToken(db, token, 'reset_password', clock.now()))) return reply.page({ title: t('auth.linkInvalidTitle'), body: linkGone(t, lang) }, 410)
    return reply.page({ title: t('auth.resetTitle'), body: resetPage(lang, token, reply.csrfToken(), t) })
  })

  scope.post('/reset-password/:token', async (request, reply) => {
    const { t, lang } = request
    const { token } = request.params as { token: string }
    const now = clock.now()
    const parsed = resetSchema.safeParse(request.body ?? {})
    if (!parsed.success) {
      if (!(await peekToken(db, token, 'reset_password', now))) return reply.page({ title: t('auth.linkInvalidTitle'), body: linkGone(t, lang) }, 410)
      const errors = zodFormErrors(t, parsed.error, {}, ['password', 'confirmPassword'])
      return reply.page({ title: t('auth.resetTitle'), errors, body: resetPage(lang, token, reply.csrfToken(), t, errors) }, 400)
    }
    const passwordHash = await hashSecret(parsed.data.password)
    const done = await db.transaction().execute(async (trx) => {
      const found = await consumeToken(trx, token, 'reset_password', now)
      if (!found) return undefined
      const user = await findUserById(trx, found.userId)
      if (!user) return undefined
      await trx.updateTable('app_user').set({ password_hash: passwordHash, updated_at: now }).where('id', '=', user.id).execute()
      await clearFailures(trx, `account:${usernameKey(user.username)}`)
      await audit(trx, { ...actorFrom(request), userId: user.id, label: user.username }, now, { action: 'auth.password_reset', objectType: 'user', objectId: user.id })
      if (user.email) await notify(trx, { template: 'passwordChanged', params: { username: user.username }, lang: user.preferred_language, email: { to: user.email }, now })
      return user
    })
    if (!done) return reply.page({ title: t('auth.linkInvalidTitle'), body: linkGone(t, lang) }, 410)
    // Every session of the account ends; the browsers holding them are told why at sign-in.
    await endSessionsForPasswordChange(db, done.id)
    // POST-redirect-GET to the sign-in page, which says what happened. (Drawing a page here, in
    // the request of a person who was signed in, drew a header for a session that had just ended.)
    await request.session.regenerate()
    request.session.signedOutReason = 'passwordReset'
    return reply.redirect(`/${lang}/sign-in`, 303)
  })
}
