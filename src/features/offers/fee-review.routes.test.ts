import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { businessNumber, makeBusiness, makeOffer } from '../../../tests/helpers/console-fixtures.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('fee exemption review (console): a decision that comes second', () => {
  let t: TestApp
  let first: TestClient
  let second: TestClient
  let offerId: string
  let businessId: string
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const a = await createUser(t.db, { username: 'officer.first', role: 'officer', givenName: 'Aline', familyName: 'Premier' })
    const b = await createUser(t.db, { username: 'officer.second', role: 'officer' })
    const boss = await createUser(t.db, { username: 'employer.exempt' })
    businessId = await makeBusiness(t.db, { eight: '12345678', legalName: 'Mission diplomatique' })
    offerId = await makeOffer(t.db, { businessId, userId: boss.id, offerNumber: 'A7000001' })
    await t.db.updateTable('offer').set({ fee_exemption: 'employer', needs_review: true }).where('id', '=', offerId).execute()
    first = new TestClient(t.app)
    second = new TestClient(t.app)
    await signInAs(first, a.id)
    await signInAs(second, b.id)
  })
  after(() => t.close())

  const row = () => t.db.selectFrom('offer').select(['needs_review', 'fee_review_decision', 'fee_review_reason']).where('id', '=', offerId).executeTakeFirstOrThrow()

  it('links to the offer’s console page, and puts "Assign to me" under an Assignment heading that says who has it', async () => {
    const page = await first.get(`/en/console/fee-exemptions/${offerId}`)
    assert.equal(text(page.dom.querySelector(`main .summary-list a[href="/en/console/offers/${offerId}"]`)), 'Offer A7000001 in the console')
    const heading = page.dom.querySelectorAll('main h2').find((h) => text(h) === 'Assignment')
    assert.ok(heading, 'an Assignment heading')
    assert.equal(text(heading!.nextElementSibling), 'This review is not assigned to anyone yet.')
    assert.equal(text(heading!.nextElementSibling!.nextElementSibling!.querySelector('button')), 'Assign to me')
    await second.get(`/en/console/fee-exemptions/${offerId}`)
    await second.post(`/en/console/fee-exemptions/${offerId}/assign`, {})
    const taken = await first.get(`/fr/console/fee-exemptions/${offerId}`)
    assert.match(text(taken.dom.querySelector('main')), /Attribution Cet examen est attribué à officer\.second\./)
    const mine = await second.get(`/en/console/fee-exemptions/${offerId}`)
    assert.match(text(mine.dom.querySelector('main')), /Assignment This review is assigned to you\./)
  })

  it('asks before recording a decision (the employer is told at once); No brings the form back as filled in', async () => {
    await first.get(`/en/console/fee-exemptions/${offerId}`)
    const asked = await first.post(`/en/console/fee-exemptions/${offerId}/decision`, { decision: 'refused', reason: 'No proof.' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('main h1')), 'Refuse the fee exemption for offer A7000001?')
    assert.match(text(asked.dom.querySelector('main')), /The employer is told at once, with your reason\. They must pay the compliance fee before the offer can be matched/)
    const form = asked.dom.querySelector(`main form[action="/en/console/fee-exemptions/${offerId}/decision"]`)!
    assert.deepEqual(form.querySelectorAll('input[type="hidden"]:not([name="_csrf"])').map((i) => [i.getAttribute('name'), i.getAttribute('value')]), [['decision', 'refused'], ['reason', 'No proof.']])
    assert.deepEqual(form.querySelectorAll('button').map((b) => text(b)), ['Yes, refuse the exemption', 'No, go back to the review'])
    assert.deepEqual(await row(), { needs_review: true, fee_review_decision: null, fee_review_reason: null }, 'nothing recorded yet')
    assert.equal((await t.db.selectFrom('account_message').select('template').where('template', 'like', 'offerFeeExemption%').execute()).length, 0, 'the employer is not told yet')
    const fr = await first.post(`/fr/console/fee-exemptions/${offerId}/decision`, { decision: 'accepted', reason: 'Note' })
    assert.equal(text(fr.dom.querySelector('main h1')), 'Accepter la dispense des frais de l’offre A7000001?')
    const no = await first.post(`/en/console/fee-exemptions/${offerId}/decision`, { decision: 'refused', reason: 'No proof.', confirm: 'no' })
    assert.equal(no.status, 200)
    assert.equal(no.dom.querySelector('input[name="decision"][value="refused"]')?.hasAttribute('checked'), true)
    assert.equal(text(no.dom.querySelector('#reason')), 'No proof.')
    assert.equal((await row()).needs_review, true)
  })

  it('tells the second officer who decided what, and when, and changes nothing', async () => {
    // Both have the review open.
    await first.get(`/en/console/fee-exemptions/${offerId}`)
    await second.get(`/en/console/fee-exemptions/${offerId}`)
    const recorded = await first.post(`/en/console/fee-exemptions/${offerId}/decision`, { decision: 'accepted', reason: 'The diplomatic note names the worker.', confirm: 'yes' })
    assert.equal(recorded.status, 303)
    // The officer who decided is told what was recorded (read back from the offer), once.
    const done = await first.follow(recorded)
    assert.equal(text(done.dom.querySelector('#notice-success-title')), 'Decision recorded: Exemption accepted')
    assert.equal(done.dom.querySelector('form[action$="/decision"]'), null)
    assert.equal((await second.get(`/en/console/fee-exemptions/${offerId}?recorded=1`)).dom.querySelector('#notice-success-title'), null, 'only to the officer who recorded it')

    const res = await second.post(`/en/console/fee-exemptions/${offerId}/decision`, { decision: 'refused', reason: 'No proof.', confirm: 'yes' })
    assert.equal(res.status, 409)
    assert.equal(text(res.dom.querySelector('#notice-warning-title')), 'This fee exemption was already decided: your decision was not recorded')
    assert.equal(text(res.dom.querySelector('[aria-labelledby="notice-warning-title"] .notice-body')), 'Aline Premier recorded “Exemption accepted” on November 23, 2026 at 10:00 a.m. Nothing was changed.')
    assert.equal(res.dom.querySelector('form[action$="/decision"]'), null, 'no form to decide again')
    assert.deepEqual(await row(), { needs_review: false, fee_review_decision: 'accepted', fee_review_reason: 'The diplomatic note names the worker.' })
    const audit = await t.db.selectFrom('audit_event').select('action').where('object_id', '=', offerId).where('action', 'like', 'offer.fee_exemption_%').execute()
    assert.deepEqual(audit.map((a) => a.action), ['offer.fee_exemption_accepted'])
    assert.equal((await t.db.selectFrom('account_message').select('template').where('template', 'like', 'offerFeeExemption%').execute()).length, 1, 'the employer is told once')

    // The decided page names the employer, and says who decided (by name, as other decided requests do) and when, in the reader's language.
    const page = await second.get(`/fr/console/fee-exemptions/${offerId}`)
    const rows = Object.fromEntries(page.dom.querySelectorAll('.summary-row').map((r) => [text(r.querySelector('dt')), text(r.querySelector('dd'))]))
    assert.equal(rows['Dénomination sociale'], 'Mission diplomatique')
    assert.equal(rows['Numéro d’entreprise'], businessNumber('12345678').replace(/^(\d{3})(\d{3})(\d{3})$/, '$1 $2 $3'))
    assert.equal(rows['Numéro d’employeur'], 'E1234567')
    assert.equal(page.dom.querySelector(`a[href="/fr/console/employers/${businessId}"]`) !== null, true, 'the employer is a link to its inspection page')
    assert.equal(rows['Décision rendue par'], 'Aline Premier')
    assert.match(rows['Décision rendue le']!, /^23 nov\.? 2026/)
    assert.doesNotMatch(text(page.dom.querySelector('main')), /officer\.first/, 'no username')

    // The decided list: its own title, and who decided and when.
    const list = await second.get('/en/console/fee-exemptions?state=decided')
    assert.equal(text(list.dom.querySelector('h1')), 'Decided fee exemptions')
    assert.deepEqual(list.dom.querySelectorAll('thead th').map((th) => text(th)).slice(-3), ['Decision', 'Decided by', 'Decided on'])
    assert.deepEqual(list.dom.querySelectorAll('tbody tr')[0]!.querySelectorAll('td').map((td) => text(td)).slice(-3, -1), ['Exemption accepted', 'Aline Premier'])
    assert.equal(text((await second.get('/en/console/fee-exemptions')).dom.querySelector('h1')), 'Fee exemptions to review')

    // Sent again with the form left half empty (Back): the same answer, not errors about fields no longer there.
    const again = await second.post(`/fr/console/fee-exemptions/${offerId}/decision`, { decision: 'refused', reason: '' })
    assert.equal(again.status, 409)
    assert.deepEqual(errorSummaryLinks(again.dom), [])
    assert.match(text(again.dom.querySelector('[aria-labelledby="notice-warning-title"]')), /Cette dispense des frais était déjà décidée : votre décision n’a pas été consignée Aline Premier a consigné « Dispense acceptée » le 23 novembre 2026/)
  })
})
