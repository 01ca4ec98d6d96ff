import { sql } from 'kysely'
import type { FastifyRateLimitOptions, FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'
import type { Db } from '../db/connect.ts'
import { readCacheEnabled } from '../db/read-cache.ts'
import type { Clock } from './clock.ts'

type CountRequest = (key: string, now: Date, windowMs: number) => Promise<{ current: number; ttl: number }>

/** A store for @fastify/rate-limit that counts fixed windows of `timeWindow` ms with `count`. */
function storeCounting(clock: Clock, count: CountRequest): FastifyRateLimitStoreCtor {
  return class RateWindowStore implements FastifyRateLimitStore {
    private readonly windowMs: number

    constructor(options: FastifyRateLimitOptions) {
      // The plugin passes its global settings, timeWindow among them (in ms).
      const tw = (options as { timeWindow?: unknown }).timeWindow
      this.windowMs = typeof tw === 'number' ? tw : 60_000
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      count(key, clock.now(), this.windowMs).then(
        (r) => callback(null, r),
        (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
      )
    }

    child(): FastifyRateLimitStore {
      return this
    }
  }
}

/**
 * The API's rate windows: in this process's memory on the embedded database, which one
 * process owns (its folder is locked), so no other process could count; in the database
 * on PostgreSQL, so a limit holds across every app process.
 */
export function rateStoreFor(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  return readCacheEnabled(db) ? memoryRateStore(clock) : databaseRateStore(db, clock)
}

/**
 * Counts in the database (table `rate_window`): one upsert per request returns the count;
 * the first request of a window deletes the key's older windows, so the table stays a row
 * or two per active key.
 */
export function databaseRateStore(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  return storeCounting(clock, (key, now, windowMs) => countRequest(db, key, now, windowMs))
}

/**
 * Counts in memory. On the embedded database a write per API request also emptied the read
 * cache (read-cache.ts), so each request read its token, user and membership again
 * (docs/performance.md, session 13). A restart forgets the current window's counts.
 */
export function memoryRateStore(clock: Clock): FastifyRateLimitStoreCtor {
  const windows = new MemoryRateWindows()
  return storeCounting(clock, async (key, now, windowMs) => windows.count(key, now, windowMs))
}

/** The fixed window `now` falls in: when it started, and how long until it ends. */
function windowAt(now: Date, windowMs: number): { start: number; ttl: number } {
  const start = Math.floor(now.getTime() / windowMs) * windowMs
  return { start, ttl: start + windowMs - now.getTime() }
}

/** The same fixed windows as `countRequest`, in a Map: a key's count, and when its window ends. */
export class MemoryRateWindows {
  readonly #windows = new Map<string, { start: number; count: number }>()
  #prunedFor = Number.NEGATIVE_INFINITY

  /** Past `maxKeys` keys, windows that have ended are dropped (once per window: a flood of new keys in one window costs no rescans). */
  constructor(private readonly maxKeys = 100_000) {}

  get size(): number {
    return this.#windows.size
  }

  count(key: string, now: Date, windowMs: number): { current: number; ttl: number } {
    const { start, ttl } = windowAt(now, windowMs)
    let window = this.#windows.get(key)
    if (!window || window.start !== start) {
      if (!window && this.#windows.size >= this.maxKeys && this.#prunedFor !== start) {
        this.#prunedFor = start
        for (const [k, w] of this.#windows) if (w.start < start) this.#windows.delete(k)
      }
      window = { start, count: 0 }
      this.#windows.set(key, window)
    }
    window.count++
    return { current: window.count, ttl }
  }
}

export async function countRequest(db: Db, key: string, now: Date, windowMs: number): Promise<{ current: number; ttl: number }> {
  const { start: startMs, ttl } = windowAt(now, windowMs)
  const start = new Date(startMs)
  const { rows } = await sql<{ count: number }>`
    insert into rate_window (key, window_start, count) values (${key}, ${start}, 1)
    on conflict (key, window_start) do update set count = rate_window.count + 1
    returning count`.execute(db)
  const current = Number(rows[0]!.count)
  if (current === 1) await db.deleteFrom('rate_window').where('key', '=', key).where('window_start', '<', start).execute()
  return { current, ttl }
}
