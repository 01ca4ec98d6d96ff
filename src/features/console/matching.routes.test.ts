import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeApprovedPayment, makeBusiness, makeOffer, offerAnswers, RefundingGateway } from '../../../tests/helpers/console-fixtures.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('matching, decisions, refunds and corrections (console)', () => {
  let t: TestApp
  const gateway = new RefundingGateway()
  let officer: TestClient
  let employer: TestClient
  let businessId: string
  let employerId: string
  before(async () => {
    t = await testApp({ deps: { paymentGateway: gateway }, configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const staff = await createUser(t.db, { username: 'officer.match', role: 'officer' })
    const boss = await createUser(t.db, { username: 'employer.match', email: 'boss@example.ca' })
    employerId = boss.id
    businessId = await makeBusiness(t.db, { eight: '12345678', legalName: 'Érablière du Nord Ltée' })
    // The employer is the business's primary user (reads its offers' decisions).
    await t.db.insertInto('business_membership').values({ business_id: businessId, user_id: boss.id, role: 'primary', branch_id: null, created_at: new Date('2026-01-01T00:00:00Z'), created_by: null }).execute()
    officer = new TestClient(t.app)
    employer = new TestClient(t.app)
    await signInAs(officer, staff.id)
    await signInAs(employer, boss.id)
  })
  after(() => t.close())

  const offerRow = (id: string) => t.db.selectFrom('offer').select(['status', 'answers', 'version']).where('id', '=', id).executeTakeFirstOrThrow()
  const outbox = (template: string) => t.db.selectFrom('email_outbox').select(['to_address', 'params']).where('template', '=', template).execute()

  it('says exactly which element does not agree, and matches after normalizing', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000001' })
    await officer.get('/en/console/matching')

    let res = await officer.post('/en/console/matching', { offerNumber: 'B12', passportNumber: '', citizenship: 'Narnia' })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.href, l.targetExists]), [
      ['The offer number must be A followed by 7 digits, like A1234567', '#offer-number', true],
      ['Enter the passport number', '#passport-number', true],
      ['No country has that name or code', '#citizenship', true],
    ])
    assert.equal(res.dom.querySelector('#offer-number')?.getAttribute('value'), 'B12', 'the typed values come back')

    res = await officer.post('/en/console/matching', { offerNumber: 'A1999999', passportNumber: 'G12345678', citizenship: 'MX' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['No offer has the number A1999999'])

    res = await officer.post('/en/console/matching', { offerNumber: 'a 100-0001', passportNumber: 'G12345670', citizenship: 'Mexico' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The passport number does not agree with the offer'])
    res = await officer.post('/en/console/matching', { offerNumber: 'A1000001', passportNumber: 'G12345678', citizenship: 'Guatemala' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The country of citizenship does not agree with the offer'])
    assert.equal((await offerRow(id)).status, 'pending')

    res = await officer.post('/fr/console/matching', { offerNumber: 'a-100 0001', passportNumber: ' g 1234-5678 ', citizenship: 'Mexique' })
    assert.equal(res.status, 303)
    assert.equal(res.location, `/fr/console/offers/${id}?done=matched`)
    assert.equal((await offerRow(id)).status, 'matched')
    const page = await officer.follow(res)
    assert.match(text(page.dom.querySelector('.notice-success')), /La demande est jumelée à l’offre A1000001/)
    assert.equal((await outbox('consoleOfferMatched')).length, 1)
    const audit = await t.db.selectFrom('audit_event').select(['action', 'details']).where('object_id', '=', id).orderBy('id').execute()
    assert.deepEqual(audit.map((a) => a.action), ['offer.match_refused', 'offer.match_refused', 'offer.matched'])
    assert.ok(!JSON.stringify(audit).includes('G12345678'), 'no passport number in the audit trail')

    res = await officer.post('/en/console/matching', { offerNumber: 'A1000001', passportNumber: 'G12345678', citizenship: 'MX' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Offer A1000001 is already matched to an application'])
  })

  it('lists every field’s error, each linked to its field, when the matching form is sent empty', async () => {
    await officer.get('/en/console/matching')
    let res = await officer.post('/en/console/matching', { offerNumber: '', passportNumber: '', citizenship: '' })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.href, l.targetExists]), [
      ['Enter the offer number', '#offer-number', true],
      ['Enter the passport number', '#passport-number', true],
      ['Enter the country of citizenship', '#citizenship', true],
    ])
    // Each message is beside its field too, and in French on the French page.
    for (const id of ['offer-number', 'passport-number', 'citizenship']) assert.ok(res.dom.querySelector(`#${id}-error`), `${id} has its message`)
    res = await officer.post('/fr/console/matching', {})
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Entrez le numéro d’offre', 'Entrez le numéro de passeport', 'Entrez le pays de citoyenneté'])
    // Only the offer number missing: the other elements are still checked.
    res = await officer.post('/en/console/matching', { offerNumber: ' ', passportNumber: 'G12345678', citizenship: 'Narnia' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Enter the offer number', 'No country has that name or code'])
  })

  it('un-matches before a decision (with a reason), never after', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000002' })
    await officer.get('/en/console/matching')
    await officer.post('/en/console/matching', { offerNumber: 'A1000002', passportNumber: 'G12345678', citizenship: 'MX' })
    await officer.get(`/en/console/offers/${id}`)
    let res = await officer.post(`/en/console/offers/${id}/unmatch`, { unmatchReason: ' ' })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Say why the match is undone'])
    res = await officer.post(`/en/console/offers/${id}/unmatch`, { unmatchReason: 'Wrong application linked' })
    assert.equal(res.status, 303)
    assert.equal((await offerRow(id)).status, 'pending')
    const undone = await t.db.selectFrom('work_permit_match').select(['undone_at', 'undo_reason']).where('offer_id', '=', id).execute()
    assert.equal(undone.length, 1)
    assert.equal(undone[0]!.undo_reason, 'Wrong application linked')

    await officer.get('/en/console/matching')
    await officer.post('/en/console/matching', { offerNumber: 'A1000002', passportNumber: 'G12345678', citizenship: 'MX' })
    await officer.get(`/en/console/offers/${id}`)
    // An issued permit tells the employer and cannot be changed: asked first, with the day the inspection window ends.
    const asked = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'issued', firstDay: '2026-12-01', note: '' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('main h1')), 'Record the work permit for offer A1000002 as issued?')
    const asking = Object.fromEntries(asked.dom.querySelectorAll('main .summary-row').map((r) => [text(r.querySelector('dt')), text(r.querySelector('dd'))]))
    assert.equal(asking['First day of employment'], 'December 1, 2026')
    assert.equal(asking['Open to inspection until'], 'November 30, 2032')
    assert.deepEqual(
      asked.dom.querySelectorAll(`main form[action="/en/console/offers/${id}/decision"] input[type="hidden"]:not([name="_csrf"])`).map((i) => [i.getAttribute('name'), i.getAttribute('value')]),
      [['outcome', 'issued'], ['firstDay', '2026-12-01'], ['note', '']],
    )
    assert.equal(await t.db.selectFrom('work_permit_decision').select('offer_id').where('offer_id', '=', id).executeTakeFirst(), undefined, 'nothing recorded yet')
    assert.equal((await outbox('consoleWorkPermitIssued')).length, 0, 'the employer is not told yet')
    res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'issued', firstDay: '2026-12-01', note: '', confirm: 'yes' })
    assert.equal(res.status, 303)
    assert.equal(res.location, `/en/console/offers/${id}?done=issued`)
    // The officer is told what was recorded.
    assert.equal(
      text((await officer.follow(res)).dom.querySelector('.notice-success')),
      'Recorded for offer A1000002: work permit issued, first day of employment December 1, 2026, open to inspection until November 30, 2032. The employer is told.',
    )
    assert.match(text((await officer.get(`/fr/console/offers/${id}?done=issued`)).dom.querySelector('.notice-success')), /Décision inscrite pour l’offre A1000002 : permis de travail délivré, premier jour d’emploi le 1er décembre 2026/)
    // A banner is only what the offer holds: "refused" is not claimed of an issued permit, and unknown words say nothing.
    for (const done of ['refused', 'constructor', 'toString']) assert.equal((await officer.get(`/en/console/offers/${id}?done=${done}`)).dom.querySelector('.notice-success'), null, done)
    const decision = await t.db.selectFrom('work_permit_decision').selectAll().where('offer_id', '=', id).executeTakeFirstOrThrow()
    assert.equal(decision.first_day_of_employment, '2026-12-01')
    assert.equal(decision.inspection_until, '2032-11-30')
    assert.equal(decision.refund_outcome, null)
    assert.equal(gateway.refunds.length, 0, 'an issued permit refunds nothing')
    const issued = await outbox('consoleWorkPermitIssued')
    assert.equal(issued.length, 1)
    assert.equal((issued[0]!.params as Record<string, string>).inspectionUntil, '2032-11-30')
    // The employer reads the decision on the offer (in their language), no longer told to give the worker the number.
    const seen = text((await employer.get(`/fr/offers/${id}`)).dom.querySelector('main'))
    assert.match(seen, /Permis de travail délivré/)
    assert.match(seen, /Premier jour d’emploi\s*1er décembre 2026/)
    assert.match(seen, /Peut être inspectée jusqu’au\s*30 novembre 2032/)
    assert.doesNotMatch(seen, /Donnez au ressortissant/)

    const detail = await officer.get(`/en/console/offers/${id}`)
    assert.equal(detail.dom.querySelector(`form[action="/en/console/offers/${id}/unmatch"]`), null, 'no un-match form after a decision')
    res = await officer.post(`/en/console/offers/${id}/unmatch`, { unmatchReason: 'Too late' })
    assert.equal(res.status, 409)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['A decision is recorded: the match can no longer be undone'])
    res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'refused', firstDay: '', note: '' })
    assert.equal(res.status, 409)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['A decision is already recorded for this offer'])
  })

  it('checks the decision form: a first day is needed for an issued permit, within a year of today', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000003', status: 'matched' })
    await officer.get(`/en/console/offers/${id}`)
    let res = await officer.post(`/en/console/offers/${id}/decision`, {})
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [['Choose the decision', true]])
    res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'issued', firstDay: '2026-02-30' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [['Enter the first day of employment as a date like 2026-11-23', true]])
    res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'issued', firstDay: '2062-01-01' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The first day of employment must be within a year before or after today'])
    assert.equal(await t.db.selectFrom('work_permit_decision').select('offer_id').where('offer_id', '=', id).executeTakeFirst(), undefined)
  })

  it('a refused work permit refunds the fee, once', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000004', status: 'matched' })
    const paymentId = await makeApprovedPayment(t.db, { offerId: id, businessId, userId: employerId })
    await officer.get(`/en/console/offers/${id}`)
    const before = gateway.refunds.length
    // A refusal refunds the fee: the officer is asked first, on a page that says so (no script needed).
    const asked = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'refused', note: 'Inadmissible' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('h1')), 'Refuse the work permit for offer A1000004?')
    assert.match(text(asked.dom.querySelector('main')), /The employer is told, and the fee of \$230\.00 \(receipt EC-2026-\d+\) is refunded to the card it was paid with\./)
    assert.equal(gateway.refunds.length, before, 'nothing refunded yet')
    assert.equal(await t.db.selectFrom('work_permit_decision').select('offer_id').where('offer_id', '=', id).executeTakeFirst(), undefined, 'nothing recorded yet')
    const confirm = asked.dom.querySelector(`form[action="/en/console/offers/${id}/decision"]`)!
    assert.deepEqual(
      confirm.querySelectorAll('input[type="hidden"]:not([name="_csrf"])').map((i) => [i.getAttribute('name'), i.getAttribute('value')]),
      [['outcome', 'refused'], ['note', 'Inadmissible']],
    )
    // "No": back to the offer, the decision form as it was filled in, nothing recorded.
    const no = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'refused', note: 'Inadmissible', confirm: 'no' })
    assert.equal(no.status, 200)
    assert.equal(no.dom.querySelector('input[name="outcome"][value="refused"]')?.hasAttribute('checked'), true)
    assert.equal(text(no.dom.querySelector('#note')), 'Inadmissible')
    assert.equal(gateway.refunds.length, before)
    const res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'refused', note: 'Inadmissible', confirm: 'yes' })
    assert.equal(res.status, 303)
    assert.equal(res.location, `/en/console/offers/${id}?done=refused&refund=refunded`)
    assert.equal(gateway.refunds.length, before + 1)
    const payment = await t.db.selectFrom('payment').select('status').where('id', '=', paymentId).executeTakeFirstOrThrow()
    assert.equal(payment.status, 'refunded')
    const refunds = await t.db.selectFrom('payment_refund').select(['status', 'amount_cents', 'reason']).where('payment_id', '=', paymentId).execute()
    assert.deepEqual(refunds, [{ status: 'succeeded', amount_cents: 23000, reason: 'work_permit_refused' }])
    const decision = await t.db.selectFrom('work_permit_decision').selectAll().where('offer_id', '=', id).executeTakeFirstOrThrow()
    assert.deepEqual([decision.outcome, decision.refund_outcome, decision.refund_payment_id, decision.inspection_until], ['refused', 'refunded', paymentId, null])
    const page = await officer.follow(res)
    assert.deepEqual(page.dom.querySelectorAll('.notice-success').map((n) => text(n)), ['Recorded for offer A1000004: work permit refused. The employer is told.', 'The fee was refunded.'])
    assert.match(page.body, /refunded \(receipt EC-2026-/)
    // Asking again refunds nothing more.
    await officer.post(`/en/console/offers/${id}/refund`, {})
    assert.equal(gateway.refunds.length, before + 1)
    assert.equal((await outbox('consoleWorkPermitRefused')).length, 1)
    assert.match(text((await employer.get(`/en/offers/${id}`)).dom.querySelector('main')), /Work permit refused/)
  })

  it('a refund the gateway refuses is shown with a retry, which refunds', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000005', status: 'matched' })
    await makeApprovedPayment(t.db, { offerId: id, businessId, userId: employerId })
    gateway.answer = () => ({ status: 'failed', reason: 'card closed' })
    await officer.get(`/en/console/offers/${id}`)
    let res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'refused', confirm: 'yes' })
    assert.equal(res.location, `/en/console/offers/${id}?done=refused&refund=failed`)
    let page = await officer.follow(res)
    assert.ok(page.dom.querySelector(`form[action="/en/console/offers/${id}/refund"]`))
    gateway.answer = () => ({ status: 'succeeded', refundId: 'rf-retry' })
    res = await officer.post(`/en/console/offers/${id}/refund`, {})
    assert.equal(res.location, `/en/console/offers/${id}?refund=refunded`)
    page = await officer.follow(res)
    assert.equal(page.dom.querySelector(`form[action="/en/console/offers/${id}/refund"]`), null)
  })

  it('a fee-exempt offer (no payment) is refused without a refund', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000006', status: 'matched' })
    await officer.get(`/en/console/offers/${id}`)
    // The confirmation says nothing is refunded (in French on the French page).
    const asked = await officer.post(`/fr/console/offers/${id}/decision`, { outcome: 'refused' })
    assert.match(text(asked.dom.querySelector('main')), /L’employeur en est informé\. Aucuns frais n’ont été payés pour cette offre\s: rien n’est remboursé\./)
    const res = await officer.post(`/en/console/offers/${id}/decision`, { outcome: 'refused', confirm: 'yes' })
    assert.equal(res.location, `/en/console/offers/${id}?done=refused&refund=not_refundable`)
  })

  it('corrects the exemption code and the passport number with a reason, keeping the history', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000007', answers: offerAnswers({ passport: 'G7777777', exemptionCode: 'T36' }) })
    await officer.get(`/en/console/offers/${id}`)
    let res = await officer.post(`/en/console/offers/${id}/corrections`, { field: 'exemptionCode', value: 'ZZ9', reason: 'Typo' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Enter a known LMIA exemption code, like T36'])
    res = await officer.post(`/en/console/offers/${id}/corrections`, { field: 'exemptionCode', value: 'C41', reason: 'Typo' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['That code is for an open work permit, which needs no offer'])
    res = await officer.post(`/en/console/offers/${id}/corrections`, { field: 'exemptionCode', value: 't37', reason: '' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Give the reason for the correction'])
    const v0 = (await offerRow(id)).version

    res = await officer.post(`/en/console/offers/${id}/corrections`, { field: 'exemptionCode', value: 't37', reason: 'The worker is an intra-company transferee' })
    assert.equal(res.status, 303)
    res = await officer.post(`/en/console/offers/${id}/corrections`, { field: 'passportNumber', value: 'g 7777-778', reason: 'Passport renewed' })
    assert.equal(res.status, 303)
    const row = await offerRow(id)
    assert.equal(row.answers.exemption?.exemptionCode, 'T37')
    assert.equal(row.answers.worker?.passportNumber, 'G7777778')
    assert.equal((await t.db.selectFrom('offer').select('passport_key').where('id', '=', id).executeTakeFirstOrThrow()).passport_key, 'G7777778', 'the searchable copy follows')
    assert.equal(row.answers.worker?.familyName, 'García', 'other answers untouched')
    assert.equal(row.version, v0 + 2)
    const corrections = await t.db.selectFrom('offer_correction').select(['field', 'old_value', 'new_value', 'reason']).where('offer_id', '=', id).orderBy('corrected_at').orderBy('field').execute()
    assert.deepEqual(corrections, [
      { field: 'exemptionCode', old_value: 'T36', new_value: 'T37', reason: 'The worker is an intra-company transferee' },
      { field: 'passportNumber', old_value: 'G7777777', new_value: 'G7777778', reason: 'Passport renewed' },
    ])
    const audit = await t.db.selectFrom('audit_event').select(['action', 'details']).where('object_id', '=', id).where('action', '=', 'offer.corrected').orderBy('id').execute()
    assert.equal(audit.length, 2)
    assert.ok(!JSON.stringify(audit).includes('7777'), 'no passport number in the audit trail')
    const mails = [...(await outbox('consoleOfferExemptionCorrected')), ...(await outbox('consoleOfferPassportCorrected'))]
    assert.equal(mails.length, 2)
    assert.ok(!JSON.stringify(mails).includes('7777'), 'no passport number in e-mails')
    const page = await officer.get(`/en/console/offers/${id}`)
    assert.match(text(page.dom), /LMIA exemption code: T36 → T37/)
    // Once matched, still correctable; a withdrawn offer is not.
    const withdrawn = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000008', status: 'withdrawn' })
    await officer.get(`/en/console/offers/${withdrawn}`)
    res = await officer.post(`/en/console/offers/${withdrawn}/corrections`, { field: 'exemptionCode', value: 'T37', reason: 'x' })
    assert.equal(res.status, 409)
  })

  it('refuses to match an offer whose fee is owed or whose fee exemption is not decided yet, and says so', async () => {
    const owed = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000010' })
    await t.db.updateTable('offer').set({ fee_exemption: 'employer', needs_review: false, fee_review_decision: 'refused', fee_review_reason: 'No proof', fee_reviewed_at: new Date('2026-11-20T15:00:00Z') }).where('id', '=', owed).execute()
    const review = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000011' })
    await t.db.updateTable('offer').set({ fee_exemption: 'worker', needs_review: true }).where('id', '=', review).execute()
    const exempt = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000012' })
    await t.db.updateTable('offer').set({ fee_exemption: 'employer', needs_review: false, fee_review_decision: 'accepted', fee_review_reason: 'Diplomatic note', fee_reviewed_at: new Date('2026-11-20T15:00:00Z') }).where('id', '=', exempt).execute()
    const details = { passportNumber: 'G12345678', citizenship: 'MX' }

    // The console's offer page says where the fee stands, with the fee review a link away.
    const fee = async (id: string, lang = 'en') => {
      const page = await officer.get(`/${lang}/console/offers/${id}`)
      const row = page.dom.querySelectorAll('.summary-row').find((r) => /Compliance fee|Frais de conformité/.test(text(r.querySelector('dt'))))
      return { words: text(row?.querySelector('dd')), link: row?.querySelector('a')?.getAttribute('href') }
    }
    assert.deepEqual(await fee(owed), { words: 'Fee owed, not paid: the fee exemption claimed was refused (fee exemption review)', link: `/en/console/fee-exemptions/${owed}` })
    assert.equal((await fee(owed, 'fr')).words, 'Frais dus, non payés : la dispense des frais demandée a été refusée (examen de la dispense des frais)')
    assert.equal((await fee(review)).words, 'Not paid: a fee exemption is claimed and waits for review (fee exemption review)')
    assert.equal((await fee(exempt)).words, 'Exempt: the fee exemption claimed was accepted (fee exemption review)')

    await officer.get('/en/console/matching')
    let res = await officer.post('/en/console/matching', { offerNumber: 'A1000010', ...details })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.href]), [['Offer A1000010 cannot be matched: its fee exemption was refused and the compliance fee is not paid', '#offer-number']])
    assert.equal(res.dom.querySelector(`a[href="/en/console/offers/${owed}"]`) !== null, true, 'the offer is a link away')
    res = await officer.post('/fr/console/matching', { offerNumber: 'A1000011', ...details })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['L’offre A1000011 ne peut pas encore être jumelée : la dispense des frais demandée attend l’examen d’un agent'])
    assert.equal((await offerRow(owed)).status, 'pending')
    assert.equal((await offerRow(review)).status, 'pending')
    // Refused for its fee, not a mismatch: the elements typed agreed, and the trail says so.
    const refusedForFee = await t.db.selectFrom('audit_event').select('details').where('object_id', '=', review).where('action', '=', 'offer.match_refused').executeTakeFirstOrThrow()
    assert.deepEqual(refusedForFee.details, { fee: 'underReview' })
    const reviewHistory = text((await officer.get(`/en/console/offers/${review}`)).dom.querySelectorAll('table').at(-1))
    assert.match(reviewHistory, /Match of an offer refused.*refused for its fee: the fee exemption claimed waits for an officer’s review/)
    assert.doesNotMatch(reviewHistory, /did not agree/)
    assert.equal((await outbox('consoleOfferMatched')).filter((m) => JSON.stringify(m.params).includes('A100001')).length, 0)

    // Paid since (the employer paid from the offer's page): it matches. An accepted exemption matches too.
    await makeApprovedPayment(t.db, { offerId: owed, businessId, userId: employerId })
    assert.match((await fee(owed)).words, /^\$230\.00 paid, receipt EC-2026-/)
    res = await officer.post('/en/console/matching', { offerNumber: 'A1000010', ...details })
    assert.equal(res.status, 303)
    res = await officer.post('/en/console/matching', { offerNumber: 'A1000012', ...details })
    assert.equal(res.status, 303)
    assert.deepEqual([(await offerRow(owed)).status, (await offerRow(exempt)).status], ['matched', 'matched'])
  })

  it('gives the un-match and correction forms fields of their own: each error links to its own field', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000013', status: 'matched' })
    const page = await officer.get(`/en/console/offers/${id}`)
    const ids = page.dom.querySelectorAll('[id]').map((e) => e.getAttribute('id'))
    assert.deepEqual(ids.filter((x, i) => ids.indexOf(x) !== i), [], 'no id twice')
    const labelled = (form: string) => page.dom.querySelectorAll(`form[action$="/${form}"] label`).map((l) => [text(l), page.dom.querySelector(`#${l.getAttribute('for')}`)?.closest('form')?.getAttribute('action')])
    const labels = [...labelled('unmatch'), ...labelled('corrections')]
    assert.equal(labels.length, 5, 'the un-match reason, then what to correct (its group label and two choices), the corrected value and the reason')
    for (const [label, action] of labels) assert.ok(action?.endsWith(label!.startsWith('Why the match is undone') ? '/unmatch' : '/corrections'), `${label} is the label of a field of its own form`)

    let res = await officer.post(`/en/console/offers/${id}/corrections`, { field: 'exemptionCode', value: 'T37', reason: '' })
    let [link] = errorSummaryLinks(res.dom)
    assert.equal(link?.text, 'Give the reason for the correction')
    assert.equal(res.dom.querySelector(link!.href)?.closest('form')?.getAttribute('action'), `/en/console/offers/${id}/corrections`)
    res = await officer.post(`/en/console/offers/${id}/unmatch`, { unmatchReason: '' })
    ;[link] = errorSummaryLinks(res.dom)
    assert.equal(link?.text, 'Say why the match is undone')
    assert.equal(res.dom.querySelector(link!.href)?.closest('form')?.getAttribute('action'), `/en/console/offers/${id}/unmatch`)
  })

  it('tells the offer’s history in words, with its payments and refunds, as the inspection page does', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000014' })
    const paymentId = await makeApprovedPayment(t.db, { offerId: id, businessId, userId: employerId, at: new Date('2026-01-10T14:55:00Z') })
    await t.db.insertInto('offer_version').values({ offer_id: id, version: 4, section: 'job', saved_values: JSON.stringify({ workProvince: 'QC', additionalLocation: 'no', endDate: '2028-03-01' }), saved_by: employerId, saved_at: new Date('2026-01-09T15:00:00Z') }).execute()
    await officer.get('/en/console/matching')
    t.clock.advanceMinutes(1)
    await officer.post('/en/console/matching', { offerNumber: 'A1000014', passportNumber: 'X1', citizenship: 'MX' })
    t.clock.advanceMinutes(1)
    await officer.post('/en/console/matching', { offerNumber: 'A1000014', passportNumber: 'G12345678', citizenship: 'MX' })
    t.clock.advanceMinutes(1)
    const refundedAt = t.clock.now()
    await t.db.insertInto('payment_refund').values({ id: crypto.randomUUID(), payment_id: paymentId, amount_cents: 23000, status: 'succeeded', idempotency_key: `refund-${paymentId}`, reason: 'work_permit_refused', created_at: refundedAt, completed_at: refundedAt }).execute()

    const history = async (lang: string) => {
      const page = await officer.get(`/${lang}/console/offers/${id}`)
      return { page, rows: page.dom.querySelectorAll('table').at(-1)!.querySelectorAll('tbody tr').map((tr) => tr.querySelectorAll('td').slice(1).map((td) => text(td))) }
    }
    const en = await history('en')
    assert.deepEqual(
      en.rows.map((r) => r[1]),
      ['Offer section saved', 'Payment of the fee started', 'Fee paid', 'Match of an offer refused', 'Offer matched to a work permit application', 'Fee refunded'],
    )
    assert.deepEqual(en.rows[0], ['employer.match', 'Offer section saved', 'Job, version 4: Work address: province or territory “Quebec”; Will the worker also work at another location? “No”; End date “2028-03-01”'])
    assert.match(en.rows[2]![2]!, /^EC-2026-\d+; \$230\.00$/)
    assert.equal(en.rows[3]![2], 'did not agree: Passport number; from 127.0.0.1')
    assert.doesNotMatch(en.page.body, /offer\.(section_saved|match_refused|matched)|workProvince|payment\.approved|refund\.succeeded/, 'no codes')
    const fr = await history('fr')
    assert.deepEqual(fr.rows[0], ['employer.match', 'Section d’une offre enregistrée', 'Emploi, version 4 : Adresse du lieu de travail : province ou territoire « Québec »; Le travailleur travaillera-t-il aussi à un autre endroit? « Non »; Date de fin « 2028-03-01 »'])
    assert.equal(fr.rows.at(-1)![1], 'Frais remboursés')
  })

  it('names people and writes days in words on the offer page; the status and search results say the work permit decision', async () => {
    const named = await createUser(t.db, { username: 'mia.matcher', role: 'officer', givenName: 'Mia', familyName: 'Matcher' })
    const payer = await createUser(t.db, { username: 'paul.payer', givenName: 'Paul', familyName: 'Payeur' })
    const mia = new TestClient(t.app)
    await signInAs(mia, named.id)
    const issuedId = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000020', answers: offerAnswers({ familyName: 'Zyx' }) })
    const refusedId = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000021', answers: offerAnswers({ familyName: 'Zyx' }) })
    await makeApprovedPayment(t.db, { offerId: refusedId, businessId, userId: payer.id })
    await mia.get('/en/console/matching')
    for (const offerNumber of ['A1000020', 'A1000021']) assert.equal((await mia.post('/en/console/matching', { offerNumber, passportNumber: 'G12345678', citizenship: 'MX' })).status, 303)
    await mia.get(`/en/console/offers/${issuedId}`)
    assert.equal((await mia.post(`/en/console/offers/${issuedId}/decision`, { outcome: 'issued', firstDay: '2026-12-01', note: '', confirm: 'yes' })).status, 303)
    assert.equal((await mia.post(`/en/console/offers/${refusedId}/decision`, { outcome: 'refused', note: '', confirm: 'yes' })).status, 303)

    const page = await mia.get(`/en/console/offers/${issuedId}`)
    const rows = Object.fromEntries(page.dom.querySelectorAll('main .summary-row').map((r) => [text(r.querySelector('dt')), text(r.querySelector('dd'))]))
    assert.equal(rows['Date of birth'], 'May 4, 1990')
    assert.equal(rows['Start date'], 'March 1, 2026')
    assert.equal(rows.Status, 'Work permit issued', 'the decision, read from it')
    const main = text(page.dom.querySelector('main'))
    assert.match(main, /Work permit issued; first day of employment December 1, 2026; open to inspection until November 30, 2032\./)
    assert.match(main, /Matched on .* by Mia Matcher\./)
    assert.match(main, /Recorded by Mia Matcher on /)
    assert.doesNotMatch(main, /mia\.matcher|2026-12-01|2032-11-30|1990-05-04/, 'names and days in words')
    assert.equal((await t.db.selectFrom('offer').select('status').where('id', '=', issuedId).executeTakeFirstOrThrow()).status, 'matched', 'the stored status is unchanged')
    const fr = await mia.get(`/fr/console/offers/${refusedId}`)
    assert.equal(Object.fromEntries(fr.dom.querySelectorAll('main .summary-row').map((r) => [text(r.querySelector('dt')), text(r.querySelector('dd'))]))['État'], 'Permis de travail refusé')

    // The history names the payer of the payment, and the officer whose decision caused the refund.
    const history = (await mia.get(`/en/console/offers/${refusedId}`)).dom.querySelectorAll('table').at(-1)!.querySelectorAll('tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => text(td)))
    const who = (what: string) => history.filter((r) => r[2] === what).map((r) => r[1])
    assert.deepEqual(who('Payment of the fee started'), ['Paul Payeur'])
    assert.deepEqual(who('Fee paid'), ['Paul Payeur'])
    assert.deepEqual(who('Fee refunded'), ['Mia Matcher'])
    assert.deepEqual(who('Offer matched to a work permit application'), ['Mia Matcher'])

    // Search results: the decision, not "Matched".
    const found = await mia.get('/en/console/search?kind=offers&q=Zyx')
    const statuses = Object.fromEntries(found.dom.querySelectorAll('main tbody tr').map((tr) => [text(tr.querySelector('td')), text(tr.querySelectorAll('td')[4])]))
    assert.deepEqual(statuses, { A1000020: 'Work permit issued', A1000021: 'Work permit refused' })
  })

  it('shows what an inspection reads: every section in words, the documents and the offer PDF (audited), every payment attempt and the refund', async () => {
    const answers = offerAnswers({ familyName: 'Inspectée' })
    answers.job = { ...answers.job, mainDuties: 'Design and test payroll software.', workStreet: '200 Rue Sparks', workCity: 'Ottawa', workPostalCode: 'K1P 5B7', hoursPerWeek: '37.5', endDate: '2028-03-01' }
    answers.wage = { wage: '32.50', wageUnit: 'hour' }
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000030', answers })
    const doc = await t.db
      .insertInto('offer_document')
      .values({ offer_id: id, file_name: 'lettre d’offre.pdf', content_type: 'application/pdf', size_bytes: 9, sha256: 'x'.repeat(64), content: Buffer.from('%PDF-1.4\n'), uploaded_by: employerId, created_at: new Date('2026-01-09T15:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow()
    // A declined attempt first, then the approved payment, refunded with the gateway's reference.
    const declined = await makeApprovedPayment(t.db, { offerId: id, businessId, userId: employerId, at: new Date('2026-01-10T14:50:00Z') })
    await t.db.updateTable('payment').set({ status: 'declined', receipt_number: null, approved_at: null, card_brand: 'mastercard', card_last4: '5100' }).where('id', '=', declined).execute()
    const paid = await makeApprovedPayment(t.db, { offerId: id, businessId, userId: employerId })
    await t.db.updateTable('payment').set({ status: 'refunded' }).where('id', '=', paid).execute()
    await t.db
      .insertInto('payment_refund')
      .values({ id: crypto.randomUUID(), payment_id: paid, amount_cents: 23000, status: 'succeeded', idempotency_key: `refund-${paid}`, reason: 'withdrawn', reason_detail: null, requested_by_user_id: employerId, gateway_refund_id: 'RF-778899', failure_reason: null, created_at: new Date('2026-02-02T15:00:00Z'), completed_at: new Date('2026-02-02T15:01:00Z') })
      .execute()

    const page = await officer.get(`/en/console/offers/${id}`)
    assert.equal(page.status, 200)
    const rows = Object.fromEntries(page.dom.querySelectorAll('main .summary-row').map((r) => [text(r.querySelector('dt')), text(r.querySelector('dd'))]))
    assert.match(rows['NOC 2021 code'] ?? '', /^21231 .+ \(TEER \d\)$/, 'the code with its title and TEER')
    assert.equal(rows['Main duties of the job'], 'Design and test payroll software.')
    assert.equal(rows.Wage, '$32.50 per hour', 'the wage with its period')
    assert.equal(rows['Work address: street'], '200 Rue Sparks')
    assert.equal(rows['Start date'], 'March 1, 2026')
    assert.equal(rows['End date'], 'March 1, 2028')
    assert.equal(rows['Hours of work per week'], '37.5')
    assert.equal(rows['Passport number'], 'G12345678')

    const docLink = page.dom.querySelectorAll('main a').find((a) => text(a) === 'lettre d’offre.pdf')
    assert.equal(docLink?.getAttribute('href'), `/en/console/offers/${id}/documents/${doc.id}`)
    const pdfLink = page.dom.querySelectorAll('main a').find((a) => text(a) === 'Download the offer (PDF)')
    assert.equal(pdfLink?.getAttribute('href'), `/en/console/offers/${id}/offer.pdf`)

    const payments = page.dom.querySelectorAll('main table').find((tb) => text(tb.querySelector('caption')) === 'Payments')!
    const cells = payments.querySelectorAll('tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => text(td)))
    assert.equal(cells.length, 2)
    assert.match(text(page.dom.querySelector('main')), /2 payment attempts\./)
    assert.deepEqual(cells[0]!.slice(1, 5), ['$230.00', 'Declined (not charged)', 'Mastercard ending in 5100', `txn-${declined}`])
    assert.equal(cells[1]![2], 'Refunded Refund completed on Feb 2, 2026, 10:01 a.m.; refund reference RF-778899')
    assert.equal(cells[1]![3], 'Visa ending in 4242')
    assert.equal(cells[1]![4], `txn-${paid}`)

    const fr = await officer.get(`/fr/console/offers/${id}`)
    const frRows = Object.fromEntries(fr.dom.querySelectorAll('main .summary-row').map((r) => [text(r.querySelector('dt')), text(r.querySelector('dd'))]))
    assert.match(frRows.Salaire ?? '', /^32,50\s\$ par heure$/)
    assert.match(text(fr.dom.querySelector('main')), /2\stentatives de paiement\./)

    // The bytes, as a download, and on the trail; the PDF too. Employers are refused, other offers' documents are not found.
    const before = await t.db.selectFrom('audit_event').select('action').where('object_id', '=', id).where('action', 'like', 'inspection.%').execute()
    assert.deepEqual(before, [], 'reading the page writes nothing')
    const bytes = await officer.get(`/en/console/offers/${id}/documents/${doc.id}`)
    assert.equal(bytes.status, 200)
    assert.equal(bytes.body, '%PDF-1.4\n')
    assert.match(String(bytes.headers['content-disposition']), /^attachment;/)
    assert.equal(bytes.headers['content-type'], 'application/pdf')
    const pdf = await officer.get(`/en/console/offers/${id}/offer.pdf`)
    assert.equal(pdf.status, 200)
    assert.equal(pdf.headers['content-type'], 'application/pdf')
    assert.ok(pdf.raw.rawPayload.subarray(0, 5).equals(Buffer.from('%PDF-')))
    const trail = await t.db.selectFrom('audit_event').select(['action', 'details', 'actor_label']).where('object_id', '=', id).where('action', 'like', 'inspection.%').orderBy('occurred_at').orderBy('id').execute()
    assert.deepEqual(trail.map((a) => [a.action, a.actor_label]), [['inspection.document_opened', 'officer.match'], ['inspection.offer_pdf_downloaded', 'officer.match']])
    assert.deepEqual(trail[0]!.details, { documentId: doc.id, fileName: 'lettre d’offre.pdf' })
    assert.equal((await employer.get(`/en/console/offers/${id}/documents/${doc.id}`)).status, 403)
    assert.equal((await employer.get(`/en/console/offers/${id}/offer.pdf`)).status, 403)
    const other = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000031' })
    assert.equal((await officer.get(`/en/console/offers/${other}/documents/${doc.id}`)).status, 404)
    assert.equal((await officer.get(`/en/console/offers/${id}/documents/not-a-uuid`)).status, 404)
  })

  it('is the console: employers are refused, drafts and unknown offers are not found', async () => {
    const id = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'A1000009' })
    assert.equal((await employer.get('/en/console/matching')).status, 403)
    assert.equal((await employer.get(`/en/console/offers/${id}`)).status, 403)
    const draft = await makeOffer(t.db, { businessId, userId: employerId, offerNumber: 'x', status: 'draft' })
    assert.equal((await officer.get(`/en/console/offers/${draft}`)).status, 404)
    assert.equal((await officer.get('/en/console/offers/not-a-uuid')).status, 404)
  })
})
