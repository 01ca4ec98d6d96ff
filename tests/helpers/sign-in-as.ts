import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.ts'
import { startSession } from '../../src/features/auth/session-lifecycle.ts'
import { findUserById } from '../../src/features/auth/users.repository.ts'
import type { Clock } from '../../src/platform/clock.ts'
import type { TestClient } from './http.ts'

/**
 * Signing in for HTTP tests without the password and second-factor pages: a
 * test-only route (register it in testApp's `configure`) starts a session for a
 * user the test created (tests/helpers/users.ts `createUser`), exactly as the
 * sign-in feature does after a successful sign-in. The TestClient keeps the cookie.
 */
export const SIGN_IN_AS_PATH = '/test/sign-in-as'

/** `deps` is read at request time: `configure: (app) => registerSignInAs(app, () => t)` with `t` the TestApp. */
export function registerSignInAs(app: FastifyInstance, getDeps: () => { db: Db; clock: Clock }): void {
  app.get<{ Params: { id: string } }>(`${SIGN_IN_AS_PATH}/:id`, async (request, reply) => {
    const deps = getDeps()
    const user = await findUserById(deps.db, request.params.id)
    if (!user) return reply.code(404).send()
    await startSession(request, user, deps.clock.now())
    return reply.code(204).send()
  })
}

export async function signInAs(client: TestClient, userId: string): Promise<void> {
  const res = await client.get(`${SIGN_IN_AS_PATH}/${userId}`)
  if (res.status !== 204) throw new Error(`sign-in-as failed: ${res.status} ${res.body.slice(0, 200)}`)
}
