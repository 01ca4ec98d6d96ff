import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Db } from '../../db/connect.ts'
import { actorFrom, audit } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Html } from '../../platform/html.ts'
import { uploadedFile } from '../../platform/uploads.ts'
import { formErrors, zodFormErrors } from '../../ui/form-errors.ts'
import { recordFailure, throttleWait, type ThrottlePolicy } from '../auth/throttle.ts'
import { helpContent } from './admin.settings.ts'
import { REPORT_FIELDS, reportForm } from './admin.schema.ts'
import { helpSectionView, reportFormView, reportSentView } from './help.views.ts'
import { checkScreenshot, insertReport, reportNumber } from './problems.service.ts'

/** Reports per network address: 5 an hour freely, then waits growing from a minute (a public form that stores files). */
export const REPORT_POLICY: ThrottlePolicy = { free: 5, baseDelayMs: 60_000, maxDelayMs: 60 * 60_000, windowMs: 60 * 60_000 }

/** What the help page adds under its heading: the administrators' text and the report link. */
export function helpSection(db: Db): (request: FastifyRequest) => Promise<Html> {
  return async (request) => {
    const content = await helpContent(db)
    return helpSectionView(request.t, request.lang, content[request.lang])
  }
}

const text = (body: unknown, keys: readonly string[]) => {
  const b = (body ?? {}) as Record<string, unknown>
  return Object.fromEntries(keys.map((k) => [k, typeof b[k] === 'string' ? (b[k] as string) : '']))
}

/** The technical problem report form (anyone, signed in or not), with an optional screenshot. */
export function registerHelpRoutes(scope: FastifyInstance, deps: { db: Db; clock: Clock }): void {
  const crumbs = (request: FastifyRequest) => [
    { text: request.t('common.home'), href: `/${request.lang}` },
    { text: request.t('home.helpTitle'), href: `/${request.lang}/help` },
  ]

  scope.get('/help/report', async (request, reply) => {
    const { t, lang } = request
    return reply.page({ title: t('consoleAdmin.report.title'), breadcrumbs: crumbs(request), body: reportFormView(t, lang, reply.csrfToken(), {}) })
  })

  scope.post('/help/report', async (request, reply) => {
    const { t, lang } = request
    const values = text(request.body, REPORT_FIELDS)
    const again = (errors: ReturnType<typeof formErrors>) =>
      reply.page({ title: t('consoleAdmin.report.title'), breadcrumbs: crumbs(request), errors, body: reportFormView(t, lang, reply.csrfToken(), values, errors) }, 400)
    const now = deps.clock.now()
    const key = `report:ip:${request.ip}`
    if ((await throttleWait(deps.db, key, now)) > 0) {
      const errors = formErrors([['description', t('consoleAdmin.report.errTooMany')]])
      return reply.page({ title: t('consoleAdmin.report.title'), breadcrumbs: crumbs(request), errors, body: reportFormView(t, lang, reply.csrfToken(), values, errors) }, 429)
    }
    const parsed = reportForm.safeParse(request.body ?? {})
    const shot = await checkScreenshot(uploadedFile(request.body, 'screenshot'))
    if (!parsed.success || !shot.ok) {
      // Field errors in form order, the screenshot's last (it is the last field).
      const pairs: Array<[string, string]> = parsed.success ? [] : Object.entries(zodFormErrors(t, parsed.error, {}, REPORT_FIELDS).fields)
      if (!shot.ok) pairs.push(['screenshot', t(shot.problem === 'size' ? 'consoleAdmin.report.errImageSize' : 'consoleAdmin.report.errImageType')])
      return again(formErrors(pairs))
    }
    const user = request.user
    const id = await deps.db.transaction().execute(async (trx) => {
      const id = await insertReport(trx, {
        userId: user?.id ?? null,
        email: parsed.data.email ?? null,
        page: parsed.data.page,
        description: parsed.data.description,
        lang,
        screenshot: shot.content,
        screenshotType: shot.type,
        now,
      })
      await audit(trx, actorFrom(request, user ?? undefined), now, { action: 'problem_report.sent', objectType: 'problem_report', objectId: id, details: { screenshot: !!shot.type } })
      // Every report sent counts toward the address's allowance.
      await recordFailure(trx, key, now, REPORT_POLICY)
      return id
    })
    return reply.redirect(`/${lang}/help/report/sent?number=${reportNumber(id)}`, 303)
  })

  scope.get('/help/report/sent', async (request, reply) => {
    const { t, lang } = request
    const n = (request.query as Record<string, unknown>).number
    const number = typeof n === 'string' && /^[0-9A-F]{8}$/.test(n) ? n : ''
    return reply.page({ title: t('consoleAdmin.report.sentTitle'), breadcrumbs: crumbs(request), body: reportSentView(t, lang, number) })
  })
}
