import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text, type PageResponse } from '../helpers/http.ts'
import { businessWithPrimary, fillOffer, multipart, startOffer, TINY_PDF, TINY_PNG } from '../helpers/offers.ts'
import { createUser, signIn, signInStaff } from '../helpers/users.ts'
import { FEE_KEY, putSetting } from '../../src/features/console/admin.settings.ts'
import { eventDetail, loadDossierOffers } from '../../src/features/console/inspection.service.ts'

/**
 * An offer from review to its end, through the pages: submission and the fee on the
 * embedded test gateway, the number, the receipt, withdrawal and its refund, copy,
 * deletion, documents, the fee exemption, branch scoping and the queue.
 */
describe('offers of employment: submission, payment and the offer’s life', () => {
  let t: TestApp
  let a: { userId: string; businessId: string }

  before(async () => {
    t = await testApp()
    t.clock.set('2026-11-23T15:00:00Z')
    a = await businessWithPrimary(t, 'bistro.owner', '123456782', 'Le Bistro')
    await businessWithPrimary(t, 'other.owner', '046454286', 'Autre Resto')
  })
  after(() => t.close())

  const local = (url: string | undefined) => {
    assert.ok(url, 'a redirect')
    return url.startsWith(t.config.publicBaseUrl) ? url.slice(t.config.publicBaseUrl.length) : url
  }

  async function signedIn(username = 'bistro.owner'): Promise<TestClient> {
    const client = new TestClient(t.app)
    await signIn(client, username)
    return client
  }

  /** Review → Submit: returns the hosted payment page's path. */
  async function submit(client: TestClient, id: string, lang = 'en'): Promise<string> {
    const review = await client.get(`/${lang}/offers/${id}/review`)
    assert.equal(review.status, 200, `review: ${review.status} ${review.location ?? ''}`)
    const version = review.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const res = await client.post(`/${lang}/offers/${id}/submit`, { version })
    assert.equal(res.status, 303)
    return local(res.location)
  }

  /** Pays on the hosted page with a test card and follows the way back to the portal. */
  async function pay(client: TestClient, checkoutPath: string, card = '4242424242424242'): Promise<PageResponse> {
    await client.get(checkoutPath)
    const res = await client.post(checkoutPath, { cardNumber: card, expiry: '12/29', securityCode: '123', cardholderName: 'Alex Tremblay', action: 'pay' })
    assert.equal(res.status, 303)
    let page = await client.get(local(res.location))
    while (page.status === 303) page = await client.get(local(page.location))
    return page
  }

  async function completeOffer(client: TestClient, lang = 'en'): Promise<string> {
    const id = await startOffer(client, lang)
    await fillOffer(client, id, lang)
    return id
  }

  const offerRow = (id: string) => t.db.selectFrom('offer').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
  const paymentsOf = (id: string) => t.db.selectFrom('payment').selectAll().where('purpose_id', '=', id).orderBy('created_at').execute()

  it('submits, pays once, gives the offer its number, keeps the receipt, and never changes the offer again', async () => {
    const client = await signedIn()
    const id = await completeOffer(client)
    const checkout = await submit(client, id)
    assert.match(checkout, /^\/en\/test-gateway\/checkouts\//)
    assert.equal((await offerRow(id)).status, 'awaiting_payment')

    const page = await pay(client, checkout)
    assert.equal(page.status, 200)
    const offer = await offerRow(id)
    assert.equal(offer.status, 'pending')
    assert.match(offer.offer_number!, /^A\d{7}$/)
    assert.equal(text(page.dom.querySelector('h1')), `Offer of employment ${offer.offer_number}`)
    assert.match(text(page.dom.querySelector('main')), new RegExp(`Give the foreign national the offer number ${offer.offer_number}`))
    const [payment] = await paymentsOf(id)
    assert.equal(payment!.status, 'approved')
    assert.ok(page.body.includes(payment!.receipt_number!), 'the receipt is shown after payment')
    // The banner says what happened (submitted, paid, with the receipt's number), and the receipt's time reads like "Submitted on".
    assert.equal(text(page.dom.querySelector('main .notice-success h2')), `Offer submitted and payment received (receipt ${payment!.receipt_number})`)
    const dd = (dom: typeof page.dom, key: string) => text(dom.querySelectorAll('.summary-row').find((r) => text(r.querySelector('dt')) === key)?.querySelector('dd'))
    assert.equal(dd(page.dom, 'Date and time'), dd(page.dom, 'Submitted on'))
    assert.match(dd(page.dom, 'Submitted on'), /^November 23, 2026 at 10:00 a\.m\.$/)
    const fr = (await client.get(`/fr/offers/${id}`)).dom
    assert.equal(text(fr.querySelector('main .notice-success h2')), `Offre soumise et paiement reçu (reçu ${payment!.receipt_number})`)
    assert.equal(dd(fr, 'Date et heure'), dd(fr, 'Soumise le'))
    assert.match(dd(fr, 'Soumise le'), /^23 novembre 2026 à 10 h 00$/)

    // Back after paying: the finished card page sends the browser on to the offer, not the card form.
    let back = await client.get(checkout)
    while (back.status === 303) back = await client.get(local(back.location))
    assert.equal(text(back.dom.querySelector('h1')), `Offer of employment ${offer.offer_number}`)
    assert.equal((await paymentsOf(id)).length, 1)

    // The receipt stays in account messages, and it was e-mailed (to the outbox) in the same transaction.
    const messages = await t.db.selectFrom('account_message').select(['template', 'subject']).where('user_id', '=', a.userId).execute()
    assert.ok(messages.some((m) => m.template === 'paymentReceipt' && m.subject.includes(payment!.receipt_number!) && m.subject.includes(offer.offer_number!)))
    assert.ok(messages.some((m) => m.template === 'offerSubmitted'))

    // The receipt and the offer as PDFs, at any later time.
    const receiptLink = page.dom.querySelectorAll('a').find((l) => l.getAttribute('href')?.endsWith('/receipt.pdf'))!
    const receipt = await client.get(receiptLink.getAttribute('href')!)
    assert.equal(receipt.status, 200)
    assert.equal(receipt.headers['content-type'], 'application/pdf')
    assert.equal(receipt.raw.rawPayload.subarray(0, 5).toString(), '%PDF-')
    const pdf = await client.get(`/en/offers/${id}/offer.pdf`)
    assert.equal(pdf.status, 200)
    assert.match(String(pdf.headers['content-disposition']), new RegExp(`offer-${offer.offer_number}\\.pdf`))

    // Every saved version is kept, with who saved it: an inspection reads what the offer said at each one.
    const versions = await t.db.selectFrom('offer_version').select(['version', 'section', 'saved_values', 'saved_by']).where('offer_id', '=', id).orderBy('version').execute()
    assert.deepEqual(versions.map((v) => v.section), ['exemption', 'business', 'job', 'requirements', 'wage', 'worker', 'attestations'])
    assert.ok(versions.every((v) => v.saved_by === a.userId))
    assert.equal(versions[5]!.saved_values.passportNumber, 'C1234567')
    const [dossier] = await loadDossierOffers(t.db, a.businessId, [id])
    const saves = dossier!.events.filter((e) => e.kind === 'offer.section_saved')
    assert.equal(saves.length, 7)
    assert.match(eventDetail('en', saves[0]!), /^LMIA exemption, version 2: .*C10/)
    assert.equal(saves[0]!.actor, 'bistro.owner')

    // Read-only for ever: a section POST changes nothing and says why.
    const edit = await client.post(`/en/offers/${id}/job`, { version: String(offer.version), jobTitle: 'Changed', nav: 'next' })
    assert.equal(edit.status, 409)
    assert.equal((await offerRow(id)).answers.job!.jobTitle, 'Chef de cuisine')
    assert.equal((await client.get(`/en/offers/${id}/job`)).location, `/en/offers/${id}`)
    // Submitting again does nothing new.
    const again = await client.post(`/en/offers/${id}/submit`, { version: String(offer.version) })
    assert.equal(again.location, `/en/offers/${id}`)
    assert.equal((await paymentsOf(id)).length, 1)
  })

  it('starts from the eligibility check with its exemption code (never an open one)', async () => {
    const client = await signedIn()
    const start = await client.get('/en/offers/new?code=c10')
    assert.equal(start.dom.querySelector('input[name="code"]')!.getAttribute('value'), 'C10')
    const res = await client.post('/en/offers/new', { code: 'C10' })
    const id = /offers\/([0-9a-f-]{36})\/exemption$/.exec(res.location!)![1]!
    assert.equal((await offerRow(id)).answers.exemption!.exemptionCode, 'C10')
    assert.equal((await client.get('/en/offers/new?code=R01')).dom.querySelector('input[name="code"]'), null)
    const open = await client.post('/en/offers/new', { code: 'R01' })
    assert.equal((await offerRow(/offers\/([0-9a-f-]{36})\/exemption$/.exec(open.location!)![1]!)).answers.exemption, undefined)
  })

  it('charges the fee an administrator set (the console’s setting wins over FEE_CENTS); a fee of zero submits at once', async () => {
    const client = await signedIn()
    await putSetting(t.db, FEE_KEY, 15000, a.userId, t.clock.now())
    try {
      const id = await completeOffer(client)
      const review = await client.get(`/en/offers/${id}/review`)
      assert.match(text(review.dom.querySelector('main')), /\$150\.00/)
      await submit(client, id)
      assert.equal((await paymentsOf(id))[0]!.amount_cents, 15000)
      await putSetting(t.db, FEE_KEY, 0, a.userId, t.clock.now())
      const free = await completeOffer(client)
      const freeReview = await client.get(`/en/offers/${free}/review`)
      const res = await client.post(`/en/offers/${free}/submit`, { version: freeReview.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
      assert.equal(res.location, `/en/offers/${free}`)
      const row = await offerRow(free)
      assert.equal(row.status, 'pending')
      assert.equal(row.needs_review, false)
      assert.equal((await paymentsOf(free)).length, 0)
    } finally {
      await t.db.deleteFrom('console_setting').where('key', '=', FEE_KEY).execute()
    }
  })

  it('a declined card leaves the offer awaiting payment, says so, and a retry pays once', async () => {
    const client = await signedIn()
    const id = await completeOffer(client)
    const declined = await pay(client, await submit(client, id), '4000000000000002')
    assert.match(text(declined.dom.querySelector('main')), /declined/)
    const view = await client.get(`/en/offers/${id}`)
    assert.equal((await offerRow(id)).status, 'awaiting_payment')
    assert.match(text(view.dom.querySelector('main .notice-warning')), /declined/)
    // Said once (the heading), and "Try again" starts a new payment at once: a form, not a link back to the offer.
    assert.equal(text(declined.dom.querySelector('main')).split('Payment not completed').length, 2, text(declined.dom.querySelector('main')))
    const tryAgain = declined.dom.querySelector('main form[method="post"]')
    assert.equal(tryAgain?.getAttribute('action'), `/en/offers/${id}/pay`)
    assert.equal(text(tryAgain?.querySelector('button')), 'Try again')
    const frDeclined = await client.get(`/fr/payments/${(await paymentsOf(id))[0]!.id}`)
    assert.equal(text(frDeclined.dom.querySelector('main')).split('Paiement non effectué').length, 2)
    assert.equal(frDeclined.dom.querySelector('main form[method="post"]')?.getAttribute('action'), `/fr/offers/${id}/pay`)
    const again = await client.post(tryAgain!.getAttribute('action')!, {})
    assert.match(local(again.location), /^\/en\/test-gateway\/checkouts\//, 'straight to a new card page')
    assert.deepEqual((await paymentsOf(id)).map((p) => p.status), ['declined', 'pending'])
    // Pay again from the offer's page: the same new payment (one at a time).
    const retry = await client.post(`/en/offers/${id}/pay`, {})
    assert.equal(local(retry.location), local(again.location))
    const paid = await pay(client, local(retry.location))
    assert.equal(paid.status, 200)
    assert.equal((await offerRow(id)).status, 'pending')
    const payments = await paymentsOf(id)
    assert.deepEqual(payments.map((p) => p.status), ['declined', 'approved'])
  })

  it('two tabs and a double click lead to one payment page and one charge', async () => {
    const client = await signedIn()
    const id = await completeOffer(client)
    const review = await client.get(`/en/offers/${id}/review`)
    const version = review.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const [first, second] = await Promise.all([client.post(`/en/offers/${id}/submit`, { version }), client.post(`/en/offers/${id}/submit`, { version })])
    assert.equal(local(first.location), local(second.location), 'the same hosted page from both')
    await pay(client, local(first.location))
    const third = await client.post(`/en/offers/${id}/pay`, {})
    assert.equal(third.location, `/en/offers/${id}`)
    assert.equal((await paymentsOf(id)).filter((p) => p.status === 'approved').length, 1)
  })

  it('a tab closed after paying, before the return: the offer page (or the reconciler) completes the submission', async () => {
    const client = await signedIn()
    const id = await completeOffer(client)
    const checkout = await submit(client, id)
    await client.get(checkout)
    const res = await client.post(checkout, { cardNumber: '4242424242424242', expiry: '12/29', securityCode: '123', cardholderName: 'A B', action: 'pay' })
    assert.equal(res.status, 303) // …and the browser never follows it.
    assert.equal((await offerRow(id)).status, 'awaiting_payment')
    const view = await client.get(`/en/offers/${id}`)
    assert.equal(view.status, 200)
    assert.equal((await offerRow(id)).status, 'pending')
    assert.match((await offerRow(id)).offer_number!, /^A\d{7}$/)
  })

  it('withdraws a pending offer with a reason and refunds the fee at once; the history shows it', async () => {
    const client = await signedIn()
    const id = await completeOffer(client)
    await pay(client, await submit(client, id))
    const form = await client.get(`/en/offers/${id}/withdraw`)
    assert.equal(form.status, 200)
    const empty = await client.post(`/en/offers/${id}/withdraw`, { reason: '  ' })
    assert.equal(empty.status, 400)
    assert.equal((await offerRow(id)).status, 'pending', 'nothing changed')
    const done = await client.post(`/en/offers/${id}/withdraw`, { reason: 'The worker accepted another job.' })
    assert.equal(done.location, `/en/offers/${id}`)
    const offer = await offerRow(id)
    assert.equal(offer.status, 'withdrawn')
    assert.equal(offer.withdrawal_reason, 'The worker accepted another job.')
    const [payment] = await paymentsOf(id)
    assert.equal(payment!.status, 'refunded')
    const page = await client.get(`/en/offers/${id}`)
    assert.match(text(page.dom.querySelector('main')), /Refunded on/)
    // The notice says what became of the fee: refunded, when (never "if it was paid").
    const notice = text(page.dom.querySelector('main .notice-info'))
    assert.match(notice, new RegExp(`The fee of \\$230\\.00 \\(receipt ${payment!.receipt_number}\\) was refunded to the card it was paid with on November 23, 2026 at 10:00 a\\.m\\.`), notice)
    assert.doesNotMatch(notice, /if it was paid/)
    assert.match(text((await client.get(`/fr/offers/${id}`)).dom.querySelector('main .notice-info')), /Les frais de 230,00\s\$ \(reçu [\w-]+\) ont été remboursés le 23 novembre 2026 à 10 h 00/)
    const messages = await t.db.selectFrom('account_message').select(['id', 'template']).where('user_id', '=', a.userId).where('created_at', '>=', payment!.created_at).execute()
    assert.ok(messages.some((m) => m.template === 'offerWithdrawn'))
    // Its message, written as the withdrawal happened: the refund is under way (the refund's own message follows).
    const withdrawnMessage = text((await client.get(`/en/messages/${messages.find((m) => m.template === 'offerWithdrawn')!.id}`)).dom.querySelector('main'))
    assert.match(withdrawnMessage, new RegExp(`The fee of \\$230\\.00 \\(receipt ${payment!.receipt_number}\\) is being refunded to the card it was paid with`))
    assert.doesNotMatch(withdrawnMessage, /if paid/)
    // The refund's message and the receipt's, read in each language: amounts, dates and the reason in that language's words.
    const read = async (template: string, lang: 'en' | 'fr') => text((await client.get(`/${lang}/messages/${messages.find((m) => m.template === template)!.id}`)).dom.querySelector('main'))
    const refundedEn = await read('paymentRefunded', 'en')
    assert.match(refundedEn, /\(\$230\.00\)/)
    assert.match(refundedEn, /Reason: Offer withdrawn: “The worker accepted another job\.”/)
    const refundedFr = await read('paymentRefunded', 'fr')
    assert.match(refundedFr, /\(230,00\s\$\)/)
    assert.match(refundedFr, /Motif\s:\sOffre retirée\s:\s«\sThe worker accepted another job\.\s»/)
    assert.doesNotMatch(refundedFr, /Offer withdrawn/)
    const receiptFr = await read('paymentReceipt', 'fr')
    assert.match(receiptFr, /Montant\s:\s230,00\s\$/)
    assert.doesNotMatch(receiptFr, /a\.m\.|p\.m\.|230\.00/, 'no English date or amount on the French receipt')
    assert.match(await read('paymentReceipt', 'en'), /Amount: \$230\.00/)
    // The receipt PDF names the refund's reason in both languages.
    const refundRow = await t.db.selectFrom('payment_refund').select(['reason', 'reason_detail']).where('payment_id', '=', payment!.id).executeTakeFirstOrThrow()
    assert.deepEqual(refundRow, { reason: 'offer_withdrawn', reason_detail: 'The worker accepted another job.' })
    // Withdrawn is final.
    assert.equal((await client.post(`/en/offers/${id}/withdraw`, { reason: 'again' })).location, `/en/offers/${id}`)
    assert.equal((await t.db.selectFrom('payment_refund').select('id').where('payment_id', '=', payment!.id).execute()).length, 1)
  })

  it('copies any offer into a new draft (attestations to tick again) and deletes a draft, never a submitted offer', async () => {
    const client = await signedIn()
    const id = await completeOffer(client)
    await pay(client, await submit(client, id))
    const copy = await client.post(`/en/offers/${id}/copy`, {})
    const copyId = /offers\/([0-9a-f-]{36})\/exemption$/.exec(copy.location!)![1]!
    const copied = await offerRow(copyId)
    assert.equal(copied.status, 'draft')
    assert.equal(copied.copied_from, id)
    assert.equal(copied.answers.worker!.passportNumber, 'C1234567')
    assert.equal(copied.answers.attestations, undefined)
    assert.equal(copied.offer_number, null)

    const confirm = await client.get(`/en/offers/${copyId}/delete`)
    assert.equal(confirm.status, 200)
    assert.equal((await client.post(`/en/offers/${copyId}/delete`, {})).location, '/en/offers?deleted=1')
    assert.equal(await t.db.selectFrom('offer').select('id').where('id', '=', copyId).executeTakeFirst(), undefined)
    // A submitted offer cannot be deleted.
    assert.equal((await client.post(`/en/offers/${id}/delete`, {})).location, `/en/offers/${id}`)
    assert.ok(await t.db.selectFrom('offer').select('id').where('id', '=', id).executeTakeFirst())
  })

  it('attaches documents checked by their content, up to 6 MB, while the offer is a draft', async () => {
    const client = await signedIn()
    const id = await startOffer(client)
    const page = await client.get(`/en/offers/${id}/documents`)
    assert.equal(page.status, 200)
    const upload = (name: string, type: string, content: Buffer) => {
      const body = multipart({ _csrf: client.csrf! }, { field: 'document', name, type, content })
      return client.request('POST', `/en/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    }
    assert.equal((await upload('../../etc/passwd.png', 'image/png', TINY_PNG)).status, 303)
    assert.equal((await upload('lettre d’emploi.pdf', 'application/pdf', TINY_PDF)).status, 303)
    const fake = await upload('virus.pdf', 'application/pdf', Buffer.from('MZ this is not a PDF'))
    assert.equal(fake.status, 400)
    assert.match(text(fake.dom.querySelector('#document-error')), /PDF, JPEG or PNG/)
    const big = await upload('big.pdf', 'application/pdf', Buffer.concat([TINY_PDF, Buffer.alloc(6 * 1024 * 1024)]))
    assert.equal(big.status, 400)
    assert.match(text(big.dom.querySelector('#document-error')), /larger than 6 MB/)
    const none = await upload('', 'application/octet-stream', Buffer.alloc(0))
    assert.equal(none.status, 400)
    const docs = await t.db.selectFrom('offer_document').select(['id', 'file_name', 'content_type']).where('offer_id', '=', id).orderBy('created_at').execute()
    assert.deepEqual(docs.map((d) => [d.file_name, d.content_type]), [['passwd.png', 'image/png'], ['lettre d’emploi.pdf', 'application/pdf']])
    const download = await client.get(`/en/offers/${id}/documents/${docs[0]!.id}`)
    assert.equal(download.headers['content-type'], 'image/png')
    assert.match(String(download.headers['content-disposition']), /^attachment;/)
    // Removed while a draft; another business cannot even see them.
    await client.get(`/en/offers/${id}/documents`)
    assert.equal((await client.post(`/en/offers/${id}/documents/${docs[1]!.id}/remove`, {})).status, 303)
    assert.equal((await t.db.selectFrom('offer_document').select('id').where('offer_id', '=', id).execute()).length, 1)
    const other = await signedIn('other.owner')
    assert.equal((await other.get(`/en/offers/${id}/documents/${docs[0]!.id}`)).status, 404)
  })

  it('a fee exemption needs proof, skips payment, and flags the offer for an officer', async () => {
    const client = await signedIn()
    const id = await startOffer(client)
    await fillOffer(client, id, 'en', { exemption: { feeExemption: 'employer' } })
    assert.equal((await client.get(`/en/offers/${id}/review`)).location, `/en/offers/${id}/validate`, 'no proof yet')
    const validate = await client.get(`/en/offers/${id}/validate`)
    assert.match(text(validate.dom.querySelector('main')), /Attach proof of the fee exemption/)
    await client.get(`/en/offers/${id}/documents`)
    const body = multipart({ _csrf: client.csrf! }, { field: 'document', name: 'note-diplomatique.pdf', type: 'application/pdf', content: TINY_PDF })
    await client.request('POST', `/en/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    const review = await client.get(`/en/offers/${id}/review`)
    assert.equal(review.status, 200)
    const res = await client.post(`/en/offers/${id}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    assert.equal(res.location, `/en/offers/${id}`)
    const offer = await offerRow(id)
    assert.equal(offer.status, 'pending')
    assert.equal(offer.fee_exemption, 'employer')
    assert.equal(offer.needs_review, true)
    assert.match(offer.offer_number!, /^A\d{7}$/)
    assert.equal((await paymentsOf(id)).length, 0)
    assert.equal(text((await client.get(`/en/offers/${id}`)).dom.querySelector('main .notice-success h2')), 'Offer submitted', 'no payment to speak of')
    // Withdrawn with no fee paid: nothing to refund, said as such on the page and in the message.
    await client.get(`/en/offers/${id}/withdraw`)
    await client.post(`/en/offers/${id}/withdraw`, { reason: 'Posting filled.' })
    assert.match(text((await client.get(`/en/offers/${id}`)).dom.querySelector('main .notice-info')), /No fee was paid for this offer, so there is nothing to refund\./)
    const notice = await t.db.selectFrom('account_message').select('id').where('template', '=', 'offerWithdrawn').where(sql<boolean>`params->>'offerNumber' = ${offer.offer_number}`).executeTakeFirstOrThrow()
    assert.match(text((await client.get(`/fr/messages/${notice.id}`)).dom.querySelector('main')), /Aucuns frais n’ont été payés pour cette offre\s:\sil n’y a rien à rembourser\./)
  })

  it('an officer reviews a claimed fee exemption: assigns it, refuses it with a reason, and the employer then pays once', async () => {
    const client = await signedIn()
    const id = await startOffer(client)
    await fillOffer(client, id, 'en', { exemption: { feeExemption: 'worker' } })
    await client.get(`/en/offers/${id}/documents`)
    const body = multipart({ _csrf: client.csrf! }, { field: 'document', name: 'preuve.png', type: 'image/png', content: TINY_PNG })
    await client.request('POST', `/en/offers/${id}/documents`, { payload: body.payload, headers: { 'content-type': body.contentType } })
    const review = await client.get(`/en/offers/${id}/review`)
    await client.post(`/en/offers/${id}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    const number = (await offerRow(id)).offer_number!

    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'
    await createUser(t.db, { username: 'fee.officer', role: 'officer', totpSecret: secret })
    const officer = new TestClient(t.app)
    await signInStaff(officer, 'fee.officer', secret, t.clock.now())
    const queue = await officer.get('/en/console/fee-exemptions')
    assert.equal(queue.status, 200)
    assert.match(text(queue.dom.querySelector('tbody')), new RegExp(number))
    // Employers never reach it.
    assert.equal((await client.get('/en/console/fee-exemptions')).status, 403)
    const page = await officer.get(`/en/console/fee-exemptions/${id}`)
    assert.match(text(page.dom.querySelector('main')), /preuve\.png/)
    const docLink = page.dom.querySelectorAll('a').find((l) => l.getAttribute('href')?.includes('/documents/'))!
    assert.equal((await officer.get(docLink.getAttribute('href')!)).headers['content-type'], 'image/png')
    await officer.post(`/en/console/fee-exemptions/${id}/assign`, {})
    await officer.get(`/en/console/fee-exemptions/${id}`)
    const empty = await officer.post(`/en/console/fee-exemptions/${id}/decision`, { decision: 'refused', reason: '' })
    assert.equal(empty.status, 400)
    assert.equal((await offerRow(id)).needs_review, true, 'nothing decided without a reason')
    // Asked first (the employer is told at once); recorded on Yes.
    assert.equal((await officer.post(`/en/console/fee-exemptions/${id}/decision`, { decision: 'refused', reason: 'The letter does not name the worker.' })).status, 200)
    assert.equal((await offerRow(id)).needs_review, true, 'nothing decided before Yes')
    assert.equal((await officer.post(`/en/console/fee-exemptions/${id}/decision`, { decision: 'refused', reason: 'The letter does not name the worker.', confirm: 'yes' })).status, 303)
    const decided = await offerRow(id)
    assert.deepEqual([decided.needs_review, decided.fee_review_decision, decided.status, decided.offer_number], [false, 'refused', 'pending', number])
    // Deciding again changes nothing.
    await officer.get(`/en/console/fee-exemptions/${id}`)
    await officer.post(`/en/console/fee-exemptions/${id}/decision`, { decision: 'accepted', reason: 'Changed my mind', confirm: 'yes' })
    assert.equal((await offerRow(id)).fee_review_decision, 'refused')
    // Until the fee is paid the offer is not submitted and paid: the console says the fee is owed, and the worker's application cannot be matched to it.
    assert.match(text((await officer.get(`/en/console/offers/${id}`)).dom.querySelector('main')), /Compliance fee\s*Fee owed, not paid: the fee exemption claimed was refused/)
    await officer.get('/en/console/matching')
    const application = { offerNumber: number, passportNumber: 'C1234567', citizenship: 'VN' }
    const early = await officer.post('/en/console/matching', application)
    assert.equal(early.status, 400)
    assert.match(text(early.dom.querySelector('.error-summary')), new RegExp(`Offer ${number} cannot be matched: its fee exemption was refused and the compliance fee is not paid`))
    assert.equal((await offerRow(id)).status, 'pending')

    // The employer is told, sees the fee owed on the offer, and pays it once; the offer keeps its number.
    const messages = await t.db.selectFrom('account_message').select('template').where('user_id', '=', a.userId).execute()
    assert.ok(messages.some((m) => m.template === 'offerFeeExemptionRefused'))
    const view = await client.get(`/en/offers/${id}`)
    assert.match(text(view.dom.querySelector('main .notice-warning')), /the fee is owed.*Until the fee is paid, the worker’s work permit application cannot be matched to this offer\./)
    const paid = await pay(client, local((await client.post(`/en/offers/${id}/pay`, {})).location))
    assert.equal(paid.status, 200)
    assert.equal((await paymentsOf(id)).filter((p) => p.status === 'approved').length, 1)
    assert.equal((await offerRow(id)).offer_number, number)
    assert.equal((await client.post(`/en/offers/${id}/pay`, {})).location, `/en/offers/${id}`, 'nothing more is owed')
    // Paid: now it matches.
    assert.equal((await officer.post('/en/console/matching', application)).status, 303)
    assert.equal((await offerRow(id)).status, 'matched')
  })

  it('refuses a start date in the past at submission, and a review loaded before another tab’s change', async () => {
    const client = await signedIn()
    const id = await startOffer(client)
    await fillOffer(client, id, 'en')
    // Next refuses a past start date (its section says so at once)...
    const page = await client.get(`/en/offers/${id}/job`)
    const next = await client.post(`/en/offers/${id}/job`, { version: page.dom.querySelector('input[name="version"]')!.getAttribute('value')!, jobTitle: 'Chef de cuisine', nocCode: '62200', mainDuties: 'Cook.', workStreet: '1 rue Principale', workCity: 'Québec', workProvince: 'QC', workPostalCode: 'G1R 4S9', startDate: '2026-11-01', endDate: '2028-05-31', hoursPerWeek: '40', additionalLocation: 'no', nav: 'next' })
    assert.equal(next.location, `/en/offers/${id}/job?check=1`)
    assert.match(text((await client.follow(next)).dom.querySelector('#start-date-error')), /The start date has passed/)
    // ...and a start date that passed while the draft waited is caught when the whole offer is checked.
    const validate = await client.get(`/en/offers/${id}/validate`)
    assert.match(text(validate.dom.querySelector('main')), /The start date has passed/)
    // Correct it, load the review, change the draft in "another tab", then submit the stale review.
    const job = await client.get(`/en/offers/${id}/job`)
    await client.post(`/en/offers/${id}/job`, { version: job.dom.querySelector('input[name="version"]')!.getAttribute('value')!, ...{ jobTitle: 'Chef de cuisine', nocCode: '62200', mainDuties: 'Cook.', workStreet: '1 rue Principale', workCity: 'Québec', workProvince: 'QC', workPostalCode: 'G1R 4S9', startDate: '2027-06-01', endDate: '2028-05-31', hoursPerWeek: '40', additionalLocation: 'no' }, nav: 'next' })
    const review = await client.get(`/en/offers/${id}/review`)
    const stale = review.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    const wage = await client.get(`/en/offers/${id}/wage`)
    await client.post(`/en/offers/${id}/wage`, { version: wage.dom.querySelector('input[name="version"]')!.getAttribute('value')!, wage: '35.00', wageUnit: 'hour', nav: 'exit' })
    const res = await client.post(`/en/offers/${id}/submit`, { version: stale })
    assert.equal(res.location, `/en/offers/${id}/review?changed=1`)
    assert.equal((await offerRow(id)).status, 'draft')
    const shown = await client.follow(res)
    assert.match(text(shown.dom.querySelector('main .notice-warning')), /changed in another tab/)
  })

  it('the queue: search by number or name, filter by status, sort, and keyset pages; branch users see only their branch', async () => {
    // 60 drafts for a fresh business, then one branch.
    const b = await businessWithPrimary(t, 'queue.owner', '111111118', 'Queue Inc.')
    const now = t.clock.now()
    const branch = await t.db.insertInto('branch').values({ business_id: b.businessId, name: 'Montréal', street: 's', city: 'Montréal', province: 'QC', postal_code: 'H2X 1Y4', created_at: now }).returning('id').executeTakeFirstOrThrow()
    for (let i = 0; i < 60; i++) {
      await t.db
        .insertInto('offer')
        .values({ business_id: b.businessId, branch_id: i % 3 === 0 ? branch.id : null, created_by: b.userId, answers: '{}', worker_name: `Worker${String(i).padStart(2, '0')}, Ana`, job_title: 'Cook', created_at: now, updated_at: new Date(now.getTime() + i * 1000) })
        .execute()
    }
    await t.db.updateTable('offer').set({ status: 'pending', offer_number: 'A7654321' }).where('worker_name', '=', 'Worker07, Ana').execute()
    const client = await signedIn('queue.owner')
    const first = await client.get('/en/offers')
    const rows = first.dom.querySelectorAll('tbody tr')
    assert.equal(rows.length, 50)
    assert.match(text(rows[0]), /Worker59/)
    const next = first.dom.querySelector('a[rel="next"]')!.getAttribute('href')!
    const second = await client.get(next)
    assert.equal(second.dom.querySelectorAll('tbody tr').length, 10)
    assert.match(text(second.dom.querySelectorAll('tbody tr')[9]), /Worker00/)
    assert.equal(second.dom.querySelector('a[rel="next"]'), null)

    assert.equal((await client.get('/en/offers?q=a7654321')).dom.querySelectorAll('tbody tr').length, 1)
    assert.equal((await client.get('/en/offers?q=worker1')).dom.querySelectorAll('tbody tr').length, 10)
    assert.equal((await client.get('/en/offers?q=%25')).dom.querySelectorAll('tbody tr').length, 0, 'LIKE metacharacters are literal')
    assert.equal((await client.get('/en/offers?status=pending')).dom.querySelectorAll('tbody tr').length, 1)
    assert.equal((await client.get(`/en/offers?branch=${branch.id}`)).dom.querySelectorAll('tbody tr').length, 20)
    // A branch that is not the business's (a stale or edited link) filters nothing.
    const stale = await client.get('/en/offers?branch=00000000-0000-4000-8000-000000000000')
    assert.equal(stale.dom.querySelectorAll('tbody tr').length, 50)
    assert.ok(stale.dom.querySelector('a[rel="next"]'))
    // The branch column names each offer's branch (or the head office), in the page's language.
    const branchColumn = (page: typeof first) => [...page.dom.querySelectorAll('tbody tr')].map((row) => text(row.querySelectorAll('td')[4]))
    const firstColumn = branchColumn(first)
    assert.equal(firstColumn.filter((name) => name === 'Montréal').length, 16)
    assert.equal(firstColumn.filter((name) => name === 'Head office').length, 34)
    assert.deepEqual(new Set(branchColumn(await client.get('/fr/offers?branch=none'))), new Set(['Siège social']))
    const az = await client.get('/en/offers?sort=worker')
    assert.match(text(az.dom.querySelector('tbody tr')), /Worker00/)
    assert.equal((await client.get('/en/offers?after=garbage&status=nonsense&sort=nope')).status, 200)

    // A branch user of Montréal sees its 20 offers only, and another branch's offer is "not found".
    const branchUser = await createUser(t.db, { username: 'montreal.user' })
    await t.db.insertInto('business_membership').values({ business_id: b.businessId, user_id: branchUser.id, role: 'secondary', branch_id: branch.id, created_at: now }).execute()
    const bc = await signedIn('montreal.user')
    const theirs = await bc.get('/en/offers')
    assert.equal(theirs.dom.querySelectorAll('tbody tr').length, 20)
    assert.deepEqual(new Set(branchColumn(theirs)), new Set(['Montréal']))
    const headOffice = await t.db.selectFrom('offer').select('id').where('business_id', '=', b.businessId).where('branch_id', 'is', null).executeTakeFirstOrThrow()
    assert.equal((await bc.get(`/en/offers/${headOffice.id}/exemption`)).status, 404)
    assert.equal((await bc.post(`/en/offers/${headOffice.id}/copy`, {})).status, 404)
    // A draft the branch user starts belongs to their branch.
    const own = await startOffer(bc)
    assert.equal((await offerRow(own)).branch_id, branch.id)
  })
})
