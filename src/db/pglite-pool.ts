import type * as PGliteModule from '@electric-sql/pglite'
import type { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { isPreparable, RESULT_TYPE_CHANGED, StatementNames } from './prepared-statements.ts'
import { isPlainSelect, type WriteCounter } from './read-cache.ts'

/** PGlite's wire-protocol helpers, imported with PGlite itself (never on a portal running on PostgreSQL). */
type Wire = Pick<typeof PGliteModule, 'protocol' | 'parse'>
let wire: Wire | undefined

/** pg's own conversion of a parameter to the text it sends (Dates, arrays, objects as JSON): the same values reach both engines. */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): unknown } }).utils.prepareValue

type QueryResult = { command: string; rowCount: number; rows: unknown[] }

/**
 * The plain selects PGlite's one session has prepared. As on PostgreSQL
 * (prepared-statements.ts), a statement is parsed and planned once and then only bound
 * and executed: PGlite runs PostgreSQL compiled to WebAssembly on the main thread, and
 * its own `query()` parses and describes every statement before running it (an offer by
 * id: 290 → 100 µs; the queue's page: 840 → 300 µs once PostgreSQL keeps its generic plan).
 */
class PreparedOnPGlite {
  readonly names = new StatementNames()
  readonly prepared = new Set<string>()
}

/**
 * Makes PGlite's single connection look like a `pg` pool to Kysely's own
 * PostgresDialect. `connect()` hands out the one connection only when the previous
 * holder has released it, and Kysely holds a connection for the whole of a
 * transaction, so a statement from request B can never run inside request A's
 * transaction (the bug STACK-NOTES found in kysely-pglite). Proven by
 * `pglite-pool.test.ts`.
 */
export class PGlitePool implements WriteCounter {
  #tail: Promise<void> = Promise.resolve()
  #ended = false
  #writes = 0
  #statements = 0
  readonly #prepared = new PreparedOnPGlite()

  constructor(readonly pglite: PGlite) {}

  /** Statements sent since the database was opened (tests count a page's queries with it). */
  get statements(): number {
    return this.#statements
  }

  /**
   * Statements sent that may have written (all but plain selects), and exclusive uses
   * of the connection: the embedded read cache (read-cache.ts) is valid while it stays put.
   */
  get writes(): number {
    return this.#writes
  }

  /** Waits for the connection; resolves with a client that must be released. */
  async connect(): Promise<PGliteClient> {
    if (this.#ended) throw new Error('The embedded database is closed')
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    const previous = this.#tail
    this.#tail = previous.then(() => released)
    await previous
    return new PGliteClient(
      this.pglite,
      release,
      (mayWrite) => {
        this.#statements++
        if (mayWrite) this.#writes++
      },
      this.#prepared,
    )
  }

  /** Runs `fn` with the connection to itself (bulk loads, dumps). */
  async exclusive<T>(fn: (pg: PGlite) => Promise<T>): Promise<T> {
    const client = await this.connect()
    this.#writes++
    try {
      return await fn(this.pglite)
    } finally {
      client.release()
    }
  }

  async end(): Promise<void> {
    if (this.#ended) return
    this.#ended = true
    await this.#tail
    await this.pglite.close()
  }
}

export class PGliteClient {
  #released = false
  constructor(
    private readonly pglite: PGlite,
    private readonly onRelease: () => void,
    private readonly onStatement: (mayWrite: boolean) => void = () => {},
    private readonly statements = new PreparedOnPGlite(),
  ) {}

  async query(text: string, values: unknown[] = []): Promise<QueryResult> {
    // Counted before it runs: a read that started earlier sees the count move and is not cached.
    this.onStatement(!isPlainSelect(text))
    // Outside a transaction only, so a statement a migration invalidated can be prepared again and retried.
    const name = isPreparable(text) && !this.pglite.isInTransaction() ? this.statements.names.nameFor(text) : undefined
    if (name !== undefined) return this.#runNamed(name, text, values)
    // Without parameters use the simple protocol, which accepts several statements
    // (migrations are whole SQL files); with parameters, the extended protocol.
    if (values.length === 0) {
      const results = await this.pglite.exec(text)
      const last = results[results.length - 1]
      return { command: last?.command ?? '', rowCount: last?.affectedRows ?? 0, rows: last?.rows ?? [] }
    }
    const result = await this.pglite.query(text, values)
    return { command: result.command ?? '', rowCount: result.affectedRows ?? 0, rows: result.rows }
  }

  async #runNamed(name: string, text: string, values: unknown[]): Promise<QueryResult> {
    const { protocol, parse } = wire ?? (wire = await import('@electric-sql/pglite'))
    const { serialize } = protocol
    const run = async (): Promise<QueryResult> => {
      if (!this.statements.prepared.has(name)) {
        await this.pglite.runExclusive(() => this.pglite.execProtocolStream(Buffer.concat([serialize.parse({ name, text }), serialize.sync()])))
        this.statements.prepared.add(name)
      }
      const execute = Buffer.concat([
        serialize.bind({ statement: name, values: values.map(prepareValue) as Array<string | null> }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ])
      const messages = await this.pglite.runExclusive(() => this.pglite.execProtocolStream(execute))
      const result = parse.parseResults(messages, this.pglite.parsers)[0]!
      return { command: 'SELECT', rowCount: result.affectedRows ?? 0, rows: result.rows }
    }
    try {
      return await run()
    } catch (err) {
      if ((err as { code?: string }).code !== RESULT_TYPE_CHANGED) throw err
      // Prepared before a migration changed the table's columns: prepare it afresh.
      await this.pglite.exec(`deallocate "${name}"`)
      this.statements.prepared.delete(name)
      return run()
    }
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    this.onRelease()
  }
}
