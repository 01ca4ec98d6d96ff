import type { Lang, Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { summaryList } from '../../ui/components.ts'
import { provinceName } from '../reference/lists.ts'
import { barChart, columnChart, lineChart } from './dashboard.charts.ts'
import type { DashboardData } from './dashboard.service.ts'

function table(t: Translate, caption: string, head: [string, string, string?], rows: Array<[string, string | number, (string | number)?]>): Html {
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${caption}"><table class="table">
<caption>${caption}</caption>
<thead><tr><th scope="col">${head[0]}</th><th scope="col" class="numeric">${head[1]}</th>${head[2] ? html`<th scope="col" class="numeric">${head[2]}</th>` : ''}</tr></thead>
<tbody>${rows.length ? rows.map((r) => html`<tr><th scope="row">${r[0]}</th><td class="numeric">${r[1]}</td>${head[2] ? html`<td class="numeric">${r[2] ?? ''}</td>` : ''}</tr>`) : html`<tr><td colspan="${head[2] ? 3 : 2}">${t('consoleWork.dashboard.none')}</td></tr>`}</tbody>
</table></div>`
}

export function dashboardView(t: Translate, lang: Lang, d: DashboardData): Html {
  const fmt = new Intl.NumberFormat(lang === 'fr' ? 'fr-CA' : 'en-CA')
  const total = d.perMonth.reduce((s, r) => s + r.offers, 0)
  const c = d.counts
  const words = { number: (v: number) => fmt.format(v), tip: (label: string, value: string) => t('consoleWork.dashboard.tip', { label, value }) }
  const overall = d.medianOverallHours === null ? t('consoleWork.dashboard.noMedian') : `${fmt.format(d.medianOverallHours)} h`
  return html`<h1>${t('consoleWork.dashboard.title')}</h1>
<p>${t('consoleWork.dashboard.lead')}</p>
<h2>${t('consoleWork.dashboard.counts')}</h2>
${summaryList([
  { key: t('consoleWork.dashboard.pending'), value: fmt.format(c.pending) },
  { key: t('consoleWork.dashboard.matched'), value: fmt.format(c.matched) },
  { key: t('consoleWork.dashboard.withdrawn'), value: fmt.format(c.withdrawn) },
  { key: t('consoleWork.dashboard.issued'), value: fmt.format(c.issued) },
  { key: t('consoleWork.dashboard.refused'), value: fmt.format(c.refused) },
  { key: t('consoleWork.dashboard.employers'), value: fmt.format(c.employers) },
  { key: t('consoleWork.dashboard.enrolmentsWaiting'), value: fmt.format(c.enrolmentsWaiting) },
])}
<h2>${t('consoleWork.dashboard.perMonthTitle')}</h2>
<div class="chart-pair"><figure>${columnChart('chart-per-month', t('consoleWork.dashboard.perMonthTitle'), t('consoleWork.dashboard.perMonthDesc', { first: d.months[0]!, last: d.months.at(-1)!, total: fmt.format(total) }), d.perMonth.map((r) => ({ label: r.month, value: r.offers })), words)}</figure>
${table(t, t('consoleWork.dashboard.perMonthTitle'), [t('consoleWork.dashboard.month'), t('consoleWork.dashboard.offers')], d.perMonth.map((r) => [r.month, fmt.format(r.offers)]))}</div>
<h2>${t('consoleWork.dashboard.byExemptionTitle')}</h2>
<div class="chart-pair"><figure>${barChart('chart-by-exemption', t('consoleWork.dashboard.byExemptionTitle'), t('consoleWork.dashboard.byExemptionDesc'), d.byExemption.map((r) => ({ label: r.code || '—', value: r.offers })), words)}</figure>
${table(t, t('consoleWork.dashboard.byExemptionTitle'), [t('consoleWork.dashboard.code'), t('consoleWork.dashboard.offers')], d.byExemption.map((r) => [r.code || '—', fmt.format(r.offers)]))}</div>
<h2>${t('consoleWork.dashboard.byProvinceTitle')}</h2>
<div class="chart-pair"><figure>${barChart('chart-by-province', t('consoleWork.dashboard.byProvinceTitle'), t('consoleWork.dashboard.byProvinceDesc'), d.byProvince.map((r) => ({ label: provinceName(r.province, lang) ?? (r.province || '—'), value: r.offers })), words)}</figure>
${table(t, t('consoleWork.dashboard.byProvinceTitle'), [t('consoleWork.dashboard.province'), t('consoleWork.dashboard.offers')], d.byProvince.map((r) => [provinceName(r.province, lang) ?? (r.province || '—'), fmt.format(r.offers)]))}</div>
<h2>${t('consoleWork.dashboard.medianTitle')}</h2>
<div class="chart-pair"><figure>${lineChart('chart-median', t('consoleWork.dashboard.medianTitle'), t('consoleWork.dashboard.medianDesc', { overall }), d.medianDecision.map((r) => ({ label: r.month, value: r.hours })), words)}</figure>
${table(t, t('consoleWork.dashboard.medianTitle'), [t('consoleWork.dashboard.month'), t('consoleWork.dashboard.hours'), t('consoleWork.dashboard.decided')], d.medianDecision.map((r) => [r.month, r.hours === null ? '—' : fmt.format(r.hours), fmt.format(r.decided)]))}</div>`
}
