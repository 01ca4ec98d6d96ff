import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { createUser } from '../../tests/helpers/users.ts'
import { maintainEmbedded } from './embedded-maintenance.ts'

// PostgreSQL vacuums and analyzes by itself (autovacuum); PGlite, a standalone backend, does not.
if (!usingPostgres()) {
  describe('embedded database maintenance', () => {
    it('vacuums and analyzes every table: dead rows reclaimed, the planner told what is there', async () => {
      const database = await freshDatabase()
      try {
        const ana = await createUser(database.db, { username: 'ana' })
        await sql`
          insert into account_message (user_id, template, params, lang, subject, body, created_at)
          select ${ana.id}::uuid, 'welcome', '{}', 'en', 'Hello', 'Hello ' || g, now() from generate_series(1, 2000) g`.execute(database.db)
        await sql`delete from account_message where body like '%5'`.execute(database.db)
        const state = async () =>
          (
            await sql<{ all_visible: number; columns_known: number }>`
              select (select relallvisible from pg_class where relname = 'account_message')::int as all_visible,
                     (select count(*) from pg_stats where tablename = 'account_message')::int as columns_known`.execute(database.db)
          ).rows[0]!
        assert.deepEqual(await state(), { all_visible: 0, columns_known: 0 }, 'as PGlite leaves it: never vacuumed, never analyzed')
        const done = await maintainEmbedded(database.db)
        const after = await state()
        assert.ok(after.all_visible > 0, 'vacuumed: its pages are marked all-visible')
        assert.ok(after.columns_known > 0, 'analyzed: the planner has its columns’ statistics')
        const tables = await sql<{ n: number }>`select count(*)::int as n from pg_tables where schemaname = 'public'`.execute(database.db)
        assert.equal(done.tables, tables.rows[0]!.n)
      } finally {
        await database.close()
      }
    })
  })
}
