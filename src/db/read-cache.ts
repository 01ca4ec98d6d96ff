import type { Compilable, CompiledQuery, Kysely } from 'kysely'
import { BoundedMap } from '../platform/bounded-map.ts'

/**
 * A per-request read cache for the embedded database, where one process owns the
 * data: the session, the signed-in user, their memberships and their unread count
 * are read on every page, and on PGlite each query costs 0.4–1 ms (docs/performance.md).
 *
 * **Invalidation is by the database's own statements, not by the features.** A cached
 * value is read by queries this module runs (`cachedRead` takes the query, not a
 * function that reads), so it knows every name those queries mention. The embedded
 * pool counts every statement that may write a table one of those names could be: an
 * insert, update or delete of it, the tables its triggers and cascades write
 * (`ALSO_WRITTEN`), and anything it cannot read the tables of (DDL, several statements
 * in one text, exclusive uses for bulk loads and restores). A value read while the
 * count was `n` is served again only while the count is still `n`: the first such
 * write, by any feature, a test or the dormancy job, empties the cache. No feature has
 * to remember to invalidate anything, so a deleted user, a removed membership or "sign
 * out everywhere" takes effect on the very next request exactly as without the cache.
 * Writes to tables no cached query reads (offers, their versions, the audit trail)
 * leave it alone: a portal saving offers all day still serves its sessions from memory
 * (section saves 1,358 → 2,040 a second, docs/performance.md, session 15).
 *
 * The count is read *before* the query is sent: the one connection is handed out in
 * order, so a write that overtakes the read makes the count differ and the value is
 * not kept. Reads inside a transaction are never cached.
 *
 * **PostgreSQL is never cached** (several processes and other clients write to it):
 * there `cachedRead` simply runs the query. Only a Kysely instance made by the
 * embedded handle (`src/db/connect.ts`) is registered here; `withPlugin()` and friends
 * make new instances, which are not.
 *
 * What the names cannot see, and so cached queries must not use: views (the schema has
 * none, read-cache.test.ts) and functions that read tables.
 */
export interface WriteCounter {
  /** Statements that may have written a table a cached query reads, since the database was opened. */
  readonly writes: number
  /** From now on, a statement that may write counts only if `counts(text)` (exclusive uses always count). */
  countOnly(counts: (text: string) => boolean): void
}

interface Cache {
  counter: WriteCounter
  /** The write count the entries were read at. */
  at: number
  entries: BoundedMap<string, unknown>
  /** Every name (table, column, alias: any word) a cached query's text has mentioned. */
  names: Set<string>
  /** The cached queries' texts whose names are in `names` already (each text is read for names once). */
  seen: BoundedMap<string, true>
}

/** Enough for every person signed in to one portal; past it the cache starts again. */
const MAX_ENTRIES = 10_000

const caches = new WeakMap<object, Cache>()

/** Called by the embedded handle: reads through `db` may be cached while `counter` does not move. */
export function enableReadCache(db: object, counter: WriteCounter): void {
  const cache: Cache = { counter, at: counter.writes, entries: new BoundedMap(MAX_ENTRIES), names: new Set(), seen: new BoundedMap(1000) }
  caches.set(db, cache)
  // What a text writes is worked out once; whether a cached query reads it, each time (the names grow).
  const written = new BoundedMap<string, Set<string> | null>(1000)
  counter.countOnly((text) => {
    const tables = written.remember(text, () => tablesWrittenBy(text) ?? null)
    if (tables === null) return true
    for (const table of tables) if (cache.names.has(table)) return true
    return false
  })
}

type Query<R> = Compilable<R> | CompiledQuery<R>
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any database's Kysely instance or transaction
type Executor = Kysely<any>

/**
 * `query()`'s rows, shaped by `shape`, read once per key between two writes that may
 * change them on the embedded database; on PostgreSQL, inside a transaction, or for any
 * other Kysely instance, just read. `query` is called only when the database is read.
 * Callers get a copy of the value and may change it.
 */
export async function cachedRead<R, T = R[]>(db: Executor, key: string, query: () => Query<R>, shape: (rows: R[]) => T = (rows) => rows as T): Promise<T> {
  const cache = caches.get(db)
  if (!cache || db.isTransaction) return shape((await db.executeQuery(compiled(query()))).rows)
  const before = cache.counter.writes
  if (cache.at !== before) {
    cache.entries.clear()
    cache.at = before
  }
  if (cache.entries.has(key)) return copyOf(cache.entries.get(key) as T)
  const statement = compiled(query())
  // Known before it is sent: a write sent after this counts.
  if (!cache.seen.has(statement.sql)) {
    for (const name of namesIn(statement.sql)) cache.names.add(name)
    cache.seen.set(statement.sql, true)
  }
  const value = shape((await db.executeQuery(statement)).rows)
  // Kept only if nothing that may change it was written between the count above and now.
  if (cache.counter.writes === before && cache.at === before) {
    cache.entries.set(key, copyOf(value))
  }
  return value
}

function compiled<R>(query: Query<R>): CompiledQuery<R> {
  return 'compile' in query ? query.compile() : query
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
  return /^\s*select\b/i.test(text) && !SEVERAL_STATEMENTS.test(text)
}

/** A text with a statement after a semicolon. */
const SEVERAL_STATEMENTS = /;\s*\S/

/**
 * What else a write to a table writes: the tables its triggers write and those its
 * foreign keys cascade to (on delete cascade or set null). read-cache.test.ts checks it
 * against the schema: a new trigger or cascade fails it until it is named here.
 */
export const ALSO_WRITTEN: Readonly<Record<string, readonly string[]>> = {
  // account_message_tally_rows, account_message_tally_truncate; account_message_read's key.
  account_message: ['account_message_tally', 'account_message_read'],
  app_user: ['account_message', 'account_message_read'],
  // Its triggers only refuse updates and deletes.
  audit_event: [],
  email_outbox: ['email_delivery_log'],
  // The offer_submission_tally_* triggers; the rest cascade (copied_from is set null in offer itself).
  offer: ['offer_submission_tally', 'offer_correction', 'offer_document', 'offer_version', 'work_permit_decision', 'work_permit_match'],
}

const WRITE_TARGET = /\b(?:insert\s+into|update|delete\s+from|merge\s+into|truncate(?:\s+table)?)\s+(?:only\s+)?((?:"(?:[^"]|"")+"|[a-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[a-z_][\w$]*))?)/gi

/**
 * The tables a statement may write, with what their triggers and cascades write; undefined
 * when it cannot tell (DDL, several statements, anything but one insert, update, delete,
 * merge or truncate, with or without a `with`). Transaction control writes nothing itself.
 * Over-counting is harmless (`on conflict do update set` names "set").
 */
export function tablesWrittenBy(text: string): Set<string> | undefined {
  if (SEVERAL_STATEMENTS.test(text)) return undefined
  if (/^\s*(?:begin|commit|rollback|start\s+transaction|savepoint|release)\b/i.test(text)) return new Set()
  if (!/^\s*(?:insert|update|delete|merge|truncate|with)\b/i.test(text)) return undefined
  const tables = new Set<string>()
  const add = (table: string) => {
    if (tables.has(table)) return
    tables.add(table)
    for (const other of ALSO_WRITTEN[table] ?? []) add(other)
  }
  for (const m of text.matchAll(WRITE_TARGET)) add(unquoted(m[1]!.split(/\s*\.\s*/).pop()!))
  return tables
}

/** Every word and quoted identifier of a query: the names it may read, over-counted. */
function namesIn(text: string): Set<string> {
  return new Set(Array.from(text.matchAll(/"(?:[^"]|"")+"|[a-z_][\w$]*/gi), (m) => unquoted(m[0])))
}

function unquoted(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase()
}

