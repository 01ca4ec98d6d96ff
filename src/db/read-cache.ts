import type { Kysely } from 'kysely'
import { BoundedMap } from '../platform/bounded-map.ts'

/**
 * A per-request read cache for the embedded database, where one process owns the
 * data: the session, the signed-in user, their memberships and their unread count
 * are read on every page, and on PGlite each query costs 0.4–1 ms (docs/performance.md).
 *
 * **Invalidation is by the database itself, not by the features.** The embedded pool
 * counts every statement that is not a plain `select` (insert, update, delete, begin,
 * commit, rollback, DDL, `with … update`: anything that may write) and every exclusive
 * use of the connection (bulk loads, restores). A value read while the count was `n` is
 * served again only while the count is still `n`: the first write anywhere, by any
 * feature, a test or the dormancy job, empties the cache. No feature has to remember to
 * invalidate anything, so a deleted user, a removed membership or "sign out everywhere"
 * takes effect on the very next request exactly as without the cache.
 *
 * The count is read *before* the query is sent: the one connection is handed out in
 * order, so a write that overtakes the read makes the count differ and the value is
 * not kept. Reads inside a transaction are never cached.
 *
 * **PostgreSQL is never cached** (several processes and other clients write to it):
 * there `cachedRead` simply runs the query. Only a Kysely instance made by the
 * embedded handle (`src/db/connect.ts`) is registered here; `withPlugin()` and friends
 * make new instances, which are not.
 */
export interface WriteCounter {
  /** Statements that may have written, since the database was opened. */
  readonly writes: number
}

interface Cache {
  counter: WriteCounter
  /** The write count the entries were read at. */
  at: number
  entries: BoundedMap<string, unknown>
}

/** Enough for every person signed in to one portal; past it the cache starts again. */
const MAX_ENTRIES = 10_000

const caches = new WeakMap<object, Cache>()

/** Called by the embedded handle: reads through `db` may be cached while `counter` does not move. */
export function enableReadCache(db: object, counter: WriteCounter): void {
  caches.set(db, { counter, at: counter.writes, entries: new BoundedMap(MAX_ENTRIES) })
}

/**
 * `read()` once per key between two writes on the embedded database; on PostgreSQL,
 * inside a transaction, or for any other Kysely instance, just `read()`. Callers get a
 * copy of the value and may change it.
 */
export async function cachedRead<T>(db: object, key: string, read: () => Promise<T>): Promise<T> {
  const cache = caches.get(db)
  if (!cache || (db as Kysely<unknown>).isTransaction) return read()
  const before = cache.counter.writes
  if (cache.at !== before) {
    cache.entries.clear()
    cache.at = before
  }
  if (cache.entries.has(key)) return copyOf(cache.entries.get(key) as T)
  const value = await read()
  // Kept only if nothing may have written between the count above and now.
  if (cache.counter.writes === before && cache.at === before) {
    cache.entries.set(key, copyOf(value))
  }
  return value
}

/**
 * A deep copy of a value read from the database: plain objects (rows, jsonb), arrays and
 * dates copied by hand, anything else by `structuredClone`. structuredClone serialises and
 * deserialises: for the session's row (the user, the session, the header's memberships)
 * it was ~7 % of a signed-in page's CPU on the embedded database (docs/performance.md).
 */
export function copyOf<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Date) return new Date(value.getTime()) as T
  if (Array.isArray(value)) return value.map(copyOf) as T
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value)
  const copy: Record<string, unknown> = prototype === null ? Object.create(null) : {}
  for (const name of Object.keys(value)) copy[name] = copyOf((value as Record<string, unknown>)[name])
  return copy as T
}

/** Whether `db` reads through the cache (the embedded database's own instance). */
export function readCacheEnabled(db: object): boolean {
  return caches.has(db)
}

/**
 * A statement that cannot write tables: one plain `select`. Anything else may write and
 * counts, including several statements in one text (`select 1; delete …`) and a
 * `with` whose parts may update.
 */
export function isPlainSelect(text: string): boolean {
  return /^\s*select\b/i.test(text) && !/;\s*\S/.test(text)
}
