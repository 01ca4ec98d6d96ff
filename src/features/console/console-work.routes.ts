import type { FastifyInstance } from 'fastify'
import { registerMatchingRoutes, type WorkDeps } from './matching.routes.ts'
import { registerSearchRoutes } from './search.routes.ts'
import { registerInspectionRoutes } from './inspection.routes.ts'
import { registerDashboardRoutes } from './dashboard.routes.ts'

/** The officers' work pages (registered under /en and /fr): search, matching and decisions, inspections. */
export function registerConsoleWorkRoutes(scope: FastifyInstance, deps: WorkDeps & { exportInlineLimit?: number }): void {
  registerSearchRoutes(scope, deps)
  registerMatchingRoutes(scope, deps)
  registerInspectionRoutes(scope, deps)
  registerDashboardRoutes(scope, deps)
}
