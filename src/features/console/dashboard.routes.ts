import type { FastifyInstance } from 'fastify'
import { dayInZone } from '../../platform/dates.ts'
import { requireStaff } from '../auth/guards.ts'
import { dashboardData, type DashboardData } from './dashboard.service.ts'
import { dashboardView } from './dashboard.views.ts'
import type { WorkDeps } from './matching.routes.ts'

/**
 * Kept a minute per process: the submitted offers come from their daily tally, but the counts by
 * status still read every offer's status (~0.1 s with 1,000,000 offers on PostgreSQL).
 */
const CACHE_MS = 60_000

export function registerDashboardRoutes(scope: FastifyInstance, deps: WorkDeps): void {
  let cache: { at: number; today: string; data: DashboardData } | undefined
  scope.get('/console/dashboard', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const now = deps.clock.now().getTime()
    const today = dayInZone(deps.clock.now(), deps.timeZone)
    if (!cache || cache.today !== today || now - cache.at > CACHE_MS || now < cache.at) cache = { at: now, today, data: await dashboardData(deps.db, today, deps.timeZone) }
    const data = cache.data
    return reply.page({ title: t('consoleWork.dashboard.title'), breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }], body: dashboardView(t, lang, data) })
  })
}
