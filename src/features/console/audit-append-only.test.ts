import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../../db/connect.ts'
import { audit } from '../../platform/audit.ts'
import { freshDatabase, usingPostgres } from '../../../tests/helpers/database.ts'

/**
 * The audit trail is append-only in the database itself (foundation migration's trigger):
 * this file runs on PGlite (`unit`) and on the PostgreSQL server (`npm run test:db`).
 */
describe(`the audit table refuses changes (${usingPostgres() ? 'PostgreSQL' : 'PGlite'})`, () => {
  let database: DatabaseHandle
  before(async () => {
    database = await freshDatabase()
    await audit(database.db, { userId: null, label: 'system' }, new Date('2026-11-23T08:00:00Z'), { action: 'test.appended', details: { n: 1 } })
  })
  after(() => database.close())

  const refused = async (statement: Promise<unknown>, op: string) => {
    await assert.rejects(statement, (err: { code?: string; message?: string }) => {
      assert.equal(err.code, '42501')
      assert.match(String(err.message), new RegExp(`append-only: ${op} refused`))
      return true
    })
  }

  it('refuses an UPDATE', async () => {
    await refused(database.db.updateTable('audit_event').set({ action: 'test.rewritten' }).where('action', '=', 'test.appended').execute(), 'UPDATE')
    const row = await database.db.selectFrom('audit_event').select('action').where('action', 'like', 'test.%').executeTakeFirstOrThrow()
    assert.equal(row.action, 'test.appended')
  })

  it('refuses a DELETE and a TRUNCATE', async () => {
    await refused(database.db.deleteFrom('audit_event').execute(), 'DELETE')
    await refused(sql`truncate audit_event`.execute(database.db), 'TRUNCATE')
    const { count } = await database.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()
    assert.ok(Number(count) >= 1)
  })

  it('still appends', async () => {
    await audit(database.db, { userId: null, label: 'system' }, new Date('2026-11-23T08:01:00Z'), { action: 'test.appended.again' })
    const rows = await database.db.selectFrom('audit_event').select('action').where('action', 'like', 'test.%').orderBy('id').execute()
    assert.deepEqual(rows.map((r) => r.action), ['test.appended', 'test.appended.again'])
  })
})
