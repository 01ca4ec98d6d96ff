import { translate, type Lang, type Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, notice, summaryList } from '../../ui/components.ts'
import type { Payment, PaymentRefund } from './payment.tables.ts'
import { formatInZone } from '../../platform/dates.ts'
import { formatMoney } from '../reference/validators.ts'

/** Why a fee is refunded: one of the portal's reasons, with the words of the person who caused it when there are some. */
export const REFUND_REASONS = ['offer_withdrawn', 'paid_after_draft', 'work_permit_refused'] as const
export interface RefundReason {
  code: (typeof REFUND_REASONS)[number]
  detail?: string | null
}

/** A refund's reason in one language; an older release's free text as it was written. */
export function refundReasonText(lang: Lang, r: Pick<PaymentRefund, 'reason' | 'reason_detail'>): string {
  const code = REFUND_REASONS.find((c) => c === r.reason)
  const reason = code ? translate(lang, `payment.refundReasons.${code}`) : (r.reason ?? '')
  return r.reason_detail ? translate(lang, 'payment.refundReasonWithDetail', { reason, detail: r.reason_detail }) : reason
}

/** The receipt's facts; times in the portal's zone (PORTAL_TIME_ZONE), in the style of the offer's "Submitted on" ('dateTime'). */
export function receiptList(t: Translate, lang: Lang, p: Payment, timeZone: string): Html {
  return summaryList([
    { key: t('payment.receiptNumber'), value: p.receipt_number },
    { key: t('payment.dateTime'), value: p.approved_at ? html`<time datetime="${p.approved_at.toISOString()}">${formatInZone(lang, p.approved_at, timeZone, 'dateTime')}</time>` : '' },
    { key: t('payment.amount'), value: formatMoney(p.amount_cents, lang) },
    { key: t('payment.card'), value: t('payment.cardValue', { brand: p.card_brand ?? '', last4: p.card_last4 ?? '' }) },
    { key: t('payment.transactionId'), value: p.gateway_transaction_id },
  ])
}

/** Why a payment did not go through, as a catalog message (the same words in both languages). */
export function retryMessage(t: Translate, p: Payment): string {
  switch (p.status) {
    case 'declined':
      return t('payment.declined')
    case 'cancelled':
      return t('payment.cancelled')
    case 'expired':
      return t('payment.expired')
    case 'failed':
      if (p.failure_reason === 'no_answer') return t('payment.noAnswer')
      if (p.failure_reason === 'gateway_unavailable') return t('payment.unavailable')
      return t('payment.failed')
    default:
      return t('payment.failed')
  }
}

/**
 * The result of a payment. One that did not go through says why once (under its heading) and
 * offers to pay again: a form that starts a new payment at once when the purpose has such a
 * step (`retry`: its action and the CSRF token), else a link back to what was being paid for.
 */
export function resultPage(t: Translate, lang: Lang, p: Payment, unconfirmed: boolean, selfHref: string, timeZone: string, retry?: { action: string; csrfToken: string }): { title: string; body: Html } {
  const next = p.continue_path ? html`<p>${linkButton({ text: t('payment.continue'), href: p.continue_path, variant: 'primary' })}</p>` : ''
  if (p.status === 'approved' || p.status === 'refunded') {
    const title = p.status === 'approved' ? t('payment.approvedTitle') : t('payment.refundedTitle')
    return {
      title,
      body: html`<h1>${title}</h1>
${notice({ kind: p.status === 'approved' ? 'success' : 'info', title, body: p.status === 'approved' ? t('payment.approvedBody') : t('payment.refundedBody') })}
<h2>${t('payment.receiptTitle')}</h2>
${receiptList(t, lang, p, timeZone)}
${next}`,
    }
  }
  if (p.status === 'pending') {
    if (unconfirmed || !p.redirect_url) {
      return {
        title: t('payment.unconfirmedTitle'),
        body: html`<h1>${t('payment.unconfirmedTitle')}</h1>
<p>${t('payment.unconfirmed')}</p>
<p>${linkButton({ text: t('payment.refresh'), href: selfHref })}</p>`,
      }
    }
    return {
      title: t('payment.openTitle'),
      body: html`<h1>${t('payment.openTitle')}</h1>
<p>${t('payment.open')}</p>
<p>${linkButton({ text: t('payment.resume'), href: p.redirect_url, variant: 'primary' })}</p>`,
    }
  }
  return {
    title: t('payment.notPaidTitle'),
    body: html`<h1>${t('payment.notPaidTitle')}</h1>
<p>${retryMessage(t, p)}</p>
${
  retry
    ? html`<div class="button-group"><form method="post" action="${retry.action}" class="inline-form">${csrfField(retry.csrfToken)}${button({ text: t('payment.tryAgain'), variant: 'primary', preventDoubleClick: true })}</form>${
        // Or not now: back to what was being paid for (the offer's page keeps its own "Pay").
        p.continue_path ? linkButton({ text: t('payment.backToPurpose'), href: p.continue_path }) : ''
      }</div>`
    : p.continue_path
      ? html`<p>${linkButton({ text: t('payment.tryAgain'), href: p.continue_path, variant: 'primary' })}</p>`
      : ''
}`,
  }
}
