import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase } from '../helpers/database.ts'

/**
 * The offer's indexes are cleaned at every VACUUM (migration 2026-11-27T1000): without it,
 * PostgreSQL skips the index pass when dead rows sit on under 2 % of the pages, which is where
 * a busy business's saved drafts leave them, at the head of its queue (measured on 1,000,000
 * offers in docs/performance.md, session 29: that effect needs a table too large for a unit
 * test). What this checks is the setting both engines' VACUUMs read, and that a VACUUM as the
 * embedded maintenance runs it (no INDEX_CLEANUP option) accepts it.
 */
test('the offer table asks every VACUUM to clean its indexes, and a VACUUM as the embedded maintenance runs it accepts that', async (t) => {
  const database = await freshDatabase()
  t.after(() => database.close())
  const { rows } = await sql<{ reloptions: string[] | null }>`select reloptions from pg_class where oid = 'offer'::regclass`.execute(database.db)
  assert.deepEqual(rows[0]?.reloptions, ['vacuum_index_cleanup=on'])
  await sql`vacuum (analyze) offer`.execute(database.db)
})
