import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { newTotpSecret } from '../../src/features/auth/totp.ts'
import { audit } from '../../src/platform/audit.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../helpers/http.ts'
import { createUser, signIn, signInStaff, TEST_PASSWORD } from '../helpers/users.ts'

const OFFICER = newTotpSecret()
const ADMIN = newTotpSecret()

describe('the audit trail viewer and staff accounts', () => {
  let t: TestApp
  let officer: TestClient
  let admin: TestClient
  before(async () => {
    t = await testApp()
    await createUser(t.db, { username: 'officer.v', role: 'officer', totpSecret: OFFICER })
    await createUser(t.db, { username: 'admin.v', role: 'administrator', totpSecret: ADMIN })
    await createUser(t.db, { username: 'employer.v' })
    const business = await t.db
      .insertInto('business')
      .values({ business_number: '123456782', legal_name: 'Audit Co', legal_name_key: 'audit co', operating_name: 'Audit', street: 's', city: 'c', province: 'ON', postal_code: 'K1A 0A9', phone: '+16135550123', employer_number: 'E1234567', created_at: t.clock.now(), updated_at: t.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow()
    // 120 entries over 120 minutes, one business's every third.
    for (let i = 0; i < 120; i++) {
      await audit(t.db, { userId: null, label: i % 2 ? 'alice' : 'bob', ip: '192.0.2.1' }, new Date(Date.UTC(2026, 0, 10, 12, i)), { action: i % 3 ? 'test.other' : 'test.business', businessId: i % 3 ? null : business.id })
    }
    officer = new TestClient(t.app)
    await signInStaff(officer, 'officer.v', OFFICER, t.clock.now())
    admin = new TestClient(t.app)
    await signInStaff(admin, 'admin.v', ADMIN, t.clock.now())
  })
  after(() => t.close())

  it('lists entries newest first, 50 a page, and pages by keyset without gaps or repeats', async () => {
    const seen: string[] = []
    let url: string | undefined = '/en/console/audit?action=test.other'
    while (url) {
      const page = await officer.get(url)
      assert.equal(page.status, 200)
      const rows = page.dom.querySelectorAll('tbody tr').map((r) => text(r.querySelector('td')))
      seen.push(...rows)
      url = page.dom.querySelectorAll('.pagination a').find((a) => /Older/.test(text(a)))?.getAttribute('href') ?? undefined
    }
    assert.equal(seen.length, 80)
    assert.equal(new Set(seen).size, 80)
  })

  it('filters by actor, business (by employer number or business number) and dates', async () => {
    const byBusiness = await officer.get('/en/console/audit?business=E1234567')
    assert.equal(byBusiness.dom.querySelectorAll('tbody tr').length, 40)
    assert.ok(byBusiness.dom.querySelectorAll('tbody tr').every((r) => text(r).includes('Audit Co (123 456 782)')), 'the business number as the employer side writes it')
    const byNumber = await officer.get('/fr/console/audit?business=123+456+782&actor=bob')
    // The business's entries are every third; bob wrote the even ones: every sixth.
    assert.equal(byNumber.dom.querySelectorAll('tbody tr').length, 20)
    const day = await officer.get('/en/console/audit?from=2026-01-11&to=2026-01-12')
    assert.match(text(day.dom.querySelector('main')), /No entries match/)
  })

  it('explains bad filters in the error summary, linked to the fields, and shows nothing', async () => {
    const bad = await officer.get('/fr/console/audit?from=2026-13-45&business=nope')
    assert.equal(bad.status, 400)
    const links = errorSummaryLinks(bad.dom)
    assert.deepEqual(links.map((l) => [l.href, l.targetExists]), [['#business', true], ['#from', true]])
    assert.equal(bad.dom.querySelectorAll('tbody tr').length, 0)
  })

  it('treats SQL metacharacters in filters as text', async () => {
    const res = await officer.get(`/en/console/audit?actor=${encodeURIComponent("' or 1=1 --")}&action=${encodeURIComponent("x'; drop table audit_event; --")}`)
    assert.equal(res.status, 200)
    assert.match(text(res.dom.querySelector('main')), /No entries match/)
    const count = await sql<{ n: number }>`select count(*)::int as n from audit_event`.execute(t.db)
    assert.ok(count.rows[0]!.n >= 120)
  })

  it('keeps employers out; officers read the trail but cannot manage staff', async () => {
    const employer = new TestClient(t.app)
    await signIn(employer, 'employer.v')
    assert.equal((await employer.get('/en/console/audit')).status, 403)
    assert.equal((await officer.get('/en/console/staff')).status, 403)
    await officer.get('/en/console/audit')
    assert.equal((await officer.post('/en/console/staff', { username: 'sneaky', givenName: 'S', familyName: 'N', role: 'administrator', password: 'a long enough password' })).status, 403)
    assert.equal(await t.db.selectFrom('app_user').select('id').where('username_key', '=', 'sneaky').executeTakeFirst(), undefined)
  })

  it('lets an administrator create an officer, who must set up an authenticator, and remove one', async () => {
    await admin.get('/en/console/staff')
    const bad = await admin.post('/en/console/staff', { username: 'x', givenName: '', familyName: 'Roy', email: 'nope', role: 'officer', password: 'short' })
    assert.equal(bad.status, 400)
    assert.deepEqual(errorSummaryLinks(bad.dom).map((l) => l.href), ['#username', '#given-name', '#email', '#password'])
    const created = await admin.post('/en/console/staff', { username: 'new.officer', givenName: 'Nadia', familyName: 'Roy', email: 'nadia@example.ca', role: 'officer', password: 'a fine temporary phrase' })
    assert.equal(created.status, 303)
    assert.match(text((await admin.follow(created)).dom.querySelector('main .notice')), /new\.officer was created/)
    const newcomer = new TestClient(t.app)
    assert.equal((await signIn(newcomer, 'new.officer', 'a fine temporary phrase', 'en', true)).location, '/en/two-factor/setup')

    const user = await t.db.selectFrom('app_user').select('id').where('username_key', '=', 'new.officer').executeTakeFirstOrThrow()
    await admin.get('/en/console/staff')
    const removed = await admin.post(`/en/console/staff/${user.id}/remove`, {})
    assert.equal(removed.status, 303)
    assert.equal((await signIn(new TestClient(t.app), 'new.officer', 'a fine temporary phrase', 'en', true)).status, 400, 'a removed account cannot sign in')
    const actions = (await t.db.selectFrom('audit_event').select('action').where('object_id', '=', user.id).execute()).map((a) => a.action).sort()
    assert.deepEqual(actions, ['auth.sign_in_failed', 'staff.created', 'staff.removed'], 'the refused attempt is in the trail too')
    void TEST_PASSWORD
  })

  it('names actions and details in words, in the reader’s language: people by name, amounts and times as people write them', async () => {
    const business = await t.db.selectFrom('business').select('id').where('employer_number', '=', 'E1234567').executeTakeFirstOrThrow()
    const employer = await t.db.selectFrom('app_user').select('id').where('username_key', '=', 'employer.v').executeTakeFirstOrThrow()
    const officerUser = await t.db.selectFrom('app_user').select('id').where('username_key', '=', 'officer.v').executeTakeFirstOrThrow()
    const at = new Date(Date.UTC(2026, 0, 20, 12, 0))
    await audit(t.db, { userId: null, label: 'system' }, at, { action: 'access.business_dormant', businessId: business.id, objectType: 'business', objectId: business.id })
    await audit(t.db, { userId: officerUser.id, label: 'officer.v' }, new Date(at.getTime() + 60_000), { action: 'transfer.approved', businessId: business.id, objectType: 'primary_transfer_request', objectId: '00000000-0000-4000-8000-000000000001', details: { newPrimary: employer.id, previousPrimary: [officerUser.id] } })
    await audit(t.db, { userId: null, label: 'admin.v' }, new Date(at.getTime() + 120_000), { action: 'settings.fee_changed', details: { fromCents: 23000, toCents: 25550 } })
    await audit(t.db, { userId: null, label: 'admin.v' }, new Date(at.getTime() + 180_000), { action: 'maintenance.planned', objectType: 'maintenance_window', objectId: '00000000-0000-4000-8000-000000000002', details: { startsAt: '2026-01-25T03:00:00.000Z', endsAt: '2026-01-25T07:00:00.000Z' } })

    const fr = await officer.get('/fr/console/audit?from=2026-01-20&to=2026-01-20')
    assert.equal(fr.status, 200)
    // The filter offers actions in words (the code is only the value sent).
    const options = fr.dom.querySelectorAll('select[name="action"] option')
    const dormant = options.find((o) => o.getAttribute('value') === 'access.business_dormant')
    assert.equal(text(dormant), 'Entreprise devenue inactive')
    // (This file's own test.* entries have no words: they fall back to their code.)
    assert.deepEqual(options.map((o) => text(o)).filter((o) => /^[a-z_]+\.[a-z_]+$/.test(o)), ['test.business', 'test.other'], 'no other internal code is shown as an option')
    const rows = fr.dom.querySelectorAll('tbody tr').map((r) => r.querySelectorAll('td').map((c) => text(c)))
    assert.equal(rows.length, 4)
    const [maintenance, fee, transfer, asleep] = rows
    assert.equal(asleep![2], 'Entreprise devenue inactive')
    assert.match(asleep![3]!, /^Audit Co \(123 456 782\)\s?Entreprise /)
    assert.equal(transfer![2], 'Rôle d’utilisateur principal attribué par le ministère')
    assert.equal(transfer![5], 'Nouvel utilisateur principal : employer.vAncien utilisateur principal : officer.v')
    assert.doesNotMatch(transfer![5]!, new RegExp(employer.id), 'people by name, never by id')
    assert.equal(fee![2], 'Frais modifiés')
    assert.equal(fee![5], 'Frais avant : 230,00 $Frais après : 255,50 $')
    assert.equal(maintenance![2], 'Période de maintenance prévue')
    assert.match(maintenance![3]!, /^Période de maintenance /)
    assert.match(maintenance![5]!, /^Début : 24 janv\. 2026, 22 h 00Fin : 25 janv\. 2026, 2 h 00$/)
    assert.doesNotMatch(text(fr.dom.querySelector('main table')), /[{}"]|access\.|settings\./, 'no JSON and no internal codes')

    const en = await officer.get('/en/console/audit?action=settings.fee_changed')
    assert.equal(text(en.dom.querySelector('select[name="action"] option[selected]')), 'Fee changed')
    assert.equal(en.dom.querySelectorAll('tbody tr td').map((c) => text(c))[5], 'Fee before: $230.00Fee after: $255.50')
  })
})
