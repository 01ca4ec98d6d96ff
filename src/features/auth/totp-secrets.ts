import { ConfigError, type Config } from '../../config.ts'
import type { Db } from '../../db/connect.ts'
import { isSealed, resolveDataKey, seal, subKey, unseal, UnsealError } from '../../platform/data-key.ts'

/**
 * TOTP secrets at rest: `app_user.totp_secret` holds them sealed (AES-256-GCM, a key
 * derived from DATA_ENCRYPTION_KEY, the user's id authenticated with it), because they
 * must be read back to check codes and so cannot be hashed. Rows written before sealing
 * existed (plain base32) are still read, and are sealed at start
 * (`sealStoredTotpSecrets`) and at their next successful use. During a key rotation the
 * previous key still opens what it sealed, and start-up re-seals those with the current one.
 */
export class TotpSecrets {
  private readonly key: Buffer
  private readonly previousKey: Buffer | undefined

  constructor(dataKey: Buffer, previousDataKey?: Buffer) {
    this.key = subKey(dataKey, 'totp-secret')
    this.previousKey = previousDataKey && subKey(previousDataKey, 'totp-secret')
  }

  /** From DATA_ENCRYPTION_KEY (required in production) and DATA_ENCRYPTION_KEY_PREVIOUS. */
  static fromConfig(config: Pick<Config, 'dataEncryptionKey' | 'previousDataEncryptionKey' | 'isProduction' | 'dataDir'>): TotpSecrets {
    return new TotpSecrets(resolveDataKey(config), config.previousDataEncryptionKey)
  }

  /** A previous key is configured (a rotation under way). */
  get rotating(): boolean {
    return this.previousKey !== undefined
  }

  /** The stored form of a user's secret. */
  seal(userId: string, secret: string): string {
    return seal(this.key, secret, `totp:${userId}`)
  }

  /** The secret from its stored form; throws UnsealError for a wrong key or a tampered value. */
  open(userId: string, stored: string): string {
    if (!isSealed(stored)) return stored
    try {
      return unseal(this.key, stored, `totp:${userId}`)
    } catch (err) {
      if (!(err instanceof UnsealError) || !this.previousKey) throw err
      return unseal(this.previousKey, stored, `totp:${userId}`)
    }
  }

  /** True when the stored value is in the clear or sealed with the previous key: seal it again. */
  needsSealing(userId: string, stored: string | null): stored is string {
    if (stored === null) return false
    if (!isSealed(stored)) return true
    if (!this.previousKey) return false
    try {
      unseal(this.key, stored, `totp:${userId}`)
      return false
    } catch {
      return true
    }
  }

  /** The secret being set up, kept in the session (sealed too: sessions are database rows). */
  sealPending(userId: string, secret: string): string {
    return seal(this.key, secret, `totp-pending:${userId}`)
  }

  /** Recovery codes waiting in the session to be shown once. */
  sealRecoveryCodes(userId: string, codes: readonly string[]): string {
    return seal(this.key, JSON.stringify(codes), `recovery-codes:${userId}`)
  }

  openRecoveryCodes(userId: string, stored: string): string[] | undefined {
    try {
      return JSON.parse(unseal(this.key, stored, `recovery-codes:${userId}`)) as string[]
    } catch (err) {
      if (err instanceof UnsealError) return undefined
      throw err
    }
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

/**
 * At start: seals every TOTP secret still stored in the clear (or, during a rotation, sealed
 * with the previous key), then checks that the configured keys open the sealed ones, so a
 * wrong DATA_ENCRYPTION_KEY stops the portal with a message instead of failing every
 * staff sign-in.
 */
export async function sealStoredTotpSecrets(db: Db, secrets: TotpSecrets): Promise<{ sealed: number }> {
  let sealed = 0
  let query = db.selectFrom('app_user').select(['id', 'totp_secret']).where('totp_secret', 'is not', null)
  // Without a rotation under way only the rows in the clear need work.
  if (!secrets.rotating) query = query.where('totp_secret', 'not like', 'v1.%')
  for (const row of await query.execute()) {
    if (!secrets.needsSealing(row.id, row.totp_secret)) continue
    // Conditional: a row changed meanwhile (set up again by another process) is left to it.
    const done = await db
      .updateTable('app_user')
      .set({ totp_secret: secrets.seal(row.id, secrets.open(row.id, row.totp_secret)) })
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
