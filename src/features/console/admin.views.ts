import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, notice, radios, select, singleCheckbox, summaryList, textarea, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { formatMoney } from '../reference/validators.ts'
import type { MaintenanceWindow, ProblemStatus } from './console.tables.ts'
import { confirmDecisionForm } from './decision.views.ts'
import { zoneWords } from './maintenance.service.ts'
import { reportNumber, type ReportRow } from './problems.service.ts'
import type { RetentionRow } from './retention.service.ts'

const wrap = (t: Translate, caption: string, head: Html, body: Html) => html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption>${caption}</caption><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`

export function adminHomeView(t: Translate, lang: Lang): Html {
  const items = [
    ['fee', 'consoleAdmin.menu.fee'],
    ['maintenance', 'consoleAdmin.menu.maintenance'],
    ['help', 'consoleAdmin.menu.help'],
    ['problems', 'consoleAdmin.menu.problems'],
    ['retention', 'consoleAdmin.menu.retention'],
  ] as const
  return html`<h1>${t('consoleAdmin.menu.title')}</h1>
<ul>${items.map(([path, key]) => html`<li><a href="/${lang}/console/admin/${path}">${t(key)}</a></li>`)}<li><a href="/${lang}/console/staff">${t('console.staffTitle')}</a></li></ul>`
}

export function feeView(t: Translate, lang: Lang, timeZone: string, token: string, m: { cents: number; defaultCents: number; setting?: { updatedAt: Date; updatedBy: string | undefined }; value: string; errors?: FormErrors; done?: string }): Html {
  return html`<h1>${t('consoleAdmin.fee.title')}</h1>
${m.done ? notice({ kind: 'success', title: m.done }) : ''}
<p>${t('consoleAdmin.fee.lead')}</p>
${summaryList([
  { key: t('consoleAdmin.fee.current'), value: formatMoney(m.cents, lang) },
  { key: t('consoleAdmin.fee.source'), value: m.setting ? t('consoleAdmin.fee.sourceSetting', { name: m.setting.updatedBy ?? t('consoleAdmin.fee.anAdministrator'), when: formatInZone(lang, m.setting.updatedAt, timeZone, 'dateTime') }) : t('consoleAdmin.fee.sourceDefault') },
])}
<form method="post" action="/${lang}/console/admin/fee" novalidate>
${csrfField(token)}
${textInput({ t, name: 'amount', label: t('consoleAdmin.fee.amount'), hint: t('consoleAdmin.fee.amountHint'), value: m.value, width: '10', inputmode: 'decimal', required: true, error: m.errors?.fields.amount })}
<div class="button-group">
${button({ text: t('consoleAdmin.fee.save'), name: 'action', value: 'save' })}
${m.setting ? button({ text: t('consoleAdmin.fee.reset', { amount: formatMoney(m.defaultCents, lang) }), name: 'action', value: 'reset', variant: 'secondary' }) : ''}
</div>
</form>`
}

/** Before the fee changes: the fee now and after, a warning for no fee or a tenfold change (a misplaced decimal point), Yes and No. */
export function feeConfirmView(t: Translate, lang: Lang, token: string, m: { from: number; to: number; action: 'save' | 'reset'; amount: string }): Html {
  const from = formatMoney(m.from, lang)
  const to = formatMoney(m.to, lang)
  const warning =
    m.to === 0
      ? t('consoleAdmin.fee.confirmZero', { to })
      : m.from > 0 && m.to * 10 <= m.from
        ? t('consoleAdmin.fee.confirmMuchLower', { from, to })
        : m.from > 0 && m.to >= m.from * 10
          ? t('consoleAdmin.fee.confirmMuchHigher', { from, to })
          : undefined
  return html`<h1>${t('consoleAdmin.fee.confirmTitle', { from, to })}</h1>
${warning ? notice({ kind: 'warning', title: warning }) : ''}
${summaryList([
  { key: t('consoleAdmin.fee.current'), value: from },
  { key: t('consoleAdmin.fee.confirmNew'), value: to },
])}
<p>${t('consoleAdmin.fee.confirmBody', { to })}</p>
${confirmDecisionForm({
  action: `/${lang}/console/admin/fee`,
  csrf: token,
  values: { action: m.action, amount: m.amount },
  yes: { text: t('consoleAdmin.fee.confirmYes', { to }), variant: 'primary', name: 'confirm', value: 'yes' },
  no: { text: t('consoleAdmin.fee.confirmNo'), name: 'confirm', value: 'no' },
})}`
}

export function maintenanceView(t: Translate, lang: Lang, timeZone: string, token: string, m: { windows: MaintenanceWindow[]; now: Date; values: Record<string, string>; errors?: FormErrors; notice?: { kind: 'success' | 'info'; title: string } }): Html {
  const when = (d: Date) => formatInZone(lang, d, timeZone, 'listed')
  const state = (w: MaintenanceWindow) =>
    w.starts_at <= m.now ? t('consoleAdmin.maintenance.stateActive') : w.announce_from <= m.now ? t('consoleAdmin.maintenance.stateAnnounced') : t('consoleAdmin.maintenance.stateScheduled')
  return html`<h1>${t('consoleAdmin.maintenance.title')}</h1>
${m.notice ? notice(m.notice) : ''}
<p>${t('consoleAdmin.maintenance.lead', { zone: zoneWords(lang, timeZone, m.now) })}</p>
<h2>${t('consoleAdmin.maintenance.upcoming')}</h2>
${
  m.windows.length === 0
    ? html`<p>${t('consoleAdmin.maintenance.none')}</p>`
    : wrap(
        t,
        t('consoleAdmin.maintenance.upcoming'),
        html`<th scope="col">${t('consoleAdmin.maintenance.announceFrom')}</th><th scope="col">${t('consoleAdmin.maintenance.startsAt')}</th><th scope="col">${t('consoleAdmin.maintenance.endsAt')}</th><th scope="col">${t('consoleAdmin.maintenance.state')}</th><th scope="col">${t('consoleAdmin.maintenance.message')}</th><th scope="col"><span class="visually-hidden">${t('consoleAdmin.maintenance.cancel')}</span></th>`,
        html`${m.windows.map(
          (w) =>
            html`<tr><td>${when(w.announce_from)}</td><td>${when(w.starts_at)}</td><td>${when(w.ends_at)}</td><td>${state(w)}</td><td>${
              w.message_en.trim() || w.message_fr.trim() ? html`<p lang="en">${w.message_en}</p><p lang="fr">${w.message_fr}</p>` : t('consoleAdmin.maintenance.noMessage')
            }</td><td><a href="/${lang}/console/admin/maintenance/${w.id}/cancel">${t('consoleAdmin.maintenance.cancelLink')}<span class="visually-hidden"> ${when(w.starts_at)}</span></a></td></tr>`,
        )}`,
      )
}
<h2>${t('consoleAdmin.maintenance.create')}</h2>
<form method="post" action="/${lang}/console/admin/maintenance" novalidate>
${csrfField(token)}
${textInput({ t, name: 'announceFrom', label: t('consoleAdmin.maintenance.announceFrom'), hint: t('consoleAdmin.maintenance.timeHint'), value: m.values.announceFrom, width: '20', required: true, error: m.errors?.fields.announceFrom })}
${textInput({ t, name: 'startsAt', label: t('consoleAdmin.maintenance.startsAt'), hint: t('consoleAdmin.maintenance.timeHint'), value: m.values.startsAt, width: '20', required: true, error: m.errors?.fields.startsAt })}
${textInput({ t, name: 'endsAt', label: t('consoleAdmin.maintenance.endsAt'), hint: t('consoleAdmin.maintenance.timeHint'), value: m.values.endsAt, width: '20', required: true, error: m.errors?.fields.endsAt })}
${textarea({ t, name: 'messageEn', label: t('consoleAdmin.maintenance.messageEn'), hint: t('consoleAdmin.maintenance.messagesHint'), value: m.values.messageEn, rows: 2, error: m.errors?.fields.messageEn })}
${textarea({ t, name: 'messageFr', label: t('consoleAdmin.maintenance.messageFr'), hint: t('consoleAdmin.maintenance.messagesHint'), value: m.values.messageFr, rows: 2, error: m.errors?.fields.messageFr })}
${button({ text: t('consoleAdmin.maintenance.create'), preventDoubleClick: true })}
</form>`
}

export function helpEditView(t: Translate, lang: Lang, token: string, m: { values: { en: string; fr: string }; errors?: FormErrors; done?: string }): Html {
  return html`<h1>${t('consoleAdmin.help.title')}</h1>
${m.done ? notice({ kind: 'success', title: m.done }) : ''}
<p>${t('consoleAdmin.help.lead')}</p>
<form method="post" action="/${lang}/console/admin/help" novalidate>
${csrfField(token)}
${textarea({ t, name: 'en', label: t('consoleAdmin.help.en'), value: m.values.en, rows: 10, error: m.errors?.fields.en })}
${textarea({ t, name: 'fr', label: t('consoleAdmin.help.fr'), value: m.values.fr, rows: 10, error: m.errors?.fields.fr })}
${button({ text: t('consoleAdmin.help.save') })}
</form>
<p><a href="/${lang}/help">${t('home.helpTitle')}</a></p>`
}

export const STATUS_KEY = { new: 'consoleAdmin.problems.statusNew', in_progress: 'consoleAdmin.problems.statusInProgress', resolved: 'consoleAdmin.problems.statusResolved' } as const

export function problemsListView(t: Translate, lang: Lang, timeZone: string, m: { reports: ReportRow[]; status?: ProblemStatus }): Html {
  return html`<h1>${t('consoleAdmin.problems.title')}</h1>
<p>${t('consoleAdmin.problems.lead')}</p>
<form method="get" action="/${lang}/console/admin/problems" class="filter-form">
${select({ t, name: 'status', label: t('consoleAdmin.problems.filter'), value: m.status ?? '', options: [{ value: '', text: t('consoleAdmin.problems.all') }, ...(['new', 'in_progress', 'resolved'] as const).map((s) => ({ value: s, text: t(STATUS_KEY[s]) }))] })}
${button({ text: t('consoleWork.search.submit'), variant: 'secondary' })}
</form>
${
  m.reports.length === 0
    ? html`<p>${t('consoleAdmin.problems.none')}</p>`
    : wrap(
        t,
        t('consoleAdmin.problems.title'),
        html`<th scope="col">${t('consoleAdmin.problems.number')}</th><th scope="col">${t('consoleAdmin.problems.received')}</th><th scope="col">${t('consoleAdmin.problems.from')}</th><th scope="col">${t('consoleAdmin.problems.description')}</th><th scope="col">${t('consoleAdmin.problems.status')}</th>`,
        html`${m.reports.map(
          (r) =>
            html`<tr><td><a href="/${lang}/console/admin/problems/${r.id}">${reportNumber(r.id)}</a></td><td>${formatInZone(lang, r.created_at, timeZone, 'listed')}</td><td>${r.reporter ?? r.contact_email ?? t('consoleAdmin.problems.anonymous')}</td><td>${
              r.description.length > 120 ? `${r.description.slice(0, 119)}…` : r.description
            }</td><td>${t(STATUS_KEY[r.status])}</td></tr>`,
        )}`,
      )
}`
}

export function problemDetailView(t: Translate, lang: Lang, timeZone: string, token: string, m: { report: ReportRow; values: Record<string, string>; errors?: FormErrors; done?: string }): Html {
  const r = m.report
  return html`<h1>${t('consoleAdmin.problems.detailTitle', { number: reportNumber(r.id) })}</h1>
${m.done ? notice({ kind: 'success', title: m.done }) : ''}
${summaryList([
  { key: t('consoleAdmin.problems.received'), value: formatInZone(lang, r.created_at, timeZone, 'listed') },
  { key: t('consoleAdmin.problems.from'), value: r.reporter ?? t('consoleAdmin.problems.anonymous') },
  { key: t('consoleAdmin.problems.email'), value: r.contact_email ?? '' },
  { key: t('consoleAdmin.problems.page'), value: r.page },
  { key: t('consoleAdmin.problems.description'), value: html`<span class="preserve-lines">${r.description}</span>` },
  {
    key: t('consoleAdmin.problems.screenshot'),
    value: r.has_screenshot ? html`<a href="/${lang}/console/admin/problems/${r.id}/screenshot">${t('consoleAdmin.problems.viewScreenshot', { type: r.screenshot_type === 'image/png' ? 'PNG' : 'JPEG' })}</a>` : t('consoleAdmin.problems.noScreenshot'),
  },
  { key: t('consoleAdmin.problems.status'), value: t(STATUS_KEY[r.status]) },
])}
<form method="post" action="/${lang}/console/admin/problems/${r.id}/status" novalidate>
${csrfField(token)}
${radios({ t, name: 'status', label: t('consoleAdmin.problems.status'), value: m.values.status ?? r.status, inline: true, options: (['new', 'in_progress', 'resolved'] as const).map((s) => ({ value: s, text: t(STATUS_KEY[s]) })), error: m.errors?.fields.status })}
${textarea({ t, name: 'note', label: t('consoleAdmin.problems.note'), value: m.values.note ?? r.status_note, rows: 3, error: m.errors?.fields.note })}
${button({ text: t('consoleAdmin.problems.update') })}
</form>`
}

export function retentionView(
  t: Translate,
  lang: Lang,
  timeZone: string,
  token: string,
  m: { rows: RetentionRow[]; history: Array<{ id: number; label: string; retention_until: string; reason: string; purged_at: Date; purged_by: string }>; values: Record<string, string>; errors?: FormErrors; done?: string[] },
): Html {
  return html`<h1>${t('consoleAdmin.retention.title')}</h1>
${m.done?.length ? notice({ kind: 'success', title: m.done[0]!, body: m.done[1] }) : ''}
<p>${t('consoleAdmin.retention.lead')}</p>
${
  m.rows.length === 0
    ? html`<p>${t('consoleAdmin.retention.none')}</p>`
    : html`<form method="post" action="/${lang}/console/admin/retention/purge" novalidate>
${csrfField(token)}
<div class="form-group${m.errors?.fields.ids ? ' form-group-error' : ''}" id="ids">
${m.errors?.fields.ids ? html`<p class="error-message" id="ids-error"><span class="visually-hidden">${t('common.errorPrefix')} </span>${m.errors.fields.ids}</p>` : ''}
${wrap(
  t,
  t('consoleAdmin.retention.title'),
  html`<th scope="col">${t('consoleAdmin.retention.select')}</th><th scope="col">${t('consoleAdmin.retention.offer')}</th><th scope="col">${t('consoleAdmin.retention.employer')}</th><th scope="col">${t('consoleAdmin.retention.status')}</th><th scope="col">${t('consoleAdmin.retention.until')}</th>`,
  html`${m.rows.map(
    (r, i) =>
      html`<tr><td><input class="choice-input" type="checkbox" name="ids" value="${r.id}" id="purge-${i}"><label class="visually-hidden" for="purge-${i}">${t('consoleAdmin.retention.selectOffer', { offer: r.offer_number ?? r.id })}</label></td><td>${r.offer_number ?? '—'}</td><td>${r.legal_name}</td><td>${t(`consoleWork.status.${r.status}`)}</td><td>${r.retention_until}</td></tr>`,
  )}`,
)}
</div>
${textInput({ t, name: 'reason', label: t('consoleAdmin.retention.reason'), hint: t('consoleAdmin.retention.reasonHint'), value: m.values.reason, required: true, error: m.errors?.fields.reason })}
${singleCheckbox({ t, name: 'confirm', label: t('consoleAdmin.retention.confirm'), required: true, error: m.errors?.fields.confirm })}
${button({ text: t('consoleAdmin.retention.purge'), variant: 'danger', preventDoubleClick: true })}
</form>`
}
<h2>${t('consoleAdmin.retention.historyTitle')}</h2>
${
  m.history.length === 0
    ? html`<p>${t('consoleAdmin.retention.historyNone')}</p>`
    : wrap(
        t,
        t('consoleAdmin.retention.historyTitle'),
        html`<th scope="col">${t('consoleAdmin.retention.offer')}</th><th scope="col">${t('consoleAdmin.retention.until')}</th><th scope="col">${t('consoleAdmin.retention.purgedAt')}</th><th scope="col">${t('consoleAdmin.retention.purgedBy')}</th><th scope="col">${t('consoleAdmin.retention.reason')}</th>`,
        html`${m.history.map((h) => html`<tr><td>${h.label}</td><td>${h.retention_until}</td><td>${formatInZone(lang, h.purged_at, timeZone, 'listed')}</td><td>${h.purged_by}</td><td>${h.reason}</td></tr>`)}`,
      )
}`
}
