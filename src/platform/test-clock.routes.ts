import type { FastifyInstance } from 'fastify'
import type { TestClock } from './clock.ts'

/**
 * Browser tests move the running portal's clock (session timeouts, link expiry)
 * with POST /__test/clock {"minutes": n}. Registered only when PORTAL_TEST_CLOCK
 * is set, which the configuration refuses in production.
 */
export function registerTestClockRoute(app: FastifyInstance, clock: TestClock): void {
  app.post('/__test/clock', (request) => {
    const minutes = Number((request.body as { minutes?: unknown } | undefined)?.minutes ?? 0)
    if (Number.isFinite(minutes)) clock.advanceMinutes(minutes)
    return { now: clock.now().toISOString() }
  })
}
