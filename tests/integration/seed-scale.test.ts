import assert from 'node:assert/strict'
import { sql } from 'kysely'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { usingPostgres } from '../helpers/database.ts'
import { verify } from '@node-rs/argon2'
import { openEmbedded } from '../../src/db/connect.ts'
import { renderMessage } from '../../src/features/notifications/render.ts'
import type { MessageParams } from '../../src/i18n/i18n.ts'

// Runs on the embedded database whatever the tier: once, in the first tier (not again in CI's PostgreSQL tier).
if (!usingPostgres()) test('seed:scale inserts the employers, businesses, offers, payments and messages it reports, in batches', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'seed-scale-'))
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/seed-scale.ts', '--employers', '23', '--audit-per-employer', '3', '--batch', '7', '--offers', '500', '--busiest', '300', '--messages-per-employer', '2', '--prefix', 'T1', '--password', 'pw-for-the-test-1'],
    { env: { ...process.env, DATABASE_URL: '', PORTAL_DATA_DIR: dataDir }, encoding: 'utf8', timeout: 120_000 },
  )
  assert.equal(run.status, 0, run.stderr)
  assert.match(run.stdout, /23 employer users \(app_user\)/)
  assert.match(run.stdout, /69 audit events \(audit_event\)/)
  assert.match(run.stdout, /23 businesses/)
  assert.match(run.stdout, /500 offers \(300 for the first business\)/)
  assert.match(run.stdout, /46 account messages/)
  assert.match(run.stderr, /employer users +\[#{30}\] 100%/)

  const handle = await openEmbedded(dataDir)
  try {
    const users = await handle.db.selectFrom('app_user').select(['username', 'password_hash', 'role']).orderBy('username').execute()
    assert.equal(users.length, 23)
    assert.ok(users.every((u) => u.role === 'employer' && u.username.startsWith('t1-employer-')))
    // One hash, computed once, shared by all; and it is a real argon2id hash of the password.
    assert.equal(new Set(users.map((u) => u.password_hash)).size, 1)
    assert.ok(await verify(users[0]!.password_hash!, 'pw-for-the-test-1'))
    const audits = await handle.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    assert.equal(Number(audits.n), 69)
    // The busiest business has its 300 offers; every submitted offer has its one payment; numbers are unique.
    const perBusiness = await handle.db.selectFrom('offer').select(['business_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('business_id').orderBy('n', 'desc').execute()
    assert.equal(Number(perBusiness[0]!.n), 300)
    assert.equal(perBusiness.reduce((sum, b) => sum + Number(b.n), 0), 500)
    const numbered = await handle.db.selectFrom('offer').select('offer_number').where('offer_number', 'is not', null).execute()
    assert.equal(new Set(numbered.map((o) => o.offer_number)).size, numbered.length)
    const payments = await handle.db.selectFrom('payment').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    assert.equal(Number(payments.n), numbered.length)
    // The submitted offers' tally, counted after the load with its trigger off, is whole, and the trigger back on.
    const tallied = await sql<{ n: string }>`select coalesce(sum(offers), 0) as n from offer_submission_tally`.execute(handle.db)
    const submitted = await handle.db.selectFrom('offer').select((eb) => eb.fn.countAll<number>().as('n')).where('submitted_at', 'is not', null).executeTakeFirstOrThrow()
    assert.ok(Number(submitted.n) > 0 && Number(tallied.rows[0]!.n) === Number(submitted.n), `${tallied.rows[0]!.n} tallied, ${submitted.n} submitted`)
    const triggers = await sql<{ tgenabled: string }>`select tgenabled from pg_trigger where tgname = 'offer_submission_tally_insert'`.execute(handle.db)
    assert.deepEqual(triggers.rows, [{ tgenabled: 'O' }])
    // Every message says what the portal would have written: its template rendered with its own values.
    const messages = await handle.db.selectFrom('account_message').select(['template', 'params', 'subject', 'body']).execute()
    assert.deepEqual(new Set(messages.map((m) => m.template)), new Set(['welcome', 'offerSubmitted', 'paymentReceipt']))
    for (const m of messages) assert.deepEqual({ subject: m.subject, body: m.body }, renderMessage(m.template, 'en', m.params as MessageParams))
    const members = await handle.db.selectFrom('business_membership').select('role').execute()
    assert.ok(members.length === 23 && members.every((m) => m.role === 'primary'))
  } finally {
    await handle.close()
    fs.rmSync(dataDir, { recursive: true, force: true })
  }
})
