import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_PASSWORD } from '../../../src/features/demo/demo-seed.ts'
import { TINY_PDF, TINY_PNG } from '../../helpers/offers.ts'
import { expectAccessible, newContext, screenshotOnFailure } from '../helpers/browser.ts'
import { usePortalAndBrowser } from '../helpers/setup.ts'
import { signIn, type Lang } from '../pages/auth.ts'
import { APPROVED_CARD, DECLINED_CARD, NO_ANSWER_CARD, OfferPages } from '../pages/offers.ts'

/**
 * Issues 8, 9 and 12: an offer of employment from the first section to its withdrawal,
 * in a real browser, in English and in French, with JavaScript on and off, axe on every
 * page (error states included). The demo business's primary user writes in English, its
 * secondary user in French (their account messages come in that language).
 *
 * The journeys with JavaScript on and those with it off are two test files
 * (offer-submission-script, offer-submission-no-script), each with its own portal, so that
 * the runner can run them side by side: together they were the browser tier's longest file.
 */
const EMPLOYER: Record<Lang, string> = { en: 'demo.primary', fr: 'demo.secondary' }
const NUMBER = /^A\d{7}$/

const words = {
  en: { viewTitle: /^Offer of employment (A\d{7})$/, pending: 'Pending', awaiting: 'Awaiting payment', withdrawn: 'Withdrawn', refunded: /Refunded on /, declined: /Your card was declined\. You have not been charged\./, tellWorker: /Give the foreign national the offer number (A\d{7})/ },
  fr: { viewTitle: /^Offre d’emploi (A\d{7})$/, pending: 'En attente', awaiting: 'En attente de paiement', withdrawn: 'Retirée', refunded: /Remboursé le /, declined: /Votre carte a été refusée\. Aucun montant n’a été débité\./, tellWorker: /Donnez au ressortissant étranger le numéro d’offre (A\d{7})/ },
} as const

async function signedIn(o: OfferPages): Promise<void> {
  await signIn(o.page, o.base, o.lang, EMPLOYER[o.lang], DEMO_PASSWORD)
  await o.page.waitForURL(new RegExp(`/${o.lang}/home`))
}

/** Asserts the page is the submitted offer's own page and returns its number. */
async function expectSubmittedOffer(o: OfferPages, w: (typeof words)[Lang]): Promise<string> {
  const m = w.viewTitle.exec(await o.h1())
  assert.ok(m, `expected the offer's page, got "${await o.h1()}" at ${o.page.url()}`)
  assert.doesNotMatch(o.page.url(), /test-gateway/)
  return m[1]!
}

/** The journeys with JavaScript on (`javaScript`) or off: the whole journey in both languages, and a declined card in one. */
export function offerSubmissionJourneys(javaScript: boolean): void {
  describe(`an offer from the first section to its withdrawal, in a browser, JavaScript ${javaScript ? 'on' : 'off'}`, () => {
    const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })

    for (const lang of ['en', 'fr'] as const) {
      it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: sections with Back, Forward, refresh, Save and exit and Validate; a document; review; pay; Back; queue; receipt; PDFs; copy and delete; withdraw and refund`, async (t) => {
        const context = await newContext(e2e.browser, { javaScript, locale: lang === 'fr' ? 'fr-CA' : 'en-CA' })
        const page = await context.newPage()
        const o = new OfferPages(page, e2e.baseUrl, lang)
        const w = words[lang]
        try {
          await signedIn(o)
          await page.goto(o.url('/offers/new'))
          await expectAccessible(page, 'offer new')
          await o.button('offers.startOffer').click()
          await page.waitForURL(/\/exemption$/)
          const id = o.offerId

          // Next with nothing: the error summary, focused, lists what is missing.
          await expectAccessible(page, 'offer exemption')
          await o.next()
          await o.expectErrorTitle()
          await o.expectFocusOn('error-summary')
          await expectAccessible(page, 'offer exemption (errors)')
          await o.fillSection('exemption')
          await o.next()
          await page.waitForURL(/\/business$/)
          await expectAccessible(page, 'offer business')
          await o.fillAndNext(['business'])

          // Job: Next, then the browser's Back, Forward and a refresh. What was saved comes back.
          await page.waitForURL(/\/job$/)
          await expectAccessible(page, 'offer job')
          await o.fillSection('job')
          await o.next()
          await page.waitForURL(/\/requirements$/)
          await page.goBack()
          await page.waitForURL(/\/job$/)
          assert.equal(await o.field('jobTitle').inputValue(), 'Chef de cuisine')
          assert.equal(await o.field('workProvince').inputValue(), 'QC')
          await page.goForward()
          await page.waitForURL(/\/requirements$/)
          await page.reload()
          await expectAccessible(page, 'offer requirements')
          await o.fillSection('requirements')

          // Save and exit, then resume from the queue: the draft opens on its first unfinished section.
          await o.button('offers.saveExit').click()
          await page.waitForURL(new RegExp(`/${lang}/offers\\?saved=1$`))
          assert.match(await o.mainText(), new RegExp(o.t('offers.draftSaved').replace(/[.?]/g, '\\$&')))
          await expectAccessible(page, 'offer queue')
          await o.queueRow(id).getByRole('link').click()
          await page.waitForURL(new RegExp(`/offers/${id}/wage$`))
          await expectAccessible(page, 'offer wage')
          await o.fillSection('wage')

          // Validate before finishing: the worker and the attestations are listed, each linked to its field.
          await o.button('offers.validate').click()
          await page.waitForURL(/\/validate$/)
          assert.equal(await o.h1(), o.t('offers.validateTitle'))
          assert.match(await o.mainText(), new RegExp(o.t('offers.fields.familyName.required')))
          assert.match(await o.mainText(), new RegExp(o.t('offers.fields.agreement.required')))
          await o.expectErrorTitle()
          await o.expectFocusOn('error-summary')
          await expectAccessible(page, 'offer validate (missing)')
          // Each link goes to its field, which takes focus; the section shows its own errors.
          await page.locator('#error-summary a').first().click()
          await page.waitForURL(/\/worker\?check=1#family-name$/)
          await o.expectFocusOn('family-name')
          assert.equal(await page.locator('#error-summary a').first().getAttribute('href'), '#family-name')
          await expectAccessible(page, 'offer worker (errors)')
          await o.fillSection('worker')
          await o.next()
          await page.waitForURL(/\/attestations$/)
          await expectAccessible(page, 'offer attestations')
          await o.fillAndNext(['attestations'])
          await page.waitForURL(/\/validate$/)
          assert.match(await o.mainText(), new RegExp(o.t('offers.allValid')))
          await expectAccessible(page, 'offer validate (complete)')

          // A supporting document: nothing chosen is an error; a PDF and a PNG are listed.
          await o.link('offers.docsLink').click()
          await page.waitForURL(/\/documents$/)
          await expectAccessible(page, 'offer documents')
          await o.button('offers.docsUpload').click()
          await o.expectErrorTitle()
          await expectAccessible(page, 'offer documents (errors)')
          await o.attach({ name: 'job-offer-letter.pdf', mimeType: 'application/pdf', buffer: TINY_PDF })
          await o.attach({ name: 'diplôme.png', mimeType: 'image/png', buffer: TINY_PNG })
          await expectAccessible(page, 'offer documents (two)')
          await page.locator('.back-link').click()
          await page.waitForURL(/\/validate$/)

          // Review, then Submit: the hosted test card page.
          await o.link('offers.toReview').click()
          await page.waitForURL(/\/review$/)
          assert.equal(await o.h1(), o.t('offers.reviewTitle'))
          assert.equal(await page.locator('main .document-list li').count(), 2)
          await expectAccessible(page, 'offer review')
          await o.button('offers.submitPay').click()
          await page.waitForURL(/\/test-gateway\/checkouts\//)
          await expectAccessible(page, 'test gateway card page')
          await o.payWithCard(APPROVED_CARD)

          // Paid: the offer's page with its number, what to tell the worker and the receipt.
          await page.waitForURL(new RegExp(`/${lang}/offers/${id}$`))
          const number = await expectSubmittedOffer(o, w)
          assert.match(number, NUMBER)
          assert.equal(w.tellWorker.exec(await o.mainText())?.[1], number)
          const receiptNumber = ((await page.locator('main .summary-list').first().locator('dd').first().textContent()) ?? '').trim()
          assert.ok(receiptNumber.length > 0, 'the receipt is shown')
          await expectAccessible(page, 'offer submitted')

          // Back after paying: the submitted offer again, never the card form.
          await page.goBack()
          await page.waitForLoadState()
          assert.equal(await expectSubmittedOffer(o, w), number)
          assert.equal(await page.getByLabel(o.t('testGateway.cardNumber')).count(), 0)

          // Pending in the queue.
          await page.goto(o.url('/offers'))
          const row = o.queueRow(id)
          assert.match((await row.textContent()) ?? '', new RegExp(number))
          assert.equal(((await row.locator('.tag').textContent()) ?? '').trim(), w.pending)
          await expectAccessible(page, 'offer queue (a pending offer)')

          // The receipt in Account messages.
          await page.goto(o.url('/messages'))
          await expectAccessible(page, 'account messages')
          const subject = o.t('payment.emails.receipt.subject', { receipt: receiptNumber, offerNumber: number })
          await page.getByRole('link', { name: subject }).click()
          assert.equal(await o.h1(), subject)
          assert.match(await o.mainText(), new RegExp(receiptNumber))
          await expectAccessible(page, 'account message (receipt)')

          // The receipt and the offer as PDF downloads.
          await page.goto(o.url(`/offers/${id}`))
          const receipt = await o.download(o.link('payment.receiptPdf'))
          assert.equal(receipt.name, o.t('offers.receiptFileName', { receipt: receiptNumber }))
          assert.equal(receipt.bytes.subarray(0, 5).toString('latin1'), '%PDF-')
          const offerPdf = await o.download(o.link('offers.downloadPdf'))
          assert.equal(offerPdf.name, o.t('offers.pdfFileName', { number }))
          assert.equal(offerPdf.bytes.subarray(0, 5).toString('latin1'), '%PDF-')

          // Copy: a new draft with the answers (not the attestations); then delete that draft.
          await o.button('offers.copy').click()
          await page.waitForURL(/\/exemption$/)
          const copyId = o.offerId
          assert.notEqual(copyId, id)
          assert.equal(await o.field('exemptionCode').inputValue(), 'C10')
          await page.goto(o.url(`/offers/${copyId}/validate`))
          await o.link('offers.deleteLink').click()
          await page.waitForURL(new RegExp(`/offers/${copyId}/delete$`))
          await expectAccessible(page, 'offer delete')
          await o.button('offers.deleteConfirm').click()
          await page.waitForURL(new RegExp(`/${lang}/offers\\?deleted=1$`))
          assert.match(await o.mainText(), new RegExp(o.t('offers.deleted')))
          await expectAccessible(page, 'offer queue (draft deleted)')
          assert.equal(await o.queueRow(copyId).count(), 0)
          assert.equal(await o.queueRow(id).count(), 1)

          // Withdraw with a reason (none is an error): the fee is refunded and the history says so.
          await page.goto(o.url(`/offers/${id}`))
          await o.link('offers.withdraw').click()
          await page.waitForURL(/\/withdraw$/)
          await expectAccessible(page, 'offer withdraw')
          await o.button('offers.withdrawConfirm').click()
          await o.expectErrorTitle()
          await o.expectFocusOn('error-summary')
          await expectAccessible(page, 'offer withdraw (errors)')
          const reason = lang === 'en' ? 'The worker accepted another job.' : 'La travailleuse a accepté un autre emploi.'
          await page.getByLabel(o.t('offers.withdrawReason')).fill(reason)
          await o.button('offers.withdrawConfirm').click()
          await page.waitForURL(new RegExp(`/offers/${id}$`))
          assert.match(await o.mainText(), new RegExp(reason))
          assert.match((await page.locator('main table').last().textContent()) ?? '', w.refunded)
          await expectAccessible(page, 'offer withdrawn')
          await page.goto(o.url('/offers'))
          assert.equal(((await o.queueRow(id).locator('.tag').textContent()) ?? '').trim(), w.withdrawn)
        } catch (err) {
          await screenshotOnFailure(page, `offer journey ${t.name}`)
          throw err
        } finally {
          await context.close()
        }
      })
    }

    // The declined card in English without JavaScript and in French with it.
    {
      const lang: Lang = javaScript ? 'fr' : 'en'
      it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: a card whose bank does not answer and a declined card leave the offer awaiting payment with a clear message, and a retry pays once`, async (t) => {
        const context = await newContext(e2e.browser, { javaScript, locale: lang === 'fr' ? 'fr-CA' : 'en-CA' })
        const page = await context.newPage()
        const o = new OfferPages(page, e2e.baseUrl, lang)
        const w = words[lang]
        try {
          await signedIn(o)
          const id = await o.startNew()
          await o.fillAndNext(['exemption', 'business', 'job', 'requirements', 'wage', 'worker', 'attestations'])
          await page.goto(o.url(`/offers/${id}/review`))
          await o.button('offers.submitPay').click()
          await page.waitForURL(/\/test-gateway\/checkouts\//)

          // A card number that fails the check digit: the card page's own error state.
          await o.payWithCard('4242 4242 4242 4241')
          await o.expectErrorTitle()
          await expectAccessible(page, 'test gateway card page (errors)')

          // The card whose bank does not answer: not charged, said so, and Try again opens a new card page at once.
          await o.payWithCard(NO_ANSWER_CARD)
          await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/)
          assert.equal(await o.h1(), o.t('payment.notPaidTitle'))
          assert.ok((await o.mainText()).includes(o.t('payment.noAnswer')), 'the no-answer message')
          await o.button('payment.tryAgain').click()
          await page.waitForURL(/\/test-gateway\/checkouts\//)

          await o.payWithCard(DECLINED_CARD)
          await page.waitForURL(/\/payments\/[0-9a-f-]{36}$/)
          assert.equal(await o.h1(), o.t('payment.notPaidTitle'))
          assert.match(await o.mainText(), w.declined)
          await expectAccessible(page, 'payment not completed')

          // The offer waits for its fee and says why.
          await page.goto(o.url(`/offers/${id}`))
          assert.equal(await o.h1(), o.t('offers.awaitingTitle'))
          assert.match((await page.locator('main .notice-warning').textContent()) ?? '', w.declined)
          await expectAccessible(page, 'offer awaiting payment (declined)')
          await page.goto(o.url('/offers'))
          assert.equal(((await o.queueRow(id).locator('.tag').textContent()) ?? '').trim(), w.awaiting)
          await expectAccessible(page, 'offer queue (awaiting payment)')

          // Retry from the offer's page.
          await o.queueRow(id).getByRole('link').click()
          await page.waitForURL(new RegExp(`/offers/${id}$`))
          await o.button('offers.payNow', { amount: o.fee }).click()
          await page.waitForURL(/\/test-gateway\/checkouts\//)
          await o.payWithCard(APPROVED_CARD)
          await page.waitForURL(new RegExp(`/offers/${id}$`))
          assert.match(await expectSubmittedOffer(o, w), NUMBER)
          // Three attempts, one charge: no answer, declined, then paid.
          const history = (await page.locator('main table').last().locator('tbody tr').allTextContents()).join('\n')
          for (const status of ['offers.pay_failed', 'offers.pay_declined', 'offers.pay_approved'] as const) assert.ok(history.includes(o.t(status)), status)
          assert.equal(await page.locator('main table').last().locator('tbody tr').count(), 3)
        } catch (err) {
          await screenshotOnFailure(page, `offer declined ${t.name}`)
          throw err
        } finally {
          await context.close()
        }
      })
    }
  })
}
