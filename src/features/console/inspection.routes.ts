import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { actorFrom, audit } from '../../platform/audit.ts'
import { dayInZone } from '../../platform/dates.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { requireStaff } from '../auth/guards.ts'
import { dossierOfferIds, INLINE_LIMIT, loadDossierOffers, requestExport, runExport } from './inspection.service.ts'
import { exportView, inspectionView } from './inspection.views.ts'
import type { WorkDeps } from './matching.routes.ts'

const LISTED = 100

/** Compliance inspection of one employer, and its exports. */
export function registerInspectionRoutes(scope: FastifyInstance, deps: WorkDeps & { exportInlineLimit?: number }): void {
  const { db, clock } = deps
  const inlineLimit = deps.exportInlineLimit ?? INLINE_LIMIT

  const business = async (id: string) => {
    const b = isUuid(id)
      ? await db.selectFrom('business').select(['id', 'legal_name', 'operating_name', 'business_number', 'employer_number', 'street', 'city', 'province', 'postal_code']).where('id', '=', id).executeTakeFirst()
      : undefined
    if (!b) throw new NotFoundError()
    return b
  }
  // Who asked, named as the console names people (fullName): given and family names, else the username.
  const requestedByName = sql<string>`coalesce(nullif(trim(concat_ws(' ', u.given_name, u.family_name)), ''), u.username)`.as('requested_by_name')
  const exportsOf = (businessId: string) =>
    db
      .selectFrom('inspection_export as e')
      .innerJoin('app_user as u', 'u.id', 'e.requested_by')
      .select(['e.id', 'e.format', 'e.status', 'e.done', 'e.total', 'e.requested_at', 'e.failure', requestedByName])
      .where('e.business_id', '=', businessId)
      .orderBy('e.requested_at', 'desc')
      .limit(20)
      .execute()

  scope.get('/console/employers/:id', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const b = await business((request.params as { id: string }).id)
    const ids = await dossierOfferIds(db, b.id, dayInZone(clock.now(), deps.timeZone))
    const offers = await loadDossierOffers(db, b.id, ids.slice(0, LISTED))
    return reply.page({
      title: t('consoleWork.inspection.title', { employer: b.legal_name }),
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('consoleWork.search.title'), href: `/${lang}/console/search` },
      ],
      body: inspectionView(t, lang, deps.timeZone, reply.csrfToken(), { business: b, offers, total: ids.length, exports: await exportsOf(b.id) }),
    })
  })

  scope.post('/console/employers/:id/exports', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const { lang } = request
    const b = await business((request.params as { id: string }).id)
    const format = (request.body as Record<string, unknown> | undefined)?.format
    // The two buttons are the only way to post here: anything else is the inspection page again.
    if (format !== 'csv' && format !== 'pdf') return reply.redirect(`/${lang}/console/employers/${b.id}`, 303)
    const now = clock.now()
    // Small enough to make now: claimed by this request as it is queued (the worker takes the others).
    const workerId = `request-${request.id}`
    const job = await requestExport(db, { businessId: b.id, format, by: officer.id, now, today: dayInZone(now, deps.timeZone), buildNow: { workerId, upTo: inlineLimit } })
    await audit(db, actorFrom(request, officer), now, { action: 'inspection.export_requested', businessId: b.id, objectType: 'inspection_export', objectId: job.id, details: { format, offers: job.total } })
    if (job.claimed_by === workerId) await runExport(db, clock, job, workerId)
    return reply.redirect(`/${lang}/console/exports/${job.id}`, 303)
  })

  const findExport = async (id: string) => {
    const job = isUuid(id)
      ? await db
          .selectFrom('inspection_export as e')
          .innerJoin('app_user as u', 'u.id', 'e.requested_by')
          .innerJoin('business as b', 'b.id', 'e.business_id')
          .select(['e.id', 'e.business_id', 'e.format', 'e.status', 'e.done', 'e.total', 'e.requested_at', 'e.failure', 'e.file_name', requestedByName, 'b.legal_name'])
          .where('e.id', '=', id)
          .executeTakeFirst()
      : undefined
    if (!job) throw new NotFoundError()
    return job
  }

  scope.get('/console/exports/:id', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const job = await findExport((request.params as { id: string }).id)
    return reply.page({
      title: t('consoleWork.inspection.exportTitle', { employer: job.legal_name }),
      breadcrumbs: [
        { text: t('account.consoleTitle'), href: `/${lang}/console` },
        { text: t('consoleWork.inspection.title', { employer: job.legal_name }), href: `/${lang}/console/employers/${job.business_id}` },
      ],
      body: exportView(t, lang, deps.timeZone, { business: { id: job.business_id, legal_name: job.legal_name }, job }),
    })
  })

  scope.get('/console/exports/:id/download', async (request, reply) => {
    const officer = requireStaff(request, reply)
    if (!officer) return reply
    const job = await findExport((request.params as { id: string }).id)
    if (job.status !== 'done') return reply.redirect(`/${request.lang}/console/exports/${job.id}`, 303)
    const row = await db.selectFrom('inspection_export').select('content').where('id', '=', job.id).executeTakeFirstOrThrow()
    await audit(db, actorFrom(request, officer), clock.now(), { action: 'inspection.export_downloaded', businessId: job.business_id, objectType: 'inspection_export', objectId: job.id, details: { format: job.format } })
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${job.file_name ?? `inspection.${job.format}`}"`)
      .type(job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf')
      .send(row.content)
  })
}
