import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { HTMLElement } from 'node-html-parser'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { pdfText } from '../../../tests/helpers/pdf-text.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { businessWithPrimary, fillOffer, multipart, startOffer, TINY_PDF, TINY_PNG, VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { createUser, signIn } from '../../../tests/helpers/users.ts'
import { offerPdf } from './offers.pdf.ts'
import type { Offer } from './offers.tables.ts'

const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

/** The summary row named `key` on a page: its value's text (no-break spaces as plain ones). */
function rowValue(dom: HTMLElement, key: string): string | undefined {
  const row = dom.querySelectorAll('.summary-row').find((r) => text(r.querySelector('dt')) === key)
  return row ? spaces(text(row.querySelector('dd'))) : undefined
}
const rowKeys = (dom: HTMLElement) => dom.querySelectorAll('.summary-row dt').map((dt) => text(dt))

/**
 * The offer form as an employer who works in French meets it: a wage typed the French way, a fee
 * exemption's proof, the documents page, a deleted draft reached again by Back or a bookmark.
 */
describe('the offer form: amounts in either language, the fee exemption’s proof, documents, deleted drafts', () => {
  let t: TestApp
  let client: TestClient
  let business: { userId: string; businessId: string }

  before(async () => {
    t = await testApp()
    t.clock.set('2026-11-23T15:00:00Z')
    business = await businessWithPrimary(t, 'bistro.owner', '123456782', 'Le Bistro')
    await businessWithPrimary(t, 'other.owner', '046454286', 'Autre Resto')
    client = new TestClient(t.app)
    await signIn(client, 'bistro.owner')
  })
  after(() => t.close())

  const wageOf = async (id: string) => (await t.db.selectFrom('offer').select('answers').where('id', '=', id).executeTakeFirstOrThrow()).answers.wage?.wage

  async function saveWage(id: string, lang: 'en' | 'fr', wage: string): Promise<PageResponse> {
    const page = await client.get(`/${lang}/offers/${id}/wage`)
    const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    return client.post(`/${lang}/offers/${id}/wage`, { version, wage, wageUnit: 'hour', nav: 'next' })
  }

  it('a wage typed in French is kept as one amount, valid for every reader and shown in each reader’s format', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr')
    for (const [typed, kept, en, fr, enSummary, frSummary] of [
      ['45,50', '45.50', '45.50', '45,50', '$45.50 per hour', '45,50 $ par heure'],
      ['1 234,56', '1234.56', '1234.56', '1234,56', '$1,234.56 per hour', '1 234,56 $ par heure'],
    ] as const) {
      const saved = await saveWage(id, 'fr', typed)
      assert.equal(saved.location, `/fr/offers/${id}/worker`, `${typed} is valid in French`)
      assert.equal(await wageOf(id), kept)
      // English pages: the section shows it as English writes it, Validate finds nothing wrong.
      const enSection = await client.get(`/en/offers/${id}/wage?check=1`)
      assert.equal(enSection.dom.querySelector('input#wage')!.getAttribute('value'), en)
      assert.equal(enSection.dom.querySelector('#wage-error'), null)
      const validate = await client.get(`/en/offers/${id}/validate`)
      assert.equal(rowValue(validate.dom, 'Wage and benefits'), 'Complete', text(validate.dom.querySelector('.error-summary')))
      assert.equal(validate.dom.querySelector('.error-summary'), null)
      // French pages: as French writes it.
      assert.equal((await client.get(`/fr/offers/${id}/wage`)).dom.querySelector('input#wage')!.getAttribute('value'), fr)
      // The review reads naturally: the amount with its period, in each language; no "paid by" line.
      const review = await client.get(`/en/offers/${id}/review`)
      assert.equal(rowValue(review.dom, 'Wage'), enSummary)
      assert.ok(!rowKeys(review.dom).some((k) => /paid by|period/i.test(k)), rowKeys(review.dom).join(' | '))
      assert.equal(rowValue((await client.get(`/fr/offers/${id}/review`)).dom, 'Salaire'), frSummary)
    }
    // A second tab told of the change reads the saved wage as its page's language writes it.
    const stale = (await client.get(`/fr/offers/${id}/wage`)).dom.querySelector('input[name="version"]')!.getAttribute('value')!
    await saveWage(id, 'en', '32.75')
    const conflict = await client.post(`/fr/offers/${id}/wage`, { version: stale, wage: '30', wageUnit: 'hour', nav: 'next' })
    assert.equal(conflict.status, 409)
    assert.equal(rowValue(conflict.dom, 'Salaire'), '32,75 $ par heure')
  })

  it('an amount typed the English way on a French page is the same amount; what no language reads is kept as typed, with its error', async () => {
    const id = await startOffer(client, 'fr')
    await saveWage(id, 'fr', '$1,234.50')
    assert.equal(await wageOf(id), '1234.50')
    const res = await saveWage(id, 'fr', 'environ 30')
    assert.equal(res.location, `/fr/offers/${id}/wage?check=1`)
    assert.equal(await wageOf(id), 'environ 30', 'nothing lost')
    const fr = await client.get(`/fr/offers/${id}/wage?check=1`)
    assert.equal(fr.dom.querySelector('input#wage')!.getAttribute('value'), 'environ 30')
    assert.match(text(fr.dom.querySelector('#wage-error')), /Entrez un montant/)
    assert.match(text((await client.get(`/en/offers/${id}/wage?check=1`)).dom.querySelector('#wage-error')), /Enter an amount in dollars and cents/)
  })

  it('a wage saved as typed in French before amounts were kept in one form ("1 234,5") still validates on English pages', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr')
    const row = await t.db.selectFrom('offer').select('answers').where('id', '=', id).executeTakeFirstOrThrow()
    await t.db
      .updateTable('offer')
      .set({ answers: JSON.stringify({ ...row.answers, wage: { ...row.answers.wage, wage: '1 234,5' } }) })
      .where('id', '=', id)
      .execute()
    const validate = await client.get(`/en/offers/${id}/validate`)
    assert.equal(validate.dom.querySelector('.error-summary'), null)
    assert.equal((await client.get(`/en/offers/${id}/wage`)).dom.querySelector('input#wage')!.getAttribute('value'), '1234.50')
    assert.equal(rowValue((await client.get(`/en/offers/${id}/review`)).dom, 'Wage'), '$1,234.50 per hour')
  })

  it('the offer PDF gives the wage with its period in both languages, from a wage kept in either form', async () => {
    const at = new Date('2027-01-15T15:00:00Z')
    for (const wage of ['45,50', '45.50']) {
      const answers = structuredClone(VALID_OFFER) as Offer['answers']
      answers.wage = { ...answers.wage, wage, wageUnit: 'week' }
      const offer = {
        id: '00000000-0000-4000-8000-000000000001', business_id: 'b', branch_id: null, status: 'pending', offer_number: 'A1000001', answers, version: 8,
        worker_name: 'Thị Mai Nguyễn-O’Brien', job_title: 'Chef de cuisine', created_by: 'u', created_at: at, updated_at: at, submitted_at: at,
        fee_exemption: null, needs_review: false, copied_from: null, copied_from_number: null, withdrawn_at: null, withdrawal_reason: null, passport_key: 'c1234567', worker_key: '',
        fee_review_assignee: null, fee_review_decision: null, fee_review_reason: null, fee_reviewed_by: null, fee_reviewed_at: null,
      } as Offer
      const squeezed = pdfText(await offerPdf(offer, { legal_name: 'Le Bistro', business_number: '123456782', employer_number: null }, [], 'America/Toronto')).replace(/\s+/g, '')
      assert.ok(squeezed.includes('$45.50perweek'), squeezed)
      assert.ok(squeezed.includes('45,50$parsemaine'), squeezed)
      assert.ok(!/paidby|versépar/i.test(squeezed), squeezed)
    }
  })

  it('a claimed fee exemption without its proof leads to the documents page, from Validate and from the section', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr', { exemption: { feeExemption: 'employer' } })
    const validate = await client.get(`/fr/offers/${id}/validate`)
    const proof = validate.dom.querySelectorAll('.error-summary a').find((a) => /preuve de la dispense des frais/.test(text(a)))
    assert.ok(proof, validate.body)
    assert.equal(proof.getAttribute('href'), `/fr/offers/${id}/documents#document`)
    // The page it leads to says what is missing and has the field it points at.
    const docs = await client.get(proof.getAttribute('href')!.split('#')[0]!)
    assert.equal(text(docs.dom.querySelector('main .notice-warning .notice-title')), 'La preuve de la dispense des frais n’est pas encore jointe')
    assert.ok(docs.dom.querySelector('input#document[type="file"]'))
    // The section itself says the proof is missing, with the way to attach it.
    const section = await client.get(`/fr/offers/${id}/exemption?check=1`)
    const warning = section.dom.querySelector('main .notice-warning')!
    assert.equal(text(warning.querySelector('.notice-title')), 'La preuve de la dispense des frais n’est pas encore jointe')
    assert.equal(warning.querySelector('a')!.getAttribute('href'), `/fr/offers/${id}/documents`)
    // Once attached, neither says it any more.
    const body = multipart({ _csrf: client.csrf! }, { field: 'document', name: 'note-diplomatique.pdf', type: 'application/pdf', content: TINY_PDF })
    await client.request('POST', `/fr/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    assert.equal((await client.get(`/fr/offers/${id}/exemption`)).dom.querySelector('main .notice-warning'), null)
    assert.equal((await client.get(`/fr/offers/${id}/validate`)).dom.querySelector('.error-summary'), null)
  })

  it('documents: each Remove button names its file, and an upload is confirmed by name', async () => {
    const id = await startOffer(client, 'fr')
    const upload = async (name: string, type: string, content: Buffer) => {
      await client.get(`/fr/offers/${id}/documents`)
      const body = multipart({ _csrf: client.csrf! }, { field: 'document', name, type, content })
      return client.request('POST', `/fr/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    }
    const first = await upload('offer-letter.pdf', 'application/pdf', TINY_PDF)
    assert.equal(first.status, 303)
    const page = await client.follow(first)
    assert.equal(page.status, 200)
    assert.equal(spaces(text(page.dom.querySelector('.notice-success .notice-title'))), 'Fichier joint : offer-letter.pdf')
    await client.follow(await upload('permis d’exercice.png', 'image/png', TINY_PNG))
    const list = await client.get(`/fr/offers/${id}/documents`)
    // The plain page (no upload just made) confirms nothing.
    assert.equal(list.dom.querySelector('.notice-success'), null)
    const names = list.dom.querySelectorAll('form.inline-form button').map((b) => text(b))
    assert.deepEqual(names.sort(), ['Retirer offer-letter.pdf', 'Retirer permis d’exercice.png'])
    // Another offer's document id, or garbage, confirms nothing.
    assert.equal((await client.get(`/fr/offers/${id}/documents?attached=${encodeURIComponent('<b>x</b>')}`)).dom.querySelector('.notice-success'), null)
  })

  it('a deleted draft, reached again, says it was deleted, when and by whom, with the way to the queue; others get the plain 404', async () => {
    const now = t.clock.now()
    const branch = await t.db.insertInto('branch').values({ business_id: business.businessId, name: 'Montréal', street: 's', city: 'Montréal', province: 'QC', postal_code: 'H2X 1Y4', created_at: now }).returning('id').executeTakeFirstOrThrow()
    const otherBranch = await t.db.insertInto('branch').values({ business_id: business.businessId, name: 'Laval', street: 's', city: 'Laval', province: 'QC', postal_code: 'H7N 1A1', created_at: now }).returning('id').executeTakeFirstOrThrow()
    for (const [username, branchId] of [['montreal.user', branch.id], ['laval.user', otherBranch.id]] as const) {
      const u = await createUser(t.db, { username })
      await t.db.insertInto('business_membership').values({ business_id: business.businessId, user_id: u.id, role: 'secondary', branch_id: branchId, created_at: now }).execute()
    }
    const montreal = new TestClient(t.app)
    await signIn(montreal, 'montreal.user')
    const id = await startOffer(montreal, 'fr')
    await montreal.get(`/fr/offers/${id}/delete`)
    assert.equal((await montreal.post(`/fr/offers/${id}/delete`, {})).location, '/fr/offers?deleted=1')

    // Back to a section, in either language, by the one who deleted it and by the primary user.
    for (const [who, path] of [
      [montreal, `/fr/offers/${id}/job`],
      [client, `/en/offers/${id}/exemption`],
      [client, `/fr/offers/${id}/validate`],
    ] as const) {
      const page = await who.get(path)
      assert.equal(page.status, 410, path)
      const lang = path.slice(1, 3)
      assert.equal(text(page.dom.querySelector('h1')), lang === 'fr' ? 'Cette ébauche a été supprimée' : 'This draft was deleted')
      assert.match(spaces(text(page.dom.querySelector('main'))), lang === 'fr' ? /Supprimée le 23 novembre 2026 à 10 h 00 par montreal\.user\./ : /Deleted on November 23, 2026 at 10:00 a\.m\. by montreal\.user\./)
      assert.ok(page.dom.querySelector(`main a[href="/${lang}/offers"]`))
    }
    // A second "Delete" (Back to the confirmation, a second tab) says the same.
    assert.equal((await montreal.post(`/fr/offers/${id}/delete`, {})).status, 410)

    // Another branch and another business get what a random id gets: nothing says it existed.
    const random = '00000000-0000-4000-8000-00000000abcd'
    const laval = new TestClient(t.app)
    await signIn(laval, 'laval.user')
    const stranger = new TestClient(t.app)
    await signIn(stranger, 'other.owner')
    for (const outsider of [laval, stranger]) {
      const gone = await outsider.get(`/en/offers/${id}/job`)
      const never = await outsider.get(`/en/offers/${random}/job`)
      assert.equal(gone.status, 404)
      assert.equal(never.status, 404)
      assert.equal(text(gone.dom.querySelector('main')), text(never.dom.querySelector('main')))
    }
  })
})
