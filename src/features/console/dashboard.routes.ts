import type { FastifyInstance } from 'fastify'
import { dayInZone } from '../../platform/dates.ts'
import { requireStaff } from '../auth/guards.ts'
import { dashboardData } from './dashboard.service.ts'
import { dashboardView } from './dashboard.views.ts'
import type { WorkDeps } from './matching.routes.ts'

export function registerDashboardRoutes(scope: FastifyInstance, deps: WorkDeps): void {
  scope.get('/console/dashboard', async (request, reply) => {
    if (!requireStaff(request, reply)) return reply
    const { t, lang } = request
    const data = await dashboardData(deps.db, dayInZone(deps.clock.now(), deps.timeZone), deps.timeZone)
    return reply.page({ title: t('consoleWork.dashboard.title'), breadcrumbs: [{ text: t('account.consoleTitle'), href: `/${lang}/console` }], body: dashboardView(t, lang, data) })
  })
}
