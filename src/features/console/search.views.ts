import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, radios, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { provinceName } from '../reference/lists.ts'
import { formatBusinessNumber } from '../reference/validators.ts'
import type { OfferStatus } from '../offers/offers.tables.ts'
import type { EmployerHit, OfferHit } from './search.repository.ts'

/**
 * An offer's status as the console shows it: a matched offer with a work permit decision says the decision
 * ("Work permit issued" / "refused"), read from the decision; the stored status stays "matched".
 */
export function offerStatusWords(t: Translate, status: OfferStatus, outcome: 'issued' | 'refused' | null | undefined): string {
  if (status === 'matched' && outcome) return t(outcome === 'issued' ? 'consoleWork.offer.issued' : 'consoleWork.offer.refused')
  return t(`consoleWork.status.${status}`)
}

export interface SearchModel {
  kind: 'employers' | 'offers'
  q: string
  errors?: FormErrors
  employers?: EmployerHit[]
  offers?: OfferHit[]
  /** The work permit decisions of the matched offers found, by offer id. */
  outcomes?: ReadonlyMap<string, 'issued' | 'refused'>
  nextHref?: string
  firstHref?: string
}

const tableWrap = (t: Translate, caption: string, head: Html, rows: Html[]) => html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption>${caption}</caption>
<thead><tr>${head}</tr></thead>
<tbody>${rows}</tbody></table></div>`

export function searchView(t: Translate, lang: Lang, timeZone: string, m: SearchModel): Html {
  const searched = m.employers ?? m.offers
  const caption = t('consoleWork.search.results', { q: m.q })
  return html`<h1>${t('consoleWork.search.title')}</h1>
<p>${t('consoleWork.search.lead')}</p>
<form method="get" action="/${lang}/console/search" novalidate>
${radios({ t, name: 'kind', label: t('consoleWork.search.kind'), value: m.kind, inline: true, options: [{ value: 'employers', text: t('consoleWork.search.employers'), hint: t('consoleWork.search.qHintEmployers') }, { value: 'offers', text: t('consoleWork.search.offers'), hint: t('consoleWork.search.qHintOffers') }] })}
${textInput({ t, name: 'q', label: t('consoleWork.search.q'), value: m.q, type: 'search', spellcheck: false, autocomplete: 'off', error: m.errors?.fields.q })}
${button({ text: t('consoleWork.search.submit') })}
</form>
${
  searched === undefined
    ? ''
    : searched.length === 0
      ? html`<p>${t('consoleWork.search.none', { q: m.q })}</p>`
      : m.employers
        ? tableWrap(
            t,
            caption,
            html`<th scope="col">${t('consoleWork.search.legalName')}</th><th scope="col">${t('consoleWork.search.businessNumber')}</th><th scope="col">${t('consoleWork.search.employerNumber')}</th><th scope="col">${t('consoleWork.search.operatingName')}</th><th scope="col">${t('consoleWork.search.province')}</th>`,
            m.employers.map(
              (e) =>
                html`<tr><td><a href="/${lang}/console/employers/${e.id}">${e.legal_name}</a></td><td>${formatBusinessNumber(e.business_number)}</td><td>${e.employer_number}</td><td>${e.operating_name}</td><td>${provinceName(e.province, lang) ?? e.province}</td></tr>`,
            ),
          )
        : tableWrap(
            t,
            caption,
            html`<th scope="col">${t('consoleWork.search.offerNumber')}</th><th scope="col">${t('consoleWork.search.worker')}</th><th scope="col">${t('consoleWork.search.job')}</th><th scope="col">${t('consoleWork.search.employer')}</th><th scope="col">${t('consoleWork.search.status')}</th><th scope="col">${t('consoleWork.search.submitted')}</th>`,
            (m.offers ?? []).map(
              (o) =>
                html`<tr><td><a href="/${lang}/console/offers/${o.id}">${o.offer_number ?? '—'}</a></td><td>${o.worker_name}</td><td>${o.job_title}</td><td>${o.legal_name}</td><td>${offerStatusWords(t, o.status, m.outcomes?.get(o.id))}</td><td>${o.submitted_at ? formatInZone(lang, o.submitted_at, timeZone, 'listed') : ''}</td></tr>`,
            ),
          )
}
${
  m.nextHref || m.firstHref
    ? html`<nav aria-label="${caption}"><ul class="pagination">${m.firstHref ? html`<li><a href="${m.firstHref}">${t('consoleWork.search.first')}</a></li>` : ''}${
        m.nextHref ? html`<li><a href="${m.nextHref}">${t('consoleWork.search.next')}</a></li>` : ''
      }</ul></nav>`
    : ''
}`
}
