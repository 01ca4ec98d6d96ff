import { sql } from 'kysely'
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Db } from '../db/connect.ts'
import type { Clock } from './clock.ts'

/**
 * A store for @fastify/rate-limit in the database (table `rate_window`), so a limit holds
 * across every app process on one PostgreSQL server. Fixed windows of `timeWindow` ms:
 * one upsert per request returns the count; the first request of a window deletes the
 * key's older windows, so the table stays a row or two per active key.
 */
export function databaseRateStore(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  return class DatabaseRateStore implements FastifyRateLimitStore {
    private readonly windowMs: number

    constructor(options: FastifyRateLimitOptions) {
      // The plugin passes its global settings, timeWindow among them (in ms).
      const tw = (options as { timeWindow?: unknown }).timeWindow
      this.windowMs = typeof tw === 'number' ? tw : 60_000
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      countRequest(db, key, clock.now(), this.windowMs).then(
        (r) => callback(null, r),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      )
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }
}

export async function countRequest(db: Db, key: string, now: Date, windowMs: number): Promise<{ current: number; ttl: number }> {
  const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs)
  const { rows } = await sql<{ count: number }>`
    insert into rate_window (key, window_start, count) values (${key}, ${start}, 1)
    on conflict (key, window_start) do update set count = rate_window.count + 1
    returning count`.execute(db)
  const current = Number(rows[0]!.count)
  if (current === 1) await db.deleteFrom('rate_window').where('key', '=', key).where('window_start', '<', start).execute()
  return { current, ttl: start.getTime() + windowMs - now.getTime() }
}
