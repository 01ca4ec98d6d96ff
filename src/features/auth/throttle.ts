import { sql } from 'kysely'
import type { DbOrTrx } from '../../platform/audit.ts'

/**
 * Failed attempts per key (a network address, a PIN), kept in the database so every
 * app process sees the same counts. After `free` failures each further one doubles
 * the wait, up to `maxDelayMs`; a quiet `windowMs` forgets the past.
 */
export interface ThrottlePolicy {
  free: number
  baseDelayMs: number
  maxDelayMs: number
  windowMs: number
}

export const ADDRESS_POLICY: ThrottlePolicy = { free: 20, baseDelayMs: 1000, maxDelayMs: 5 * 60_000, windowMs: 15 * 60_000 }

/** Milliseconds to wait before this key may try again (0 when free). */
export async function throttleWait(db: DbOrTrx, key: string, now: Date): Promise<number> {
  const row = await db.selectFrom('throttle').select('blocked_until').where('key', '=', key).executeTakeFirst()
  const until = row?.blocked_until?.getTime() ?? 0
  return Math.max(0, until - now.getTime())
}

export async function recordFailure(db: DbOrTrx, key: string, now: Date, policy: ThrottlePolicy): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.windowMs)
  // One statement, so concurrent failures from two processes both count.
  const row = await db
    .insertInto('throttle')
    .values({ key, failures: 1, first_failure_at: now, last_failure_at: now, blocked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        failures: sql`case when throttle.last_failure_at < ${windowStart} then 1 else throttle.failures + 1 end`,
        first_failure_at: sql`case when throttle.last_failure_at < ${windowStart} then ${now} else throttle.first_failure_at end`,
        last_failure_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow()
  const over = row.failures - policy.free
  if (over > 0) {
    const delay = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(over - 1, 20))
    await db
      .updateTable('throttle')
      .set({ blocked_until: new Date(now.getTime() + delay) })
      .where('key', '=', key)
      .execute()
  }
}

export async function clearFailures(db: DbOrTrx, key: string): Promise<void> {
  await db.deleteFrom('throttle').where('key', '=', key).execute()
}
