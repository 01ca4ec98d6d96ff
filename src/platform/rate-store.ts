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
 * Counts in the database (table `rate_window`), several requests a write (`CoalescedRateWindows`):
 * one upsert per request made every API request of a token wait for the previous one's row
 * lock and commit, and cost the API list a third of its throughput (docs/performance.md,
 * session 24). The first request of a window deletes the key's older windows, so the table
 * stays a row or two per active key.
 */
export function databaseRateStore(db: Db, clock: Clock): FastifyRateLimitStoreCtor {
  const windows = new CoalescedRateWindows((key, windowStart, by) => addToWindow(db, key, windowStart, by))
  return storeCounting(clock, (key, now, windowMs) => windows.count(key, now, windowMs))
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

/** Adds `by` requests to a key's window in the database; the window's count after them. */
export async function addToWindow(db: Db, key: string, windowStart: Date, by: number): Promise<number> {
  const { rows } = await sql<{ count: number }>`
    insert into rate_window (key, window_start, count) values (${key}, ${windowStart}, ${by})
    on conflict (key, window_start) do update set count = rate_window.count + excluded.count
    returning count`.execute(db)
  const count = Number(rows[0]!.count)
  // This write began the window: the key's older ones are done with.
  if (count === by) await db.deleteFrom('rate_window').where('key', '=', key).where('window_start', '<', windowStart).execute()
  return count
}

interface Waiting {
  ttl: number
  resolve: (counted: { current: number; ttl: number }) => void
  reject: (error: unknown) => void
}

/** A key's window while a write of it is on its way (and only then: the entry is the sign of it). */
interface KeyWindow {
  key: string
  start: number
  /** Requests that came after that write was sent: the next write counts them. */
  waiting: Waiting[]
}

/**
 * Fixed windows counted in a shared store (the database), a write for all the requests of a key
 * that arrive while its previous write is on its way: they wait for the next write, which adds
 * them all at once, and each is told its own place in the total it returns (`total - n + 1` …
 * `total`), as if counted one at a time. The limit is as exact as with a write per request,
 * across every process; a quiet key still costs one write per request, and no request waits
 * for more than the write before its own.
 */
export class CoalescedRateWindows {
  readonly #windows = new Map<string, KeyWindow>()

  constructor(private readonly add: (key: string, windowStart: Date, by: number) => Promise<number>) {}

  /** Keys with a write on its way or requests waiting (forgotten once written: the store holds the counts). */
  get size(): number {
    return this.#windows.size
  }

  count(key: string, now: Date, windowMs: number): Promise<{ current: number; ttl: number }> {
    const { start, ttl } = windowAt(now, windowMs)
    const id = `${start}|${key}`
    return new Promise((resolve, reject) => {
      const waiting = { ttl, resolve, reject }
      const writing = this.#windows.get(id)
      if (writing) return void writing.waiting.push(waiting)
      const window: KeyWindow = { key, start, waiting: [] }
      this.#windows.set(id, window)
      this.#write(id, window, [waiting])
    })
  }

  #write(id: string, window: KeyWindow, batch: Waiting[]): void {
    this.add(window.key, new Date(window.start), batch.length)
      .then(
        (total) => batch.forEach((w, i) => w.resolve({ current: total - batch.length + 1 + i, ttl: w.ttl })),
        (error: unknown) => batch.forEach((w) => w.reject(error)),
      )
      .then(() => {
        // Those that came meanwhile are the next write; with none, the window is forgotten.
        const next = window.waiting
        window.waiting = []
        if (next.length > 0) this.#write(id, window, next)
        else this.#windows.delete(id)
      })
  }
}
