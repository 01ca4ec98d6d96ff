import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeApprovedPayment, makeOffer } from '../../../tests/helpers/console-fixtures.ts'
import { TestClient } from '../../../tests/helpers/http.ts'
import { businessWithPrimary } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { statementsSentBy } from '../../../tests/helpers/sent-statements.ts'
import { notify } from './notify.ts'
import { insertAccountMessage } from './notifications.repository.ts'
import { renderEmail } from './render.ts'

describe('account messages about an offer link to it, while the reader may see it', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  const earlier = () => new Date(t.clock.now().getTime() - 60_000)

  it('links the submission to the offer and the receipt to its PDF, in the message and the e-mail; not once the reader has left the business', async () => {
    const { businessId } = await businessWithPrimary(t, 'links.primary', '123456782', 'Érablière Links Inc.')
    const rep = await createUser(t.db, { username: 'links.rep', lang: 'fr' })
    await t.db.insertInto('business_membership').values({ business_id: businessId, user_id: rep.id, role: 'secondary', created_at: t.clock.now() }).execute()
    const offerId = await makeOffer(t.db, { businessId, userId: rep.id, offerNumber: 'A1000777' })
    const paymentId = await makeApprovedPayment(t.db, { offerId, businessId, userId: rep.id })
    const { receipt_number: receipt } = await t.db.selectFrom('payment').select('receipt_number').where('id', '=', paymentId).executeTakeFirstOrThrow()

    const submitted = await notify(t.db, {
      template: 'offerSubmitted',
      params: { offerNumber: 'A1000777', worker: 'García, José Luis', job: 'Software engineer' },
      lang: 'fr',
      email: { to: 'links.rep@example.ca' },
      accountMessage: { userId: rep.id },
      now: earlier(),
    })
    const paid = await notify(t.db, {
      template: 'paymentReceipt',
      params: { receipt: receipt!, date: { en: 'January 10, 2026', fr: '10 janvier 2026' }, amount: { en: '$230.00', fr: '230,00 $' }, card: 'visa •••• 4242', offerNumber: 'A1000777', business: 'Érablière Links Inc.' },
      lang: 'fr',
      accountMessage: { userId: rep.id },
      now: earlier(),
    })
    // A message kept before messages kept the offer's id: found by its number.
    const older = await insertAccountMessage(t.db, { user_id: rep.id, business_id: null, template: 'offerWithdrawn', params: { offerNumber: 'A1000777', reason: 'Poste comblé' }, lang: 'fr', subject: 's', body: 'b', created_at: earlier() })

    const client = new TestClient(t.app)
    await signInAs(client, rep.id)
    const offerPage = `/fr/offers/${offerId}`
    const receiptPdf = `${offerPage}/payments/${paymentId}/receipt.pdf`

    const first = await client.get(`/fr/messages/${submitted.accountMessageId}`)
    assert.equal(first.dom.querySelector(`.message-links a[href="${offerPage}"]`)?.textContent, 'Consulter l’offre d’emploi')
    assert.equal(first.dom.querySelector('.message-links a[href$="receipt.pdf"]'), null)
    const second = await client.get(`/en/messages/${paid.accountMessageId}`)
    assert.ok(second.dom.querySelector(`.message-links a[href="/en/offers/${offerId}"]`))
    assert.equal(second.dom.querySelector(`.message-links a[href="/en/offers/${offerId}/payments/${paymentId}/receipt.pdf"]`)?.textContent, 'Download the receipt (PDF)')
    assert.ok((await client.get(`/fr/messages/${older}`)).dom.querySelector(`.message-links a[href="${offerPage}"]`))
    // Where they lead opens for this reader.
    assert.equal((await client.get(offerPage)).status, 200)
    const pdf = await client.get(receiptPdf)
    assert.equal(pdf.status, 200)
    assert.match(pdf.headers['content-type'] as string, /application\/pdf/)

    // The e-mail links to the offer's page rather than to the list of messages.
    const outbox = await t.db.selectFrom('email_outbox').select(['template', 'lang', 'params']).where('id', '=', submitted.outboxId!).executeTakeFirstOrThrow()
    const mail = renderEmail(outbox.template, outbox.lang, outbox.params, 'https://portal.example')
    assert.match(mail.text, new RegExp(`https://portal\\.example/fr/offers/${offerId}\\n`))
    assert.match(mail.html, new RegExp(`href="https://portal\\.example/fr/offers/${offerId}"`))

    // Removed from the business: the messages stay theirs, without links to what they may no longer see.
    await t.db.updateTable('business_membership').set({ status: 'removed' }).where('user_id', '=', rep.id).execute()
    const gone = await client.get(`/fr/messages/${paid.accountMessageId}`)
    assert.equal(gone.status, 200)
    assert.equal(gone.dom.querySelector('.message-links'), null)
    assert.notEqual((await client.get(offerPage)).status, 200, 'the offer itself is refused too')
  })

  it('names the offer and payment its caller already holds, without looking them up', async () => {
    const { businessId, userId } = await businessWithPrimary(t, 'ids.primary', '223456774', 'Ids Bakery Inc.')
    const offerId = await makeOffer(t.db, { businessId, userId, offerNumber: 'A1000778' })
    const paymentId = await makeApprovedPayment(t.db, { offerId, businessId, userId })
    let accountMessageId: string | undefined
    const sent = await statementsSentBy(async () => {
      ;({ accountMessageId } = await notify(t.db, {
        template: 'paymentRefunded',
        params: { receipt: 'R-UNKNOWN', amount: { en: '$230.00', fr: '230,00 $' }, reason: { en: 'Withdrawn', fr: 'Retirée' } },
        ids: { offerId, paymentId },
        lang: 'en',
        accountMessage: { userId },
        now: earlier(),
      }))
    })
    assert.deepEqual(sent.map((s) => s.text).filter((text) => /from "(payment|offer)"/.test(text)), [])
    const { params } = await t.db.selectFrom('account_message').select('params').where('id', '=', accountMessageId!).executeTakeFirstOrThrow()
    assert.equal((params as Record<string, unknown>).offerId, offerId)
    assert.equal((params as Record<string, unknown>).paymentId, paymentId)
  })
})
