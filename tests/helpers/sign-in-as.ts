import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Db } from '../../src/db/connect.ts'
import type { Role } from '../../src/db/database.ts'
import type { TestClient } from './http.ts'

/**
 * Signing in for HTTP tests without the sign-in journey: insert a user, register a
 * test-only route (in testApp's `configure`) that puts the id in the session the
 * way the sign-in feature does, and visit it with a TestClient, which keeps the cookie.
 */
export async function createUser(
  db: Db,
  fields: { role?: Role; email?: string | null; preferredLanguage?: 'en' | 'fr'; givenName?: string; familyName?: string } = {},
  now: Date = new Date('2026-01-15T15:00:00Z'),
): Promise<string> {
  const username = `user-${crypto.randomBytes(4).toString('hex')}`
  const email = fields.email === undefined ? `${username}@example.ca` : fields.email
  const row = await db
    .insertInto('app_user')
    .values({
      role: fields.role ?? 'employer',
      username,
      username_key: username,
      email,
      email_key: email?.toLowerCase() ?? null,
      given_name: fields.givenName ?? 'Alex',
      family_name: fields.familyName ?? 'Tremblay',
      preferred_language: fields.preferredLanguage ?? 'en',
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

export const SIGN_IN_AS_PATH = '/test/sign-in-as'

/** Registers GET /test/sign-in-as/:id (tests only: pass it as testApp's `configure`). */
export function registerSignInAs(app: FastifyInstance): void {
  app.get<{ Params: { id: string } }>(`${SIGN_IN_AS_PATH}/:id`, async (request, reply) => {
    request.session.userId = request.params.id
    await request.session.save()
    return reply.code(204).send()
  })
}

export async function signInAs(client: TestClient, userId: string): Promise<void> {
  const res = await client.get(`${SIGN_IN_AS_PATH}/${userId}`)
  if (res.status !== 204) throw new Error(`sign-in-as failed: ${res.status} ${res.body.slice(0, 200)}`)
}
