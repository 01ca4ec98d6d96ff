import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { businessWithPrimary, fillOffer, multipart, startOffer, TINY_PDF } from '../../../tests/helpers/offers.ts'
import { createUser, signIn } from '../../../tests/helpers/users.ts'

/**
 * What an employer meets around an offer (reviewers' findings): the business a new offer is
 * for, whose submission and payment the audit trail credits, a second offer for the same
 * worker, the notices after saving and removing, the way back to the review, the payment
 * pages' way back, fee-exempt wording, the queue's links, the deleted draft's author, and
 * the downloads' names in French.
 */
describe('offer pages for employers: business, audit, duplicates, notices, wording', () => {
  let t: TestApp
  let client: TestClient
  let userId: string
  let businessId: string

  before(async () => {
    t = await testApp()
    t.clock.set('2026-11-23T15:00:00Z')
    ;({ userId, businessId } = await businessWithPrimary(t, 'maple.owner', '123456782', 'Demo Maple Bakery Inc.'))
    await t.db.updateTable('app_user').set({ given_name: 'Camille', family_name: 'Roy' }).where('id', '=', userId).execute()
    client = new TestClient(t.app)
    await signIn(client, 'maple.owner')
  })
  after(() => t.close())

  const local = (url: string | undefined) => {
    assert.ok(url, 'a redirect')
    return url.startsWith(t.config.publicBaseUrl) ? url.slice(t.config.publicBaseUrl.length) : url
  }

  /** Review → Submit: returns the test gateway's card page. */
  async function submit(c: TestClient, id: string, lang = 'en'): Promise<string> {
    const review = await c.get(`/${lang}/offers/${id}/review`)
    assert.equal(review.status, 200)
    const res = await c.post(`/${lang}/offers/${id}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    return local(res.location)
  }

  /** Pays on the test gateway's page with `card`; returns the last page reached after the redirects. */
  async function pay(c: TestClient, checkoutPath: string, card = '4242424242424242'): Promise<PageResponse> {
    await c.get(checkoutPath)
    const res = await c.post(checkoutPath, { cardNumber: card, expiry: '12/29', securityCode: '123', cardholderName: 'Camille Roy', action: 'pay' })
    let page: PageResponse = await c.get(local(res.location))
    while (page.status === 303) page = await c.get(local(page.location))
    return page
  }

  it('« Start a new offer » creates the draft for the business the page named, and asks when the header changed in another tab', async () => {
    // A representative acting for two employers: their own (primary) and Demo Maple Bakery (secondary).
    const rep = await createUser(t.db, { username: 'rep.two', givenName: 'Alex', familyName: 'Martin' }, t.clock.now())
    const other = await t.db
      .insertInto('business')
      .values({ business_number: '046454286', legal_name: 'Boréal Conseil Ltée', legal_name_key: 'boréal conseil ltée', operating_name: 'Boréal', street: 's', city: 'c', province: 'QC', postal_code: 'G1R 4S9', phone: '+14185550123', employer_number: 'E0464542', created_at: t.clock.now(), updated_at: t.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.db.insertInto('business_membership').values({ business_id: other.id, user_id: rep.id, role: 'primary', created_at: t.clock.now() }).execute()
    await t.db.insertInto('business_membership').values({ business_id: businessId, user_id: rep.id, role: 'secondary', created_at: t.clock.now() }).execute()
    const c = new TestClient(t.app)
    await signIn(c, 'rep.two')
    await c.get('/fr/home')
    assert.equal((await c.post('/fr/business/active', { business: businessId, returnTo: '/fr/home' })).status, 303)

    // Tab A: the new-offer page names Demo Maple Bakery and posts it.
    const pageA = await c.get('/fr/offers/new')
    assert.match(text(pageA.dom.querySelector('main')), /Au nom de Demo Maple Bakery Inc\./)
    assert.equal(pageA.dom.querySelector('form[action="/fr/offers/new"] input[name="business"]')?.getAttribute('value'), businessId)
    const csrfA = c.csrf
    // Tab B switches to the other employer.
    await c.get('/fr/home')
    await c.post('/fr/business/active', { business: other.id, returnTo: '/fr/home' })
    const count = async () => Number((await t.db.selectFrom('offer').select((eb) => eb.fn.countAll<number>().as('n')).where('created_by', '=', rep.id).executeTakeFirstOrThrow()).n)

    // Tab A's button: nothing is created; a page names both and lets the person choose.
    const asked = await c.post('/fr/offers/new', { _csrf: csrfA, business: businessId })
    assert.equal(asked.status, 409)
    assert.equal(await count(), 0)
    const main = text(asked.dom.querySelector('main'))
    assert.match(main, /Demo Maple Bakery Inc\./)
    assert.match(main, /Boréal Conseil Ltée/)
    const choices = asked.dom.querySelectorAll('main form[action="/fr/offers/new"]')
    assert.deepEqual(
      choices.map((f) => f.querySelector('input[name="business"]')?.getAttribute('value')),
      [businessId, other.id],
    )
    assert.deepEqual(choices.map((f) => text(f.querySelector('button'))), ['Commencer l’offre pour Demo Maple Bakery Inc.', 'Commencer l’offre pour Boréal Conseil Ltée'])

    // The person chooses the page's business: the draft is Demo Maple Bakery's, and its pages say so.
    const made = await c.post('/fr/offers/new', { business: businessId, confirmed: '1' })
    assert.equal(made.status, 303)
    const draft = await t.db.selectFrom('offer').select(['id', 'business_id']).where('created_by', '=', rep.id).executeTakeFirstOrThrow()
    assert.equal(draft.business_id, businessId)
    const section = await c.get(local(made.location))
    // As written (text() would fold the non-breaking space before the colon).
    assert.equal(section.dom.querySelector('.offer-employer')?.textContent.trim(), 'Employeur\u00a0: Demo Maple Bakery Inc.')

    // The page's business is the header's: created at once, for it.
    await c.get('/en/offers/new')
    const direct = await c.post('/en/offers/new', { business: other.id })
    assert.equal(direct.status, 303)
    assert.equal(await count(), 2)
    const second = await t.db.selectFrom('offer').select('business_id').where('created_by', '=', rep.id).orderBy('created_at', 'desc').orderBy('id').execute()
    assert.ok(second.some((o) => o.business_id === other.id))
  })

  it('the audit trail credits the submission, the payment and a declined card to the person who paid, with their address; drafts are named', async () => {
    const id = await startOffer(client)
    await fillOffer(client, id)
    const checkout = await submit(client, id)
    // A declined card first (on the person's own return), then a good one.
    const declined = await pay(client, checkout, '4000000000000002')
    assert.match(text(declined.dom.querySelector('main')), /declined/i)
    const retry = await client.post(`/en/offers/${id}/pay`, {})
    await pay(client, local(retry.location))
    const rows = await t.db.selectFrom('audit_event').select(['action', 'actor_user_id', 'actor_label', 'ip']).where('business_id', '=', businessId).where('action', 'in', ['payment.started', 'payment.declined', 'payment.approved', 'offer.submitted']).execute()
    assert.deepEqual([...new Set(rows.map((r) => r.action))].sort(), ['offer.submitted', 'payment.approved', 'payment.declined', 'payment.started'])
    for (const r of rows) {
      assert.equal(r.actor_user_id, userId, `${r.action} credited to the payer`)
      assert.equal(r.actor_label, 'maple.owner', r.action)
      assert.ok(r.ip, `${r.action} has the address`)
    }
    // The business's trail in French: the person and their address, never « Le portail »; a draft by its worker.
    const trail = await client.get('/fr/access/audit')
    assert.equal(trail.status, 200)
    const lines = trail.dom.querySelectorAll('#business-audit tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => text(td)))
    for (const what of ['Offre soumise', 'Frais payés', 'Paiement des frais commencé']) {
      const line = lines.find((l) => l[2] === what)
      assert.ok(line, `a row « ${what} »: ${JSON.stringify(lines.map((l) => l[2]))}`)
      assert.equal(line[1], 'Camille Roy', what)
      assert.ok(line[4], `${what}: an address`)
    }
    // A draft still without a number is named by its foreign national (two drafts' rows told apart).
    const draft = await startOffer(client)
    const worker = await client.get(`/en/offers/${draft}/worker`)
    await client.post(`/en/offers/${draft}/worker`, { version: worker.dom.querySelector('input[name="version"]')!.getAttribute('value')!, familyName: 'Tremblay', givenNames: 'Léa', nav: 'exit' })
    const after = await client.get('/fr/access/audit')
    const saved = after.dom.querySelectorAll('#business-audit tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.textContent.trim()))
    const named = saved.filter((l) => l[3] === 'Ébauche d’offre\u00a0: Tremblay, Léa')
    assert.deepEqual(named.map((l) => l[2]).sort(), ['Ébauche d’offre commencée', 'Section d’une offre enregistrée'].sort(), JSON.stringify(saved.slice(0, 4)))
    await client.get(`/en/offers/${draft}/delete`)
    await client.post(`/en/offers/${draft}/delete`, {})
    // The reconciler's work stays the system's.
    const systemRows = await t.db.selectFrom('audit_event').select('actor_label').where('actor_user_id', 'is', null).where('business_id', '=', businessId).where('action', 'like', 'payment.%').execute()
    assert.equal(systemRows.length, 0)
  })

  it('the review page warns that the same foreign national already has a pending offer here, with a link, and the person may still submit', async () => {
    const first = await t.db.selectFrom('offer').select(['id', 'offer_number']).where('business_id', '=', businessId).where('status', '=', 'pending').executeTakeFirstOrThrow()
    await client.get(`/en/offers/${first.id}`)
    const copied = await client.post(`/en/offers/${first.id}/copy`, {})
    const copyId = /\/offers\/([0-9a-f-]{36})\//.exec(copied.location ?? '')![1]!
    await fillOffer(client, copyId)
    for (const lang of ['en', 'fr'] as const) {
      const review = await client.get(`/${lang}/offers/${copyId}/review`)
      assert.equal(review.status, 200)
      const warning = review.dom.querySelectorAll('.notice-warning').find((n) => n.querySelector(`a[href="/${lang}/offers/${first.id}"]`))
      assert.ok(warning, `${lang}: a warning linking to the pending offer`)
      assert.match(text(warning), new RegExp(first.offer_number!))
      assert.match(text(warning), lang === 'en' ? /\$230\.00 again/ : /230,00\s\$/)
      assert.ok(review.dom.querySelector(`form[action="/${lang}/offers/${copyId}/submit"] button`), `${lang}: still submittable`)
    }
    // An offer for another worker: no warning.
    const lone = await startOffer(client)
    await fillOffer(client, lone, 'en', { worker: { passportNumber: 'ZZ999999' } })
    const clean = await client.get(`/en/offers/${lone}/review`)
    assert.doesNotMatch(text(clean.dom.querySelector('main')), /already has an offer/)
    await client.get(`/en/offers/${lone}/delete`)
    await client.post(`/en/offers/${lone}/delete`, {})
    await client.get(`/en/offers/${copyId}/delete`)
    await client.post(`/en/offers/${copyId}/delete`, {})
  })

  it('« Save and exit » says the draft was saved; « Change » from the review comes back to the review', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr')
    const section = await client.get(`/fr/offers/${id}/business`)
    const version = section.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const exit = await client.post(`/fr/offers/${id}/business`, { version, employees: '26', yearStarted: '2004', mainActivities: 'Boulangerie.', nav: 'exit' })
    assert.equal(exit.status, 303)
    const queue = await client.get(local(exit.location))
    assert.equal(text(queue.dom.querySelector('.notice-success .notice-title')), 'Ébauche enregistrée. Ouvrez-la à partir de cette liste pour continuer.')
    assert.equal((await client.get('/fr/offers')).dom.querySelectorAll('.notice-success').length, 0, 'only right after saving')

    // « Modifier » on the review: the section knows where it came from, and Next goes back to the review.
    const review = await client.get(`/fr/offers/${id}/review`)
    const change = review.dom.querySelectorAll('a').find((a) => a.getAttribute('href')?.startsWith(`/fr/offers/${id}/wage?return=review`))
    assert.ok(change, 'a « Modifier » link that returns to the review')
    const wage = await client.get(change.getAttribute('href')!.split('#')[0]!)
    assert.equal(wage.dom.querySelector('input[name="return"]')?.getAttribute('value'), 'review')
    assert.ok(wage.dom.querySelector('button[name="nav"][value="review"]'), 'a « back to the review » button')
    const v = wage.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const next = await client.post(`/fr/offers/${id}/wage`, { version: v, return: 'review', wage: '33,00', wageUnit: 'hour', benefits: ['health'], nav: 'next' })
    assert.equal(next.location, `/fr/offers/${id}/review`)
    // A problem keeps the way back.
    const w2 = await client.get(`/fr/offers/${id}/wage?return=review`)
    const bad = await client.post(`/fr/offers/${id}/wage`, { version: w2.dom.querySelector('input[name="version"]')!.getAttribute('value')!, return: 'review', wage: '', wageUnit: 'hour', nav: 'review' })
    assert.equal(bad.location, `/fr/offers/${id}/wage?check=1&return=review`)
    // Opened from the sections (no return): Next goes on as before.
    const w3 = await client.get(`/fr/offers/${id}/wage`)
    assert.equal(w3.dom.querySelector('input[name="return"]'), null)
    const on = await client.post(`/fr/offers/${id}/wage`, { version: w3.dom.querySelector('input[name="version"]')!.getAttribute('value')!, wage: '33,00', wageUnit: 'hour', benefits: ['health'], nav: 'next' })
    assert.equal(on.location, `/fr/offers/${id}/worker`)
  })

  it('removing a document says which file was removed', async () => {
    const id = await startOffer(client, 'fr')
    await client.get(`/fr/offers/${id}/documents`)
    const body = multipart({ _csrf: client.csrf! }, { field: 'document', name: 'lettre-d’offre.pdf', type: 'application/pdf', content: TINY_PDF })
    const added = await client.request('POST', `/fr/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    assert.equal(added.status, 303)
    const doc = await t.db.selectFrom('offer_document').select('id').where('offer_id', '=', id).executeTakeFirstOrThrow()
    await client.get(`/fr/offers/${id}/documents`)
    const removed = await client.post(`/fr/offers/${id}/documents/${doc.id}/remove`, {})
    assert.equal(removed.status, 303)
    const page = await client.get(local(removed.location))
    assert.equal(page.dom.querySelector('.notice-success .notice-title')?.textContent.trim(), 'Fichier retiré\u00a0: lettre-d’offre.pdf')
    // Another person's address with the same id says nothing.
    const stranger = new TestClient(t.app)
    await businessWithPrimary(t, 'other.owner', '000000018', 'Other Inc.')
    await signIn(stranger, 'other.owner')
    assert.equal((await stranger.get(local(removed.location))).status, 404)
  })

  it('a declined payment’s page offers « Retour à l’offre » beside « Réessayer »', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr', { worker: { passportNumber: 'P7654321' } })
    const page = await pay(client, await submit(client, id, 'fr'), '4000000000000002')
    assert.equal(text(page.dom.querySelector('h1')), 'Paiement non effectué')
    assert.ok(page.dom.querySelector(`form[action="/fr/offers/${id}/pay"] button`), 'Réessayer')
    const back = page.dom.querySelectorAll('main a').find((a) => a.getAttribute('href') === `/fr/offers/${id}`)
    assert.equal(text(back), 'Retour à l’offre')
    // The offer stays awaiting payment; its queue link says so, not « Ébauche ».
    const queue = await client.get('/fr/offers')
    const link = queue.dom.querySelector(`a[href="/fr/offers/${id}"]`)
    assert.match(text(link), /^En attente de paiement/)
    await client.get(`/en/offers/${id}`)
    await client.post(`/en/offers/${id}/reopen`, {})
  })

  it('a fee-exempt offer is worded as such: the validate page and the offer page never speak of a payment to come', async () => {
    const id = await startOffer(client, 'fr')
    await fillOffer(client, id, 'fr', { exemption: { feeExemption: 'employer' }, worker: { passportNumber: 'E1112223' } })
    await client.get(`/fr/offers/${id}/documents`)
    const body = multipart({ _csrf: client.csrf! }, { field: 'document', name: 'preuve.pdf', type: 'application/pdf', content: TINY_PDF })
    await client.request('POST', `/fr/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    const validate = await client.get(`/fr/offers/${id}/validate`)
    const done = text(validate.dom.querySelector('.notice-success .notice-title'))
    assert.doesNotMatch(done, /paiement/)
    assert.match(done, /aucuns frais/i)
    const review = await client.get(`/fr/offers/${id}/review`)
    await client.post(`/fr/offers/${id}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    const offer = await client.get(`/fr/offers/${id}`)
    const main = text(offer.dom.querySelector('main'))
    assert.doesNotMatch(main, /Aucun paiement pour le moment/)
    assert.match(main, /Aucuns frais ne sont exigés\s: une dispense des frais a été demandée/)
  })

  it('the deleted draft’s page names the person who deleted it, as the queue does', async () => {
    const id = await startOffer(client, 'fr')
    await client.get(`/fr/offers/${id}/delete`)
    await client.post(`/fr/offers/${id}/delete`, {})
    const gone = await client.get(`/fr/offers/${id}/exemption`)
    assert.equal(gone.status, 410)
    const main = text(gone.dom.querySelector('main'))
    assert.match(main, /par Camille Roy\./)
    assert.doesNotMatch(main, /maple\.owner/)
  })

  it('the offer PDF and the receipt download with French names from French pages', async () => {
    const offer = await t.db.selectFrom('offer').select(['id', 'offer_number']).where('business_id', '=', businessId).where('status', '=', 'pending').where('fee_exemption', 'is', null).executeTakeFirstOrThrow()
    const payment = await t.db.selectFrom('payment').select(['id', 'receipt_number']).where('purpose_id', '=', offer.id).where('status', '=', 'approved').executeTakeFirstOrThrow()
    const names = async (lang: string) => {
      const pdf = await client.request('GET', `/${lang}/offers/${offer.id}/offer.pdf`)
      const receipt = await client.request('GET', `/${lang}/offers/${offer.id}/payments/${payment.id}/receipt.pdf`)
      return [pdf.headers['content-disposition'], receipt.headers['content-disposition']]
    }
    assert.deepEqual(await names('fr'), [`attachment; filename="offre-${offer.offer_number}.pdf"`, `attachment; filename="recu-${payment.receipt_number}.pdf"`])
    assert.deepEqual(await names('en'), [`attachment; filename="offer-${offer.offer_number}.pdf"`, `attachment; filename="receipt-${payment.receipt_number}.pdf"`])
  })
})
