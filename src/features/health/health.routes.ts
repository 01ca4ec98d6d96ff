import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../db/connect.ts'

/** Liveness says the process answers; readiness says it can reach its database. */
export function registerHealthRoutes(app: FastifyInstance, deps: { db: Db }): void {
  app.get('/health/live', (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }))
  app.get('/health/ready', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    try {
      await sql`select 1`.execute(deps.db)
      return { status: 'ok', database: 'ok' }
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed')
      return reply.code(503).send({ status: 'unavailable', database: 'unreachable' })
    }
  })
}
