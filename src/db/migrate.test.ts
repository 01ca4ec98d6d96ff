import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import { emptyPostgresDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { DataDirInUseError, openEmbedded } from './connect.ts'
import { openPostgres } from './postgres.ts'
import { MIGRATIONS_DIR, migrateToLatest } from './migrate.ts'

const migrationNames = fs
  .readdirSync(MIGRATIONS_DIR)
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''))
  .sort()

function runMigrateProcess(env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/migrate-cli.ts'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    let stdout = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.stdout.on('data', (d) => (stdout += d))
    child.on('close', (code) => resolve({ code, stderr, stdout }))
  })
}

describe('migrations', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-migrate-'))
  after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  // Real contention needs the server: this runs in the PostgreSQL tier (npm run test:db).
  if (usingPostgres()) it('are applied once when two processes start at once on PostgreSQL', async () => {
    const target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
    try {
      const [a, b] = await Promise.all([runMigrateProcess({ DATABASE_URL: target.url }), runMigrateProcess({ DATABASE_URL: target.url })])
      assert.equal(a.code, 0, a.stderr)
      assert.equal(b.code, 0, b.stderr)
      const handle = openPostgres(target.url, 1)
      try {
        const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handle.db)
        assert.deepEqual(rows.rows.map((r) => r.name), migrationNames)
      } finally {
        await handle.close()
      }
    } finally {
      await target.drop()
    }
  })

  it('on the embedded database: a second process on the same folder is refused, and each migration is applied once', async () => {
    const dir = path.join(tmp, 'race')
    const [a, b] = await Promise.all([runMigrateProcess({ PORTAL_DATA_DIR: dir }), runMigrateProcess({ PORTAL_DATA_DIR: dir })])
    const results = [a, b]
    assert.ok(results.some((r) => r.code === 0), results.map((r) => r.stderr).join('\n'))
    for (const r of results.filter((r) => r.code !== 0)) assert.match(r.stderr, /already in use/)
    const handle = await openEmbedded(dir)
    try {
      const rows = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handle.db)
      assert.deepEqual(rows.rows.map((r) => r.name), migrationNames)
    } finally {
      await handle.close()
    }
  })

  it('keep embedded data across a restart, and refuse a second opener while open', async () => {
    const dir = path.join(tmp, 'persist')
    const first = await openEmbedded(dir)
    await migrateToLatest(first.db)
    await first.db
      .insertInto('audit_event')
      .values({ occurred_at: new Date(), actor_label: 'test', action: 'test.persisted' })
      .execute()
    await assert.rejects(openEmbedded(dir), DataDirInUseError)
    await first.close()

    const second = await openEmbedded(dir)
    try {
      const again = await migrateToLatest(second.db)
      assert.deepEqual(again.results, [])
      const row = await second.db.selectFrom('audit_event').select('action').where('action', '=', 'test.persisted').executeTakeFirst()
      assert.equal(row?.action, 'test.persisted')
    } finally {
      await second.close()
    }
  })
})
