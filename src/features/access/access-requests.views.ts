import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, notice, radios, select, summaryList, textarea, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import type { OpenRequest } from './open-requests.repository.ts'
import { assignedElsewhereNotice, assigneeCell, assignmentSection, decisionCells, decisionHeadings, type Assignee, type Decision } from '../console/decision.views.ts'

type Values = Record<string, string>

/** "Lost your PIN?": the request form. */
export function pinResetFormBody(t: Translate, lang: Lang, p: { values: Values; errors?: FormErrors; csrf: string }): Html {
  const e = (k: string) => p.errors?.fields[k]
  const v = p.values
  return html`<h1>${t('access.pinReset.title')}</h1>
<p>${t('access.pinReset.lead')}</p>
<form method="post" action="/${lang}/pin-reset" novalidate>
${csrfField(p.csrf)}
${textInput({ t, name: 'givenNames', label: t('access.givenNames'), hint: t('access.pinReset.namesHint'), value: v.givenNames, autocomplete: 'given-name', error: e('givenNames'), required: true })}
${textInput({ t, name: 'familyName', label: t('access.familyName'), value: v.familyName, autocomplete: 'family-name', error: e('familyName'), required: true })}
${textInput({ t, name: 'businessNumber', label: t('access.pinReset.business'), hint: t('access.pinReset.businessHint'), value: v.businessNumber, width: '20', spellcheck: false, autocomplete: 'off', error: e('businessNumber'), required: true })}
${textInput({ t, name: 'email', label: t('access.pinReset.email'), hint: t('access.pinReset.emailHint'), value: v.email, type: 'email', autocomplete: 'email', spellcheck: false, error: e('email'), required: true })}
${radios({ t, name: 'wantsPrimary', label: t('access.pinReset.wantsPrimary'), hint: t('access.pinReset.wantsPrimaryHint'), value: v.wantsPrimary, options: [{ value: 'no', text: t('access.pinReset.wantsPrimaryNo') }, { value: 'yes', text: t('access.pinReset.wantsPrimaryYes') }], error: e('wantsPrimary'), required: true })}
${textarea({ t, name: 'reason', label: t('access.pinReset.reason'), hint: t('access.pinReset.reasonHint'), value: v.reason, rows: 4, error: e('reason'), required: true })}
${button({ text: t('access.pinReset.submit'), preventDoubleClick: true })}
</form>`
}

/** The same answer whatever the number names. */
export function pinResetSentBody(t: Translate, lang: Lang): Html {
  return html`<h1>${t('access.pinReset.sentTitle')}</h1>
<p>${t('access.pinReset.sentBody')}</p>
<p><a href="/${lang}/home">${t('common.home')}</a></p>`
}

export interface RequestRow {
  id: string
  name: string
  detail: string
  /** The queue's optional column (reactivations: the person's businesses). */
  extra?: string | Html
  submitted: string
  assignee?: Assignee
  status: string
  /** Decided requests: who decided, and when. */
  decision?: Decision
}

/** A queue of requests (PIN resets, reactivations), oldest first, with a status filter; decided ones say who decided and when. */
export function requestQueueBody(t: Translate, lang: Lang, timeZone: string, p: { title: string; path: string; viewerId: string; status: string; statuses: ReadonlyArray<{ value: string; text: string }>; detailHeading: string; extraHeading?: string; decided: boolean; rows: RequestRow[] }): Html {
  return html`<h1>${p.title}</h1>
<form method="get" action="${p.path}" class="filter-form">
${select({ t, name: 'status', label: t('access.requests.filterStatus'), value: p.status, options: p.statuses })}
${button({ text: t('access.requests.filter'), variant: 'secondary' })}
</form>
${
  p.rows.length === 0
    ? html`<p>${t('access.requests.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<caption>${p.statuses.find((s) => s.value === p.status)?.text ?? ''}</caption>
<thead><tr><th scope="col">${t('access.requests.person')}</th><th scope="col">${p.detailHeading}</th>${p.extraHeading ? html`<th scope="col">${p.extraHeading}</th>` : ''}<th scope="col">${t('access.requests.submitted')}</th>${
        p.decided ? decisionHeadings(t) : html`<th scope="col">${t('console.assignment.column')}</th>`
      }</tr></thead>
<tbody>${p.rows.map(
        (r) =>
          html`<tr><td><a href="${p.path}/${r.id}">${r.name}</a></td><td>${r.detail}</td>${p.extraHeading ? html`<td>${r.extra ?? ''}</td>` : ''}<td>${r.submitted}</td>${
            p.decided ? decisionCells(lang, timeZone, r.decision ?? { decider: undefined, decidedAt: null }) : assigneeCell(t, r.assignee, p.viewerId)
          }</tr>`,
      )}</tbody></table></div>`
}
<p><a href="/${lang}/console">${t('access.requests.backToConsole')}</a></p>`
}

/** A request's details, who has it, and (while open) the decision form. */
export function requestDetailBody(
  t: Translate,
  p: {
    title: string
    done?: string
    status: string
    rows: ReadonlyArray<{ key: string; value: string | Html }>
    open: boolean
    /** Officers: who has the request (the button takes it, and says from whom). */
    assign?: { action: string; assignee?: Assignee; viewerId: string }
    decision: { action: string; options: ReadonlyArray<{ value: string; text: string }>; values: Values; errors?: FormErrors; reasonHint: string }
    csrf: string
    back: { href: string; text: string }
  },
): Html {
  const d = p.decision
  return html`<h1>${p.title}</h1>
${p.done ? notice({ kind: 'success', title: p.done }) : ''}
<p><span class="tag">${p.status}</span></p>
${summaryList(p.rows)}
${
  p.open
    ? html`${
        p.assign ? assignmentSection(t, { action: p.assign.action, csrf: p.csrf, assignee: p.assign.assignee, viewerId: p.assign.viewerId }) : ''
      }
<h2>${t('access.requests.decision')}</h2>
${p.assign ? assignedElsewhereNotice(t, p.assign.assignee, p.assign.viewerId) : ''}
<form method="post" action="${d.action}" novalidate>
${csrfField(p.csrf)}
${radios({ t, name: 'decision', label: t('access.requests.decision'), value: d.values.decision, options: d.options, error: d.errors?.fields.decision, required: true })}
${textarea({ t, name: 'reason', label: t('access.requests.reason'), hint: d.reasonHint, value: d.values.reason, rows: 3, error: d.errors?.fields.reason, required: true })}
${button({ text: t('access.requests.decide'), preventDoubleClick: true })}
</form>`
    : ''
}
<p>${linkButton({ text: p.back.text, href: p.back.href })}</p>`
}

/**
 * The page that asks before an officer's decision is recorded: what will happen, to whom, and
 * the Yes and No (`confirmDecisionForm`); a warning first when the request is another officer's.
 */
export function requestConfirmBody(p: { title: string; warning?: Html; rows: ReadonlyArray<{ key: string; value: string | Html }>; body: ReadonlyArray<string>; form: Html }): Html {
  return html`<h1>${p.title}</h1>
${p.warning ?? ''}
${summaryList(p.rows)}
${p.body.map((b) => html`<p>${b}</p>`)}
${p.form}`
}

const OPEN_REQUEST_PATH = { pinReset: 'pin-resets', transfer: 'transfers', reactivation: 'reactivations' } as const

/** Other open requests of the same person or business, each linked to its console page (those the officers handle). */
export function openRequestsList(t: Translate, lang: Lang, timeZone: string, items: readonly OpenRequest[]): Html | string {
  if (items.length === 0) return t('access.requests.otherNone')
  return html`<ul>${items.map((i) => {
    const words = { name: i.name, business: i.business ?? '', date: formatInZone(lang, i.createdAt, timeZone, 'listed') }
    const text = i.kind === 'pinReset' ? t('access.requests.otherPinReset', words) : i.kind === 'transfer' ? t('access.requests.otherTransfer', words) : t('access.requests.otherReactivation', words)
    return html`<li>${i.officers ? html`<a href="/${lang}/console/${OPEN_REQUEST_PATH[i.kind]}/${i.id}">${text}</a>` : html`${text} (${t('access.requests.otherByPrimary')})`}</li>`
  })}</ul>`
}
