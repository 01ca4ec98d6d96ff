import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeApprovedPayment, makeBusiness, makeOffer } from '../../../tests/helpers/console-fixtures.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('the console’s audit trail: values, people and objects in words', () => {
  let t: TestApp
  let officer: TestClient
  let offerId: string
  let draftId: string
  let paymentId: string
  let businessId: string
  let employerId: string
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const staff = await createUser(t.db, { username: 'officer.trail', role: 'officer', givenName: 'Olivia', familyName: 'Officer' })
    const boss = await createUser(t.db, { username: 'employer.trail', givenName: 'Émile', familyName: 'Employeur' })
    employerId = boss.id
    businessId = await makeBusiness(t.db, { eight: '87654321', legalName: 'Piste Inc.' })
    offerId = await makeOffer(t.db, { businessId, userId: boss.id, offerNumber: 'A3000001' })
    draftId = await makeOffer(t.db, { businessId, userId: boss.id, offerNumber: 'x', status: 'draft' })
    paymentId = await makeApprovedPayment(t.db, { offerId, businessId, userId: boss.id })
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 20, 15, minutes))
    const employer = { userId: boss.id, label: `user:${boss.id}`, ip: '192.0.2.7' }
    const byOfficer = { userId: staff.id, label: 'officer.trail', ip: '192.0.2.8' }
    await audit(t.db, employer, at(0), { action: 'offer.section_saved', businessId, objectType: 'offer', objectId: draftId, details: { section: 'worker' } })
    await audit(t.db, employer, at(1), { action: 'payment.started', businessId, objectType: 'payment', objectId: paymentId, details: { amountCents: 23000, purposeType: 'offer', purposeId: offerId, gateway: 'embedded' } })
    await audit(t.db, employer, at(2), { action: 'offer.submission_started', businessId, objectType: 'offer', objectId: offerId, details: { feeExemption: 'employer' } })
    await audit(t.db, byOfficer, at(3), { action: 'offer.match_refused', businessId, objectType: 'offer', objectId: offerId, details: { elements: ['offerNumber', 'passportNumber'] } })
    await audit(t.db, SYSTEM_ACTOR, at(4), { action: 'payment.refunded', businessId, objectType: 'payment', objectId: paymentId, details: { amountCents: 23000, reason: 'work_permit_refused' } })
    await audit(t.db, employer, at(5), { action: 'auth.signed_in', objectType: 'user', objectId: boss.id, details: { audience: 'console' } })
    await audit(t.db, byOfficer, at(6), { action: 'auth.wrong_audience', objectType: 'user', objectId: boss.id, details: { role: 'employer' } })
    await audit(t.db, byOfficer, at(7), { action: 'offer.corrected', businessId, objectType: 'offer', objectId: offerId, details: { field: 'passportNumber' } })
    await audit(t.db, byOfficer, at(8), { action: 'business.viewed', businessId, objectType: 'business', objectId: businessId })
    officer = new TestClient(t.app)
    await signInAs(officer, staff.id)
  })
  after(() => t.close())

  /** The trail's rows, oldest first: [who, what, on, details] and the "On" cell's link. */
  const trail = async (lang: 'en' | 'fr') => {
    const page = await officer.get(`/${lang}/console/audit?from=2026-11-20&to=2026-11-20`)
    assert.equal(page.status, 200)
    return page.dom
      .querySelectorAll('main tbody tr')
      .map((tr) => tr.querySelectorAll('td'))
      .map((td) => ({ who: text(td[1]), on: text(td[3]), link: td[3]!.querySelector('a')?.getAttribute('href'), details: td[5]!.querySelectorAll('li').map((li) => text(li)) }))
      .reverse()
  }

  it('writes codes as words in the reader’s language, people by name, and links objects to their console pages', async () => {
    const [saved, started, submission, mismatch, refunded, signedIn, wrongSide, corrected, business] = await trail('en')
    assert.deepEqual(saved!.details, ['Section: Foreign national'])
    assert.equal(saved!.who, 'Émile Employeur (employer.trail)', 'the person, not user:<id>')
    assert.match(saved!.on, /A draft offer$/)
    assert.equal(saved!.link, undefined, 'a draft has no console page')
    assert.deepEqual(started!.details, ['Amount: $230.00', 'Paid for: Offer', 'Paid for (reference): A3000001', 'Payment service: The portal’s test payment service'])
    assert.match(started!.on, /Payment for offer A3000001$/)
    assert.equal(started!.link, `/en/console/offers/${offerId}`)
    assert.deepEqual(submission!.details, ['Fee exemption: The employer is exempt (a foreign government, an international organization or a foreign mission)'])
    assert.match(submission!.on, /^Piste Inc\. \(876 543 21\d\)\s?Offer A3000001$/)
    assert.equal(submission!.link, `/en/console/offers/${offerId}`)
    assert.deepEqual(mismatch!.details, ['Elements that did not match: Offer of employment number, Passport number'])
    assert.equal(mismatch!.who, 'Olivia Officer (officer.trail)')
    assert.deepEqual(refunded!.details, ['Reason: Work permit refused', 'Amount: $230.00'])
    assert.equal(refunded!.who, 'The portal (a scheduled task)')
    assert.deepEqual(signedIn!.details, ['Side: The officers’ console'])
    assert.equal(signedIn!.on, 'Account Émile Employeur (employer.trail)')
    assert.deepEqual(wrongSide!.details, ['Role: Employer'])
    assert.deepEqual(corrected!.details, ['Element: Passport number'])
    assert.match(business!.on, /Business Piste Inc\.$/)
    assert.equal(business!.link, `/en/console/employers/${businessId}`)

    const fr = await trail('fr')
    assert.deepEqual(fr[3]!.details, ['Éléments non concordants : Numéro de l’offre d’emploi, Numéro de passeport'])
    assert.deepEqual(fr[0]!.details, ['Section : Ressortissant étranger'])
    assert.equal(fr[4]!.who, 'Le portail (une tâche planifiée)')
    assert.equal(fr[1]!.link, `/fr/console/offers/${offerId}`)
    const main = text((await officer.get('/en/console/audit?from=2026-11-20&to=2026-11-20')).dom.querySelector('main table'))
    assert.doesNotMatch(main, /user:|work_permit_refused|embedded|\bworker\b|passportNumber|offerNumber/, 'no codes')
    assert.doesNotMatch(main, new RegExp(`${offerId}|${paymentId}|${employerId}|${businessId}`), 'no bare ids where the object has a name')
  })

  it('downloads the filtered trail as CSV, every entry in words, formula-safe, in the reader’s language; an unreadable filter goes back to the page', async () => {
    const page = await officer.get('/fr/console/audit?from=2026-11-20&to=2026-11-20')
    const href = page.dom.querySelector('main a[href^="/fr/console/audit.csv"]')?.getAttribute('href')
    assert.equal(href, '/fr/console/audit.csv?from=2026-11-20&to=2026-11-20')
    const csv = await officer.get(href!)
    assert.equal(csv.status, 200)
    assert.match(String(csv.headers['content-type']), /^text\/csv/)
    assert.match(String(csv.headers['content-disposition']), /attachment; filename="journal-d-audit\.csv"/)
    assert.ok(csv.body.startsWith('\uFEFF'), 'a byte-order mark, for spreadsheets')
    const rows = parse(csv.body.slice(1), { relaxColumnCount: false }) as string[][]
    assert.deepEqual(rows[0], ['Quand', 'Qui', 'Quoi', 'Entreprise', 'Sur', 'D’où', 'Détails'])
    assert.equal(rows.length, 1 + 9, 'every entry of the day, the newest first')
    assert.equal(rows[rows.length - 1]![1], 'Émile Employeur (employer.trail)')
    assert.equal(rows[rows.length - 1]![6], 'Section\u00a0: Ressortissant étranger')
    assert.match(rows[1]![3]!, /^Piste Inc\. \(\d{3}/, 'the business by name and number')
    assert.doesNotMatch(csv.body, new RegExp(`user:|${paymentId}|${employerId}`))
    // A value a spreadsheet would run is written as text.
    await audit(t.db, { userId: null, label: '=HYPERLINK("http://example.com")', ip: '192.0.2.9' }, new Date(Date.UTC(2026, 10, 20, 16, 0)), { action: 'auth.sign_in_failed', objectType: 'user' })
    const risky = await officer.get('/en/console/audit.csv?from=2026-11-20&to=2026-11-20')
    assert.match(risky.body, /'=HYPERLINK/)
    const wrong = await officer.get('/en/console/audit.csv?from=yesterday')
    assert.equal(wrong.status, 303)
    assert.equal(wrong.location, '/en/console/audit?from=yesterday')
  })
})
