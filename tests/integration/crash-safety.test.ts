import assert from 'node:assert/strict'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import { openEmbedded, type DatabaseHandle } from '../../src/db/connect.ts'
import { openPostgres } from '../../src/db/postgres.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../src/features/demo/demo-seed.ts'
import { notify } from '../../src/features/notifications/notify.ts'
import { crashDuring, HttpClient, startPortalProcess, type PortalProcess } from '../helpers/crash.ts'
import { emptyPostgresDatabase, usingPostgres } from '../helpers/database.ts'
import { snapshotTables } from '../helpers/db-snapshot.ts'

/**
 * kill -9 of a real portal process while it saves offer draft sections and writes e-mails
 * to the outbox (password reset: token, throttle count and e-mail in one transaction),
 * then a restart on the same data: every save acknowledged before the crash is there,
 * no section is half-written (all its fields from one save), the outbox is intact (no
 * e-mail without its token or the reverse, earlier e-mails untouched), and the restarted
 * portal still honours the sessions of before. On the embedded database (a data folder,
 * its lock left behind by the dead process) and, in the PostgreSQL tier, on PostgreSQL.
 */

const SECTION = 'job'
const DRAFTS = 3
const NOW = new Date('2026-11-23T08:00:00Z')

async function prepare(handle: DatabaseHandle): Promise<void> {
  await migrateToLatest(handle.db)
  await seedDemo(handle.db, NOW)
  for (const [i, to] of ['first@example.ca', 'second@example.ca', 'third@example.ca'].entries()) {
    await notify(handle.db, { template: 'welcome', params: { name: `Before crash ${i}` }, lang: i % 2 ? 'fr' : 'en', email: { to }, now: NOW })
  }
}

interface Draft {
  id: string
  version: number
  fields: string[]
}

const valueOf = (draft: number, iteration: number, field: string) => `d${draft}-i${iteration}-${field}`

async function crashScenario(opts: { env: Record<string, string>; open: () => Promise<DatabaseHandle> }): Promise<string[]> {
  const notes: string[] = []
  let handle = await opts.open()
  let outboxBefore: string[]
  try {
    await prepare(handle)
    outboxBefore = (await snapshotTables(handle.db, ['email_outbox'])).get('email_outbox')!
  } finally {
    await handle.close()
  }

  const portal: PortalProcess = await startPortalProcess(opts.env)
  let restarted: PortalProcess | undefined
  try {
    const employer = new HttpClient(portal.baseUrl)
    assert.equal((await employer.signIn('demo.primary', DEMO_PASSWORD)).location, '/en/home', portal.output())
    const drafts: Draft[] = []
    for (let d = 0; d < DRAFTS; d++) {
      await employer.get('/en/offers/new')
      const created = await employer.post('/en/offers/new')
      assert.equal(created.status, 303, created.body)
      const id = /\/offers\/([0-9a-f-]{36})\//.exec(created.location ?? '')![1]!
      const page = await employer.get(`/en/offers/${id}/${SECTION}`)
      assert.equal(page.status, 200)
      const form = page.dom.querySelector(`form[action="/en/offers/${id}/${SECTION}"]`)!
      const fields = form
        .querySelectorAll('input, textarea')
        .filter((el) => el.tagName === 'TEXTAREA' || ['text', 'email', 'tel', 'date', 'number', null].includes(el.getAttribute('type') ?? null))
        .map((el) => el.getAttribute('name')!)
        .filter((n) => n && n !== '_csrf' && n !== 'version')
      assert.ok(fields.length >= 2, `text fields of the ${SECTION} section: ${fields.join(', ')}`)
      drafts.push({ id, version: Number(form.querySelector('input[name="version"]')!.getAttribute('value')), fields })
    }

    // Reset e-mails for the demo accounts, from another browser, alongside the saves.
    const visitor = new HttpClient(portal.baseUrl)
    await visitor.get('/en/forgot-password')
    const usernames = DEMO_USERS.map((u) => u.username)

    const loops = [
      ...drafts.map((draft, d) => async (i: number) => {
        const form: Record<string, string> = { version: String(draft.version + i), nav: 'exit' }
        for (const f of draft.fields) form[f] = valueOf(d, i, f)
        const res = await employer.post(`/en/offers/${draft.id}/${SECTION}`, form)
        if (res.status !== 303) throw new Error(`save ${d}/${i}: ${res.status}`)
      }),
      async (i: number) => {
        const res = await visitor.post('/en/forgot-password', { username: usernames[i % usernames.length]! })
        if (res.status !== 303) throw new Error(`reset ${i}: ${res.status}`)
      },
    ]
    const acked = await crashDuring(portal, loops, { afterAcks: 40 })
    notes.push(`acknowledged before the kill: saves ${acked.slice(0, DRAFTS).join('/')}, reset requests ${acked[DRAFTS]}`)

    // The same data, a new process: the dead one's lock (embedded) is taken over.
    restarted = await portal.restart()
    employer.baseUrl = restarted.baseUrl
    const home = await employer.get('/en/home')
    assert.equal(home.status, 200, 'the session of before the crash still works')
    const applied: number[] = []
    for (const [d, draft] of drafts.entries()) {
      const page = await employer.get(`/en/offers/${draft.id}/${SECTION}`)
      assert.equal(page.status, 200)
      const form = page.dom.querySelector(`form[action="/en/offers/${draft.id}/${SECTION}"]`)!
      const version = Number(form.querySelector('input[name="version"]')!.getAttribute('value'))
      // The acknowledged saves, plus at most the one in flight when the process died.
      const n = version - draft.version
      assert.ok(n === acked[d] || n === acked[d]! + 1, `draft ${d}: ${n} saves applied, ${acked[d]} acknowledged`)
      applied.push(n)
      if (n > 0) {
        // Every field from the same (last applied) save: nothing half-written.
        for (const f of draft.fields) {
          const el = form.querySelector(`[name="${f}"]`)
          assert.equal(el?.tagName === 'TEXTAREA' ? el.textContent : el?.getAttribute('value'), valueOf(d, n - 1, f), `draft ${d}, ${f}`)
        }
      }
      // Still working: one more save.
      const after: Record<string, string> = { version: String(version), nav: 'exit' }
      for (const f of draft.fields) after[f] = `after-${d}-${f}`
      assert.equal((await employer.post(`/en/offers/${draft.id}/${SECTION}`, after)).status, 303)
    }
    await restarted.stop()

    handle = await opts.open()
    try {
      for (const [d, draft] of drafts.entries()) {
        const row = await handle.db.selectFrom('offer').select(['version', 'answers']).where('id', '=', draft.id).executeTakeFirstOrThrow()
        const answers = row.answers as unknown as Record<string, Record<string, string>>
        assert.equal(row.version, draft.version + applied[d]! + 1)
        for (const f of draft.fields) assert.equal(answers[SECTION]?.[f], `after-${d}-${f}`)
      }
      const appliedSaves = applied.reduce((a, b) => a + b, 0)
      // The outbox: the e-mails of before, untouched; each reset e-mail with its token and its count.
      const outboxAfter = (await snapshotTables(handle.db, ['email_outbox'])).get('email_outbox')!
      for (const row of outboxBefore) assert.ok(outboxAfter.includes(row), `kept: ${row}`)
      const resets = await handle.db.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('template', '=', 'resetPassword').executeTakeFirstOrThrow()
      const tokens = await handle.db.selectFrom('user_token').select((eb) => eb.fn.countAll<number>().as('n')).where('purpose', '=', 'reset_password').executeTakeFirstOrThrow()
      const counted = await sql<{ n: number | null }>`select sum(failures)::int as n from throttle where key like 'reset-mail:%'`.execute(handle.db)
      assert.equal(Number(resets.n), Number(tokens.n), 'every reset e-mail has its token, and the reverse')
      assert.equal(Number(resets.n), counted.rows[0]?.n ?? 0, 'every reset e-mail is counted against the flood limit')
      assert.ok(Number(resets.n) >= Math.min(acked[DRAFTS]!, usernames.length * 5), `reset e-mails: ${resets.n}, requests acknowledged: ${acked[DRAFTS]}`)
      // Each save and its audit entry are one transaction (offers.service.ts): exactly one entry per applied save.
      const audited = await handle.db.selectFrom('audit_event').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'offer.section_saved').executeTakeFirstOrThrow()
      const savesIncludingAfter = appliedSaves + DRAFTS
      assert.equal(Number(audited.n), savesIncludingAfter, `audited ${audited.n} of ${savesIncludingAfter} saves`)
      notes.push(`saves applied ${appliedSaves}, audited ${Number(audited.n) - DRAFTS}; reset e-mails ${resets.n}`)
    } finally {
      await handle.close()
    }
  } finally {
    await portal.kill9()
    await restarted?.kill9()
  }
  return notes
}

describe('crash safety: kill -9 while saving drafts and writing the outbox', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'portal-crash-'))
  after(() => fs.rmSync(tmp, { recursive: true, force: true }))

  it('on the embedded database: nothing acknowledged lost, nothing half-written, outbox intact', async (t) => {
    const dir = path.join(tmp, 'embedded')
    const notes = await crashScenario({ env: { PORTAL_DATA_DIR: dir }, open: () => openEmbedded(dir) })
    for (const n of notes) t.diagnostic(n)
  })

  if (usingPostgres()) {
    it('on PostgreSQL: nothing acknowledged lost, nothing half-written, outbox intact', async (t) => {
      const target = await emptyPostgresDatabase(process.env.TEST_DATABASE_URL!)
      try {
        const notes = await crashScenario({ env: { DATABASE_URL: target.url }, open: async () => openPostgres(target.url, 2) })
        for (const n of notes) t.diagnostic(n)
      } finally {
        await target.drop()
      }
    })
  }
})
