import type { FastifyRequest } from 'fastify'
import type { DbOrTrx } from '../../platform/audit.ts'
import { actingMembership, type ActingMembership } from './access.policy.ts'

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** The business a person enrolled with several employers chose to act for (the header's switcher). */
    activeBusinessId?: string
  }
}

/** The business this request acts for, as chosen in the header; undefined means "the default". */
export function activeBusinessOf(request: FastifyRequest): string | undefined {
  return request.session?.activeBusinessId
}

/**
 * The membership a request acts with: the business chosen in the header when the
 * person is still an active member of it, else their default one. Read fresh on every
 * request, so a removed link stops working at once.
 */
export async function currentMembership(db: DbOrTrx, request: FastifyRequest, userId: string): Promise<ActingMembership | undefined> {
  const chosen = activeBusinessOf(request)
  return (chosen ? await actingMembership(db, userId, chosen) : undefined) ?? (await actingMembership(db, userId))
}
