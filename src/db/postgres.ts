import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import type { DatabaseHandle } from './connect.ts'
import type { Database } from './database.ts'
import { buildRowsWithLiterals } from './pg-rows.ts'
import { PipeliningPool } from './pipelining-pool.ts'
import { RESULT_TYPE_CHANGED, StatementNames } from './prepared-statements.ts'
import { typeParser } from './type-parsers.ts'

/** How the pipelined connections show in pg_stat_activity (docs/operations.md). */
export const SHARED_CONNECTION_NAME = 'employer-portal (pipelined)'

/**
 * The portal on a PostgreSQL server, through pg's pool (`openDatabase` imports this module
 * only when DATABASE_URL is set). `preparedStatements`: each connection prepares the plain
 * selects it is sent once (`PreparingClient`); turn off behind a pooler that moves statements
 * between server connections without tracking prepared ones (docs/operations.md).
 */
export function openPostgres(url: string, poolSize: number, options: { preparedStatements?: boolean; sharedConnections?: number } = {}): DatabaseHandle {
  buildRowsWithLiterals()
  const Client = options.preparedStatements === false ? pg.Client : PreparingClient
  // Every connection, the pool's and the shared ones, opened alike.
  const connection = { connectionString: url, types: { getTypeParser: typeParser } }
  const pool = new pg.Pool({ ...connection, max: poolSize, Client })
  // An idle connection the server ends (restart, failover, DROP DATABASE … FORCE while the
  // pool is still closing) is an 'error' event on the pool: without a listener it would
  // crash the process. The pool drops that connection and opens a new one when needed.
  pool.on('error', (err) => console.error(`PostgreSQL connection lost while idle: ${err.message}`))
  // Statements on their own over a few pipelined connections, transactions on the pool's (pipelining-pool.ts).
  const shared = options.sharedConnections ?? 0
  const newShared = () => new Client({ ...connection, pipeline: true, application_name: SHARED_CONNECTION_NAME } as pg.ClientConfig)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: shared > 0 ? (new PipeliningPool(pool, shared, newShared) as unknown as pg.Pool) : pool }) })
  return { db, kind: 'postgres', close: () => db.destroy() }
}

type QueryResult = pg.QueryResult<Record<string, unknown>>
/** pg's own query on `client`, looked up at each call (so a test may wrap pg.Client's); one signature for its overloads. */
function pgQuery(client: pg.Client, ...args: unknown[]): never {
  return (pg.Client.prototype.query as unknown as (...a: unknown[]) => never).apply(client, args)
}

/**
 * Statement `text` prepared (or bound, once prepared) under `name`. pg's Query is made from the
 * text and values and named afterwards: given a config object, pg copies it property by property
 * (`cloneQueryConfig`, ~4 µs a statement: docs/performance.md, session 27).
 */
function namedQuery(client: pg.Client, name: string, text: string, values: unknown[] | undefined): Promise<QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(text, values, (err, result) => (err ? reject(err) : resolve(result as unknown as QueryResult)))
    ;(query as unknown as { name: string }).name = name
    pgQuery(client, query)
  })
}

/**
 * A pg client that prepares each data statement (`isPreparable`) once per connection and
 * then only binds and executes it: PostgreSQL skips parsing and planning (most of a small
 * statement's cost there: docs/performance.md). Only outside a transaction, so a failure
 * can be retried: a statement prepared before a migration changed its table's columns
 * fails with "cached plan must not change result type"; the client deallocates it and
 * prepares it again (portal processes of the old release keep running during a rolling
 * deploy). Everything else (statements in a transaction, several statements in one text,
 * long texts) goes unnamed, as pg sends it by default.
 */
export class PreparingClient extends pg.Client {
  private readonly names = new StatementNames()

  // One implementation for pg's overloads: only `query(text, values)` and `query(text, values, callback)` (pg.Pool's) change.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args
    const plain = typeof text === 'string' && (values === undefined || Array.isArray(values)) && (callback === undefined || typeof callback === 'function')
    // 'I': idle, not in a transaction (pg records it from the server's last ReadyForQuery).
    const name = plain && this.getTransactionStatus() === 'I' ? this.names.nameFor(text) : undefined
    if (name === undefined) return pgQuery(this, ...args)
    const result = this.runNamed(name, text as string, values as unknown[] | undefined)
    if (typeof callback !== 'function') return result as never
    result.then((r) => callback(null, r), (err: unknown) => callback(err))
    return undefined as never
  }

  private async runNamed(name: string, text: string, values: unknown[] | undefined): Promise<QueryResult> {
    try {
      return await namedQuery(this, name, text, values)
    } catch (err) {
      if ((err as { code?: string }).code !== RESULT_TYPE_CHANGED || this.getTransactionStatus() !== 'I') {
        // As pg's own promise does: a stack that leads back to the statement's caller, not to the socket's read.
        if (err instanceof Error) Error.captureStackTrace(err)
        throw err
      }
      // Pipelined, other statements under this name may be on their way behind it: no deallocate
      // under their feet; the text is prepared again under a new name (the old one stays, unused).
      if ((this as unknown as { pipeline: boolean }).pipeline) return namedQuery(this, this.names.renew(text, name), text, values)
      await (pgQuery(this, `deallocate "${name}"`) as Promise<QueryResult>)
      delete (this as unknown as { connection: { parsedStatements: Record<string, string> } }).connection.parsedStatements[name]
      return namedQuery(this, name, text, values)
    }
  }
}
