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
import { audit } from '../../platform/audit.ts'
import { claimExport, csvCell, factText, INLINE_LIMIT, processExportsOnce, requestExport, runExport } from './inspection.service.ts'

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
    // What happened in words, with the amount as the page's language writes it; the same in French.
    // The payer is named for the payment's events.
    assert.match(text(page.dom.querySelector('main')), /Fee paid \(employer\.inspect\) — [^;]*; \$230\.00/)
    assert.doesNotMatch(page.body, /payment\.approved/)
    const fr = text((await officer.get(`/fr/console/employers/${small}`)).dom.querySelector('main'))
    assert.match(fr, /Frais payés \(employer\.inspect\) — [^;]*; 230,00\s\$/)
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
    // Words, in both languages, where codes were: the status, the event, the province.
    assert.ok(records.some((r) => r['Event / Événement'] === 'Fee paid / Frais payés' && r['Details / Détails']!.includes('$230.00 / 230,00')))
    assert.deepEqual([...new Set(records.map((r) => r['Status / État']))], ['Pending / En attente', 'Matched / Jumelée'])
    assert.deepEqual([...new Set(records.map((r) => r['Province / Province']))], ['Ontario'])
    assert.ok(!records.some((r) => /^(offer|payment|refund)\./.test(r['Event / Événement']!)), 'no event codes')
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

  it('writes the history in the reader’s language, and gives every offer its inspection date (six years after submission without an issued permit) with why', async () => {
    const b = await makeBusiness(t.db, { eight: '32345678', legalName: 'Ferme Lavoie' })
    const pending = await makeOffer(t.db, { businessId: b, userId: bossId, offerNumber: 'A3100001' })
    const refused = await makeOffer(t.db, { businessId: b, userId: bossId, offerNumber: 'A3100002', status: 'matched' })
    const issued = await makeOffer(t.db, { businessId: b, userId: bossId, offerNumber: 'A3100003', status: 'matched' })
    const withdrawn = await makeOffer(t.db, { businessId: b, userId: bossId, offerNumber: 'A3100004', status: 'withdrawn' })
    const decidedAt = new Date('2026-02-01T15:00:00Z')
    await t.db.insertInto('work_permit_decision').values({ offer_id: refused, outcome: 'refused', refund_outcome: 'refunded', decided_by: officerId, decided_at: decidedAt }).execute()
    await t.db.insertInto('work_permit_decision').values({ offer_id: issued, outcome: 'issued', first_day_of_employment: '2026-03-02', inspection_until: '2032-03-01', decided_by: officerId, decided_at: decidedAt }).execute()
    // The refused offer's fee, refunded for that reason.
    const paid = await makeApprovedPayment(t.db, { offerId: refused, businessId: b, userId: bossId, at: new Date('2026-01-05T15:00:00Z') })
    await t.db.insertInto('payment_refund').values({ id: crypto.randomUUID(), payment_id: paid, amount_cents: 23000, status: 'succeeded', idempotency_key: `refund-${paid}`, reason: 'work_permit_refused', created_at: decidedAt, completed_at: decidedAt }).execute()
    // An action recorded with the address it came from.
    await audit(t.db, { userId: bossId, label: 'employer.inspect', ip: '192.0.2.7' }, new Date('2026-01-12T15:00:00Z'), { action: 'offer.viewed', businessId: b, objectType: 'offer', objectId: pending })

    const until = (page: Awaited<ReturnType<TestClient['get']>>) =>
      Object.fromEntries(page.dom.querySelectorAll('table').at(-1)!.querySelectorAll('tbody tr').map((tr) => [text(tr.querySelector('td')), text(tr.querySelectorAll('td')[4])]))
    const en = await officer.get(`/en/console/employers/${b}`)
    // The lead says other offers are inspected for six years after submission: the column agrees (submitted January 10, 2026).
    assert.deepEqual(until(en), {
      A3100001: 'January 10, 2032: six years after submission, as no work permit is issued yet (once one is, six years from the first day of employment)',
      A3100002: 'January 10, 2032: six years after submission (work permit refused)',
      A3100003: 'March 1, 2032',
      A3100004: 'January 10, 2032: six years after submission (offer withdrawn, no work permit issued)',
    })
    // The status says the work permit decision once there is one (the stored status stays "matched").
    const statuses = Object.fromEntries(en.dom.querySelectorAll('table').at(-1)!.querySelectorAll('tbody tr').map((tr) => [text(tr.querySelector('td')), text(tr.querySelectorAll('td')[2])]))
    assert.deepEqual(statuses, { A3100001: 'Pending', A3100002: 'Work permit refused', A3100003: 'Work permit issued', A3100004: 'Withdrawn' })
    assert.equal((await t.db.selectFrom('offer').select('status').where('id', '=', issued).executeTakeFirstOrThrow()).status, 'matched')
    assert.match(text(en.dom.querySelector('main')), /offer\.viewed \(employer\.inspect\) — from 192\.0\.2\.7/)
    assert.match(text(en.dom.querySelector('main')), /Work permit issued \(recorded by the department\) \(officer\.inspect\) — first day of employment March 2, 2026; open to inspection until March 1, 2032/)
    assert.match(text(en.dom.querySelector('main')), /Work permit refused \(recorded by the department\) \(officer\.inspect\) — fee refunded/)
    assert.match(text(en.dom.querySelector('main')), /Fee refunded \(The portal\) — \$230\.00; Work permit refused/)
    assert.doesNotMatch(en.body, /work_permit_refused|refund\.succeeded/, 'no codes')

    const fr = await officer.get(`/fr/console/employers/${b}`)
    assert.equal(until(fr).A3100001, '10 janvier 2032 : six ans après la soumission, aucun permis de travail n’étant délivré pour l’instant (une fois délivré, six ans à partir du premier jour d’emploi)')
    assert.equal(until(fr).A3100002, '10 janvier 2032 : six ans après la soumission (permis de travail refusé)')
    assert.equal(until(fr).A3100003, '1er mars 2032')
    const history = text(fr.dom.querySelector('main'))
    assert.match(history, /offer\.viewed \(employer\.inspect\) — depuis l’adresse 192\.0\.2\.7/)
    assert.match(history, /premier jour d’emploi le 2 mars 2026; inspection possible jusqu’au 1er mars 2032/)
    assert.match(history, /frais remboursés/)
    assert.match(history, /Frais remboursés \(Le portail\) — 230,00\s\$; Permis de travail refusé/, 'the refund: its amount and reason in French words')
    assert.doesNotMatch(history, /\bfrom\b|first day|inspection until|refund /, 'no English words on the French page')
    // French typography: a non-breaking space before each colon of ours.
    assert.match(fr.body, /12\sjanv\.\s2026.*\u00a0: offer\.viewed/)

    // The CSV: a date or an empty cell, the header saying what empty means; details in both languages.
    const res = await officer.post(`/en/console/employers/${b}/exports`, { format: 'csv' })
    const status = await officer.follow(res)
    const file = await officer.get(status.dom.querySelector('a[href$="/download"]')!.getAttribute('href')!)
    const records = parse(file.raw.rawPayload, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
    const header = 'Inspection until (empty: no work permit issued) / Inspection jusqu’au (vide\u00a0: aucun permis de travail délivré)'
    const cell = (number: string) => [...new Set(records.filter((r) => r['Offer number / Numéro d’offre'] === number).map((r) => r[header]))]
    assert.deepEqual(cell('A3100001'), [''])
    assert.deepEqual(cell('A3100002'), [''])
    assert.deepEqual(cell('A3100003'), ['2032-03-01'])
    assert.ok(records.some((r) => r['Event / Événement'] === 'offer.viewed' && r['Details / Détails'] === 'from 192.0.2.7 / depuis l’adresse 192.0.2.7'))
    assert.deepEqual(
      records.filter((r) => r['Offer number / Numéro d’offre'] === 'A3100002').map((r) => [r['Status / État'], r['Work permit / Permis de travail']])[0],
      ['Matched / Jumelée', 'Work permit refused / Permis de travail refusé'],
    )
    void withdrawn
  })

  it('writes saved sections, corrections and fee reviews for people, in the reader’s language and in both in the exports', async () => {
    const b = await makeBusiness(t.db, { eight: '42345678', legalName: 'Ferme Tremblay' })
    const id = await makeOffer(t.db, { businessId: b, userId: bossId, offerNumber: 'A3200001' })
    const saved = { endDate: '2028-03-01', workProvince: 'AB', additionalLocation: 'no', ignored: 'x' }
    await t.db.insertInto('offer_version').values({ offer_id: id, version: 4, section: 'job', saved_values: JSON.stringify(saved), saved_by: bossId, saved_at: new Date('2026-01-09T15:00:00Z') }).execute()
    await t.db.insertInto('offer_version').values({ offer_id: id, version: 5, section: 'requirements', saved_values: JSON.stringify({ languages: ['en', 'fr'] }), saved_by: bossId, saved_at: new Date('2026-01-09T15:01:00Z') }).execute()
    await t.db
      .insertInto('offer_correction')
      .values({ offer_id: id, field: 'exemptionCode', old_value: 'T36', new_value: 'T37', reason: 'Intra-company transferee', corrected_by: officerId, corrected_at: new Date('2026-02-01T15:00:00Z') })
      .execute()
    await audit(t.db, { userId: officerId, label: 'officer.inspect' }, new Date('2026-01-11T15:00:00Z'), { action: 'offer.fee_exemption_refused', businessId: b, objectType: 'offer', objectId: id, details: { reason: 'No diplomatic note', feeExemption: 'employer' } })

    const history = async (lang: string) => text((await officer.get(`/${lang}/console/employers/${b}`)).dom.querySelectorAll('table').at(-1)!.querySelector('tbody ul'))
    const en = await history('en')
    assert.match(en, /Offer section saved \(employer\.inspect\) — Job, version 4: Work address: province or territory “Alberta”; Will the worker also work at another location\? “No”; End date “2028-03-01”; ignored “x”/, 'in the form’s order')
    assert.match(en, /Requirements, version 5: [^“]+“English, French”/)
    assert.match(en, /Fee exemption refused \(officer\.inspect\) — No diplomatic note/)
    assert.match(en, /Offer corrected by the department \(officer\.inspect\) — Intra-company transferee; LMIA exemption code: T36 → T37/)
    assert.doesNotMatch(en, /workProvince|additionalLocation|=AB|en\|fr|exemptionCode/, 'no field names or codes')
    const fr = await history('fr')
    assert.match(fr, /Emploi, version 4 : Adresse du lieu de travail : province ou territoire « Alberta »; Le travailleur travaillera-t-il aussi à un autre endroit\? « Non »; Date de fin « 2028-03-01 »/)
    assert.match(fr, /« anglais, français »|« Anglais, Français »/i)
    assert.match(fr, /Dispense des frais refusée \(officer\.inspect\) — No diplomatic note/)
    assert.match(fr, /Code de dispense de l’EIMT : T36 → T37/)

    // The exports write the same in both languages.
    const res = await officer.post(`/en/console/employers/${b}/exports`, { format: 'csv' })
    const file = await officer.get((await officer.follow(res)).dom.querySelector('a[href$="/download"]')!.getAttribute('href')!)
    const records = parse(file.raw.rawPayload, { bom: true, columns: true, skip_empty_lines: true }) as Array<Record<string, string>>
    const row = records.find((r) => r['Event / Événement'] === 'Offer section saved / Section d’une offre enregistrée')!
    assert.match(row['Details / Détails']!, /^Job, version 4: Work address: province or territory “Alberta”; .* \/ Emploi, version 4\u00a0: Adresse du lieu de travail\u00a0: province ou territoire «\u00a0Alberta\u00a0»; /)
    assert.ok(records.some((r) => r['Event / Événement'] === 'Fee exemption refused / Dispense des frais refusée'))
  })

  it('is officers only', async () => {
    const employer = new TestClient(t.app)
    await signInAs(employer, bossId)
    assert.equal((await employer.get(`/en/console/employers/${small}`)).status, 403)
    assert.equal((await officer.get('/en/console/employers/00000000-0000-4000-8000-000000000000')).status, 404)
  })
})

describe('a saved section in the history', () => {
  it('labels a field its section’s form no longer holds by its own label, in each language; an unknown one by its name', () => {
    const fact = { kind: 'saved' as const, version: 3, section: 'worker', values: { familyName: 'García', workProvince: 'QC', retiredField: 'x' } }
    const en = factText('en', fact)
    assert.match(en, /Family name/)
    assert.match(en, /Work address: province or territory/)
    assert.doesNotMatch(en, /workProvince/)
    assert.match(en, /retiredField/)
    assert.match(factText('fr', fact), /Adresse du lieu de travail\u00a0: province ou territoire/)
  })
})

