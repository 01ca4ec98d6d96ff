import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, notice, summaryList } from '../../ui/components.ts'
import { formatAddress } from '../reference/lists.ts'
import { formatBusinessNumber } from '../reference/validators.ts'
import type { InspectionExport } from './console.tables.ts'
import { offerStatusWords } from './search.views.ts'
import { actorText, eventDetail, eventKindText, inspectionUntilText, type DossierBusiness, type DossierOffer } from './inspection.service.ts'

type ExportRow = Pick<InspectionExport, 'id' | 'format' | 'status' | 'done' | 'total' | 'requested_at'> & { requested_by_name: string }

const wrap = (t: Translate, caption: string, head: Html, body: Html) => html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`

function exportState(t: Translate, e: Pick<InspectionExport, 'status' | 'done' | 'total'>): Html {
  return e.status === 'running' || e.status === 'queued'
    ? html`${t(`consoleWork.inspection.status.${e.status}`)} — <progress max="${Math.max(e.total, 1)}" value="${e.done}">${t('consoleWork.inspection.progress', { done: e.done, total: e.total })}</progress> ${t('consoleWork.inspection.progress', { done: e.done, total: e.total })}`
    : html`${t(`consoleWork.inspection.status.${e.status}`)}`
}

export function inspectionView(t: Translate, lang: Lang, timeZone: string, token: string, m: { business: DossierBusiness; offers: DossierOffer[]; total: number; exports: ExportRow[] }): Html {
  const b = m.business
  return html`<h1>${t('consoleWork.inspection.title', { employer: b.legal_name })}</h1>
<p>${t('consoleWork.inspection.lead')}</p>
<h2>${t('consoleWork.inspection.employer')}</h2>
${summaryList([
  { key: t('consoleWork.search.legalName'), value: b.legal_name },
  { key: t('consoleWork.search.operatingName'), value: b.operating_name },
  { key: t('consoleWork.search.businessNumber'), value: formatBusinessNumber(b.business_number) },
  { key: t('consoleWork.search.employerNumber'), value: b.employer_number },
  { key: t('consoleWork.inspection.address'), value: formatAddress({ street: b.street, city: b.city, province: b.province, postalCode: b.postal_code }, lang) },
])}
<h2>${t('consoleWork.inspection.exportsTitle')}</h2>
<p>${t('consoleWork.inspection.exportsLead')}</p>
<form method="post" action="/${lang}/console/employers/${b.id}/exports" class="button-group">
${csrfField(token)}
${button({ text: t('consoleWork.inspection.exportCsv'), name: 'format', value: 'csv', variant: 'secondary', preventDoubleClick: true })}
${button({ text: t('consoleWork.inspection.exportPdf'), name: 'format', value: 'pdf', variant: 'secondary', preventDoubleClick: true })}
</form>
${
  m.exports.length === 0
    ? html`<p>${t('consoleWork.inspection.noExports')}</p>`
    : wrap(
        t,
        t('consoleWork.inspection.exportsTitle'),
        html`<th scope="col">${t('consoleWork.inspection.requestedAt')}</th><th scope="col">${t('consoleWork.inspection.format')}</th><th scope="col">${t('consoleWork.inspection.requestedBy')}</th><th scope="col">${t('consoleWork.inspection.state')}</th>`,
        html`${m.exports.map(
          (e) =>
            html`<tr><td><a href="/${lang}/console/exports/${e.id}">${formatInZone(lang, e.requested_at, timeZone, 'listed')}</a></td><td>${e.format.toUpperCase()}</td><td>${e.requested_by_name}</td><td>${exportState(t, e)}</td></tr>`,
        )}`,
      )
}
<h2>${t('consoleWork.inspection.offersTitle')}</h2>
${m.total > m.offers.length ? html`<p>${t('consoleWork.inspection.more', { shown: m.offers.length, total: m.total })}</p>` : ''}
${
  m.offers.length === 0
    ? html`<p>${t('consoleWork.inspection.noOffers')}</p>`
    : wrap(
        t,
        t('consoleWork.inspection.offersTitle'),
        html`<th scope="col">${t('consoleWork.search.offerNumber')}</th><th scope="col">${t('consoleWork.search.worker')}</th><th scope="col">${t('consoleWork.search.status')}</th><th scope="col">${t('consoleWork.inspection.decision')}</th><th scope="col">${t('consoleWork.inspection.until')}</th><th scope="col">${t('consoleWork.offer.historyTitle')}</th>`,
        html`${m.offers.map(
          (o) =>
            html`<tr><td><a href="/${lang}/console/offers/${o.id}">${o.offerNumber}</a></td><td>${o.workerName}</td><td>${offerStatusWords(t, o.status, o.outcome)}</td><td>${
              o.outcome ? t(o.outcome === 'issued' ? 'consoleWork.offer.issued' : 'consoleWork.offer.refused') : t('consoleWork.inspection.none')
            }</td><td>${inspectionUntilText(lang, o)}</td><td><ul class="list-compact">${o.events.map((e) => {
              const detail = eventDetail(lang, e)
              return html`<li>${t('consoleWork.inspection.event', { when: formatInZone(lang, e.at, timeZone, 'listed'), what: eventKindText(lang, e.kind) })}${actorText(lang, e) ? ` (${actorText(lang, e)})` : ''}${detail ? ` — ${detail}` : ''}</li>`
            })}</ul></td></tr>`,
        )}`,
      )
}`
}

export function exportView(t: Translate, lang: Lang, timeZone: string, m: { business: Pick<DossierBusiness, 'id' | 'legal_name'>; job: ExportRow & { failure: string | null } }): Html {
  const { job } = m
  return html`<h1>${t('consoleWork.inspection.exportTitle', { employer: m.business.legal_name })}</h1>
${summaryList([
  { key: t('consoleWork.inspection.format'), value: job.format.toUpperCase() },
  { key: t('consoleWork.inspection.requestedAt'), value: formatInZone(lang, job.requested_at, timeZone, 'listed') },
  { key: t('consoleWork.inspection.requestedBy'), value: job.requested_by_name },
  { key: t('consoleWork.inspection.state'), value: exportState(t, job) },
])}
${job.status === 'failed' ? notice({ kind: 'danger', title: t('consoleWork.inspection.status.failed') }) : ''}
<p>${
    job.status === 'done'
      ? linkButton({ text: t('consoleWork.inspection.download'), href: `/${lang}/console/exports/${job.id}/download`, variant: 'primary' })
      : job.status === 'failed'
        ? ''
        : html`<a href="/${lang}/console/exports/${job.id}">${t('consoleWork.inspection.checkAgain')}</a>`
  }</p>
<p><a href="/${lang}/console/employers/${m.business.id}">${t('consoleWork.inspection.title', { employer: m.business.legal_name })}</a></p>`
}
