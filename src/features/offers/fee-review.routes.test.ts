import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeBusiness, makeOffer } from '../../../tests/helpers/console-fixtures.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('fee exemption review (console): a decision that comes second', () => {
  let t: TestApp
  let first: TestClient
  let second: TestClient
  let offerId: string
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const a = await createUser(t.db, { username: 'officer.first', role: 'officer' })
    const b = await createUser(t.db, { username: 'officer.second', role: 'officer' })
    const boss = await createUser(t.db, { username: 'employer.exempt' })
    const businessId = await makeBusiness(t.db, { eight: '12345678', legalName: 'Mission diplomatique' })
    offerId = await makeOffer(t.db, { businessId, userId: boss.id, offerNumber: 'A7000001' })
    await t.db.updateTable('offer').set({ fee_exemption: 'employer', needs_review: true }).where('id', '=', offerId).execute()
    first = new TestClient(t.app)
    second = new TestClient(t.app)
    await signInAs(first, a.id)
    await signInAs(second, b.id)
  })
  after(() => t.close())

  const row = () => t.db.selectFrom('offer').select(['needs_review', 'fee_review_decision', 'fee_review_reason']).where('id', '=', offerId).executeTakeFirstOrThrow()

  it('tells the second officer who decided what, and when, and changes nothing', async () => {
    // Both have the review open.
    await first.get(`/en/console/fee-exemptions/${offerId}`)
    await second.get(`/en/console/fee-exemptions/${offerId}`)
    const recorded = await first.post(`/en/console/fee-exemptions/${offerId}/decision`, { decision: 'accepted', reason: 'The diplomatic note names the worker.' })
    assert.equal(recorded.status, 303)
    // The officer who decided is told what was recorded (read back from the offer), once.
    const done = await first.follow(recorded)
    assert.equal(text(done.dom.querySelector('#notice-success-title')), 'Decision recorded: Exemption accepted')
    assert.equal(done.dom.querySelector('form[action$="/decision"]'), null)
    assert.equal((await second.get(`/en/console/fee-exemptions/${offerId}?recorded=1`)).dom.querySelector('#notice-success-title'), null, 'only to the officer who recorded it')

    const res = await second.post(`/en/console/fee-exemptions/${offerId}/decision`, { decision: 'refused', reason: 'No proof.' })
    assert.equal(res.status, 409)
    assert.equal(text(res.dom.querySelector('#notice-warning-title')), 'This fee exemption was already decided: your decision was not recorded')
    assert.equal(text(res.dom.querySelector('[aria-labelledby="notice-warning-title"] .notice-body')), 'officer.first recorded “Exemption accepted” on November 23, 2026 at 10:00 a.m. Nothing was changed.')
    assert.equal(res.dom.querySelector('form[action$="/decision"]'), null, 'no form to decide again')
    assert.deepEqual(await row(), { needs_review: false, fee_review_decision: 'accepted', fee_review_reason: 'The diplomatic note names the worker.' })
    const audit = await t.db.selectFrom('audit_event').select('action').where('object_id', '=', offerId).where('action', 'like', 'offer.fee_exemption_%').execute()
    assert.deepEqual(audit.map((a) => a.action), ['offer.fee_exemption_accepted'])
    assert.equal((await t.db.selectFrom('account_message').select('template').where('template', 'like', 'offerFeeExemption%').execute()).length, 1, 'the employer is told once')

    // The decided page says who decided, and when (in the reader's language).
    const page = await second.get(`/fr/console/fee-exemptions/${offerId}`)
    assert.match(text(page.dom.querySelector('main')), /Décidé par\s*officer\.first, le 23 novembre 2026/)

    // Sent again with the form left half empty (Back): the same answer, not errors about fields no longer there.
    const again = await second.post(`/fr/console/fee-exemptions/${offerId}/decision`, { decision: 'refused', reason: '' })
    assert.equal(again.status, 409)
    assert.deepEqual(errorSummaryLinks(again.dom), [])
    assert.match(text(again.dom.querySelector('[aria-labelledby="notice-warning-title"]')), /Cette dispense des frais était déjà décidée : votre décision n’a pas été consignée officer\.first a consigné « Dispense acceptée » le 23 novembre 2026/)
  })
})
