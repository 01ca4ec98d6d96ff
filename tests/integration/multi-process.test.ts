import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { DatabaseHandle } from '../../src/db/connect.ts'
import { openPostgres } from '../../src/db/postgres.ts'
import { MIGRATIONS_DIR } from '../../src/db/migrate.ts'
import { newTotpSecret, totpCode } from '../../src/features/auth/totp.ts'
import { HttpClient, startPortalProcess, type PortalProcess } from '../helpers/crash.ts'
import { emptyPostgresDatabase, usingPostgres } from '../helpers/database.ts'
import { createUser, TEST_PASSWORD } from '../helpers/users.ts'

/**
 * Two real portal processes. On PostgreSQL (the db tier) they share one database:
 * started together on an empty one, each migration runs once; a session made through one
 * works on the other and ends on both; the sign-in lockout, the reset e-mail limit and
 * one-use TOTP codes count across both. On the embedded database a second process on the
 * same data folder is refused.
 */

const text = (el: { textContent: string } | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim()

describe('two portal processes', () => {
  it('on the embedded database: the second on the same data folder is refused, naming the first', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-two-'))
    const first = await startPortalProcess({ PORTAL_DATA_DIR: dir })
    try {
      await assert.rejects(startPortalProcess({ PORTAL_DATA_DIR: dir }), (err: Error) => new RegExp(`already in use by process ${first.pid}`).test(err.message))
      assert.equal((await fetch(`${first.baseUrl}/health/ready`)).status, 200, 'the first keeps serving')
    } finally {
      await first.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  if (!usingPostgres()) return

  describe('on one PostgreSQL database', () => {
    let target: { url: string; drop: () => Promise<void> }
    let a: PortalProcess
    let b: PortalProcess
    let handle: DatabaseHandle
    before(async () => {
      target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
      // Both start at once on an empty database: both migrate, both load the NOC list if empty.
      ;[a, b] = await Promise.all([startPortalProcess({ DATABASE_URL: target.url }), startPortalProcess({ DATABASE_URL: target.url })])
      handle = openPostgres(target.url, 2)
    })
    after(async () => {
      await a?.stop()
      await b?.stop()
      await handle?.close()
      await target?.drop()
    })

    it('started together on an empty database: each migration applied once, reference data loaded once', async () => {
      const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, '')).sort()
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handle.db)
      assert.deepEqual(applied.rows.map((r) => r.name), files)
      const dupes = await sql<{ n: number }>`select count(*)::int as n from (select code from noc_occupation group by code having count(*) > 1) d`.execute(handle.db)
      assert.equal(dupes.rows[0]!.n, 0)
      const loaded = await sql<{ n: number }>`select count(*)::int as n from noc_occupation`.execute(handle.db)
      assert.ok(loaded.rows[0]!.n > 500)
    })

    it('a session made through one process works on the other, and signing out on one ends it on both', async () => {
      await createUser(handle.db, { username: 'two.process', givenName: 'Deux', familyName: 'Processus' })
      const browser = new HttpClient(a.baseUrl)
      assert.equal((await browser.signIn('two.process', TEST_PASSWORD)).location, '/en/home')
      browser.baseUrl = b.baseUrl
      const home = await browser.get('/en/home')
      assert.equal(home.status, 200)
      assert.match(text(home.dom.querySelector('main')), /Deux Processus/)
      assert.equal((await browser.post('/en/sign-out')).status, 303)
      browser.baseUrl = a.baseUrl
      const after = await browser.get('/en/home')
      assert.equal(after.status, 303)
      assert.match(after.location ?? '', /\/en\/sign-in/)
    })

    it('ten wrong passwords, five through each process, lock the account on both', async () => {
      await createUser(handle.db, { username: 'two.locked' })
      const results: number[] = []
      for (let i = 0; i < 10; i++) {
        const client = new HttpClient(i % 2 ? b.baseUrl : a.baseUrl)
        results.push((await client.signIn('two.locked', `wrong password number ${i}`)).status)
      }
      assert.deepEqual(results, [...Array(9).fill(400), 429])
      for (const proc of [a, b]) {
        const right = await new HttpClient(proc.baseUrl).signIn('two.locked', TEST_PASSWORD)
        assert.equal(right.status, 429, proc.baseUrl)
        assert.match(text(right.dom.querySelector('.error-summary')), /sign-in is paused/)
      }
    })

    it('the reset e-mail limit (five an hour) counts requests made through both', async () => {
      const user = await createUser(handle.db, { username: 'two.reset', email: 'two.reset@example.ca' })
      for (let i = 0; i < 8; i++) {
        const client = new HttpClient(i % 2 ? b.baseUrl : a.baseUrl)
        await client.get('/en/forgot-password')
        assert.equal((await client.post('/en/forgot-password', { username: 'two.reset' })).status, 303)
      }
      const mails = await handle.db.selectFrom('email_outbox').select('id').where('to_address', '=', 'two.reset@example.ca').execute()
      assert.equal(mails.length, 5)
      const tokens = await handle.db.selectFrom('user_token').select('id').where('user_id', '=', user.id).where('purpose', '=', 'reset_password').execute()
      assert.equal(tokens.length, 5)
    })

    it('a TOTP code used through one process is refused on the other', async () => {
      const secret = newTotpSecret()
      await createUser(handle.db, { username: 'two.officer', role: 'officer', totpSecret: secret })
      const code = totpCode(secret, new Date())
      const first = new HttpClient(a.baseUrl)
      assert.equal((await first.signIn('two.officer', TEST_PASSWORD, 'en', true)).location, '/en/sign-in/code')
      await first.get('/en/sign-in/code')
      assert.equal((await first.post('/en/sign-in/code', { code })).location, '/en/console')
      const second = new HttpClient(b.baseUrl)
      await second.signIn('two.officer', TEST_PASSWORD, 'en', true)
      await second.get('/en/sign-in/code')
      assert.equal((await second.post('/en/sign-in/code', { code })).status, 400)
      // Sealed by the first process with the shared key; the second reads it too.
      const row = await handle.db.selectFrom('app_user').select('totp_secret').where('username', '=', 'two.officer').executeTakeFirstOrThrow()
      assert.match(row.totp_secret ?? '', /^v1\./)
    })
  })
})
