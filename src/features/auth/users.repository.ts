import { SIGNED_IN_USER_COLUMNS, type AppUser, type Role, type SignedInUser } from '../../db/database.ts'
import { cachedRead } from '../../db/read-cache.ts'
import type { DbOrTrx } from '../../platform/audit.ts'
import { BoundedMap } from '../../platform/bounded-map.ts'

export function usernameKey(username: string): string {
  return username.trim().toLowerCase()
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase()
}

/** How a person is named to others: given and family names, or the username when both are empty. */
export function fullName(user: Pick<SignedInUser, 'given_name' | 'family_name' | 'username'>): string {
  return [user.given_name, user.family_name].filter(Boolean).join(' ') || user.username
}

/** `fullName` of a person read through a left join (an assignee, a decider): nothing when there is none. */
export function joinedFullName(given: string | null, family: string | null, username: string | null): string | undefined {
  return username ? fullName({ given_name: given ?? '', family_name: family ?? '', username }) : undefined
}

export async function findUserByUsername(db: DbOrTrx, username: string): Promise<AppUser | undefined> {
  return db.selectFrom('app_user').selectAll().where('username_key', '=', usernameKey(username)).executeTakeFirst()
}

const userById = (db: DbOrTrx, id: string) => db.selectFrom('app_user').selectAll().where('id', '=', id)

/** Employer accounts (at most ten) whose confirmed e-mail address has this key (`emailKey`), for "Forgot your username?". */
export async function usersWithConfirmedEmail(db: DbOrTrx, key: string): Promise<Array<{ username: string; email: string; preferred_language: 'en' | 'fr' }>> {
  const rows = await db
    .selectFrom('app_user')
    .select(['username', 'email', 'preferred_language'])
    .where('email_key', '=', key)
    .where('email_verified_at', 'is not', null)
    .where('status', '!=', 'deleted')
    .where('role', '=', 'employer')
    .orderBy('username')
    .limit(10)
    .execute()
  return rows.flatMap((r) => (r.email ? [{ username: r.username, email: r.email, preferred_language: r.preferred_language }] : []))
}

export async function findUserById(db: DbOrTrx, id: string): Promise<AppUser | undefined> {
  return userById(db, id).executeTakeFirst()
}

/** The signed-in user as of now: on the embedded database from the read cache unless a user was written since (read-cache.ts). */
export function currentUser(db: DbOrTrx, id: string): Promise<SignedInUser | undefined> {
  return cachedRead(db, `user:${id}`, () => db.selectFrom('app_user').select(SIGNED_IN_USER_COLUMNS).where('id', '=', id), (rows) => rows[0])
}

/** The user's password hash, read only where a password is checked (it is not in `SignedInUser`). */
export async function passwordHashOf(db: DbOrTrx, id: string): Promise<string | null> {
  const row = await db.selectFrom('app_user').select('password_hash').where('id', '=', id).executeTakeFirst()
  return row?.password_hash ?? null
}

/**
 * Puts `to` in place of the password hash `from` (the same password, hashed again with the
 * current setting); nothing when the hash is no longer `from` (the password changed meanwhile).
 */
export async function replacePasswordHash(db: DbOrTrx, id: string, from: string, to: string): Promise<void> {
  await db.updateTable('app_user').set({ password_hash: to }).where('id', '=', id).where('password_hash', '=', from).execute()
}

/** Enough for every creator a portal's queues show in a day; past it they are read again. */
const USERNAMES_KEPT = 50_000
const knownUsernames = new BoundedMap<string, string>(USERNAMES_KEPT)

/**
 * The usernames of these users, by id. A username never changes (nothing updates one, and a
 * trigger refuses it: migration 2026-11-26T1000_username_unchanged.sql), so each is kept for
 * the process once read, on either engine and in every process: the queue names each row's
 * creator, and joining the users' table for 50 rows was ~60 % of its statement's time on
 * PostgreSQL (docs/performance.md, session 26). Only ids not seen before are read.
 */
export async function usernamesOf(db: DbOrTrx, ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const missing = ids.filter((id) => !knownUsernames.has(id))
  if (missing.length === 0) return knownUsernames
  // Answered from a map of its own: the shared one may start again (past its bound) while this one waits.
  const answer = new Map<string, string>()
  for (const id of ids) {
    const known = knownUsernames.get(id)
    if (known !== undefined) answer.set(id, known)
  }
  const rows = await db.selectFrom('app_user').select(['id', 'username']).where('id', 'in', [...new Set(missing)]).execute()
  for (const r of rows) {
    knownUsernames.set(r.id, r.username)
    answer.set(r.id, r.username)
  }
  return answer
}

/** How long a process shows a person's name once read: a name can change (the account page), so not for ever. */
export const NAMES_KEPT_MS = 60_000
const knownNames = new BoundedMap<string, { name: string; until: number }>(USERNAMES_KEPT)

/**
 * How these users are named to others (`fullName`), by id: the queue's "Created by". Kept
 * by the process for a minute (NAMES_KEPT_MS) rather than joined to the queue's statement
 * (that join was ~60 % of its time on PostgreSQL, docs/performance.md, session 26): a page
 * reads at most one primary-key lookup of its creators a minute, and a changed name shows
 * within a minute in every process, on either engine. Only ids not known, or known longer
 * than that, are read. `now` (milliseconds): the process's clock; tests give their own.
 */
export async function namesOf(db: DbOrTrx, ids: readonly string[], now = Date.now()): Promise<ReadonlyMap<string, string>> {
  const answer = new Map<string, string>()
  const missing = new Set<string>()
  for (const id of ids) {
    const known = knownNames.get(id)
    if (known && known.until > now) answer.set(id, known.name)
    else missing.add(id)
  }
  if (missing.size === 0) return answer
  const rows = await db.selectFrom('app_user').select(['id', 'username', 'given_name', 'family_name']).where('id', 'in', [...missing]).execute()
  for (const r of rows) {
    const name = fullName(r)
    knownNames.set(r.id, { name, until: now + NAMES_KEPT_MS })
    answer.set(r.id, name)
  }
  return answer
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
  /** A password someone else chose (an administrator's temporary one): changed at the next sign-in. */
  mustChangePassword?: boolean
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
      // Written only when set (the column's default is false), so the insert also fits a schema from before it (the migration tests).
      ...(user.mustChangePassword ? { must_change_password: true } : {}),
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

/**
 * Gives a profile that has no name yet (registering asks for none) these names, as the form's
 * schema left them (checkPersonName: trimmed, spaces collapsed); a profile with a name keeps it
 * (its owner typed or saved that one).
 */
export async function fillEmptyProfileName(db: DbOrTrx, userId: string, givenName: string, familyName: string, now: Date): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ given_name: givenName, family_name: familyName, updated_at: now })
    .where('id', '=', userId)
    .where('given_name', '=', '')
    .where('family_name', '=', '')
    .execute()
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
