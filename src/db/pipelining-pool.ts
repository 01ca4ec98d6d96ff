import type pg from 'pg'
import { BoundedMap } from '../platform/bounded-map.ts'
import { MAX_PREPARED_TEXT } from './prepared-statements.ts'

/** A plain data statement, alone in its text: what may share a connection with other requests' statements. */
const DATA_STATEMENT = /^\s*(select|insert|update|delete|with|values)\b/i
/** Functions whose effect or answer belongs to the server session: a statement calling one needs a session of its own. */
const SESSION_BOUND = /\b(pg_advisory_lock\w*|pg_try_advisory_lock\w*|pg_advisory_unlock\w*|set_config|currval|lastval|pg_backend_pid|pg_prepared_statements|pg_temp)\b/i

/**
 * Each text's answer, read once: a page's statements are the same texts at every request (two
 * regular expressions over ~1 KB each time). Texts longer than any prepared one (a bulk
 * insert's, one-off: MAX_PREPARED_TEXT) are read each time rather than kept.
 */
const shareable = new BoundedMap<string, boolean>(1000)

/** Whether `text` may go over a shared, pipelined connection: one data statement that leaves no state in the session. */
export function isShareable(text: string): boolean {
  const read = () => DATA_STATEMENT.test(text) && !text.includes(';') && !SESSION_BOUND.test(text)
  return text.length > MAX_PREPARED_TEXT ? read() : shareable.remember(text, read)
}

type QueryResult = pg.QueryResult<Record<string, unknown>>

/** How long the oldest statement on a shared connection may wait before new ones go to another. */
const STALL_MS = 250

/** What Kysely's PostgresDialect takes from `connect()`. */
interface PooledHandle {
  query(text: string, values?: unknown[]): Promise<QueryResult>
  release(err?: unknown): void
  /** Between `connect()` and its `release()`. */
  inUse: boolean
}

/** Released handles kept for the next `connect()`s: more than a page's statements in flight at once. */
const MAX_RELEASED = 64

interface SharedConnection {
  client: pg.Client
  ready: Promise<unknown>
  /** When each statement sent and not yet answered was sent (`now()`), oldest first: a connection answers in order. */
  sentAt: number[]
  /** Its socket is held corked until the event loop's turn ends. */
  corked: boolean
}

/**
 * pg's pool as Kysely's PostgresDialect uses it (`connect()`, then `query` and `release` on
 * the client), with the statements sent on their own shared: they go over a few
 * connections in pipeline mode (pg's `pipeline: true`: a statement is written without
 * waiting for the answer to the one before), and what every request of one turn of the
 * event loop sends is written to the socket at once. On the machines we measure on, each
 * socket write costs the portal ~50 µs of CPU and wakes a server process
 * (docs/performance.md, session 18): a signed-in page's session statement shared one
 * write with those of the other requests that arrived with it.
 *
 * A connection Kysely takes (a statement, `db.transaction()`, `db.connection()`) stays on
 * the shared connections until it sends a statement that is not `isShareable` (`begin`,
 * `set`, `prepare`, a function bound to the session such as an advisory lock): from then
 * on, until released, it has a connection of the ordinary pool to itself. So transactions
 * are unchanged, and so is anything that keeps state in the session, provided it says so
 * first: plain statements in `db.connection()` may each meet a different session.
 *
 * Each statement has its own Sync, so one that fails fails alone. A shared connection
 * that is lost fails the statements waiting on it (as a lost pool connection does) and
 * is replaced at the next statement.
 *
 * **One lane, another while it is held up.** Statements go to the first shared connection:
 * one connection batches best (one write and one server process woken for the whole turn;
 * account-home 5,295 requests/s on one against 4,609 spread over two, docs/performance.md).
 * A statement that takes long (a lock wait, a slow plan) delays every statement behind it on
 * its connection, so while the oldest statement waiting on the first connection was sent more
 * than `stallMs` ago, new statements go to the next one (opened then, up to
 * `sharedConnections`); when all are held up, to the one with the fewest waiting. The
 * threshold is well above what answers wait for under load (an event loop busy with other
 * requests keeps an answer unread for tens of milliseconds, p99 ≤ ~80 ms in the benchmark),
 * so the second connection serves only real stalls.
 */
export class PipeliningPool {
  private readonly shared: SharedConnection[] = []
  /** Handles released and not yet handed out again: as many as statements were once in flight at one time, at most MAX_RELEASED. */
  private readonly released: PooledHandle[] = []
  private ending = false
  private readonly stallMs: number
  private readonly now: () => number

  constructor(
    private readonly pool: pg.Pool,
    private readonly sharedConnections: number,
    private readonly newClient: () => pg.Client,
    options: { stallMs?: number; now?: () => number } = {},
  ) {
    this.stallMs = options.stallMs ?? STALL_MS
    this.now = options.now ?? (() => performance.now())
  }

  /**
   * A client for one Kysely connection: shared until it sends something that is not shareable.
   * Released ones are handed out again: Kysely keeps a wrapper per client object (a WeakMap
   * entry, and a WeakSet entry in its runtime driver), made afresh for every statement when
   * every statement had a new one (~3.5 µs a statement, docs/performance.md, session 27).
   */
  async connect(): Promise<PooledHandle> {
    const handle = this.released.pop() ?? this.newHandle()
    handle.inUse = true
    return handle
  }

  private newHandle(): PooledHandle {
    let own: pg.PoolClient | undefined
    const handle: PooledHandle = {
      inUse: false,
      query: async (text, values) => {
        if (!own && isShareable(text)) return this.sendShared(text, values)
        own ??= await this.pool.connect()
        return own.query(text, values) as Promise<QueryResult>
      },
      release: (err) => {
        own?.release(err as Error | undefined)
        own = undefined
        // Released twice, it must not be handed out twice.
        if (!handle.inUse) return
        handle.inUse = false
        if (this.released.length < MAX_RELEASED) this.released.push(handle)
      },
    }
    return handle
  }

  async end(): Promise<void> {
    this.ending = true
    const shared = this.shared.splice(0)
    await Promise.all(shared.map((c) => c.client.end().catch(() => undefined)))
    await this.pool.end()
  }

  private async sendShared(text: string, values: unknown[] | undefined): Promise<QueryResult> {
    const connection = this.pick()
    await connection.ready
    const stream = (connection.client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream
    if (!connection.corked) {
      connection.corked = true
      stream.cork()
      // Every statement sent in this turn of the event loop goes out in one write.
      setImmediate(() => {
        connection.corked = false
        stream.uncork()
      })
    }
    const sentAt = this.now()
    connection.sentAt.push(sentAt)
    try {
      return (await connection.client.query(text, values)) as QueryResult
    } catch (err) {
      // The server's FATAL (it is ending the session), or a client that lost its socket: the
      // connection is gone, even if its 'error' or 'end' has not been read yet. Any other
      // failure (a statement PostgreSQL refused, a value pg could not send) leaves it serving.
      const { severity } = err as { severity?: string }
      const state = connection.client as unknown as { _ended?: boolean; _queryable?: boolean }
      if (severity === 'FATAL' || severity === 'PANIC' || state._ended === true || state._queryable === false) this.retire(connection)
      throw err
    } finally {
      // Answered in order, so found first, unless pg refused it before sending (a value it could not send).
      connection.sentAt.splice(connection.sentAt.indexOf(sentAt), 1)
    }
  }

  /** No more statements on `connection`; the next one opens another. */
  private retire(connection: SharedConnection): void {
    const i = this.shared.indexOf(connection)
    if (i < 0) return
    this.shared.splice(i, 1)
    connection.client.end().catch(() => undefined)
  }

  /** The first shared connection not held up; another opened if all are; else the one with the fewest waiting. */
  private pick(): SharedConnection {
    if (this.ending) throw new Error('the database is closing')
    const now = this.now()
    for (const c of this.shared) if (c.sentAt.length === 0 || now - c.sentAt[0]! < this.stallMs) return c
    if (this.shared.length < this.sharedConnections) return this.open()
    let best = this.shared[0]!
    for (const c of this.shared) if (c.sentAt.length < best.sentAt.length) best = c
    return best
  }

  private open(): SharedConnection {
    const client = this.newClient()
    const connection: SharedConnection = { client, ready: Promise.resolve(), sentAt: [], corked: false }
    // A lost connection: its waiting statements fail (pg), the next statement opens another.
    client.on('error', (err) => {
      if (!this.ending && this.shared.includes(connection)) console.error(`PostgreSQL shared connection lost: ${err.message}`)
      this.retire(connection)
    })
    client.on('end', () => this.retire(connection))
    connection.ready = client.connect().catch((err: unknown) => {
      this.retire(connection)
      throw err
    })
    this.shared.push(connection)
    return connection
  }
}
