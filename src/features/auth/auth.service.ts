import type { AppUser, Role } from '../../db/database.ts'
import { audit, type Actor, type DbOrTrx } from '../../platform/audit.ts'
import type { Db } from '../../db/connect.ts'
import { decoyPasswordHash, hashSecret, madeWithOtherSetting, verifySecret } from './passwords.ts'
import { ADDRESS_POLICY, clearFailures, recordFailure, throttleWait, type ThrottlePolicy } from './throttle.ts'
import { findUserByUsername, insertUser, replacePasswordHash, usernameKey } from './users.repository.ts'

/** Ten wrong passwords in a row lock the account name for 20 minutes. */
export const ACCOUNT_POLICY: ThrottlePolicy = { free: 9, baseDelayMs: 20 * 60_000, maxDelayMs: 20 * 60_000, windowMs: 24 * 60 * 60_000 }

export type AuthResult =
  | { kind: 'ok'; user: AppUser }
  | { kind: 'wrong' }
  | { kind: 'locked'; until: Date }
  | { kind: 'throttled'; waitMs: number }

const accountKey = (username: string) => `account:${usernameKey(username)}`
const addressKey = (ip: string) => `address:${ip}`

/**
 * Checks a username and password. Unknown names and wrong passwords give the same
 * answer after the same work (a decoy hash is verified), and the lockout counts
 * by name whether or not the account exists, so neither reveals an account.
 */
export async function authenticate(
  db: Db,
  input: { username: string; password: string; ip: string; now: Date; actor: Actor },
): Promise<AuthResult> {
  const { now } = input
  const addressWait = await throttleWait(db, addressKey(input.ip), now)
  if (addressWait > 0) return { kind: 'throttled', waitMs: addressWait }
  const lockedFor = await throttleWait(db, accountKey(input.username), now)
  if (lockedFor > 0) return { kind: 'locked', until: new Date(now.getTime() + lockedFor) }

  const user = await findUserByUsername(db, input.username)
  const usable = user && user.status !== 'deleted' && user.password_hash
  const ok = await verifySecret(usable ? user.password_hash! : await decoyPasswordHash(), input.password)
  if (ok && usable) {
    await clearFailures(db, accountKey(input.username))
    const stored = user.password_hash!
    if (madeWithOtherSetting(stored)) await replacePasswordHash(db, user.id, stored, await hashSecret(input.password))
    return { kind: 'ok', user }
  }

  return db.transaction().execute(async (trx) => {
    await recordFailure(trx, addressKey(input.ip), now, ADDRESS_POLICY)
    await recordFailure(trx, accountKey(input.username), now, ACCOUNT_POLICY)
    const lockWait = await throttleWait(trx, accountKey(input.username), now)
    if (user) {
      await audit(trx, { ...input.actor, userId: user.id, label: user.username }, now, {
        action: 'auth.sign_in_failed',
        objectType: 'user',
        objectId: user.id,
      })
      if (lockWait > 0) {
        await audit(trx, { ...input.actor, userId: user.id, label: user.username }, now, {
          action: 'auth.locked',
          objectType: 'user',
          objectId: user.id,
          details: { until: new Date(now.getTime() + lockWait).toISOString() },
        })
      }
    }
    return lockWait > 0 ? { kind: 'locked' as const, until: new Date(now.getTime() + lockWait) } : { kind: 'wrong' as const }
  })
}

export type RegisterResult = { kind: 'ok'; user: AppUser } | { kind: 'taken' }

export async function registerUser(
  db: Db,
  input: { username: string; email: string; password: string; lang: 'en' | 'fr'; role?: Role; now: Date; actor: Actor },
  afterInsert?: (trx: DbOrTrx, user: AppUser) => Promise<void>,
): Promise<RegisterResult> {
  const passwordHash = await hashSecret(input.password)
  try {
    const user = await db.transaction().execute(async (trx) => {
      const user = await insertUser(
        trx,
        { role: input.role ?? 'employer', username: input.username, email: input.email, passwordHash, preferredLanguage: input.lang },
        input.now,
      )
      await audit(trx, { ...input.actor, userId: user.id, label: user.username }, input.now, {
        action: 'auth.registered',
        objectType: 'user',
        objectId: user.id,
        details: { role: user.role },
      })
      await afterInsert?.(trx, user)
      return user
    })
    return { kind: 'ok', user }
  } catch (err) {
    // The unique index on username_key decides, even when two people race for one name.
    if ((err as { code?: string }).code === '23505') return { kind: 'taken' }
    throw err
  }
}
