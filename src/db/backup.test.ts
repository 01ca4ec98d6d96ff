import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { seedDemo } from '../features/demo/demo-seed.ts'
import { notify } from '../features/notifications/notify.ts'
import { loadNocIfEmpty } from '../features/reference/noc.service.ts'
import { snapshotTables } from '../../tests/helpers/db-snapshot.ts'
import { emptyPostgresDatabase, usingPostgres } from '../../tests/helpers/database.ts'
import { openEmbedded, type Db } from './connect.ts'
import { openPostgres } from './postgres.ts'
import { migrateToLatest } from './migrate.ts'

/**
 * `npm run backup` / `npm run restore` as real processes on a real data folder: a round
 * trip gives back every row of every table; a running portal's folder and a file that is
 * not a backup are refused without touching the database.
 */

function runCli(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/backup-cli.ts', ...args], {
      env: { ...process.env, PORTAL_DATA_DIR: dataDir, DATABASE_URL: '', NODE_ENV: 'development', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

/** A portal database with rows in many tables: demo users and business, memberships, the NOC list, an e-mail in the outbox, a session, the audit trail. */
async function fillPortalDatabase(db: Db): Promise<void> {
  const now = new Date('2026-11-23T08:00:00Z')
  await migrateToLatest(db)
  await seedDemo(db, now)
  await loadNocIfEmpty(db)
  await notify(db, { template: 'welcome', params: { name: 'Zoë « Ana » O’Brien' }, lang: 'fr', email: { to: 'zoe@example.ca' }, now })
  await db
    .insertInto('session')
    .values({ id: 'backup-test-session', data: JSON.stringify({ lang: 'fr', note: 'ünïcode ✓' }), user_id: null, created_at: now, updated_at: now, expires_at: new Date('2026-11-24T08:00:00Z') })
    .execute()
}

async function snapshotOf(dataDir: string): Promise<Map<string, string[]>> {
  const handle = await openEmbedded(dataDir)
  try {
    return await snapshotTables(handle.db)
  } finally {
    await handle.close()
  }
}

describe('backup and restore', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-backup-'))
  const original = path.join(tmp, 'original')
  const backupFile = path.join(tmp, 'portal-backup.tar.gz')
  let before_: Map<string, string[]>
  after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  before(async () => {
    const handle = await openEmbedded(original)
    try {
      await fillPortalDatabase(handle.db)
    } finally {
      await handle.close()
    }
    before_ = await snapshotOf(original)
  })

  it('npm run backup writes a file only its owner can read; a restore into an empty folder gives back every row of every table', async () => {
    const backup = await runCli(['backup', backupFile], original)
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, /Backed up the embedded database/)
    assert.equal(fs.statSync(backupFile).mode & 0o777, 0o600)
    assert.equal(fs.existsSync(`${backupFile}.partial`), false)

    const elsewhere = path.join(tmp, 'elsewhere')
    const restore = await runCli(['restore', backupFile], elsewhere)
    assert.equal(restore.code, 0, restore.stderr)
    const restored = await snapshotOf(elsewhere)
    assert.deepEqual([...restored.keys()], [...before_.keys()])
    for (const [table, rows] of before_) assert.deepEqual(restored.get(table), rows, `table ${table}`)
    // The comparison means something: most tables hold rows.
    const filled = [...before_.values()].filter((rows) => rows.length > 0).length
    assert.ok(filled >= 8, `only ${filled} tables had rows`)
    assert.ok((before_.get('noc_occupation')?.length ?? 0) > 500)
    assert.equal(before_.get('email_outbox')?.length, 1)
  })

  it('npm run restore over a database brings it back to the backup, keeping the replaced one aside', async () => {
    const handle = await openEmbedded(original)
    await handle.db.insertInto('audit_event').values({ occurred_at: new Date('2026-11-23T09:00:00Z'), actor_label: 'test', action: 'test.after_backup' }).execute()
    await handle.close()
    assert.notDeepEqual(await snapshotOf(original), before_)

    const restore = await runCli(['restore', backupFile], original)
    assert.equal(restore.code, 0, restore.stderr)
    assert.match(restore.stdout, /is kept in .*pgdata\.before-restore-/)
    assert.deepEqual(await snapshotOf(original), before_)
    const kept = fs.readdirSync(original).filter((f) => f.startsWith('pgdata.before-restore-'))
    assert.equal(kept.length, 1)
  })

  it('refuses to restore onto the data folder of a running portal, and changes nothing', async () => {
    const running = await openEmbedded(original)
    try {
      const restore = await runCli(['restore', backupFile], original)
      assert.equal(restore.code, 1)
      assert.match(restore.stderr, new RegExp(`already in use by process ${process.pid}`))
      const backup = await runCli(['backup', path.join(tmp, 'while-running.tar.gz')], original)
      assert.equal(backup.code, 1)
      assert.match(backup.stderr, /already in use/)
      assert.equal(fs.existsSync(path.join(tmp, 'while-running.tar.gz')), false)
    } finally {
      await running.close()
    }
    assert.equal(fs.readdirSync(original).filter((f) => f.startsWith('pgdata.before-restore-')).length, 1)
    assert.deepEqual(await snapshotOf(original), before_)
  })

  it('refuses a file that is not a backup, leaving the database as it was', async () => {
    const junk = path.join(tmp, 'junk.tar.gz')
    fs.writeFileSync(junk, 'this is not a tarball')
    const restore = await runCli(['restore', junk], original)
    assert.equal(restore.code, 1)
    assert.match(restore.stderr, /could not be read as a backup/)
    const missing = await runCli(['restore', path.join(tmp, 'nothing-here')], original)
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /No backup file/)
    assert.deepEqual(await snapshotOf(original), before_)
    assert.deepEqual(fs.readdirSync(original).filter((f) => f.startsWith('pgdata.')).length, 1)
  })

  it('points to pg_dump and pg_restore when DATABASE_URL is set', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/backup-cli.ts', 'backup', path.join(tmp, 'x')], {
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    assert.equal(code, 2)
    assert.match(stderr, /pg_dump --format=custom/)
  })

  // The commands docs/operations.md gives for PostgreSQL, run as written (the PostgreSQL tier).
  if (usingPostgres()) {
    it('on PostgreSQL, pg_dump and pg_restore as documented give back every row of every table, also over a changed database', async () => {
      const server = process.env.TEST_DATABASE_URL!
      const [source, target] = [await emptyPostgresDatabase(server), await emptyPostgresDatabase(server)]
      const dumpFile = path.join(tmp, 'portal.dump')
      const snapshotAt = async (url: string) => {
        const h = openPostgres(url, 1)
        try {
          return await snapshotTables(h.db)
        } finally {
          await h.close()
        }
      }
      try {
        const h = openPostgres(source.url, 2)
        try {
          await fillPortalDatabase(h.db)
        } finally {
          await h.close()
        }
        const expected = await snapshotAt(source.url)
        const dump = await run('pg_dump', ['--format=custom', `--file=${dumpFile}`, source.url])
        assert.equal(dump.code, 0, dump.stderr)
        const restoreArgs = ['--clean', '--if-exists', '--no-owner', '--single-transaction', `--dbname=${target.url}`, dumpFile]
        const restore = await run('pg_restore', restoreArgs)
        assert.equal(restore.code, 0, restore.stderr)
        assert.deepEqual(await snapshotAt(target.url), expected)

        const t = openPostgres(target.url, 1)
        await t.db.insertInto('audit_event').values({ occurred_at: new Date('2026-11-23T09:00:00Z'), actor_label: 'test', action: 'test.after_backup' }).execute()
        await t.close()
        const again = await run('pg_restore', restoreArgs)
        assert.equal(again.code, 0, again.stderr)
        assert.deepEqual(await snapshotAt(target.url), expected)
      } finally {
        await source.drop()
        await target.drop()
      }
    })
  }
})

function run(command: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', (err) => resolve({ code: -1, stderr: `${command}: ${err.message} (install PostgreSQL's client tools)` }))
    child.on('close', (code) => resolve({ code, stderr }))
  })
}
