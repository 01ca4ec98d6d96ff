import crypto from 'node:crypto'
import type { Db } from '../../db/connect.ts'
import type { AppUser } from '../../db/database.ts'
import type { Lang } from '../../i18n/define.ts'
import { audit, type Actor } from '../../platform/audit.ts'
import type { FederatedClaims } from './federated.ts'
import { findFederatedUserId, insertFederatedIdentity, touchFederatedIdentity, usernameTaken } from './federated.repository.ts'
import { findUserById, insertUser, usernameKey } from './users.repository.ts'

/** Thrown inside the creating transaction when another request linked the same subject first. */
class AlreadyLinked extends Error {}

export type FederatedUserResult =
  | { kind: 'existing'; user: AppUser }
  | { kind: 'created'; user: AppUser }
  /** A linked account that may not sign in here (deleted, or not an employer). */
  | { kind: 'refused'; userId: string; reason: 'deleted' | 'not_employer' }

/**
 * A stable username for a provider account: the provider id and a hash of the
 * subject (the subject itself may be an e-mail address or a long opaque string).
 */
export function federatedUsername(provider: string, subject: string, attempt = 0): string {
  const hash = crypto.createHash('sha256').update(`${provider}\n${subject}`).digest('hex').slice(0, 16)
  return attempt === 0 ? `${provider}-${hash}` : `${provider}-${hash}-${attempt + 1}`
}

function usable(user: AppUser): FederatedUserResult {
  if (user.status === 'deleted') return { kind: 'refused', userId: user.id, reason: 'deleted' }
  if (user.role !== 'employer') return { kind: 'refused', userId: user.id, reason: 'not_employer' }
  return { kind: 'existing', user }
}

/**
 * The user behind a provider account. The first time, a new employer user (no
 * password) and the link are created in one transaction, audited. Accounts are
 * never matched by e-mail address: that would let a provider's unverified claim
 * take over someone else's account.
 */
export async function resolveFederatedUser(
  db: Db,
  input: { provider: string; claims: FederatedClaims; lang: Lang; now: Date; actor: Actor },
): Promise<FederatedUserResult> {
  const { provider, claims, now } = input
  const existing = async (): Promise<FederatedUserResult | undefined> => {
    const userId = await findFederatedUserId(db, provider, claims.subject)
    if (!userId) return undefined
    const user = await findUserById(db, userId)
    if (!user) return undefined
    const result = usable(user)
    if (result.kind === 'existing') await touchFederatedIdentity(db, provider, claims.subject, now)
    return result
  }
  const found = await existing()
  if (found) return found

  for (let round = 0; ; round++) {
    try {
      const user = await db.transaction().execute(async (trx) => {
        let attempt = 0
        while (await usernameTaken(trx, usernameKey(federatedUsername(provider, claims.subject, attempt)))) attempt++
        const created = await insertUser(
          trx,
          {
            role: 'employer',
            username: federatedUsername(provider, claims.subject, attempt),
            email: claims.email,
            passwordHash: null,
            givenName: claims.givenName,
            familyName: claims.familyName,
            preferredLanguage: input.lang,
            emailVerified: claims.emailVerified,
          },
          now,
        )
        if (!(await insertFederatedIdentity(trx, { provider, subject: claims.subject, userId: created.id }, now))) throw new AlreadyLinked()
        await audit(trx, { ...input.actor, userId: created.id, label: created.username }, now, {
          action: 'auth.federated_registered',
          objectType: 'user',
          objectId: created.id,
          details: { provider, emailVerified: claims.emailVerified },
        })
        return created
      })
      return { kind: 'created', user }
    } catch (err) {
      // Two first sign-ins at once: the other one created the user (the link's primary key,
      // or on PostgreSQL the username's unique index, stopped this one); use it.
      const conflict = err instanceof AlreadyLinked || (err as { code?: unknown }).code === '23505'
      if (!conflict || round >= 2) throw err
      const again = await existing()
      if (again) return again
    }
  }
}
