import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import type { SignedInUser } from '../../db/database.ts'
import type { MessageKey } from '../../i18n/i18n.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { dayInZone, formatInZone } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { formErrors, zodFormErrors, type FormErrors } from '../../ui/form-errors.ts'
import { html } from '../../platform/html.ts'
import { button, csrfField, summaryList } from '../../ui/components.ts'
import { requireStaff } from '../auth/guards.ts'
import { latestAuditOf } from './audit.repository.ts'
import { formatMoney, parseMoneyToCents } from '../reference/validators.ts'
import { currentFeeCents, deleteSetting, FEE_KEY, feeSetting, HELP_KEY, helpContent, MAX_FEE_CENTS, putSetting } from './admin.settings.ts'
import { feeForm, helpForm, MAINTENANCE_FIELDS, MAINTENANCE_TIME_FIELDS, maintenanceForm, purgeForm, reportStatusForm } from './admin.schema.ts'
import { adminHomeView, feeConfirmView, feeView, helpEditView, maintenanceView, problemDetailView, problemsListView, retentionView } from './admin.views.ts'
import type { ProblemStatus } from './console.tables.ts'
import { forgetMaintenanceCache, liveWindows, parseLocalTime } from './maintenance.service.ts'
import { findReport, listReports, setReportStatus } from './problems.service.ts'
import { pastRetention, purgeHistory, purgeOffers } from './retention.service.ts'

export interface AdminDeps {
  db: Db
  clock: Clock
  timeZone: string
  /** The configured fee (FEE_CENTS), used while no administrator has set one. */
  defaultFeeCents: number
}

/** Each time field's own messages: left empty, or not a time. */
const MAINTENANCE_TIME_ERRORS: Record<(typeof MAINTENANCE_TIME_FIELDS)[number], { required: MessageKey; format: MessageKey }> = {
  announceFrom: { required: 'consoleAdmin.maintenance.errAnnounceFromRequired', format: 'consoleAdmin.maintenance.errAnnounceFromFormat' },
  startsAt: { required: 'consoleAdmin.maintenance.errStartsAtRequired', format: 'consoleAdmin.maintenance.errStartsAtFormat' },
  endsAt: { required: 'consoleAdmin.maintenance.errEndsAtRequired', format: 'consoleAdmin.maintenance.errEndsAtFormat' },
}

const values = (body: unknown, keys: readonly string[]): Record<string, string> => {
  const b = (body ?? {}) as Record<string, unknown>
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : '']))
}

/** Administration: administrators only (officers get 403, employers the wrong-audience page). */
export function registerAdminRoutes(scope: FastifyInstance, deps: AdminDeps): void {
  const { db, clock, timeZone } = deps
  const crumbs = (request: FastifyRequest, admin = true) => [
    { text: request.t('account.consoleTitle'), href: `/${request.lang}/console` },
    ...(admin ? [{ text: request.t('consoleAdmin.menu.title'), href: `/${request.lang}/console/admin` }] : []),
  ]
  const actor = (request: FastifyRequest, admin: SignedInUser) => ({ ...actorFrom(request, admin), userId: admin.id })
  const done = (request: FastifyRequest) => (request.query as Record<string, unknown>).done === '1'

  scope.get('/console/admin', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    const { t, lang } = request
    return reply.page({ title: t('consoleAdmin.menu.title'), breadcrumbs: crumbs(request, false), body: adminHomeView(t, lang) })
  })

  // --- The fee -------------------------------------------------------------
  const feePage = async (request: FastifyRequest, reply: FastifyReply, value?: string, errors?: FormErrors) => {
    const { t, lang } = request
    const cents = await currentFeeCents(db, deps.defaultFeeCents)
    const setting = await feeSetting(db)
    const doneText = done(request) && !errors ? t('consoleAdmin.fee.saved', { amount: formatMoney(cents, lang) }) : undefined
    return reply.page(
      {
        title: t('consoleAdmin.fee.title'),
        breadcrumbs: crumbs(request),
        errors,
        body: feeView(t, lang, timeZone, reply.csrfToken(), { cents, defaultCents: deps.defaultFeeCents, setting, value: value ?? '', errors, done: doneText }),
      },
      errors ? 400 : 200,
    )
  }
  scope.get('/console/admin/fee', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    return feePage(request, reply)
  })
  scope.post('/console/admin/fee', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const form = feeForm.parse(request.body ?? {})
    const now = clock.now()
    const before = await currentFeeCents(db, deps.defaultFeeCents)
    // "No" on the page that asks: back to the form as it was filled in, nothing changed.
    if (form.confirm === 'no') return feePage(request, reply, form.amount)
    let to = deps.defaultFeeCents
    if (form.action === 'save') {
      const money = parseMoneyToCents(form.amount, lang)
      if (!money.ok) return feePage(request, reply, form.amount, formErrors([['amount', t(money.error === 'negative' || money.error === 'tooLarge' ? 'consoleAdmin.fee.errRange' : 'consoleAdmin.fee.errAmount')]]))
      if (money.value > MAX_FEE_CENTS) return feePage(request, reply, form.amount, formErrors([['amount', t('consoleAdmin.fee.errRange')]]))
      to = money.value
    }
    // Every employer's next payment: asked first, naming the fee now and the fee after (no script needed).
    if (form.confirm !== 'yes') {
      const title = t('consoleAdmin.fee.confirmTitle', { from: formatMoney(before, lang), to: formatMoney(to, lang) })
      return reply.page({
        title,
        breadcrumbs: [...crumbs(request), { text: t('consoleAdmin.fee.title'), href: `/${lang}/console/admin/fee` }],
        body: feeConfirmView(t, lang, reply.csrfToken(), { from: before, to, action: form.action, amount: form.amount }),
      })
    }
    if (form.action === 'reset') {
      await db.transaction().execute(async (trx) => {
        await deleteSetting(trx, FEE_KEY)
        await audit(trx, actor(request, admin), now, { action: 'settings.fee_reset', details: { fromCents: before, toCents: deps.defaultFeeCents } })
      })
      return reply.redirect(`/${lang}/console/admin/fee?done=1`, 303)
    }
    const money = { value: to }
    await db.transaction().execute(async (trx) => {
      await putSetting(trx, FEE_KEY, money.value, admin.id, now)
      await audit(trx, actor(request, admin), now, { action: 'settings.fee_changed', details: { fromCents: before, toCents: money.value } })
    })
    return reply.redirect(`/${lang}/console/admin/fee?done=1`, 303)
  })

  // --- Maintenance windows ---------------------------------------------------
  /** `stale`: what a request that found nothing left to do is told (with its status). */
  const maintenancePage = async (request: FastifyRequest, reply: FastifyReply, form: Record<string, string> = {}, errors?: FormErrors, status = 200, stale?: string) => {
    const { t, lang } = request
    const now = clock.now()
    const q = request.query as Record<string, unknown>
    const doneText = q.done === 'created' ? t('consoleAdmin.maintenance.created') : q.done === 'cancelled' ? t('consoleAdmin.maintenance.cancelled') : undefined
    const notice = errors ? undefined : doneText ? { kind: 'success' as const, title: doneText } : stale ? { kind: 'info' as const, title: stale } : undefined
    return reply.page(
      {
        title: t('consoleAdmin.maintenance.title'),
        breadcrumbs: crumbs(request),
        errors,
        body: maintenanceView(t, lang, timeZone, reply.csrfToken(), { windows: await liveWindows(db, now), now, values: form, errors, notice }),
      },
      errors ? 400 : status,
    )
  }
  scope.get('/console/admin/maintenance', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    return maintenancePage(request, reply)
  })
  scope.post('/console/admin/maintenance', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const form = values(request.body, MAINTENANCE_FIELDS)
    const parsed = maintenanceForm.safeParse(request.body ?? {})
    const now = clock.now()
    // Every field is checked at once, each with a message that names it.
    const problems: Array<[string, string]> = parsed.success ? [] : Object.entries(zodFormErrors(t, parsed.error, {}, MAINTENANCE_FIELDS).fields)
    const times: Partial<Record<(typeof MAINTENANCE_TIME_FIELDS)[number], Date>> = {}
    for (const field of MAINTENANCE_TIME_FIELDS) {
      const raw = form[field]!.trim()
      const time = raw ? parseLocalTime(raw, timeZone) : undefined
      if (time) times[field] = time
      else problems.push([field, t(raw ? MAINTENANCE_TIME_ERRORS[field].format : MAINTENANCE_TIME_ERRORS[field].required)])
    }
    const { announceFrom, startsAt, endsAt } = times
    if (announceFrom && startsAt && announceFrom > startsAt) problems.push(['announceFrom', t('consoleAdmin.maintenance.errAnnounce')])
    if (endsAt && startsAt && endsAt <= startsAt) problems.push(['endsAt', t('consoleAdmin.maintenance.errOrder')])
    else if (endsAt && endsAt <= now) problems.push(['endsAt', t('consoleAdmin.maintenance.errPast')])
    // A message is for everyone: in both languages, or in neither (the standard notice).
    if (parsed.success && parsed.data.messageEn && !parsed.data.messageFr) problems.push(['messageFr', t('consoleAdmin.maintenance.errMessageFrMissing')])
    if (parsed.success && parsed.data.messageFr && !parsed.data.messageEn) problems.push(['messageEn', t('consoleAdmin.maintenance.errMessageEnMissing')])
    // In form order: the summary lists the fields as they appear.
    const rank = (field: string) => (MAINTENANCE_FIELDS as readonly string[]).indexOf(field)
    if (problems.length || !parsed.success || !announceFrom || !startsAt || !endsAt) return maintenancePage(request, reply, form, formErrors(problems.sort((a, b) => rank(a[0]) - rank(b[0]))))
    await db.transaction().execute(async (trx) => {
      const w = await trx
        .insertInto('maintenance_window')
        .values({ announce_from: announceFrom, starts_at: startsAt, ends_at: endsAt, message_en: parsed.data.messageEn, message_fr: parsed.data.messageFr, created_by: admin.id, created_at: now })
        .returning('id')
        .executeTakeFirstOrThrow()
      await audit(trx, actor(request, admin), now, { action: 'maintenance.planned', objectType: 'maintenance_window', objectId: w.id, details: { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() } })
    })
    forgetMaintenanceCache()
    return reply.redirect(`/${lang}/console/admin/maintenance?done=created`, 303)
  })
  /** Who cancelled the window and when, from the audit trail. */
  const alreadyCancelled = async (request: FastifyRequest, id: string, startsAt: Date, cancelledAt: Date) => {
    const { t, lang } = request
    const by = await latestAuditOf(db, 'maintenance.cancelled', id)
    return t('consoleAdmin.maintenance.alreadyCancelled', { start: formatInZone(lang, startsAt, timeZone, 'dateTime'), when: formatInZone(lang, cancelledAt, timeZone, 'dateTime'), by: by?.actor_label ?? '—' })
  }
  // Cancelling asks first: the list links here, and this page's button posts (no script needed).
  scope.get('/console/admin/maintenance/:id/cancel', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    const { t, lang } = request
    const { id } = request.params as { id: string }
    const w = isUuid(id) ? await db.selectFrom('maintenance_window').selectAll().where('id', '=', id).executeTakeFirst() : undefined
    if (!w) throw new NotFoundError()
    if (w.cancelled_at) return maintenancePage(request, reply, {}, undefined, 200, await alreadyCancelled(request, id, w.starts_at, w.cancelled_at))
    const title = t('consoleAdmin.maintenance.cancelTitle', { start: formatInZone(lang, w.starts_at, timeZone, 'dateTime') })
    return reply.page({
      title,
      breadcrumbs: [...crumbs(request), { text: t('consoleAdmin.maintenance.title'), href: `/${lang}/console/admin/maintenance` }],
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t('consoleAdmin.maintenance.announceFrom'), value: formatInZone(lang, w.announce_from, timeZone, 'listed') },
  { key: t('consoleAdmin.maintenance.startsAt'), value: formatInZone(lang, w.starts_at, timeZone, 'listed') },
  { key: t('consoleAdmin.maintenance.endsAt'), value: formatInZone(lang, w.ends_at, timeZone, 'listed') },
])}
<p>${t('consoleAdmin.maintenance.cancelBody')}</p>
<form method="post" action="/${lang}/console/admin/maintenance/${w.id}/cancel" class="button-group">
${csrfField(reply.csrfToken())}
${button({ text: t('consoleAdmin.maintenance.cancelYes'), variant: 'danger', preventDoubleClick: true })}
<a href="/${lang}/console/admin/maintenance">${t('consoleAdmin.maintenance.cancelNo')}</a>
</form>`,
    })
  })
  scope.post('/console/admin/maintenance/:id/cancel', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const now = clock.now()
    const cancelled = await db.transaction().execute(async (trx) => {
      const w = await trx.updateTable('maintenance_window').set({ cancelled_at: now }).where('id', '=', id).where('cancelled_at', 'is', null).returning('id').executeTakeFirst()
      if (w) await audit(trx, actor(request, admin), now, { action: 'maintenance.cancelled', objectType: 'maintenance_window', objectId: id })
      return w
    })
    if (!cancelled) {
      // Cancelled already (by another administrator, or this form sent again): say so, change nothing.
      const w = await db.selectFrom('maintenance_window').select(['cancelled_at', 'starts_at']).where('id', '=', id).executeTakeFirst()
      if (!w?.cancelled_at) throw new NotFoundError()
      return maintenancePage(request, reply, {}, undefined, 409, await alreadyCancelled(request, id, w.starts_at, w.cancelled_at))
    }
    forgetMaintenanceCache()
    return reply.redirect(`/${request.lang}/console/admin/maintenance?done=cancelled`, 303)
  })

  // --- Help page content -------------------------------------------------------
  scope.get('/console/admin/help', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    const { t, lang } = request
    return reply.page({
      title: t('consoleAdmin.help.title'),
      breadcrumbs: crumbs(request),
      body: helpEditView(t, lang, reply.csrfToken(), { values: await helpContent(db), done: done(request) ? t('consoleAdmin.help.saved') : undefined }),
    })
  })
  scope.post('/console/admin/help', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const parsed = helpForm.safeParse(request.body ?? {})
    if (!parsed.success) {
      const form = values(request.body, ['en', 'fr'])
      const errors = zodFormErrors(t, parsed.error, {}, ['en', 'fr'])
      return reply.page({ title: t('consoleAdmin.help.title'), breadcrumbs: crumbs(request), errors, body: helpEditView(t, lang, reply.csrfToken(), { values: { en: form.en!, fr: form.fr! }, errors }) }, 400)
    }
    const now = clock.now()
    await db.transaction().execute(async (trx) => {
      await putSetting(trx, HELP_KEY, { en: parsed.data.en.trim(), fr: parsed.data.fr.trim() }, admin.id, now)
      await audit(trx, actor(request, admin), now, { action: 'settings.help_changed' })
    })
    return reply.redirect(`/${lang}/console/admin/help?done=1`, 303)
  })

  // --- Problem reports --------------------------------------------------------
  scope.get('/console/admin/problems', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    const { t, lang } = request
    const s = (request.query as Record<string, unknown>).status
    const status = s === 'new' || s === 'in_progress' || s === 'resolved' ? (s as ProblemStatus) : undefined
    return reply.page({ title: t('consoleAdmin.problems.title'), breadcrumbs: crumbs(request), body: problemsListView(t, lang, timeZone, { reports: await listReports(db, status), status }) })
  })
  const problemPage = async (request: FastifyRequest, reply: FastifyReply, id: string, form: Record<string, string> = {}, errors?: FormErrors) => {
    const { t, lang } = request
    const report = isUuid(id) ? await findReport(db, id) : undefined
    if (!report) throw new NotFoundError()
    return reply.page(
      {
        title: t('consoleAdmin.problems.detailTitle', { number: report.id.slice(0, 8).toUpperCase() }),
        breadcrumbs: [...crumbs(request), { text: t('consoleAdmin.problems.title'), href: `/${lang}/console/admin/problems` }],
        errors,
        body: problemDetailView(t, lang, timeZone, reply.csrfToken(), { report, values: form, errors, done: done(request) && !errors ? t('consoleAdmin.problems.updated') : undefined }),
      },
      errors ? 400 : 200,
    )
  }
  scope.get('/console/admin/problems/:id', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    return problemPage(request, reply, (request.params as { id: string }).id)
  })
  scope.get('/console/admin/problems/:id/screenshot', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    const { id } = request.params as { id: string }
    const row = isUuid(id) ? await db.selectFrom('problem_report').select(['screenshot', 'screenshot_type']).where('id', '=', id).executeTakeFirst() : undefined
    if (!row?.screenshot || !row.screenshot_type) throw new NotFoundError()
    // Only the two sniffed image types are ever stored; served inline but never sniffed again by the browser.
    return reply.header('cache-control', 'no-store').header('content-disposition', 'inline').type(row.screenshot_type).send(row.screenshot)
  })
  scope.post('/console/admin/problems/:id/status', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const { id } = request.params as { id: string }
    if (!isUuid(id)) throw new NotFoundError()
    const parsed = reportStatusForm.safeParse(request.body ?? {})
    if (!parsed.success) return problemPage(request, reply, id, values(request.body, ['status', 'note']), zodFormErrors(t, parsed.error, {}, ['status', 'note']))
    const now = clock.now()
    const updated = await db.transaction().execute(async (trx) => {
      const ok = await setReportStatus(trx, id, parsed.data.status, parsed.data.note, admin.id, now)
      if (ok) await audit(trx, actor(request, admin), now, { action: 'problem_report.status_changed', objectType: 'problem_report', objectId: id, details: { status: parsed.data.status } })
      return ok
    })
    if (!updated) throw new NotFoundError()
    return reply.redirect(`/${lang}/console/admin/problems/${id}?done=1`, 303)
  })

  // --- Retention ---------------------------------------------------------------
  const retentionPage = async (request: FastifyRequest, reply: FastifyReply, form: Record<string, string> = {}, errors?: FormErrors, doneText?: string[]) => {
    const { t, lang } = request
    const today = dayInZone(clock.now(), timeZone)
    return reply.page(
      {
        title: t('consoleAdmin.retention.title'),
        breadcrumbs: crumbs(request),
        errors,
        body: retentionView(t, lang, timeZone, reply.csrfToken(), { rows: await pastRetention(db, today), history: await purgeHistory(db), values: form, errors, done: doneText }),
      },
      errors ? 400 : 200,
    )
  }
  scope.get('/console/admin/retention', async (request, reply) => {
    if (!requireStaff(request, reply, 'administrator')) return reply
    const q = request.query as Record<string, unknown>
    const purged = typeof q.purged === 'string' && /^\d{1,4}$/.test(q.purged) ? Number(q.purged) : undefined
    const refused = typeof q.refused === 'string' && /^\d{1,4}$/.test(q.refused) ? Number(q.refused) : 0
    const { t } = request
    const doneText = purged === undefined ? undefined : [t('consoleAdmin.retention.purged', { count: purged }), ...(refused ? [t('consoleAdmin.retention.refused', { count: refused })] : [])]
    return retentionPage(request, reply, {}, undefined, doneText)
  })
  scope.post('/console/admin/retention/purge', async (request, reply) => {
    const admin = requireStaff(request, reply, 'administrator')
    if (!admin) return reply
    const { t, lang } = request
    const parsed = purgeForm.safeParse(request.body ?? {})
    if (!parsed.success) return retentionPage(request, reply, values(request.body, ['reason']), zodFormErrors(t, parsed.error, {}, ['ids', 'reason', 'confirm']))
    const now = clock.now()
    const result = await purgeOffers(db, parsed.data.ids, parsed.data.reason, actor(request, admin), dayInZone(now, timeZone), now)
    return reply.redirect(`/${lang}/console/admin/retention?purged=${result.purged}&refused=${result.refused}`, 303)
  })
}

