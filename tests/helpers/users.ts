import type { Db } from '../../src/db/connect.ts'
import type { AppUser, Role } from '../../src/db/database.ts'
import { hashSecret } from '../../src/features/auth/passwords.ts'
import { insertUser } from '../../src/features/auth/users.repository.ts'
import type { TestClient } from './http.ts'

export const TEST_PASSWORD = 'correct horse battery staple'

/** A user straight in the database (no e-mail, no second factor unless `totpSecret`). */
export async function createUser(
  db: Db,
  opts: { username: string; role?: Role; password?: string; givenName?: string; familyName?: string; totpSecret?: string; lang?: 'en' | 'fr'; email?: string },
  now = new Date('2026-01-15T15:00:00Z'),
): Promise<AppUser> {
  const user = await insertUser(
    db,
    {
      role: opts.role ?? 'employer',
      username: opts.username,
      email: opts.email ?? `${opts.username}@example.ca`,
      passwordHash: await hashSecret(opts.password ?? TEST_PASSWORD),
      givenName: opts.givenName ?? '',
      familyName: opts.familyName ?? '',
      preferredLanguage: opts.lang ?? 'en',
      emailVerified: true,
    },
    now,
  )
  if (opts.totpSecret) {
    await db.updateTable('app_user').set({ totp_secret: opts.totpSecret, totp_enabled_at: now }).where('id', '=', user.id).execute()
  }
  return user
}

/** Signs in through the real pages; returns the response to the sign-in POST. */
export async function signIn(client: TestClient, username: string, password = TEST_PASSWORD, lang: 'en' | 'fr' = 'en', console = false) {
  const path = `/${lang}${console ? '/console' : ''}/sign-in`
  await client.get(path)
  return client.post(path, { username, password })
}

/** Signs a staff account (created with `totpSecret`) in to the console, second factor included. */
export async function signInStaff(client: TestClient, username: string, totpSecret: string, now: Date, lang: 'en' | 'fr' = 'en') {
  const { totpCode } = await import('../../src/features/auth/totp.ts')
  await signIn(client, username, TEST_PASSWORD, lang, true)
  await client.get(`/${lang}/sign-in/code`)
  return client.post(`/${lang}/sign-in/code`, { code: totpCode(totpSecret, now) })
}
