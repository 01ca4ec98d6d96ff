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
 * PostgresDialect. The session takes statements in turns: `connect()` waits for the
 * turn, and Kysely holds its connection for the whole of a transaction, so a statement
 * from request B can never run inside request A's transaction (the bug STACK-NOTES found
 * in kysely-pglite). Outside a transaction a client gives its turn up as soon as its
 * statement is sent, not when the answer is back: the session answers in the order it
 * was sent to, so the next request's statement waits in PGlite's queue, not behind this
 * thread's work (with PGlite in a thread of its own, both threads keep busy). Proven by
 * `pglite-pool.test.ts`.
 */
export class PGlitePool implements WriteCounter {
  #tail: Promise<void> = Promise.resolve()
  #ended = false
  #writes = 0
  #counts: (text: string) => boolean = () => true
  #statements = 0
  readonly #prepared = new PreparedOnPGlite()
  /** The last statement sent: PGlite answers in order, so once it is answered all are (a closing pool waits for it). */
  #lastSent: Promise<unknown> = Promise.resolve()

  constructor(readonly engine: EmbeddedEngine) {}

  /** Statements sent since the database was opened (tests count a page's queries with it). */
  get statements(): number {
    return this.#statements
  }

  /**
   * Statements sent that may have written (all but plain selects; only those `countOnly`
   * says), and exclusive uses of the connection: the embedded read cache (read-cache.ts)
   * is valid while it stays put.
   */
  get writes(): number {
    return this.#writes
  }

  countOnly(counts: (text: string) => boolean): void {
    this.#counts = counts
  }

  /** Waits for the session's turn; resolves with the function that gives it up. */
  readonly #takeTurn = async (): Promise<() => void> => {
    if (this.#ended) throw new Error('The embedded database is closed')
    let giveUp!: () => void
    const givenUp = new Promise<void>((resolve) => (giveUp = resolve))
    const previous = this.#tail
    this.#tail = previous.then(() => givenUp)
    await previous
    return giveUp
  }

  /** Waits for the turn; resolves with a client that must be released. */
  async connect(): Promise<PGliteClient> {
    const giveUp = await this.#takeTurn()
    return new PGliteClient(this.engine, giveUp, this.#takeTurn, {
      sent: (text, mayWrite, answer) => {
        this.#statements++
        if (mayWrite && this.#counts(text)) this.#writes++
        this.#lastSent = answer
      },
      prepared: this.#prepared,
    })
  }

  /** Runs `fn` with the connection to itself (bulk loads, dumps). */
  async exclusive<T>(fn: (engine: EmbeddedEngine) => Promise<T>): Promise<T> {
    const giveUp = await this.#takeTurn()
    this.#writes++
    try {
      return await fn(this.engine)
    } finally {
      giveUp()
    }
  }

  async end(): Promise<void> {
    if (this.#ended) return
    this.#ended = true
    await this.#tail
    await this.#lastSent.catch(() => undefined)
    await this.engine.close()
  }
}

interface ClientContext {
  /** Called as a statement is sent (counted before it runs: a read that started earlier sees the count move and is not cached). */
  sent(text: string, mayWrite: boolean, answer: Promise<unknown>): void
  prepared: PreparedOnPGlite
}

export class PGliteClient {
  #released = false
  /** Inside a transaction it began (with the simple protocol, as Kysely begins one): the turn is kept until release. */
  #inTransaction: boolean

  constructor(
    private readonly engine: EmbeddedEngine,
    /** Gives the turn up; undefined while this client does not hold it. */
    private giveUp: (() => void) | undefined,
    private readonly takeTurn: () => Promise<() => void>,
    private readonly context: ClientContext,
  ) {
    // Whoever had the turn before has its answers back from any simple-protocol statement, so this is current.
    this.#inTransaction = engine.isInTransaction()
  }

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
    // A client that gave its turn up after an earlier statement waits for it again: a transaction may have begun meanwhile.
    this.giveUp ??= await this.takeTurn()
    const mayWrite = !isPlainSelect(text)
    // Prepared outside a transaction only, so a statement a migration invalidated can be prepared again and retried.
    const name = !this.#inTransaction ? this.context.prepared.names.nameFor(text) : undefined
    if (name === undefined && values.length === 0) return this.#simple(text, mayWrite)
    const answer = name !== undefined ? this.#sendNamed(name, text, values, mayWrite) : this.#send(Buffer.concat([serialize.parse({ text }), ...this.#execute('', values)]), true)
    this.context.sent(text, mayWrite, answer)
    if (!this.#inTransaction) this.#passTurn()
    try {
      return await answer
    } catch (err) {
      if (name === undefined || (err as { code?: string }).code !== RESULT_TYPE_CHANGED) {
        // A stack that leads back to the statement's caller, as on PostgreSQL (postgres.ts), not to the answer's parsing.
        if (err instanceof Error) Error.captureStackTrace(err)
        throw err
      }
      // Prepared before a migration changed the table's columns: prepared afresh, in a turn of its own.
      this.context.prepared.prepared.delete(name)
      await this.query(`deallocate "${name}"`)
      return this.query(text, values)
    }
  }

  /** Without parameters, the simple protocol, which accepts several statements (migrations are whole SQL files); the turn is kept until it is answered. */
  async #simple(text: string, mayWrite: boolean): Promise<QueryResult> {
    const answer = this.engine.exec(text)
    this.context.sent(text, mayWrite, answer)
    try {
      const results = await answer
      const last = results[results.length - 1]
      return { command: last?.command ?? '', rowCount: last?.affectedRows ?? 0, rows: last?.rows ?? [] }
    } finally {
      this.#inTransaction = this.engine.isInTransaction()
      if (!this.#inTransaction) this.#passTurn()
    }
  }

  /** Parses the statement under its name the first time (both exchanges sent at once), then binds and executes it. */
  #sendNamed(name: string, text: string, values: unknown[], mayWrite: boolean): Promise<QueryResult> {
    const prepared = this.context.prepared.prepared
    if (prepared.has(name)) return this.#send(Buffer.concat(this.#execute(name, values)), mayWrite)
    prepared.add(name)
    const parsed = this.#send(Buffer.concat([serialize.parse({ name, text }), serialize.sync()]), false)
    const executed = this.#send(Buffer.concat(this.#execute(name, values)), mayWrite)
    return parsed.then(
      () => executed,
      (err: unknown) => {
        prepared.delete(name)
        // It failed too (no such statement): the parse's error is the one that says why.
        executed.catch(() => undefined)
        throw err
      },
    )
  }

  /** Bind, describe, execute and sync for a statement parsed as `statement` ('' : the unnamed one). */
  #execute(statement: string, values: unknown[]): Buffer[] {
    return [serialize.bind({ statement, values: values.map(prepareValue) as Array<string | null> }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]
  }

  /** Sends `messages` (ending with a sync) at once; the answer, or PostgreSQL's error once the session is ready again. */
  async #send(messages: Buffer, mayWrite: boolean): Promise<QueryResult> {
    const parser = new Parser()
    const answer = new Answer()
    // Only a write has anything to save (and PGlite's file systems in Node write through anyway).
    await this.engine.exchange(messages, mayWrite, (chunk) => parser.parse(chunk, answer.take))
    if (answer.error) throw answer.error
    return answer.result
  }

  #passTurn(): void {
    const giveUp = this.giveUp
    this.giveUp = undefined
    giveUp?.()
  }

  release(): void {
    if (this.#released) return
    this.#released = true
    this.#passTurn()
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
