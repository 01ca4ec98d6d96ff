import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { AppUser } from '../../db/database.ts'
import type { Clock } from '../../platform/clock.ts'
import { audit, actorFrom } from '../../platform/audit.ts'
import { html } from '../../platform/html.ts'
import { notice } from '../../ui/components.ts'
import { formErrors, zodFormErrors } from '../../ui/form-errors.ts'
import { authenticate, registerUser } from './auth.service.ts'
import { codeSchema, registerSchema, signInSchema } from './auth.schema.ts'
import { codeView, recoveryCodesView, registerView, signInView, totpSetupView, wrongAudienceView } from './auth.views.ts'
import {
  audienceOf,
  continueRequest,
  endAllSessions,
  pageOfForm,
  safeReturnTo,
  sessionExpiry,
  signInPathFor,
  stashForm,
  startSession,
  wantsJson,
  type Audience,
} from './session-lifecycle.ts'
import { ACCOUNT_POLICY } from './auth.service.ts'
import { clearFailures, recordFailure, throttleWait } from './throttle.ts'
import { checkTotp, formatKey, newTotpSecret, totpQrDataUrl } from './totp.ts'
import { registerTwoFactorRoutes, replaceRecoveryCodes, useRecoveryCode, useTotpStep } from './two-factor.routes.ts'
import type { TotpSecrets } from './totp-secrets.ts'
import { findUserById, recordSignIn } from './users.repository.ts'
import { formatInZone } from '../../platform/dates.ts'
import { notify } from '../notifications/notify.ts'
import type { Lang } from '../../i18n/i18n.ts'

export interface AuthDeps {
  db: Db
  clock: Clock
  timeZone: string
  /** Employers must set up a second factor too (officers and administrators always must). */
  requireEmployerTotp: boolean
  /** Called in the registration transaction, e.g. to send the verification e-mail. */
  onRegistered?: (trx: Parameters<NonNullable<Parameters<typeof registerUser>[2]>>[0], user: AppUser, lang: 'en' | 'fr') => Promise<void>
  /** Federated sign-in providers, offered on the portal's sign-in page (federated.routes.ts). */
  federatedProviders?: ReadonlyArray<{ id: string; name: { en: string; fr: string } }>
  /** Seals and opens TOTP secrets at rest (totp-secrets.ts). */
  totpSecrets: TotpSecrets
}

function homeFor(lang: string, audience: Audience): string {
  return audience === 'console' ? `/${lang}/console` : `/${lang}/home`
}

function formatTime(lang: Lang, date: Date, timeZone: string): string {
  return formatInZone(lang, date, timeZone, 'clock')
}

/** What the first page after signing in says once (session-lifecycle.ts draws them). */
export interface SignInNotices {
  /** Signed in with a recovery code: how many are left. */
  recoveryCodesLeft?: number
  /** Just registered: the address the confirmation link was sent to. */
  registeredEmail?: string
}

/**
 * The last step of every sign-in (password, second factor, federated): a new
 * session, the sign-in recorded and audited, then back to where the person was going.
 */
export async function finishSignIn(
  request: FastifyRequest,
  reply: FastifyReply,
  deps: { db: Db; clock: Clock },
  user: AppUser,
  audience: Audience,
  returnTo?: string,
  after: SignInNotices = {},
): Promise<FastifyReply> {
  const now = deps.clock.now()
  await startSession(request, user, now)
  // Signed in with a recovery code: the next page says how many are left.
  if (after.recoveryCodesLeft !== undefined) request.session.recoveryCodesLeft = after.recoveryCodesLeft
  // Just registered: the next page says the account is ready and where the confirmation link went.
  if (after.registeredEmail) request.session.registeredEmail = after.registeredEmail
  await deps.db.transaction().execute(async (trx) => {
    await recordSignIn(trx, user.id, now)
    await audit(trx, actorFrom(request, user), now, { action: 'auth.signed_in', objectType: 'user', objectId: user.id, details: { audience } })
  })
  // Never to an address only a form posts to (a GET there would be "page not found").
  const back = returnTo && request.server.hasPage(returnTo.split(/[?#]/)[0]!) ? returnTo : undefined
  return reply.redirect(back ?? homeFor(request.lang, audience), 303)
}

/** Registration, sign-in with a second factor, sessions, sign-out: for the portal and the console. */
export function registerAuthRoutes(scope: FastifyInstance, deps: AuthDeps): void {
  const { db, clock, totpSecrets } = deps
  // Staff never sign in federated: the buttons are on the portal's page only.
  const providersFor = (audience: Audience, lang: 'en' | 'fr') =>
    audience === 'portal' ? deps.federatedProviders?.map((p) => ({ id: p.id, name: p.name[lang] })) : undefined

  for (const audience of ['portal', 'console'] as const) {
    const base = audience === 'console' ? '/console/sign-in' : '/sign-in'

    scope.get(base, (request, reply) => {
      const { t, lang } = request
      if (request.user && audienceOf(request.user.role) === audience) return reply.redirect(homeFor(lang, audience), 303)
      const reason = request.session.signedOutReason
      const timedOut =
        reason === 'passwordReset'
          ? notice({ kind: 'success', title: t('auth.resetDone'), body: t('auth.resetDoneBody') })
          : reason === 'passwordChanged'
            ? notice({ kind: 'info', title: t('auth.signedOutTitle'), body: t('auth.signedOutPasswordChanged') })
            : reason
            ? notice({ kind: 'info', title: t('auth.timedOutTitle'), body: reason === 'idle' ? t('auth.timedOutBody') : t('auth.expiredBody') })
            : ''
      const returnTo = safeReturnTo((request.query as Record<string, unknown>).returnTo) ?? request.session.returnTo ?? ''
      return reply.page({
        title: audience === 'console' ? t('auth.consoleSignInTitle') : t('auth.signInTitle'),
        body: signInView({ t, lang, csrf: reply.csrfToken(), action: `/${lang}${base}`, console: audience === 'console', returnTo, notice: timedOut, providers: providersFor(audience, lang) }),
      })
    })

    scope.post(base, async (request, reply) => {
      const { t, lang } = request
      const parsed = signInSchema.safeParse(request.body ?? {})
      const raw = (request.body ?? {}) as Record<string, unknown>
      const returnTo = safeReturnTo(raw.returnTo)
      const again = (errors: ReturnType<typeof formErrors>, status = 400) =>
        reply.page(
          {
            title: audience === 'console' ? t('auth.consoleSignInTitle') : t('auth.signInTitle'),
            errors,
            body: signInView({
              t,
              lang,
              csrf: reply.csrfToken(),
              action: `/${lang}${base}`,
              console: audience === 'console',
              username: typeof raw.username === 'string' ? raw.username : '',
              returnTo,
              errors,
              providers: providersFor(audience, lang),
            }),
          },
          status,
        )
      if (!parsed.success) return again(zodFormErrors(t, parsed.error, {}, ['username', 'password']))

      const now = clock.now()
      const result = await authenticate(db, { ...parsed.data, ip: request.ip, now, actor: actorFrom(request) })
      if (result.kind === 'wrong') return again(formErrors([['username', t('auth.wrongCredentials')]]))
      // The portal's page offers "Forgot your password?", which ends the pause (a new password clears it); the console's does not.
      const lockedKey = audience === 'portal' ? 'auth.lockedForgot' : 'auth.locked'
      if (result.kind === 'locked') return again(formErrors([['username', t(lockedKey, { time: formatTime(lang, result.until, deps.timeZone) })]]), 429)
      if (result.kind === 'throttled') return again(formErrors([['username', t('auth.slowDown', { seconds: Math.ceil(result.waitMs / 1000) })]]), 429)

      const user = result.user
      if (audienceOf(user.role) !== audience) {
        await audit(db, actorFrom(request, user), now, { action: 'auth.wrong_audience', objectType: 'user', objectId: user.id, details: { audience } })
        return reply.page({ title: t('auth.wrongAudienceTitle'), body: wrongAudienceView(t, lang, user.role === 'employer') }, 403)
      }
      const needsSetup = !user.totp_enabled_at && (user.role !== 'employer' || deps.requireEmployerTotp)
      if (user.totp_enabled_at || needsSetup) {
        const stashed = request.session.stashedForm
        await request.session.regenerate()
        request.session.pendingSignIn = { userId: user.id, audience, returnTo, setup: needsSetup }
        // A form kept when the last session ended waits for the second factor too.
        if (stashed?.userId === user.id) request.session.stashedForm = stashed
        return reply.redirect(needsSetup ? `/${lang}/two-factor/setup` : `/${lang}/sign-in/code`, 303)
      }
      return completeSignIn(request, reply, user, audience, returnTo)
    })
  }

  const completeSignIn = (request: FastifyRequest, reply: FastifyReply, user: AppUser, audience: Audience, returnTo?: string, after?: SignInNotices) =>
    finishSignIn(request, reply, deps, user, audience, returnTo, after)

  registerTwoFactorRoutes(scope, { db, clock, totpSecrets })

  // Second factor during sign-in: a TOTP code, or a recovery code once.
  scope.get('/sign-in/code', (request, reply) => {
    const { t, lang } = request
    if (!request.session.pendingSignIn) return reply.redirect(`/${lang}/sign-in`, 303)
    return reply.page({ title: t('auth.secondFactorTitle'), body: codeView({ t, lang, csrf: reply.csrfToken(), action: `/${lang}/sign-in/code` }) })
  })

  scope.post('/sign-in/code', async (request, reply) => {
    const { t, lang } = request
    const pending = request.session.pendingSignIn
    if (!pending || pending.setup) return reply.redirect(`/${lang}/sign-in`, 303)
    const now = clock.now()
    const fail = (message: string, status = 400) => {
      const errors = formErrors([['code', message]])
      return reply.page({ title: t('auth.secondFactorTitle'), errors, body: codeView({ t, lang, csrf: reply.csrfToken(), action: `/${lang}/sign-in/code`, errors }) }, status)
    }
    const parsed = codeSchema.safeParse(request.body ?? {})
    if (!parsed.success) return fail(t('auth.errCodeRequired'))
    const key = `totp:${pending.userId}`
    const wait = await throttleWait(db, key, now)
    if (wait > 0) return fail(t('auth.locked', { time: formatTime(lang, new Date(now.getTime() + wait), deps.timeZone) }), 429)
    const user = await findUserById(db, pending.userId)
    if (!user?.totp_secret) return reply.redirect(`/${lang}/sign-in`, 303)

    const secret = totpSecrets.open(user.id, user.totp_secret)
    const step = checkTotp(secret, parsed.data.code, now)
    let ok = false
    let codesLeft: number | undefined
    if (step !== undefined) ok = await useTotpStep(db, totpSecrets, user, secret, step)
    else {
      codesLeft = await useRecoveryCode(db, request, user, parsed.data.code, now)
      ok = codesLeft !== undefined
    }
    if (!ok) {
      await recordFailure(db, key, now, ACCOUNT_POLICY)
      await audit(db, actorFrom(request, user), now, { action: 'auth.second_factor_failed', objectType: 'user', objectId: user.id })
      return fail(t('auth.errCodeWrong'))
    }
    await clearFailures(db, key)
    // Signed in with a recovery code: the owner is told by e-mail, in case it was not them.
    if (codesLeft !== undefined && user.email) {
      await notify(db, { template: 'recoveryCodeUsed', params: { username: user.username, left: codesLeft }, lang: user.preferred_language, email: { to: user.email }, now })
    }
    return completeSignIn(request, reply, user, pending.audience, pending.returnTo, { recoveryCodesLeft: codesLeft })
  })

  /**
   * Who may see the setup page: a person in their first sign-in who must set it up, or a signed-in
   * person without a second factor; one who has it on only after proving it (Two-step verification page).
   */
  const setupUserId = (request: FastifyRequest): { userId?: string; replacing: boolean; refused: boolean } => {
    if (request.session.pendingSignIn?.setup) return { userId: request.session.pendingSignIn.userId, replacing: false, refused: false }
    const user = request.user
    if (!user) return { replacing: false, refused: false }
    const replacing = !!user.totp_enabled_at
    return { userId: user.id, replacing, refused: replacing && request.session.totpReplaceFor !== user.id }
  }

  /**
   * The setup page: first setup or a replacement (which says the current app works until this is done), with
   * a way out: back to the sign-in page mid-sign-in (a sign-out form), else back where the person came from.
   */
  const setupPage = async (request: FastifyRequest, reply: FastifyReply, user: AppUser, secret: string, replacing: boolean, errors?: ReturnType<typeof formErrors>) => {
    const { t, lang } = request
    const pending = !!request.session.pendingSignIn?.setup
    const title = replacing ? t('auth.setupNewTotpTitle') : t('auth.setupTotpTitle')
    const back = pending ? undefined : { href: replacing ? `/${lang}/account/two-factor` : homeFor(lang, audienceOf(user.role)), text: t('auth.cancelSetup') }
    return reply.page(
      {
        title,
        errors,
        backLink: back,
        body: totpSetupView({
          t,
          lang,
          csrf: reply.csrfToken(),
          action: `/${lang}/two-factor/setup`,
          qr: await totpQrDataUrl(secret, user.username),
          key: formatKey(secret),
          required: user.role !== 'employer',
          replacing,
          cancelSignIn: pending,
          errors,
        }),
      },
      errors ? 400 : 200,
    )
  }

  // Setting up the authenticator app: required for staff at their first sign-in, offered to employers.
  scope.get('/two-factor/setup', async (request, reply) => {
    const { lang } = request
    const { userId, refused, replacing } = setupUserId(request)
    if (!userId) return reply.redirect(`/${lang}/sign-in`, 303)
    // A working second factor is never replaced by opening this address: its page asks for it first.
    if (refused) return reply.redirect(`/${lang}/account/two-factor`, 303)
    const user = await findUserById(db, userId)
    if (!user) return reply.redirect(`/${lang}/sign-in`, 303)
    let secret = request.session.pendingTotpSecret && totpSecrets.openPending(user.id, request.session.pendingTotpSecret)
    if (!secret) {
      secret = newTotpSecret()
      request.session.pendingTotpSecret = totpSecrets.sealPending(user.id, secret)
    }
    return setupPage(request, reply, user, secret, replacing)
  })

  scope.post('/two-factor/setup', async (request, reply) => {
    const { t, lang } = request
    const { userId, refused, replacing } = setupUserId(request)
    const pendingSecret = request.session.pendingTotpSecret
    if (!userId || !pendingSecret) return reply.redirect(`/${lang}/sign-in`, 303)
    if (refused) return reply.redirect(`/${lang}/account/two-factor`, 303)
    const user = await findUserById(db, userId)
    if (!user) return reply.redirect(`/${lang}/sign-in`, 303)
    const secret = totpSecrets.openPending(user.id, pendingSecret)
    if (!secret) return reply.redirect(`/${lang}/two-factor/setup`, 303)
    const now = clock.now()
    const parsed = codeSchema.safeParse(request.body ?? {})
    const step = parsed.success ? checkTotp(secret, parsed.data.code, now) : undefined
    if (step === undefined) {
      return setupPage(request, reply, user, secret, replacing, formErrors([['code', parsed.success ? t('auth.errCodeWrong') : t('auth.errCodeRequired')]]))
    }
    const codes = await db.transaction().execute(async (trx) => {
      await trx.updateTable('app_user').set({ totp_secret: totpSecrets.seal(user.id, secret), totp_enabled_at: now, totp_last_step: step, updated_at: now }).where('id', '=', user.id).execute()
      const made = await replaceRecoveryCodes(trx, user.id)
      await audit(trx, actorFrom(request, user), now, { action: replacing ? 'auth.totp_replaced' : 'auth.totp_enabled', objectType: 'user', objectId: user.id })
      // A security e-mail, in case it was not the account's owner.
      if (user.email) await notify(trx, { template: replacing ? 'authenticatorReplaced' : 'twoFactorEnabled', params: { username: user.username }, lang: user.preferred_language, email: { to: user.email }, now })
      return made
    })
    request.session.pendingTotpSecret = undefined
    request.session.totpReplaceFor = undefined
    // Signed in (not mid-sign-in): once the codes are saved, back to the Two-step verification page, which says what was done.
    const from = request.session.pendingSignIn?.setup ? undefined : replacing ? ('replaced' as const) : ('enabled' as const)
    request.session.recoveryCodesToShow = { userId: user.id, sealed: totpSecrets.sealRecoveryCodes(user.id, codes), from }
    return reply.redirect(`/${lang}/two-factor/recovery-codes`, 303)
  })

  scope.get('/two-factor/recovery-codes', (request, reply) => {
    const { t, lang } = request
    const shown = request.session.recoveryCodesToShow
    // (A session from before sealing holds a bare list: sent back to sign in, like a missing one.)
    const codes = typeof shown?.sealed === 'string' ? totpSecrets.openRecoveryCodes(shown.userId, shown.sealed) : undefined
    if (!codes) return reply.redirect(`/${lang}/sign-in`, 303)
    return reply.page({ title: t('auth.recoveryCodesTitle'), body: recoveryCodesView({ t, lang, csrf: reply.csrfToken(), codes, action: `/${lang}/two-factor/recovery-codes` }) })
  })

  scope.post('/two-factor/recovery-codes', async (request, reply) => {
    const { lang } = request
    const from = request.session.recoveryCodesToShow?.from
    request.session.recoveryCodesToShow = undefined
    const pending = request.session.pendingSignIn
    if (pending?.setup) {
      const user = await findUserById(db, pending.userId)
      if (!user) return reply.redirect(`/${lang}/sign-in`, 303)
      return completeSignIn(request, reply, user, pending.audience, pending.returnTo, { registeredEmail: pending.registeredEmail })
    }
    if (request.user && from) return reply.redirect(`/${lang}/account/two-factor?done=${from}`, 303)
    return reply.redirect(request.user ? homeFor(lang, audienceOf(request.user.role)) : `/${lang}/sign-in`, 303)
  })

  scope.get('/register', (request, reply) => {
    const { t, lang } = request
    return reply.page({ title: t('auth.registerTitle'), body: registerView({ t, lang, csrf: reply.csrfToken(), values: {} }) })
  })

  scope.post('/register', async (request, reply) => {
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const values = { username: typeof raw.username === 'string' ? raw.username : '', email: typeof raw.email === 'string' ? raw.email : '' }
    const again = (errors: ReturnType<typeof formErrors>) =>
      reply.page({ title: t('auth.registerTitle'), errors, body: registerView({ t, lang, csrf: reply.csrfToken(), values, errors }) }, 400)
    const parsed = registerSchema.safeParse(raw)
    if (!parsed.success) return again(zodFormErrors(t, parsed.error, {}, ['username', 'email', 'password', 'confirmPassword']))
    const now = clock.now()
    const result = await registerUser(db, { ...parsed.data, lang, now, actor: actorFrom(request) }, (trx, user) => deps.onRegistered?.(trx, user, lang) ?? Promise.resolve())
    if (result.kind === 'taken') return again(formErrors([['username', t('auth.errUsernameTaken')]]))
    const user = result.user
    const registeredEmail = user.email ?? undefined
    // Where two-step verification is required, the new account sets it up first, as at any sign-in.
    if (deps.requireEmployerTotp && !user.totp_enabled_at) {
      await request.session.regenerate()
      request.session.pendingSignIn = { userId: user.id, audience: 'portal', setup: true, registeredEmail }
      return reply.redirect(`/${lang}/two-factor/setup`, 303)
    }
    return completeSignIn(request, reply, user, 'portal', undefined, { registeredEmail })
  })

  scope.post('/sign-out', async (request, reply) => {
    const { lang } = request
    const user = request.user
    const audience = request.session.audience
    // Half-way through a sign-in (the second factor's page): back to the sign-in page it started from.
    const pending = request.session.pendingSignIn
    if (user) await audit(db, actorFrom(request, user), clock.now(), { action: 'auth.signed_out', objectType: 'user', objectId: user.id })
    await request.session.destroy()
    if (!user && pending) return reply.redirect(signInPathFor(lang, pending.audience), 303)
    return reply.redirect(`/${lang}/signed-out${audience === 'console' ? '?console=1' : ''}`, 303)
  })

  scope.post('/sign-out-everywhere', async (request, reply) => {
    const { lang } = request
    const user = request.user
    if (!user) return reply.redirect(`/${lang}/sign-in`, 303)
    const ended = await endAllSessions(db, user.id)
    await audit(db, actorFrom(request, user), clock.now(), { action: 'auth.signed_out_everywhere', objectType: 'user', objectId: user.id, details: { sessions: ended } })
    await request.session.destroy()
    return reply.redirect(`/${lang}/signed-out?everywhere=1`, 303)
  })

  scope.get('/signed-out', (request, reply) => {
    const { t, lang } = request
    const q = request.query as Record<string, unknown>
    const console = q.console === '1'
    return reply.page({
      title: t('auth.signedOutTitle'),
      body: html`<h1>${t('auth.signedOutTitle')}</h1>
<p>${q.everywhere === '1' ? t('auth.signedOutEverywhereBody') : t('auth.signedOutBody')}</p>
<p><a href="/${lang}${console ? '/console/sign-in' : '/sign-in'}">${t('common.signIn')}</a></p>`,
    })
  })

  // When the session ends, for the warning script: in seconds from now, not times (the browser's clock may be wrong).
  const sessionStatus = (request: FastifyRequest) => {
    const expiry = sessionExpiry(request)
    if (!request.user || !expiry) return { signedIn: false }
    const now = clock.now()
    const secondsTo = (date: Date) => Math.max(0, Math.round((date.getTime() - now.getTime()) / 1000))
    return { signedIn: true, warn: now >= expiry.warnAt, secondsToWarn: secondsTo(expiry.warnAt), secondsLeft: secondsTo(expiry.endsAt) }
  }

  // "Continue session": the warning script sends it without leaving the page (and gets the status as JSON);
  // without script it is a plain form, or the button that sends the page's main form here (`_keep`):
  // what was typed is kept, not sent, and filled in again on the page it comes back to.
  scope.post('/session/continue', (request, reply) => {
    const { lang } = request
    const body = (request.body ?? {}) as Record<string, unknown>
    if (!request.user) {
      if (wantsJson(request)) return reply.header('cache-control', 'no-store').send({ signedIn: false })
      return reply.redirect(`/${lang}/sign-in`, 303)
    }
    request.session.lastSeenAt = clock.now().toISOString()
    if (wantsJson(request)) return reply.header('cache-control', 'no-store').send(sessionStatus(request))
    const { returnTo, keep } = continueRequest(request, body)
    const page = pageOfForm(request, '', audienceOf(request.user.role), returnTo)
    if (keep) stashForm(request, request.user.id, keep, page, body)
    return reply.redirect(page, 303)
  })

  // For the warning script: when the session ends, without counting as activity.
  scope.get('/session/status', (request, reply) => {
    reply.header('cache-control', 'no-store')
    return sessionStatus(request)
  })
}
