import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeApprovedPayment, makeBusiness, makeOffer, offerAnswers, RefundingGateway } from '../../../tests/helpers/console-fixtures.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { pdfText } from '../../../tests/helpers/pdf-text.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { claimExport, csvCell, INLINE_LIMIT, processExportsOnce, requestExport, runExport } from './inspection.service.ts'

describe('compliance inspection and exports', () => {
  let t: TestApp
  let officer: TestClient
  let small: string
  let large: string
  let bossId: string
  let officerId: string
  let inWindow: string
  let expired: string
  before(async () => {
    t = await testApp({ deps: { paymentGateway: new RefundingGateway() }, configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const staff = await createUser(t.db, { username: 'officer.inspect', role: 'officer' })
    officerId = staff.id
    const boss = await createUser(t.db, { username: 'employer.inspect' })
    bossId = boss.id
    small = await makeBusiness(t.db, { eight: '12345678', legalName: 'Érablière du Nord Ltée' })
    large = await makeBusiness(t.db, { eight: '22345678', legalName: 'Big Farms Inc.' })
    // A hostile name: a spreadsheet must not run it.
    inWindow = await makeOffer(t.db, { businessId: small, userId: bossId, offerNumber: 'A3000001', answers: offerAnswers({ familyName: '=HYPERLINK("http://evil")', givenNames: 'Ann, "Quoted"' }) })
    await makeApprovedPayment(t.db, { offerId: inWindow, businessId: small, userId: bossId })
    await makeOffer(t.db, { businessId: small, userId: bossId, offerNumber: 'A3000002', status: 'matched', submittedAt: new Date('2026-01-11T15:00:00Z'), answers: offerAnswers({ familyName: 'Tremblay', givenNames: 'Zoé' }) })
    // Issued long ago: its window has ended, so it is not in the dossier.
    expired = await makeOffer(t.db, { businessId: small, userId: bossId, offerNumber: 'A3000003', status: 'matched', submittedAt: new Date('2019-01-10T15:00:00Z') })
    await t.db.insertInto('work_permit_decision').values({ offer_id: expired, outcome: 'issued', first_day_of_employment: '2019-02-01', inspection_until: '2025-01-31', decided_by: officerId, decided_at: new Date('2019-01-20T15:00:00Z') }).execute()
    // A draft is never inspected.
    await makeOffer(t.db, { businessId: small, userId: bossId, offerNumber: 'x', status: 'draft' })
    // 250 offers for the background export.
    await sql`insert into offer (business_id, created_by, status, offer_number, answers, worker_name, job_title, created_at, updated_at, submitted_at)
      select ${large}::uuid, ${bossId}::uuid, 'pending', 'A4' || lpad(g::text, 6, '0'), ${JSON.stringify(offerAnswers())}::jsonb, 'Worker, Number ' || g, 'Picker', ${new Date('2026-06-01T12:00:00Z')}::timestamptz, ${new Date('2026-06-01T12:00:00Z')}::timestamptz, ${new Date('2026-06-01T12:00:00Z')}::timestamptz + g * interval '1 second'
      from generate_series(1, 250) g`.execute(t.db)
    officer = new TestClient(t.app)
    await signInAs(officer, staff.id)
  })
  after(() => t.close())

  it('neutralizes spreadsheet formulas and quotes CSV cells', () => {
    assert.equal(csvCell('=1+1'), "'=1+1")
    assert.equal(csvCell('+1'), "'+1")
    assert.equal(csvCell('-2'), "'-2")
    assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)")
    assert.equal(csvCell('\tx'), "'\tx")
    assert.equal(csvCell('\rx'), `"'\rx"`)
    assert.equal(csvCell('a,"b"'), '"a,""b"""')
    assert.equal(csvCell('plain'), 'plain')
  })

  it('shows the employer’s offers inside the window with their history', async () => {
    const page = await officer.get(`/en/console/employers/${small}`)
    assert.equal(page.status, 200)
    const rows = page.dom.querySelectorAll('table').at(-1)!.querySelectorAll('tbody tr').map((tr) => text(tr.querySelector('td')))
    assert.deepEqual(rows, ['A3000001', 'A3000002'])
    assert.match(page.body, /payment\.approved/)
  })

  it('exports a small dossier at once as CSV that parses back, formulas neutralized', async () => {
    await officer.get(`/en/console/employers/${small}`)
    const res = await officer.post(`/en/console/employers/${small}/exports`, { format: 'csv' })
    assert.equal(res.status, 303)
    const status = await officer.follow(res)
    assert.match(text(status.dom.querySelector('main')), /Ready/)
    const link = status.dom.querySelector('a[href$="/download"]')!.getAttribute('href')!
    const file = await officer.get(link)
    assert.equal(file.status, 200)
    assert.match(String(file.headers['content-type']), /text\/csv/)
    assert.match(String(file.headers['content-disposition']), /attachment; filename="inspection-E1234567-20261123\.csv"/)
    const records = parse(file.raw.rawPayload, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
    const numbers = [...new Set(records.map((r) => r['Offer number / Numéro d’offre']))]
    assert.deepEqual(numbers, ['A3000001', 'A3000002'])
    const first = records.find((r) => r['Offer number / Numéro d’offre'] === 'A3000001')!
    assert.equal(first['Foreign national / Ressortissant étranger'], `'=HYPERLINK("http://evil"), Ann, "Quoted"`)
    assert.ok(records.some((r) => r['Event / Événement'] === 'payment.approved' && r['Details / Détails']!.includes('230.00')))
    const audit = await t.db.selectFrom('audit_event').select('action').where('business_id', '=', small).where('action', 'like', 'inspection.%').orderBy('id').execute()
    assert.deepEqual(audit.map((a) => a.action), ['inspection.export_requested', 'inspection.export_downloaded'])
  })

  it('exports the bilingual PDF dossier, which opens and holds the offers', async () => {
    await officer.get(`/fr/console/employers/${small}`)
    const res = await officer.post(`/fr/console/employers/${small}/exports`, { format: 'pdf' })
    const status = await officer.follow(res)
    const file = await officer.get(status.dom.querySelector('a[href$="/download"]')!.getAttribute('href')!)
    assert.equal(file.headers['content-type'], 'application/pdf')
    const words = pdfText(file.raw.rawPayload).replace(/\s+/g, ' ')
    assert.match(words, /Compliance inspection dossier \/ Dossier d’inspection de conformité — Érablière du Nord Ltée/)
    assert.match(words, /A3000001/)
    assert.match(words, /Tremblay, Zoé/)
    assert.match(words, /Matched \/ Jumelée/)
    assert.doesNotMatch(words, /A3000003/, 'an offer past its window is not in the dossier')
  })

  it('queues a small export already claimed by the request that makes it: no worker can take it first', async () => {
    const now = t.clock.now()
    const job = await requestExport(t.db, { businessId: small, format: 'csv', by: officerId, now, today: now.toISOString().slice(0, 10), buildNow: { workerId: 'request-x', upTo: INLINE_LIMIT } })
    assert.deepEqual({ status: job.status, claimed_by: job.claimed_by, attempts: job.attempts }, { status: 'running', claimed_by: 'request-x', attempts: 1 })
    // The background worker, polling at that moment, finds nothing to take.
    assert.equal(await claimExport(t.db, 'background-worker', now), undefined)
    assert.equal(await runExport(t.db, t.clock, job, 'request-x'), 'done')
  })

  it(`runs an export of more than ${INLINE_LIMIT} offers in the background, with its progress shown`, async () => {
    await officer.get(`/en/console/employers/${large}`)
    const res = await officer.post(`/en/console/employers/${large}/exports`, { format: 'csv' })
    let status = await officer.follow(res)
    assert.match(text(status.dom.querySelector('main')), /Waiting to start/)
    assert.equal(status.dom.querySelector('a[href$="/download"]'), null)
    const id = res.location!.split('/').at(-1)!
    // A worker claims it: the page says it is in progress, with how far it got.
    const claimed = await claimExport(t.db, 'test-worker', t.clock.now())
    assert.equal(claimed?.id, id)
    status = await officer.get(res.location!)
    assert.match(text(status.dom.querySelector('main')), /In progress — .*0 of 250 offers/)
    assert.equal(status.dom.querySelector('progress')?.getAttribute('max'), '250')
    // Another worker does not take it while the lease lives; the lease lapsing hands it over.
    assert.equal(await processExportsOnce(t.db, t.clock, 'other-worker'), false)
    t.clock.advanceMinutes(11)
    assert.equal(await processExportsOnce(t.db, t.clock, 'other-worker'), true)
    const job = await t.db.selectFrom('inspection_export').select(['status', 'done', 'total', 'claimed_by', 'attempts']).where('id', '=', id).executeTakeFirstOrThrow()
    assert.deepEqual(job, { status: 'done', done: 250, total: 250, claimed_by: 'other-worker', attempts: 2 })
    status = await officer.get(res.location!)
    const file = await officer.get(status.dom.querySelector('a[href$="/download"]')!.getAttribute('href')!)
    const records = parse(file.raw.rawPayload, { bom: true, columns: true }) as Array<Record<string, string>>
    assert.equal(new Set(records.map((r) => r['Offer number / Numéro d’offre'])).size, 250)
  })

  it('is officers only', async () => {
    const employer = new TestClient(t.app)
    await signInAs(employer, bossId)
    assert.equal((await employer.get(`/en/console/employers/${small}`)).status, 403)
    assert.equal((await officer.get('/en/console/employers/00000000-0000-4000-8000-000000000000')).status, 404)
  })
})
