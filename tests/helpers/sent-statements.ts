import pg from 'pg'
import { PGliteClient } from '../../src/db/pglite-pool.ts'

export interface SentStatement {
  text: string
  values: unknown[]
}

/**
 * Records every statement either engine is sent (PGlite's client, pg's client — a
 * prepared statement's `{ name, text, values }` included) until `stop()`, which puts
 * both clients back. For tests and tools that count or explain what a page sends.
 */
/** The statements either engine is sent while `run` runs. */
export async function statementsSentBy(run: () => Promise<unknown>): Promise<SentStatement[]> {
  const recording = recordStatements()
  try {
    await run()
  } finally {
    recording.stop()
  }
  return recording.sent
}

export function recordStatements(): { sent: SentStatement[]; stop: () => void } {
  const sent: SentStatement[] = []
  const pgliteQuery = PGliteClient.prototype.query
  const pgQuery = pg.Client.prototype.query
  PGliteClient.prototype.query = function (text: string, values?: unknown[]) {
    sent.push({ text, values: values ?? [] })
    return pgliteQuery.call(this, text, values)
  }
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first] = args
    if (typeof first === 'string') sent.push({ text: first, values: (args[1] as unknown[] | undefined) ?? [] })
    else if (typeof first === 'object' && first !== null && 'text' in first) {
      const config = first as { text: unknown; values?: unknown[] }
      sent.push({ text: String(config.text), values: config.values ?? [] })
    }
    return (pgQuery as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof pg.Client.prototype.query
  return {
    sent,
    stop: () => {
      PGliteClient.prototype.query = pgliteQuery
      pg.Client.prototype.query = pgQuery
    },
  }
}
