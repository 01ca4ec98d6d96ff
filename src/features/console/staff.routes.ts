import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { formatInZone } from '../../platform/dates.ts'
import { latestAuditOf } from './audit.repository.ts'
import { removalsOf, staffAccounts } from './staff.repository.ts'
import { html } from '../../platform/html.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { button, csrfField, notice, radios, summaryList, textInput } from '../../ui/components.ts'
import { optionalEmailField } from '../../ui/email-field.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { USERNAME_PATTERN } from '../auth/auth.schema.ts'
import { requireStaff } from '../auth/guards.ts'
import { hashSecret, passwordProblem } from '../auth/passwords.ts'
import { endAllSessions } from '../auth/session-lifecycle.ts'
import { insertUser } from '../auth/users.repository.ts'
import { isUuid } from '../../platform/ids.ts'

const str = z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string())

const staffSchema = z
  .object({
    username: str.pipe(z.string().trim().min(1, 'auth.errUsernameRequired').regex(USERNAME_PATTERN, 'auth.errUsernameFormat')),
    // Someone else's names: "Enter their given name", not the account page's "Enter your first name".
    givenName: str.pipe(z.string().trim().min(1, 'console.errGivenName').max(100, 'console.errGivenNameLong')),
    familyName: str.pipe(z.string().trim().min(1, 'console.errFamilyName').max(100, 'console.errFamilyNameLong')),
    email: str.pipe(optionalEmailField),
    role: str.pipe(z.enum(['officer', 'administrator'], { message: 'console.errRole' })),
    password: str,
  })
  .superRefine((v, ctx) => {
    const problem = v.password ? passwordProblem(v.password, v.username) : 'short'
    if (problem) ctx.addIssue({ code: 'custom', path: ['password'], message: problem === 'common' ? 'auth.errPasswordCommon' : problem === 'likeUsername' ? 'auth.errPasswordLikeUsername' : problem === 'long' ? 'auth.errPasswordLong' : 'auth.errPasswordShort' })
  })

const FIELDS = ['username', 'givenName', 'familyName', 'email', 'role', 'password']

/** Administrators create and remove officer and administrator accounts (never self-registration). */
export function registerStaffRoutes(scope: FastifyInstance, deps: { db: Db; clock: Clock; timeZone: string }): void {
  const { db, clock } = deps

  /** `done`: a success banner; `stale`: what a request that found nothing left to do is told. */
  const page = async (request: FastifyRequest, reply: FastifyReply, admin: SignedInUser, values: Record<string, string> = {}, errors?: FormErrors, done?: string, stale?: string) => {
    const { t, lang } = request
    const staff = await staffAccounts(db)
    const removals = await removalsOf(db, staff.filter((u) => u.status === 'deleted').map((u) => u.id))
    // A removed account stays in the list: its state, and who removed it and when (from the audit trail).
    const state = (u: (typeof staff)[number]) => {
      if (u.status !== 'deleted') return u.must_change_password ? t('console.activeTemporaryPassword') : t('console.active')
      const removal = removals.get(u.id)
      const date = formatInZone(lang, removal?.at ?? u.updated_at, deps.timeZone, 'dateTime')
      return removal ? t('console.removedOn', { date, by: removal.by }) : t('console.removedOnUnknown', { date })
    }
    const token = reply.csrfToken()
    return reply.page(
      {
        title: t('console.staffTitle'),
        errors,
        breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }],
        body: html`<h1>${t('console.staffTitle')}</h1>
${done ? notice({ kind: 'success', title: done }) : ''}
${stale ? notice({ kind: 'info', title: stale }) : ''}
<p>${t('console.staffLead')}</p>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption class="visually-hidden">${t('console.staffTitle')}</caption>
<thead><tr><th scope="col">${t('console.username')}</th><th scope="col">${t('console.givenName')}</th><th scope="col">${t('console.familyName')}</th><th scope="col">${t('console.role')}</th><th scope="col">${t('console.twoStep')}</th><th scope="col">${t('console.status')}</th><th scope="col"><span class="visually-hidden">${t('console.remove')}</span></th></tr></thead>
<tbody>${staff.map(
          (u) => html`<tr><td>${u.username}</td><td>${u.given_name}</td><td>${u.family_name}</td><td>${u.role === 'administrator' ? t('console.roleAdministrator') : t('console.roleOfficer')}</td><td>${u.totp_enabled_at ? t('console.set') : t('console.notSet')}</td><td>${state(u)}</td><td>${
            u.status !== 'deleted' && u.id !== admin.id
              ? html`<a href="/${lang}/console/staff/${u.id}/remove">${t('console.remove')}<span class="visually-hidden"> ${u.username}</span></a>`
              : ''
          }</td></tr>`,
        )}</tbody></table></div>
<h2>${t('console.createStaff')}</h2>
<form method="post" action="/${lang}/console/staff" novalidate>
${csrfField(token)}
${textInput({ t, name: 'username', label: t('console.username'), value: values.username, width: '20', spellcheck: false, autocomplete: 'off', error: errors?.fields.username, required: true })}
${textInput({ t, name: 'givenName', label: t('console.givenName'), value: values.givenName, error: errors?.fields.givenName, required: true })}
${textInput({ t, name: 'familyName', label: t('console.familyName'), value: values.familyName, error: errors?.fields.familyName, required: true })}
${textInput({ t, name: 'email', label: t('console.email'), type: 'email', value: values.email, error: errors?.fields.email })}
${radios({ t, name: 'role', label: t('console.role'), value: values.role || 'officer', inline: true, options: [{ value: 'officer', text: t('console.roleOfficer') }, { value: 'administrator', text: t('console.roleAdministrator') }], error: errors?.fields.role })}
${textInput({ t, name: 'password', label: t('console.temporaryPassword'), hint: t('console.temporaryPasswordHint'), type: 'password', autocomplete: 'new-password', error: errors?.fields.password, width: '20', required: true })}
${button({ text: t('console.create'), preventDoubleClick: true })}
</form>`,
      },
      // A form sent again that found nothing left to do is a conflict; the confirmation page saying so is not.
      errors ? 400 : stale && request.method === 'POST' ? 409 : 200,
    )
  }

  /** A staff account (officer or administrator, removed or not), or 404. */
  const removable = async (id: string) => {
    const user = isUuid(id) ? await db.selectFrom('app_user').select(['id', 'username', 'given_name', 'family_name', 'role', 'status', 'updated_at']).where('id', '=', id).where('role', 'in', ['officer', 'administrator']).executeTakeFirst() : undefined
    if (!user) throw new NotFoundError()
    return user
  }
  /** Who removed the account and when, from the audit trail. */
  const alreadyRemoved = async (request: FastifyRequest, user: { id: string; username: string; updated_at: Date }) => {
    const event = await latestAuditOf(db, 'staff.removed', user.id)
    return request.t('console.alreadyRemoved', { username: user.username, by: event?.actor_label ?? '—', date: formatInZone(request.lang, event?.occurred_at ?? user.updated_at, deps.timeZone, 'dateTime') })
  }

  scope.get('/console/staff', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const q = request.query as Record<string, unknown>
    const done = typeof q.created === 'string' ? request.t('console.created', { username: q.created }) : typeof q.removed === 'string' ? request.t('console.removed', { username: q.removed }) : undefined
    return page(request, reply, admin, {}, undefined, done)
  })

  scope.post('/console/staff', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const raw = (request.body ?? {}) as Record<string, unknown>
    const values = Object.fromEntries(FIELDS.filter((k) => k !== 'password').map((k) => [k, typeof raw[k] === 'string' ? (raw[k] as string) : '']))
    const parsed = staffSchema.safeParse(raw)
    if (!parsed.success) return page(request, reply, admin, values, zodFormErrors(t, parsed.error, {}, FIELDS))
    const now = clock.now()
    const passwordHash = await hashSecret(parsed.data.password)
    try {
      await db.transaction().execute(async (trx) => {
        const user = await insertUser(trx, { role: parsed.data.role, username: parsed.data.username, email: parsed.data.email ?? null, passwordHash, givenName: parsed.data.givenName, familyName: parsed.data.familyName, mustChangePassword: true }, now)
        await audit(trx, actorFrom(request, admin), now, { action: 'staff.created', objectType: 'user', objectId: user.id, details: { role: user.role } })
      })
    } catch (err) {
      if ((err as { code?: string }).code === '23505') return page(request, reply, admin, values, formErrors([['username', t('auth.errUsernameTaken')]]))
      throw err
    }
    return reply.redirect(`/${lang}/console/staff?created=${encodeURIComponent(parsed.data.username)}`, 303)
  })

  // Removing access asks first: the table links here, and this page's button posts (no script needed).
  scope.get('/console/staff/:id/remove', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const user = await removable((request.params as { id: string }).id)
    if (user.id === admin.id) return page(request, reply, admin, {}, undefined, undefined, t('console.cannotRemoveSelf'))
    if (user.status === 'deleted') return page(request, reply, admin, {}, undefined, undefined, await alreadyRemoved(request, user))
    const title = t('console.removeTitle', { username: user.username })
    return reply.page({
      title,
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('console.staffTitle'), href: `/${lang}/console/staff` },
      ],
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t('console.username'), value: user.username },
  { key: t('console.givenName'), value: user.given_name },
  { key: t('console.familyName'), value: user.family_name },
  { key: t('console.role'), value: user.role === 'administrator' ? t('console.roleAdministrator') : t('console.roleOfficer') },
])}
<p>${t('console.removeConfirm', { username: user.username })}</p>
<form method="post" action="/${lang}/console/staff/${user.id}/remove" class="button-group">
${csrfField(reply.csrfToken())}
${button({ text: t('console.removeYes'), variant: 'danger', preventDoubleClick: true })}
<a href="/${lang}/console/staff">${t('console.removeNo')}</a>
</form>`,
    })
  })

  scope.post('/console/staff/:id/remove', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    if (id === admin.id) return page(request, reply, admin, {}, formErrors([['username', request.t('console.cannotRemoveSelf')]]))
    const now = clock.now()
    const removed = await db.transaction().execute(async (trx) => {
      const user = await trx.updateTable('app_user').set({ status: 'deleted', updated_at: now }).where('id', '=', id).where('role', 'in', ['officer', 'administrator']).where('status', '!=', 'deleted').returning(['id', 'username']).executeTakeFirst()
      if (user) await audit(trx, actorFrom(request, admin), now, { action: 'staff.removed', objectType: 'user', objectId: user.id })
      return user
    })
    if (!removed) {
      // Removed already (by another administrator, or this form sent again): say so, change nothing.
      const user = await removable(id)
      return page(request, reply, admin, {}, undefined, undefined, await alreadyRemoved(request, user))
    }
    await endAllSessions(db, removed.id)
    return reply.redirect(`/${request.lang}/console/staff?removed=${encodeURIComponent(removed.username)}`, 303)
  })
}
