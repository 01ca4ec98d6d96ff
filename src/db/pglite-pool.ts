import type { BackendMessage, CommandCompleteMessage, DataRowMessage, DatabaseError, RowDescriptionMessage } from 'pg-protocol/dist/messages.js'
import { Parser } from 'pg-protocol/dist/parser.js'
import { serialize } from 'pg-protocol'
import type { EmbeddedEngine } from './embedded-engine.ts'
import { prepareValue, RESULT_TYPE_CHANGED, StatementNames } from './prepared-statements.ts'
import { isPlainSelect, type WriteCounter } from './read-cache.ts'
import { typeParser } from './type-parsers.ts'

type QueryResult = { command: string; rowCount: number; rows: unknown[] }

/**
 * The data statements PGlite's one session has prepared. As on PostgreSQL
 * (prepared-statements.ts), a statement is parsed and planned once and then only bound
 * and executed.
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

  constructor(readonly engine: EmbeddedEngine) {}

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
      this.engine,
      release,
      (mayWrite) => {
        this.#statements++
        if (mayWrite) this.#writes++
      },
      this.#prepared,
    )
  }

  /** Runs `fn` with the connection to itself (bulk loads, dumps). */
  async exclusive<T>(fn: (engine: EmbeddedEngine) => Promise<T>): Promise<T> {
    const client = await this.connect()
    this.#writes++
    try {
      return await fn(this.engine)
    } finally {
      client.release()
    }
  }

  async end(): Promise<void> {
    if (this.#ended) return
    this.#ended = true
    await this.#tail
    await this.engine.close()
  }
}

export class PGliteClient {
  #released = false
  constructor(
    private readonly engine: EmbeddedEngine,
    private readonly onRelease: () => void,
    private readonly onStatement: (mayWrite: boolean) => void,
    private readonly statements: PreparedOnPGlite,
  ) {}

  /**
   * A statement with parameters, or one plain select, goes to PGlite's session as wire
   * protocol messages, all in one exchange, and its answer is read by pg's own protocol
   * parser: PGlite's `query()` makes two exchanges (it describes every statement to learn
   * its parameters' types) and its parser copies every field out of WebAssembly memory
   * (an offer by id, prepared: 320 → 80 µs; the queue's page: 840 → 105 µs with its plan
   * kept, ~300 µs when PostgreSQL plans it afresh; docs/performance.md). Parameters are converted as pg converts them for PostgreSQL,
   * and errors are pg's DatabaseError: both engines see the same values and errors.
   */
  async query(text: string, values: unknown[] = []): Promise<QueryResult> {
    // Counted before it runs: a read that started earlier sees the count move and is not cached.
    const mayWrite = !isPlainSelect(text)
    this.onStatement(mayWrite)
    // Prepared outside a transaction only, so a statement a migration invalidated can be prepared again and retried.
    const name = !this.engine.isInTransaction() ? this.statements.names.nameFor(text) : undefined
    if (name !== undefined) return this.#runNamed(name, text, values, mayWrite)
    if (values.length > 0) return this.#exchange(Buffer.concat([serialize.parse({ text }), ...this.#execute('', values)]), true)
    // Without parameters, the simple protocol, which accepts several statements (migrations are whole SQL files).
    const results = await this.engine.exec(text)
    const last = results[results.length - 1]
    return { command: last?.command ?? '', rowCount: last?.affectedRows ?? 0, rows: last?.rows ?? [] }
  }

  async #runNamed(name: string, text: string, values: unknown[], mayWrite: boolean): Promise<QueryResult> {
    const run = async (): Promise<QueryResult> => {
      if (!this.statements.prepared.has(name)) {
        await this.#exchange(Buffer.concat([serialize.parse({ name, text }), serialize.sync()]), false)
        this.statements.prepared.add(name)
      }
      return this.#exchange(Buffer.concat(this.#execute(name, values)), mayWrite)
    }
    try {
      return await run()
    } catch (err) {
      if ((err as { code?: string }).code !== RESULT_TYPE_CHANGED) throw err
      // Prepared before a migration changed the table's columns: prepare it afresh.
      await this.engine.exec(`deallocate "${name}"`)
      this.statements.prepared.delete(name)
      return run()
    }
  }

  /** Bind, describe, execute and sync for a statement parsed as `statement` ('' : the unnamed one). */
  #execute(statement: string, values: unknown[]): Buffer[] {
    return [serialize.bind({ statement, values: values.map(prepareValue) as Array<string | null> }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]
  }

  /** Sends `messages` (ending with a sync), reads the answer; throws PostgreSQL's error, if any, once the session is ready again. */
  async #exchange(messages: Buffer, mayWrite: boolean): Promise<QueryResult> {
    const parser = new Parser()
    const answer = new Answer()
    // Only a write has anything to save (and PGlite's file systems in Node write through anyway).
    await this.engine.exchange(messages, mayWrite, (chunk) => parser.parse(chunk, answer.take))
    if (answer.error) throw answer.error
    return answer.result
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    this.onRelease()
  }
}

/** Rows, command and error of one statement's answer, built as its messages arrive. */
class Answer {
  error: DatabaseError | undefined
  readonly result: QueryResult = { command: '', rowCount: 0, rows: [] }
  #columns: Array<{ name: string; parse: (value: string) => unknown }> = []

  readonly take = (message: BackendMessage): void => {
    switch (message.name) {
      case 'rowDescription':
        this.#columns = (message as RowDescriptionMessage).fields.map((f) => ({ name: f.name, parse: typeParser(f.dataTypeID, 'text') }))
        break
      case 'dataRow': {
        const fields = (message as DataRowMessage).fields
        const row: Record<string, unknown> = {}
        for (let i = 0; i < this.#columns.length; i++) {
          const column = this.#columns[i]!
          const value = fields[i]
          row[column.name] = value === null || value === undefined ? null : column.parse(value)
        }
        this.result.rows.push(row)
        break
      }
      case 'commandComplete': {
        // "SELECT 25", "INSERT 0 1", "UPDATE 3": the command, then the rows it touched.
        const words = (message as CommandCompleteMessage).text.split(' ')
        this.result.command = words[0]!
        this.result.rowCount = Number(words[words.length - 1]) || 0
        break
      }
      case 'error':
        this.error ??= message as DatabaseError
        break
    }
  }
}
