import { sql } from 'kysely'
import type { Db } from '../../src/db/connect.ts'

/**
 * Every row of every table of the public schema, as JSON text, sorted per table: two
 * databases hold the same data when their snapshots are equal (backup round trips,
 * crash tests). Pass `only` to take some tables.
 */
export async function snapshotTables(db: Db, only?: readonly string[]): Promise<Map<string, string[]>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`.execute(db)
  const out = new Map<string, string[]>()
  for (const { table_name } of tables.rows) {
    if (only && !only.includes(table_name)) continue
    const rows = await sql<{ r: string }>`select to_jsonb(t)::text as r from ${sql.table(table_name)} t`.execute(db)
    out.set(table_name, rows.rows.map((x) => x.r).sort())
  }
  return out
}
