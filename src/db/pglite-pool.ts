import type { PGlite } from '@electric-sql/pglite'
import { isPlainSelect, type WriteCounter } from './read-cache.ts'

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
    return new PGliteClient(this.pglite, release, (mayWrite) => {
      this.#statements++
      if (mayWrite) this.#writes++
    })
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
  ) {}

  async query(text: string, values: unknown[] = []): Promise<{ command: string; rowCount: number; rows: unknown[] }> {
    // Counted before it runs: a read that started earlier sees the count move and is not cached.
    this.onStatement(!isPlainSelect(text))
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

  release(): void {
    if (this.#released) return
    this.#released = true
    this.onRelease()
  }
}
