import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { AppUser, SignedInUser } from '../../db/database.ts'
import { actorFrom, audit, type DbOrTrx } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField, notice, textInput } from '../../ui/components.ts'
import { formErrors, type FormErrors } from '../../ui/form-errors.ts'
import { notify } from '../notifications/notify.ts'
import { hashSecret, verifySecret } from './passwords.ts'
import { audienceOf } from './session-lifecycle.ts'
import { CURRENT_PASSWORD_POLICY } from './account-security.routes.ts'
import { ACCOUNT_POLICY } from './auth.service.ts'
import { clearFailures, recordFailure, throttleWait } from './throttle.ts'
import { checkTotp, newRecoveryCodes, normalizeRecoveryCode } from './totp.ts'
import type { TotpSecrets } from './totp-secrets.ts'
import { findUserById, passwordHashOf } from './users.repository.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** Password and current second factor checked: this user may set up a new authenticator app. */
    totpReplaceFor?: string
  }
}


export interface TwoFactorDeps {
  db: Db
  clock: Clock
  totpSecrets: TotpSecrets
}

/** How many of the user's recovery codes are still unused. */
export async function recoveryCodesLeft(db: DbOrTrx, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_code')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Ten new recovery codes replace the user's others (hashed); the codes, to be shown once. */
export async function replaceRecoveryCodes(trx: DbOrTrx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes()
  const hashes = await Promise.all(codes.map((c) => hashSecret(c)))
  await trx.deleteFrom('recovery_code').where('user_id', '=', userId).execute()
  await trx.insertInto('recovery_code').values(hashes.map((code_hash) => ({ user_id: userId, code_hash }))).execute()
  return codes
}

/**
 * Accepts a code of the user's authenticator app for its time step `step`, each step once: the update
 * fails if another request used it first. A secret still in the clear (or sealed with the previous
 * key) is sealed again on the way.
 */
export async function useTotpStep(db: DbOrTrx, totpSecrets: TotpSecrets, user: AppUser, secret: string, step: number): Promise<boolean> {
  if (!user.totp_secret || step <= (user.totp_last_step ?? -1)) return false
  const used = await db
    .updateTable('app_user')
    .set(totpSecrets.needsSealing(user.id, user.totp_secret) ? { totp_last_step: step, totp_secret: totpSecrets.seal(user.id, secret) } : { totp_last_step: step })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(used.numUpdatedRows) === 1
}

/** Uses up a recovery code: how many are left, or undefined when it is not one of the user's unused codes. */
export async function useRecoveryCode(db: DbOrTrx, request: FastifyRequest, user: AppUser, code: string, now: Date): Promise<number | undefined> {
  const normalized = normalizeRecoveryCode(code)
  if (!/^[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}$/.test(normalized)) return undefined
  const codes = await db.selectFrom('recovery_code').select(['id', 'code_hash']).where('user_id', '=', user.id).where('used_at', 'is', null).execute()
  for (const c of codes) {
    if (await verifySecret(c.code_hash, normalized)) {
      const used = await db.updateTable('recovery_code').set({ used_at: now }).where('id', '=', c.id).where('used_at', 'is', null).executeTakeFirst()
      if (Number(used.numUpdatedRows) !== 1) return undefined
      await audit(db, actorFrom(request, user), now, { action: 'auth.recovery_code_used', objectType: 'user', objectId: user.id, details: { remaining: codes.length - 1 } })
      return codes.length - 1
    }
  }
  return undefined
}

/**
 * "Two-step verification" for a person who has it on: new recovery codes (after the password),
 * and a new authenticator app (after the password and a code of the current one, or a recovery code).
 */
export function registerTwoFactorRoutes(scope: FastifyInstance, deps: TwoFactorDeps): void {
  const { db, clock, totpSecrets } = deps
  const home = (request: FastifyRequest, user: SignedInUser) => (audienceOf(user.role) === 'console' ? `/${request.lang}/console` : `/${request.lang}/home`)
  const signedIn = (request: FastifyRequest, reply: FastifyReply): SignedInUser | undefined => {
    if (request.user) return request.user
    void reply.redirect(`/${request.lang}/sign-in?returnTo=${encodeURIComponent(`/${request.lang}/account/two-factor`)}`, 303)
    return undefined
  }

  /** What was just done, said once at the top (`?done=` after the recovery codes were saved). */
  const DONE = { enabled: 'auth.twoFactorDoneEnabled', replaced: 'auth.twoFactorDoneReplaced', renewed: 'auth.twoFactorDoneRenewed' } as const
  const page = async (request: FastifyRequest, reply: FastifyReply, user: SignedInUser, errors?: FormErrors) => {
    const { t, lang } = request
    const csrf = reply.csrfToken()
    const left = await recoveryCodesLeft(db, user.id)
    const done = errors ? undefined : (request.query as Record<string, unknown>).done
    const doneKey = typeof done === 'string' && Object.hasOwn(DONE, done) ? DONE[done as keyof typeof DONE] : undefined
    return reply.page(
      {
        title: t('auth.twoFactorTitle'),
        errors,
        breadcrumbs: [{ text: t('common.home'), href: home(request, user) }],
        body: html`<h1>${t('auth.twoFactorTitle')}</h1>
${doneKey ? notice({ kind: 'success', title: t(doneKey) }) : ''}
<p>${t('auth.twoFactorStatus', { left })}</p>
<h2>${t('auth.newCodesTitle')}</h2>
<p>${t('auth.newCodesLead')}</p>
<form method="post" action="/${lang}/account/two-factor/recovery-codes" novalidate>
${csrfField(csrf)}
${textInput({ t, name: 'codesPassword', label: t('auth.currentPassword'), type: 'password', autocomplete: 'current-password', error: errors?.fields.codesPassword, width: '20' })}
${button({ text: t('auth.newCodesButton'), variant: 'secondary', preventDoubleClick: true })}
</form>
<h2>${t('auth.replaceTitle')}</h2>
<p>${t('auth.replaceLead')}</p>
<form method="post" action="/${lang}/account/two-factor/replace" novalidate>
${csrfField(csrf)}
${textInput({ t, name: 'currentPassword', label: t('auth.currentPassword'), type: 'password', autocomplete: 'current-password', error: errors?.fields.currentPassword, width: '20' })}
${textInput({ t, name: 'code', label: t('auth.replaceCode'), hint: t('auth.codeHint'), autocomplete: 'one-time-code', spellcheck: false, error: errors?.fields.code, width: '10' })}
${button({ text: t('auth.replaceButton'), variant: 'secondary', preventDoubleClick: true })}
</form>`,
      },
      errors ? 400 : 200,
    )
  }

  /** The current password, throttled like every page that asks for it; an error message, or undefined when right. */
  const checkPassword = async (request: FastifyRequest, user: SignedInUser, typed: unknown): Promise<string | undefined> => {
    const { t } = request
    const now = clock.now()
    const key = `current-password:${user.id}`
    const wait = await throttleWait(db, key, now)
    if (wait > 0) return t('auth.slowDown', { seconds: Math.ceil(wait / 1000) })
    if (typeof typed !== 'string' || typed.length === 0) return t('auth.errCurrentRequired')
    const hash = await passwordHashOf(db, user.id)
    if (hash && (await verifySecret(hash, typed))) return undefined
    await recordFailure(db, key, now, CURRENT_PASSWORD_POLICY)
    return t('auth.errCurrentWrong')
  }

  /** A code of the current app (each time step once) or an unused recovery code (used up). */
  const checkCode = async (request: FastifyRequest, user: AppUser, typed: string): Promise<boolean> => {
    const now = clock.now()
    const secret = user.totp_secret ? totpSecrets.open(user.id, user.totp_secret) : undefined
    const step = secret ? checkTotp(secret, typed, now) : undefined
    if (step !== undefined) return useTotpStep(db, totpSecrets, user, secret!, step)
    return (await useRecoveryCode(db, request, user, typed, now)) !== undefined
  }

  scope.get('/account/two-factor', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    if (!user.totp_enabled_at) return reply.redirect(`/${request.lang}/two-factor/setup`, 303)
    return page(request, reply, user)
  })

  scope.post('/account/two-factor/recovery-codes', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    const { lang } = request
    if (!user.totp_enabled_at) return reply.redirect(`/${lang}/two-factor/setup`, 303)
    const raw = (request.body ?? {}) as Record<string, unknown>
    const problem = await checkPassword(request, user, raw.codesPassword)
    if (problem) return page(request, reply, user, formErrors([['codesPassword', problem]]))
    const now = clock.now()
    const codes = await db.transaction().execute(async (trx) => {
      const made = await replaceRecoveryCodes(trx, user.id)
      await audit(trx, actorFrom(request, user), now, { action: 'auth.recovery_codes_replaced', objectType: 'user', objectId: user.id })
      // A security e-mail, in case it was not the account's owner.
      if (user.email) await notify(trx, { template: 'recoveryCodesReplaced', params: { username: user.username }, lang: user.preferred_language, email: { to: user.email }, now })
      return made
    })
    request.session.recoveryCodesToShow = { userId: user.id, sealed: totpSecrets.sealRecoveryCodes(user.id, codes), from: 'renewed' }
    return reply.redirect(`/${lang}/two-factor/recovery-codes`, 303)
  })

  scope.post('/account/two-factor/replace', async (request, reply) => {
    const user = signedIn(request, reply)
    if (!user) return reply
    const { t, lang } = request
    if (!user.totp_enabled_at) return reply.redirect(`/${lang}/two-factor/setup`, 303)
    const raw = (request.body ?? {}) as Record<string, unknown>
    const code = typeof raw.code === 'string' ? raw.code.trim() : ''
    const passwordProblem = await checkPassword(request, user, raw.currentPassword)
    const now = clock.now()
    const codeKey = `totp:${user.id}`
    const wait = await throttleWait(db, codeKey, now)
    let codeProblem: string | undefined
    if (wait > 0) codeProblem = t('auth.slowDown', { seconds: Math.ceil(wait / 1000) })
    else if (!code) codeProblem = t('auth.errReplaceCodeRequired')
    else if (!passwordProblem) {
      const full = await findUserById(db, user.id)
      if (!full || !(await checkCode(request, full, code))) {
        await recordFailure(db, codeKey, now, ACCOUNT_POLICY)
        codeProblem = t('auth.errCodeWrong')
      } else await clearFailures(db, codeKey)
    }
    if (passwordProblem || codeProblem) {
      const errors: Array<[string, string]> = []
      if (passwordProblem) errors.push(['currentPassword', passwordProblem])
      if (codeProblem) errors.push(['code', codeProblem])
      return page(request, reply, user, formErrors(errors))
    }
    // The setup page may now show a new key; the working app stays until the new one is confirmed.
    request.session.totpReplaceFor = user.id
    request.session.pendingTotpSecret = undefined
    return reply.redirect(`/${lang}/two-factor/setup`, 303)
  })
}
