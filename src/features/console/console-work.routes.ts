import type { FastifyInstance } from 'fastify'
import { registerMatchingRoutes, type WorkDeps } from './matching.routes.ts'
import { registerSearchRoutes } from './search.routes.ts'

/** The officers' work pages (registered under /en and /fr): search, matching and decisions. */
export function registerConsoleWorkRoutes(scope: FastifyInstance, deps: WorkDeps): void {
  registerSearchRoutes(scope, deps)
  registerMatchingRoutes(scope, deps)
}
