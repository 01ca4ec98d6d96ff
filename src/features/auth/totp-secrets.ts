import { ConfigError } from '../../config.ts'
import type { Db } from '../../db/connect.ts'
import { isSealed, seal, subKey, unseal, UnsealError } from '../../platform/data-key.ts'

/**
 * TOTP secrets at rest: `app_user.totp_secret` holds them sealed (AES-256-GCM, a key
 * derived from DATA_ENCRYPTION_KEY, the user's id authenticated with it), because they
 * must be read back to check codes and so cannot be hashed. Rows written before sealing
 * existed (plain base32) are still read, and are sealed at start
 * (`sealStoredTotpSecrets`) and at their next successful use.
 */
export class TotpSecrets {
  private readonly key: Buffer

  constructor(dataKey: Buffer) {
    this.key = subKey(dataKey, 'totp-secret')
  }

  /** The stored form of a user's secret. */
  seal(userId: string, secret: string): string {
    return seal(this.key, secret, `totp:${userId}`)
  }

  /** The secret from its stored form; throws UnsealError for a wrong key or a tampered value. */
  open(userId: string, stored: string): string {
    return isSealed(stored) ? unseal(this.key, stored, `totp:${userId}`) : stored
  }

  /** The secret being set up, kept in the session (sealed too: sessions are database rows). */
  sealPending(userId: string, secret: string): string {
    return seal(this.key, secret, `totp-pending:${userId}`)
  }

  /** The pending secret, or undefined if it does not open (another user's session data, an older key). */
  openPending(userId: string, stored: string): string | undefined {
    try {
      return unseal(this.key, stored, `totp-pending:${userId}`)
    } catch (err) {
      if (err instanceof UnsealError) return undefined
      throw err
    }
  }
}

export function needsSealing(stored: string | null): stored is string {
  return stored !== null && !isSealed(stored)
}

/**
 * At start: seals every TOTP secret still stored in the clear, then checks that the
 * configured key opens the sealed ones, so a wrong DATA_ENCRYPTION_KEY stops the portal
 * with a message instead of failing every staff sign-in.
 */
export async function sealStoredTotpSecrets(db: Db, secrets: TotpSecrets): Promise<{ sealed: number }> {
  let sealed = 0
  const rows = await db.selectFrom('app_user').select(['id', 'totp_secret']).where('totp_secret', 'is not', null).where('totp_secret', 'not like', 'v1.%').execute()
  for (const row of rows) {
    // Conditional: a row changed meanwhile (set up again by another process) is left to it.
    const done = await db
      .updateTable('app_user')
      .set({ totp_secret: secrets.seal(row.id, row.totp_secret!) })
      .where('id', '=', row.id)
      .where('totp_secret', '=', row.totp_secret)
      .executeTakeFirst()
    sealed += Number(done.numUpdatedRows)
  }
  const sample = await db.selectFrom('app_user').select(['id', 'totp_secret']).where('totp_secret', 'like', 'v1.%').orderBy('updated_at', 'desc').limit(1).executeTakeFirst()
  if (sample) {
    try {
      secrets.open(sample.id, sample.totp_secret!)
    } catch (err) {
      if (!(err instanceof UnsealError)) throw err
      throw new ConfigError([
        'DATA_ENCRYPTION_KEY does not open the TOTP secrets in the database: set the key they were sealed with (a lost key means every authenticator app must be set up again)',
      ])
    }
  }
  return { sealed }
}
