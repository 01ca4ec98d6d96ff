import type { FastifyInstance } from 'fastify'
import { registerAdminRoutes } from './admin.routes.ts'
import { registerDashboardRoutes } from './dashboard.routes.ts'
import { registerHelpRoutes } from './help.routes.ts'
import { registerInspectionRoutes } from './inspection.routes.ts'
import { registerMatchingRoutes, type WorkDeps } from './matching.routes.ts'
import { registerSearchRoutes } from './search.routes.ts'

/**
 * The officers' work pages (search, matching and decisions, inspections, the dashboard),
 * administration, and the public problem report form; registered under /en and /fr.
 */
export function registerConsoleWorkRoutes(scope: FastifyInstance, deps: WorkDeps & { defaultFeeCents: number; exportInlineLimit?: number }): void {
  registerSearchRoutes(scope, deps)
  registerMatchingRoutes(scope, deps)
  registerInspectionRoutes(scope, deps)
  registerDashboardRoutes(scope, deps)
  registerAdminRoutes(scope, deps)
  registerHelpRoutes(scope, deps)
}
