import { translate, type Lang, type MessageKey, type Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { summaryList } from '../../ui/components.ts'
import { wageUnitOptions } from '../reference/lists.ts'
import type { Payment, PaymentRefund } from '../payment/payment.tables.ts'
import { formatMoney, parseMoneyInEitherLanguage } from '../reference/validators.ts'
import type { DocumentSummary } from './offers.repository.ts'
import type { CopySource } from './offers.service.ts'
import { SECTION_IDS, SECTIONS, type FieldDef, type SectionId } from './offers.sections.ts'
import type { Answers, Offer, OfferStatus } from './offers.tables.ts'

export const STATUS_KEY: Record<OfferStatus, MessageKey> = {
  draft: 'offers.statusDraft',
  awaiting_payment: 'offers.statusAwaitingPayment',
  pending: 'offers.statusPending',
  matched: 'offers.statusMatched',
  withdrawn: 'offers.statusWithdrawn',
}

export const fieldLabel = (name: string) => `offers.fields.${name}.label` as MessageKey

/**
 * An answer as a person reads it: the chosen option's words, "Yes" for a ticked box, an amount in
 * the reader's language ("$32.50", "32,50 $") followed by its period when `answers` has one
 * ("$32.50 per hour", "32,50 $ de l’heure"), the text otherwise.
 */
export function answerText(f: FieldDef, raw: string | string[] | undefined, lang: Lang, answers?: Answers): string {
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) => v.trim()).filter((v) => v !== '')
  if (values.length === 0) return ''
  if (f.kind === 'checkbox') return values[0] === 'yes' ? translate(lang, 'offers.yn_yes') : ''
  if (f.read) return f.read(values[0]!, lang)
  if (f.name === 'wage') {
    const amount = parseMoneyInEitherLanguage(values[0]!, lang)
    if (amount.ok) {
      const period = answers ? wagePeriodText(answers, lang) : undefined
      return period ? `${formatMoney(amount.value, lang)} ${period}` : formatMoney(amount.value, lang)
    }
  }
  const choices = f.choices?.(lang) ?? f.groups?.(lang).flatMap((g) => g.options)
  const words = values.map((v) => choices?.find((c) => c.value === v)?.text ?? v)
  return words.join(', ')
}

/** The chosen wage period's words ("per hour", "de l’heure"), when one of the list was chosen. */
function wagePeriodText(answers: Answers, lang: Lang): string | undefined {
  const unit = answers.wage?.wageUnit
  return typeof unit === 'string' ? wageUnitOptions(lang).find((o) => o.value === unit.trim())?.text : undefined
}

/** Does the wage read with its period ("$32.50 per hour")? Then the period is not a line of its own. */
const wageReadsWithPeriod = (answers: Answers): boolean => {
  const wage = answers.wage?.wage
  return typeof wage === 'string' && parseMoneyInEitherLanguage(wage, 'en').ok && wagePeriodText(answers, 'en') !== undefined
}

/**
 * Which fields a section's summary shows (the pages' and the PDF's): every field, but one asked
 * only for some answers (a second address, the other languages or benefits) only when they were
 * given, and the wage period within the wage's line when both are there.
 */
export function shownFields(section: SectionId, answers: Answers): FieldDef[] {
  const withPeriod = section === 'wage' && wageReadsWithPeriod(answers)
  return SECTIONS[section].filter((f) => (!f.requiredWhen || f.requiredWhen(answers)) && !(withPeriod && f.name === 'wageUnit'))
}

/** Every section's answers as summary lists, with "Change" links while the offer is a draft. */
export function answersSummary(t: Translate, lang: Lang, offer: Offer, headingLevel: 'h2' | 'h3' = 'h2'): Html {
  return html`${SECTION_IDS.map((s) => {
    const heading = headingLevel === 'h2' ? html`<h2>${t(`offers.s_${s}`)}</h2>` : html`<h3>${t(`offers.s_${s}`)}</h3>`
    return html`${heading}${summaryList(
      shownFields(s, offer.answers).map((f) => ({
        key: t(fieldLabel(f.name)),
        value: answerText(f, offer.answers[s]?.[f.name], lang, offer.answers),
        // "Change" comes back to the review: the section's Next returns there (`?return=review`).
        action: offer.status === 'draft' ? { href: `/${lang}/offers/${offer.id}/${s}?return=review#${fieldIdOf(f.name)}`, text: t('offers.change'), hidden: t(fieldLabel(f.name)) } : undefined,
      })),
    )}`
  })}`
}

/**
 * "This draft is a copy of offer A1234567.": what a copy came from, linked while the person may
 * open it, on the copy's pages (its sections, its review and, once submitted, its own page).
 */
export function copyNote(t: Translate, lang: Lang, offer: Offer, source: CopySource | undefined, timeZone: string): Html | '' {
  if (!source) return ''
  const name = source.number ? t('offers.copySourceOffer', { number: source.number }) : source.startedAt ? t('offers.copySourceDraft', { date: formatInZone(lang, source.startedAt, timeZone, 'date') }) : undefined
  if (!name) return ''
  // The sentence is the language's own; the source's name is put where its placeholder stands.
  const [before = '', after = ''] = t(offer.status === 'draft' ? 'offers.copyOfDraftLine' : 'offers.copyOfOfferLine', { source: '\u0000' }).split('\u0000')
  return html`<p class="copied-from">${before}${source.id ? html`<a href="/${lang}/offers/${source.id}">${name}</a>` : name}${after}</p>`
}

const fieldIdOf = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)

export function documentsList(t: Translate, lang: Lang, offer: Pick<Offer, 'id'>, docs: DocumentSummary[], timeZone: string, options: { remove?: (d: DocumentSummary) => Html; href?: (d: DocumentSummary) => string } = {}): Html {
  if (docs.length === 0) return html`<p>${t('offers.docsNone')}</p>`
  return html`<ul class="document-list">${docs.map(
    (d) => html`<li><a href="${options.href?.(d) ?? `/${lang}/offers/${offer.id}/documents/${d.id}`}">${d.file_name}</a> <span class="hint">(${typeLabel(d.content_type)}, ${sizeText(d.size_bytes, lang)}, ${formatInZone(lang, d.created_at, timeZone, 'listed')})</span>${options.remove ? options.remove(d) : ''}</li>`,
  )}</ul>`
}

const typeLabel = (type: string) => (type === 'application/pdf' ? 'PDF' : type === 'image/png' ? 'PNG' : 'JPEG')

export function sizeText(bytes: number, lang: Lang): string {
  const nf = new Intl.NumberFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { maximumFractionDigits: 1 })
  return bytes >= 1024 * 1024 ? `${nf.format(bytes / (1024 * 1024))} ${lang === 'fr' ? 'Mo' : 'MB'}` : `${nf.format(Math.max(1, Math.round(bytes / 1024)))} ${lang === 'fr' ? 'ko' : 'KB'}`
}

/** The offer's payment history: each payment with its status, receipt and refunds. */
export function paymentHistory(t: Translate, lang: Lang, offerId: string, history: Array<{ payment: Payment; refunds: PaymentRefund[] }>, timeZone: string): Html {
  if (history.length === 0) return html`<p>${t('offers.noPayments')}</p>`
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table"><caption class="visually-hidden">${t('offers.paymentsTitle')}</caption>
<thead><tr><th scope="col">${t('offers.payDate')}</th><th scope="col">${t('payment.amount')}</th><th scope="col">${t('payment.status')}</th><th scope="col">${t('payment.receiptNumber')}</th></tr></thead>
<tbody>${history.map(
    ({ payment: p, refunds }) => html`<tr><td>${formatInZone(lang, p.approved_at ?? p.created_at, timeZone, 'listed')}</td><td>${formatMoney(p.amount_cents, lang)}</td><td>${t(`offers.pay_${p.status}`)}${refunds.map(
      (r) => html`<br><span class="hint">${t(`offers.refund_${r.status}`, { date: formatInZone(lang, r.completed_at ?? r.created_at, timeZone, 'listed') })}</span>`,
    )}</td><td>${p.receipt_number ? html`<a href="/${lang}/offers/${offerId}/payments/${p.id}/receipt.pdf" download>${p.receipt_number}<span class="visually-hidden"> (${t('payment.receiptPdf')})</span></a>` : ''}</td></tr>`,
  )}</tbody></table></div>`
}
