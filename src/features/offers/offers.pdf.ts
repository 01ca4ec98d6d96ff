import { formatInZone } from '../../platform/dates.ts'
import { eachLanguage, inEach, renderPdf, type Bilingual } from '../../platform/pdf.ts'
import type { Payment, PaymentRefund } from '../payment/payment.tables.ts'
import { refundReasonText } from '../payment/payment.views.ts'
import { formatMoney } from '../reference/validators.ts'
import type { DocumentSummary } from './offers.repository.ts'
import { SECTION_IDS } from './offers.sections.ts'
import type { Offer } from './offers.tables.ts'
import { answerText, fieldLabel, shownFields, STATUS_KEY } from './offers.views.ts'

interface BusinessNames {
  legal_name: string
  business_number: string
  employer_number: string | null
}

/**
 * A value as the document writes it: an empty one (an optional field left blank) as « — », never
 * nothing, which left the line open so the next heading was drawn over its label.
 */
const NONE = '\u2014'
const orNone = (value: string | null | undefined): string => (value && value.trim() !== '' ? value : NONE)
const eachOrNone = (write: (lang: 'en' | 'fr') => string): Bilingual => eachLanguage((lang) => orNone(write(lang)))

/** Both languages of a date: the document is read by either (the French half tagged as French). */
const when = (d: Date, timeZone: string): Bilingual => eachLanguage((lang) => formatInZone(lang, d, timeZone, 'dateTime'))

/** A submitted offer as a bilingual PDF: every answer as it was submitted. */
export function offerPdf(offer: Offer, business: BusinessNames, documents: DocumentSummary[], timeZone: string, options: { uncompressed?: boolean } = {}): Promise<Buffer> {
  return renderPdf({ title: [inEach('offers.pdfTitle'), ` ${offer.offer_number ?? ''}`], uncompressed: options.uncompressed }, (_doc, h) => {
    h.row(inEach('offers.number'), orNone(offer.offer_number))
    h.row(inEach('offers.status'), inEach(STATUS_KEY[offer.status]))
    if (offer.submitted_at) h.row(inEach('offers.submittedAt'), when(offer.submitted_at, timeZone))
    h.row(inEach('payment.business'), `${business.legal_name} (${business.business_number}${business.employer_number ? `, ${business.employer_number}` : ''})`)
    if (offer.withdrawn_at) {
      h.row(inEach('offers.pdfWithdrawnOn'), when(offer.withdrawn_at, timeZone))
      h.row(inEach('offers.pdfWithdrawalReason'), orNone(offer.withdrawal_reason))
    }
    for (const section of SECTION_IDS) {
      h.heading(inEach(`offers.s_${section}`))
      for (const f of shownFields(section, offer.answers)) {
        const raw = offer.answers[section]?.[f.name]
        h.row(inEach(fieldLabel(f.name)), eachOrNone((lang) => answerText(f, raw, lang, offer.answers)))
      }
    }
    h.heading(inEach('offers.docsTitle'))
    if (documents.length === 0) h.paragraph(inEach('offers.docsNone'))
    for (const d of documents) h.paragraph(`${d.file_name} (${d.content_type}, ${d.size_bytes} B, SHA-256 ${d.sha256})`)
  })
}

/** The receipt of the fee, in both languages, downloadable at any time. */
export function receiptPdf(payment: Payment, refunds: PaymentRefund[], offer: Offer, business: BusinessNames, timeZone: string, options: { uncompressed?: boolean } = {}): Promise<Buffer> {
  return renderPdf({ title: inEach('payment.receiptPdfTitle'), uncompressed: options.uncompressed }, (_doc, h) => {
    h.row(inEach('payment.receiptNumber'), orNone(payment.receipt_number))
    if (payment.approved_at) h.row(inEach('payment.dateTime'), when(payment.approved_at, timeZone))
    h.row(inEach('payment.amount'), eachLanguage((lang) => formatMoney(payment.amount_cents, lang)))
    h.row(inEach('payment.card'), inEach('payment.cardValue', { brand: payment.card_brand ?? '', last4: payment.card_last4 ?? '' }))
    h.row(inEach('payment.transactionId'), orNone(payment.gateway_transaction_id))
    h.row(inEach('payment.offerNumber'), orNone(offer.offer_number))
    h.row(inEach('payment.business'), `${business.legal_name} (${business.business_number})`)
    for (const r of refunds.filter((x) => x.status === 'succeeded')) {
      h.heading(inEach('payment.refundTitle'))
      h.row(inEach('payment.amount'), eachLanguage((lang) => formatMoney(r.amount_cents, lang)))
      if (r.completed_at) h.row(inEach('payment.refundDate'), when(r.completed_at, timeZone))
      h.row(inEach('payment.refundReason'), eachOrNone((lang) => refundReasonText(lang, r)))
    }
  })
}
