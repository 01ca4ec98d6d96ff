import { translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { bilingual, renderPdf } from '../../platform/pdf.ts'
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

/** Both languages of a date: the document is read by either. */
const when = (d: Date, timeZone: string) => `${formatInZone('en', d, timeZone, 'dateTime')} / ${formatInZone('fr', d, timeZone, 'dateTime')}`
/** A chosen option in both languages (free text is the same in both). */
const both = (en: string, fr: string) => (en === fr ? en : `${en} / ${fr}`)

/** A submitted offer as a bilingual PDF: every answer as it was submitted. */
export function offerPdf(offer: Offer, business: BusinessNames, documents: DocumentSummary[], timeZone: string, options: { uncompressed?: boolean } = {}): Promise<Buffer> {
  return renderPdf({ title: `${bilingual('offers.pdfTitle')} ${offer.offer_number ?? ''}`, uncompressed: options.uncompressed }, (_doc, h) => {
    h.row(bilingual('offers.number'), offer.offer_number)
    h.row(bilingual('offers.status'), bilingual(STATUS_KEY[offer.status]))
    if (offer.submitted_at) h.row(bilingual('offers.submittedAt'), when(offer.submitted_at, timeZone))
    h.row(bilingual('payment.business'), `${business.legal_name} (${business.business_number}${business.employer_number ? `, ${business.employer_number}` : ''})`)
    if (offer.withdrawn_at) h.row(bilingual('offers.statusWithdrawn'), `${when(offer.withdrawn_at, timeZone)}: ${offer.withdrawal_reason ?? ''}`)
    for (const section of SECTION_IDS) {
      h.heading(bilingual(`offers.s_${section}`))
      for (const f of shownFields(section, offer.answers)) {
        const raw = offer.answers[section]?.[f.name]
        h.row(bilingual(fieldLabel(f.name)), both(answerText(f, raw, 'en'), answerText(f, raw, 'fr')))
      }
    }
    h.heading(bilingual('offers.docsTitle'))
    if (documents.length === 0) h.paragraph(bilingual('offers.docsNone'))
    for (const d of documents) h.paragraph(`${d.file_name} (${d.content_type}, ${d.size_bytes} B, SHA-256 ${d.sha256})`)
  })
}

/** The receipt of the fee, in both languages, downloadable at any time. */
export function receiptPdf(payment: Payment, refunds: PaymentRefund[], offer: Offer, business: BusinessNames, timeZone: string, options: { uncompressed?: boolean } = {}): Promise<Buffer> {
  return renderPdf({ title: bilingual('payment.receiptPdfTitle'), uncompressed: options.uncompressed }, (_doc, h) => {
    h.row(bilingual('payment.receiptNumber'), payment.receipt_number)
    if (payment.approved_at) h.row(bilingual('payment.dateTime'), when(payment.approved_at, timeZone))
    h.row(bilingual('payment.amount'), both(formatMoney(payment.amount_cents, 'en'), formatMoney(payment.amount_cents, 'fr')))
    const card = (lang: 'en' | 'fr') => translate(lang, 'payment.cardValue', { brand: payment.card_brand ?? '', last4: payment.card_last4 ?? '' })
    h.row(bilingual('payment.card'), both(card('en'), card('fr')))
    h.row(bilingual('payment.transactionId'), payment.gateway_transaction_id)
    h.row(bilingual('payment.offerNumber'), offer.offer_number ?? '')
    h.row(bilingual('payment.business'), `${business.legal_name} (${business.business_number})`)
    for (const r of refunds.filter((x) => x.status === 'succeeded')) {
      h.heading(bilingual('payment.refundTitle'))
      h.row(bilingual('payment.amount'), both(formatMoney(r.amount_cents, 'en'), formatMoney(r.amount_cents, 'fr')))
      if (r.completed_at) h.row(bilingual('payment.refundDate'), when(r.completed_at, timeZone))
      h.row(bilingual('payment.refundReason'), both(refundReasonText('en', r), refundReasonText('fr', r)))
    }
  })
}
