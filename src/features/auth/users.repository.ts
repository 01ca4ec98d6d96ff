import type { AppUser, Role } from '../../db/database.ts'
import { cachedRead } from '../../db/read-cache.ts'
import type { DbOrTrx } from '../../platform/audit.ts'

export function usernameKey(username: string): string {
  return username.trim().toLowerCase()
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

export async function findUserByUsername(db: DbOrTrx, username: string): Promise<AppUser | undefined> {
  return db.selectFrom('app_user').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst()
}

const userById = (db: DbOrTrx, id: string) => db.selectFrom('app_user').selectAll().where('id', '=', id)

export async function findUserById(db: DbOrTrx, id: string): Promise<AppUser | undefined> {
  return userById(db, id).executeTakeFirst()
}

/** The user as of now: on the embedded database from the read cache unless a user was written since (read-cache.ts). */
export function currentUser(db: DbOrTrx, id: string): Promise<AppUser | undefined> {
  return cachedRead(db, `user:${id}`, () => userById(db, id), (rows) => rows[0])
}

export interface NewUser {
  role: Role
  username: string
  email: string | null
  passwordHash: string | null
  givenName?: string
  familyName?: string
  preferredLanguage?: 'en' | 'fr'
  emailVerified?: boolean
}

export async function insertUser(db: DbOrTrx, user: NewUser, now: Date): Promise<AppUser> {
  return db
    .insertInto('app_user')
    .values({
      role: user.role,
      username: user.username.trim(),
      username_key: usernameKey(user.username),
      email: user.email?.trim() ?? null,
      email_key: user.email ? emailKey(user.email) : null,
      email_verified_at: user.emailVerified ? now : null,
      password_hash: user.passwordHash,
      given_name: user.givenName ?? '',
      family_name: user.familyName ?? '',
      preferred_language: user.preferredLanguage ?? 'en',
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function recordSignIn(db: DbOrTrx, userId: string, now: Date): Promise<void> {
  await db
    .updateTable('app_user')
    .set((eb) => ({ previous_sign_in_at: eb.ref('last_sign_in_at'), last_sign_in_at: now, updated_at: now }))
    .where('id', '=', userId)
    .execute()
}

export interface ContactDetails {
  givenName: string
  middleName: string
  familyName: string
  email: string
  preferredLanguage: 'en' | 'fr'
}

export async function updateContactDetails(db: DbOrTrx, userId: string, c: ContactDetails, now: Date): Promise<void> {
  await db
    .updateTable('app_user')
    .set({
      given_name: c.givenName,
      middle_name: c.middleName,
      family_name: c.familyName,
      preferred_language: c.preferredLanguage,
      updated_at: now,
    })
    .where('id', '=', userId)
    .execute()
}
