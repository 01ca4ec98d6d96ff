import { sql } from 'kysely'
import { startPeriodic, type PassLog } from '../platform/periodic.ts'
import type { DatabaseHandle, Db } from './connect.ts'

/**
 * autovacuum's work, done by the portal for the embedded database. PGlite runs PostgreSQL as
 * a standalone backend: no autovacuum launcher and no statistics collector. Left alone, its
 * tables would keep every dead row version (a session written at each sign-in, a section at
 * each save, a message's tally at each message) and the planner would never learn their sizes
 * and value distributions. VACUUM (ANALYZE), one table at a time so that requests interleave:
 * each statement holds the one connection only while it runs (docs/operations.md).
 */
export async function maintainEmbedded(db: Db): Promise<{ tables: number; ms: number }> {
  const started = performance.now()
  const tables = await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = 'public' order by tablename`.execute(db)
  for (const { name } of tables.rows) await sql`vacuum (analyze) ${sql.table(name)}`.execute(db)
  return { tables: tables.rows.length, ms: Math.round(performance.now() - started) }
}

/**
 * Runs `maintainEmbedded` every `intervalMs` (hourly) on the embedded database, never two passes
 * at once; nothing on PostgreSQL, whose own autovacuum does this.
 */
export function startEmbeddedMaintenance(database: Pick<DatabaseHandle, 'db' | 'kind'>, options: { intervalMs?: number; log?: PassLog } = {}): { stop(): Promise<void> } {
  if (database.kind !== 'embedded') return { stop: async () => {} }
  return startPeriodic(
    async () => {
      options.log?.info(await maintainEmbedded(database.db), 'embedded database maintained (vacuum, analyze)')
    },
    { intervalMs: options.intervalMs ?? 60 * 60_000, onError: (err) => options.log?.error({ err }, 'embedded database maintenance failed') },
  )
}
