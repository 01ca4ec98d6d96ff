import { pluralKey, type Lang, type Translate } from '../../i18n/i18n.ts'
import { formatDay, formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, notice, radios, summaryList, textarea, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { formatBusinessNumber, formatMoney } from '../reference/validators.ts'
import type { DocumentSummary } from '../offers/offers.repository.ts'
import { SECTION_IDS } from '../offers/offers.sections.ts'
import { answerText, documentsList, fieldLabel, shownFields } from '../offers/offers.views.ts'
import type { OfferCorrection, RefundOutcome, WorkPermitDecision } from './console.tables.ts'
import { actorText, eventDetail, eventKindText, type DossierEvent } from './inspection.service.ts'
import { confirmDecisionForm } from './decision.views.ts'
import type { ConsoleOffer, PaymentAttempt } from './matching.repository.ts'
import { offerStatusWords } from './search.views.ts'
import { inspectionUntil, type FeeStanding } from './matching.service.ts'

export function matchingView(t: Translate, lang: Lang, token: string, values: Record<string, string>, errors?: FormErrors, mismatch?: { offerId?: string; offerNumber?: string }): Html {
  return html`<h1>${t('consoleWork.matching.title')}</h1>
${mismatch?.offerId ? html`<p><a href="/${lang}/console/offers/${mismatch.offerId}">${t('consoleWork.matching.viewOffer', { offerNumber: mismatch.offerNumber ?? '' })}</a></p>` : ''}
<p>${t('consoleWork.matching.lead')}</p>
<form method="post" action="/${lang}/console/matching" novalidate>
${csrfField(token)}
${textInput({ t, name: 'offerNumber', label: t('consoleWork.matching.offerNumber'), hint: t('consoleWork.matching.offerNumberHint'), value: values.offerNumber, width: '10', spellcheck: false, autocomplete: 'off', required: true, error: errors?.fields.offerNumber })}
${textInput({ t, name: 'passportNumber', label: t('consoleWork.matching.passportNumber'), value: values.passportNumber, width: '20', spellcheck: false, autocomplete: 'off', required: true, error: errors?.fields.passportNumber })}
${textInput({ t, name: 'citizenship', label: t('consoleWork.matching.citizenship'), hint: t('consoleWork.matching.citizenshipHint'), value: values.citizenship, width: '20', autocomplete: 'off', required: true, error: errors?.fields.citizenship })}
${button({ text: t('consoleWork.matching.submit'), preventDoubleClick: true })}
</form>`
}

export interface OfferDetail {
  offer: ConsoleOffer
  business: { id: string; legal_name: string; business_number: string; employer_number: string }
  fee: FeeStanding
  match?: { matched_at: Date; matched_by: string }
  decision?: WorkPermitDecision & { decided_by_name: string }
  corrections: Array<OfferCorrection & { corrected_by_name: string }>
  /** The offer's history, as the inspection dossier tells it. */
  history: DossierEvent[]
  /** The supporting documents (without their bytes). */
  documents: DocumentSummary[]
  /** Every payment attempt of the fee, with its card, transaction and refunds. */
  payments: PaymentAttempt[]
}

export interface OfferForms {
  token: string
  done?: string
  refund?: RefundOutcome
  unmatch?: { values: Record<string, string>; errors?: FormErrors }
  decision?: { values: Record<string, string>; errors?: FormErrors }
  correction?: { values: Record<string, string>; errors?: FormErrors }
}

/** An answer that is a calendar day, in words as the rest of the console writes days; anything else as it was typed. */
const dayWords = (lang: Lang, value: string): string => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? formatDay(lang, value) : value)

export function offerDetailView(t: Translate, lang: Lang, timeZone: string, d: OfferDetail, f: OfferForms): Html {
  const { offer } = d
  const when = (date: Date) => formatInZone(lang, date, timeZone, 'listed')
  const base = `/${lang}/console/offers/${offer.id}`
  const fee = feeText(t, lang, offer.id, d.fee)
  const refundNote = f.refund ?? d.decision?.refund_outcome ?? undefined
  return html`<h1>${t('consoleWork.offer.title', { offerNumber: offer.offer_number ?? '—' })}</h1>
${f.done ? notice({ kind: 'success', title: f.done }) : ''}
${refundNote && d.decision?.outcome === 'refused' ? notice({ kind: refundNote === 'refunded' ? 'success' : refundNote === 'not_refundable' ? 'info' : 'warning', title: t(`consoleWork.offer.refund.${refundNote}`) }) : ''}
<h2>${t('consoleWork.offer.summary')}</h2>
${summaryList([
  { key: t('consoleWork.search.status'), value: offerStatusWords(t, offer.status, d.decision?.outcome) },
  { key: t('consoleWork.search.employer'), value: html`<a href="/${lang}/console/employers/${d.business.id}">${d.business.legal_name}</a> (${formatBusinessNumber(d.business.business_number)}, ${d.business.employer_number})` },
  { key: t('consoleWork.search.worker'), value: offer.worker_name },
  { key: t('consoleWork.search.job'), value: offer.job_title },
  { key: t('consoleWork.search.submitted'), value: offer.submitted_at ? when(offer.submitted_at) : '' },
  { key: t('consoleWork.offer.fee'), value: fee },
])}
${offer.offer_number ? html`<p><a href="${base}/offer.pdf" download>${t('consoleWork.offer.offerPdf')}</a></p>` : ''}
<h2>${t('consoleWork.offer.answersTitle')}</h2>
${offerAnswers(t, lang, offer)}
<h2>${t('consoleWork.offer.documentsTitle')}</h2>
${d.documents.length ? documentsList(t, lang, offer, d.documents, timeZone, { href: (doc) => `${base}/documents/${doc.id}` }) : html`<p>${t('consoleWork.offer.documentsNone')}</p>`}
<h2>${t('consoleWork.offer.paymentsTitle')}</h2>
${paymentsTable(t, lang, timeZone, d.payments)}
<h2>${t('consoleWork.offer.matchTitle')}</h2>
${d.match ? html`<p>${t('consoleWork.offer.matchedOn', { date: when(d.match.matched_at), officer: d.match.matched_by })}</p>` : html`<p>${t('consoleWork.offer.notMatched')}</p>`}
${
  offer.status === 'matched' && !d.decision
    ? html`<form method="post" action="${base}/unmatch" novalidate>
${csrfField(f.token)}
${textInput({ t, name: 'unmatchReason', label: t('consoleWork.offer.unmatchReason'), hint: t('consoleWork.offer.unmatchReasonHint'), value: f.unmatch?.values.unmatchReason, required: true, error: f.unmatch?.errors?.fields.unmatchReason })}
${button({ text: t('consoleWork.offer.unmatch'), variant: 'secondary' })}
</form>`
    : ''
}
<h2>${t('consoleWork.offer.decisionTitle')}</h2>
${
  d.decision
    ? html`<p>${
        d.decision.outcome === 'issued'
          ? t('consoleWork.offer.decisionIssued', { firstDay: formatDay(lang, d.decision.first_day_of_employment), until: formatDay(lang, d.decision.inspection_until) })
          : t('consoleWork.offer.decisionRefused', { date: when(d.decision.decided_at) })
      }</p>
<p>${t('consoleWork.offer.decisionBy', { officer: d.decision.decided_by_name, date: when(d.decision.decided_at) })}</p>
${d.decision.note ? html`<p>${d.decision.note}</p>` : ''}
${
  d.decision.outcome === 'refused' && (refundNote === 'failed' || refundNote === 'pending')
    ? html`<form method="post" action="${base}/refund">${csrfField(f.token)}${button({ text: t('consoleWork.offer.refund.retry'), variant: 'secondary' })}</form>`
    : ''
}`
    : offer.status === 'matched'
      ? html`<form method="post" action="${base}/decision" novalidate>
${csrfField(f.token)}
${radios({ t, name: 'outcome', label: t('consoleWork.offer.outcome'), value: f.decision?.values.outcome, required: true, options: [{ value: 'issued', text: t('consoleWork.offer.issued') }, { value: 'refused', text: t('consoleWork.offer.refused') }], error: f.decision?.errors?.fields.outcome })}
${textInput({ t, name: 'firstDay', label: t('consoleWork.offer.firstDay'), hint: t('consoleWork.offer.firstDayHint'), value: f.decision?.values.firstDay, width: '10', inputmode: 'numeric', error: f.decision?.errors?.fields.firstDay })}
${textarea({ t, name: 'note', label: t('consoleWork.offer.note'), value: f.decision?.values.note, rows: 3, error: f.decision?.errors?.fields.note })}
${button({ text: t('consoleWork.offer.recordDecision'), preventDoubleClick: true })}
</form>`
      : html`<p>${t('consoleWork.offer.notMatched')}</p>`
}
<h2>${t('consoleWork.offer.correctionsTitle')}</h2>
<p>${t('consoleWork.offer.correctionsLead')}</p>
${
  d.corrections.length
    ? html`<ul>${d.corrections.map(
        (c) =>
          html`<li>${t('consoleWork.offer.correctionBy', {
            when: when(c.corrected_at),
            officer: c.corrected_by_name,
            change: t('consoleWork.offer.correctionRow', { field: c.field === 'exemptionCode' ? t('consoleWork.offer.exemptionCode') : t('consoleWork.offer.passportNumber'), from: c.old_value || '—', to: c.new_value }),
            reason: c.reason,
          })}</li>`,
      )}</ul>`
    : html`<p>${t('consoleWork.offer.noCorrections')}</p>`
}
${
  offer.status === 'pending' || offer.status === 'matched'
    ? html`<form method="post" action="${base}/corrections" novalidate>
${csrfField(f.token)}
${radios({ t, name: 'field', label: t('consoleWork.offer.correctField'), value: f.correction?.values.field, required: true, inline: true, options: [{ value: 'exemptionCode', text: t('consoleWork.offer.exemptionCode') }, { value: 'passportNumber', text: t('consoleWork.offer.passportNumber') }], error: f.correction?.errors?.fields.field })}
${textInput({ t, name: 'value', label: t('consoleWork.offer.correctValue'), value: f.correction?.values.value, width: '20', spellcheck: false, autocomplete: 'off', required: true, error: f.correction?.errors?.fields.value })}
${textInput({ t, name: 'reason', label: t('consoleWork.offer.correctReason'), value: f.correction?.values.reason, required: true, error: f.correction?.errors?.fields.reason })}
${button({ text: t('consoleWork.offer.correct'), variant: 'secondary' })}
</form>`
    : ''
}
<h2>${t('consoleWork.offer.historyTitle')}</h2>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption class="visually-hidden">${t('consoleWork.offer.historyTitle')}</caption>
<thead><tr><th scope="col">${t('consoleWork.offer.when')}</th><th scope="col">${t('consoleWork.offer.who')}</th><th scope="col">${t('consoleWork.offer.what')}</th><th scope="col">${t('consoleWork.offer.details')}</th></tr></thead>
<tbody>${d.history.map((e) => html`<tr><td>${formatInZone(lang, e.at, timeZone, 'precise')}</td><td>${actorText(lang, e)}</td><td>${eventKindText(lang, e.kind)}</td><td>${eventDetail(lang, e)}</td></tr>`)}</tbody>
</table></div>`
}

/**
 * Every section's answers as the employer's pages and the offer's PDF show them (shownFields, answerText:
 * the NOC code with its title and TEER, the wage with its period), days in words as the console writes them.
 */
function offerAnswers(t: Translate, lang: Lang, offer: ConsoleOffer): Html {
  return html`${SECTION_IDS.map(
    (s) =>
      html`<h3>${t(`offers.s_${s}`)}</h3>${summaryList(
        shownFields(s, offer.answers).map((f) => {
          const value = answerText(f, offer.answers[s]?.[f.name], lang, offer.answers)
          return { key: t(fieldLabel(f.name)), value: f.kind === 'date' ? dayWords(lang, value) : value }
        }),
      )}`,
  )}`
}

const CARD_BRANDS: Record<string, string> = { visa: 'Visa', mastercard: 'Mastercard', amex: 'American Express', discover: 'Discover', interac: 'Interac' }

/** Each attempt to pay the fee: when, how much, how it ended, the card (brand and last four), the gateway's transaction, the receipt, and each refund with its reference. */
function paymentsTable(t: Translate, lang: Lang, timeZone: string, attempts: PaymentAttempt[]): Html {
  if (attempts.length === 0) return html`<p>${t('consoleWork.offer.paymentsNone')}</p>`
  const when = (date: Date) => formatInZone(lang, date, timeZone, 'listed')
  const refundKey = { succeeded: 'consoleWork.offer.refundSucceeded', pending: 'consoleWork.offer.refundPending', failed: 'consoleWork.offer.refundFailed' } as const
  return html`<p>${t(pluralKey(lang, 'consoleWork.offer.paymentAttempts', attempts.length), { count: attempts.length })}</p>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption class="visually-hidden">${t('consoleWork.offer.paymentsTitle')}</caption>
<thead><tr><th scope="col">${t('consoleWork.offer.payDate')}</th><th scope="col">${t('consoleWork.offer.payAmount')}</th><th scope="col">${t('consoleWork.offer.payStatus')}</th><th scope="col">${t('consoleWork.offer.payCard')}</th><th scope="col">${t('consoleWork.offer.payTransaction')}</th><th scope="col">${t('consoleWork.offer.payReceipt')}</th></tr></thead>
<tbody>${attempts.map(
    ({ payment: p, refunds }) =>
      html`<tr><td>${when(p.created_at)}</td><td>${formatMoney(p.amount_cents, lang)}</td><td>${t(`offers.pay_${p.status}`)}${refunds.map(
        (r) => html`<br><span class="hint">${t(refundKey[r.status], { date: when(r.completed_at ?? r.created_at), reference: r.gateway_refund_id ?? '—' })}</span>`,
      )}</td><td>${p.card_last4 ? t('consoleWork.offer.payCardText', { brand: (p.card_brand && CARD_BRANDS[p.card_brand.toLowerCase()]) ?? p.card_brand ?? '—', last4: p.card_last4 }) : '—'}</td><td>${p.gateway_transaction_id ?? '—'}</td><td>${p.receipt_number ?? '—'}</td></tr>`,
  )}</tbody></table></div>`
}

/** The compliance fee in words: paid, refunded, exempt, waiting for the exemption's review, owed, or none charged. */
function feeText(t: Translate, lang: Lang, offerId: string, fee: FeeStanding): Html | string {
  switch (fee.kind) {
    case 'paid':
    case 'refunded':
      return t(fee.kind === 'paid' ? 'consoleWork.offer.feePaid' : 'consoleWork.offer.feeRefunded', { amount: formatMoney(fee.amountCents, lang), receipt: fee.receipt ?? '' })
    case 'none':
      return t('consoleWork.offer.feeNone')
    default: {
      const words = t(fee.kind === 'owed' ? 'consoleWork.offer.feeOwed' : fee.kind === 'exempt' ? 'consoleWork.offer.feeExempt' : 'consoleWork.offer.feeUnderReview')
      return html`${fee.kind === 'owed' ? html`<strong>${words}</strong>` : words} (<a href="/${lang}/console/fee-exemptions/${offerId}">${t('consoleWork.offer.feeReviewLink')}</a>)`
    }
  }
}

/** Before a refusal is recorded: what it does (tells the employer, refunds the fee), with Yes and No. */
export function confirmRefusalView(t: Translate, lang: Lang, token: string, d: OfferDetail, note: string): Html {
  const offerNumber = d.offer.offer_number ?? ''
  return html`<h1>${t('consoleWork.offer.confirmRefusalTitle', { offerNumber })}</h1>
${summaryList([
  { key: t('consoleWork.search.employer'), value: d.business.legal_name },
  { key: t('consoleWork.search.worker'), value: d.offer.worker_name },
  { key: t('consoleWork.offer.fee'), value: feeText(t, lang, d.offer.id, d.fee) },
  ...(note ? [{ key: t('consoleWork.offer.note'), value: note }] : []),
])}
<p>${d.fee.kind === 'paid' ? t('consoleWork.offer.confirmRefusalRefund', { amount: formatMoney(d.fee.amountCents, lang), receipt: d.fee.receipt ?? '' }) : t('consoleWork.offer.confirmRefusalNoRefund')}</p>
<p>${t('consoleWork.offer.confirmRefusalFinal')}</p>
${confirmDecisionForm({
  action: `/${lang}/console/offers/${d.offer.id}/decision`,
  csrf: token,
  values: { outcome: 'refused', note },
  yes: { text: t('consoleWork.offer.confirmRefusalYes'), variant: 'danger', name: 'confirm', value: 'yes' },
  no: { text: t('consoleWork.offer.confirmRefusalNo'), name: 'confirm', value: 'no' },
})}`
}

/** Before an issued work permit is recorded: the first day of employment and the inspection window it opens, with Yes and No. */
export function confirmIssuedView(t: Translate, lang: Lang, token: string, d: OfferDetail, firstDay: string, note: string): Html {
  const offerNumber = d.offer.offer_number ?? ''
  return html`<h1>${t('consoleWork.offer.confirmIssuedTitle', { offerNumber })}</h1>
${summaryList([
  { key: t('consoleWork.search.employer'), value: d.business.legal_name },
  { key: t('consoleWork.search.worker'), value: d.offer.worker_name },
  { key: t('consoleWork.offer.firstDay'), value: formatDay(lang, firstDay) },
  { key: t('consoleWork.offer.inspectionUntil'), value: formatDay(lang, inspectionUntil(firstDay)) },
  ...(note ? [{ key: t('consoleWork.offer.note'), value: note }] : []),
])}
<p>${t('consoleWork.offer.confirmIssuedBody')}</p>
<p>${t('consoleWork.offer.confirmRefusalFinal')}</p>
${confirmDecisionForm({
  action: `/${lang}/console/offers/${d.offer.id}/decision`,
  csrf: token,
  values: { outcome: 'issued', firstDay, note },
  yes: { text: t('consoleWork.offer.confirmIssuedYes'), variant: 'primary', name: 'confirm', value: 'yes' },
  no: { text: t('consoleWork.offer.confirmRefusalNo'), name: 'confirm', value: 'no' },
})}`
}
