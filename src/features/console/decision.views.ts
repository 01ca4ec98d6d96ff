import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { button, csrfField, notice } from '../../ui/components.ts'

/** Who decided a request and when: enrolments, primary-role transfers, PIN resets, reactivations. */
export interface Decision {
  /** The deciding officer's name, as `fullName`/`joinedFullName` give it (undefined: unknown). */
  decider: string | undefined
  decidedAt: Date | null
}

const decidedAt = (lang: Lang, timeZone: string, d: Decision) => (d.decidedAt ? formatInZone(lang, d.decidedAt, timeZone, 'listed') : '')

/** A decided request's page: its two rows, for `summaryList`. */
export function decisionRows(t: Translate, lang: Lang, timeZone: string, d: Decision): Array<{ key: string; value: string }> {
  return [
    { key: t('console.decidedBy'), value: d.decider ?? '' },
    { key: t('console.decidedAt'), value: decidedAt(lang, timeZone, d) },
  ]
}

/** A queue of decided requests: the two column headings… */
export function decisionHeadings(t: Translate): Html {
  return html`<th scope="col">${t('console.decidedBy')}</th><th scope="col">${t('console.decidedAt')}</th>`
}

/** …and a row's two cells. */
export function decisionCells(lang: Lang, timeZone: string, d: Decision): Html {
  return html`<td>${d.decider ?? ''}</td><td>${decidedAt(lang, timeZone, d)}</td>`
}

/**
 * The Yes and No of a page that asks before a final decision is recorded (no script needed): the
 * decision's values ride in hidden fields to the route that records it; No sends them back with
 * its own name so the decision form comes back as it was filled in.
 */
export function confirmDecisionForm(p: {
  action: string
  csrf: string
  values: Record<string, string>
  yes: { text: string; variant: 'primary' | 'danger'; name?: string; value?: string }
  no: { text: string; name: string; value: string }
}): Html {
  return html`<form method="post" action="${p.action}" class="button-group">
${csrfField(p.csrf)}
${Object.entries(p.values).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${button({ ...p.yes, preventDoubleClick: true })}
${button({ ...p.no, variant: 'secondary' })}
</form>`
}

/** Who has an open request: its officer (by id, to say "you") and name. */
export interface Assignee {
  id: string
  name: string
}

/**
 * An open request's assignment, as every console request page says it: not assigned, assigned to
 * you, or to someone else by name; the button says whose request it takes over (never silently).
 */
export function assignmentSection(t: Translate, p: { action: string; csrf: string; assignee: Assignee | undefined; viewerId: string }): Html {
  const mine = p.assignee?.id === p.viewerId
  const text = !p.assignee ? t('console.assignment.none') : mine ? t('console.assignment.you') : t('console.assignment.other', { name: p.assignee.name })
  return html`<h2>${t('console.assignment.heading')}</h2>
<p>${text}</p>
${mine ? '' : html`<form method="post" action="${p.action}">${csrfField(p.csrf)}${button({ text: p.assignee ? t('console.assignment.takeOver', { name: p.assignee.name }) : t('console.assignment.assignToMe'), variant: 'secondary' })}</form>`}`
}

/** "This request is assigned to …, not to you", when it is another officer's. */
export function assignedElsewhereText(t: Translate, assignee: Assignee | undefined, viewerId: string): string | undefined {
  return assignee && assignee.id !== viewerId ? t('console.assignment.elsewhere', { name: assignee.name }) : undefined
}

/** Above a decision form or its confirmation: a warning when the request is another officer's. */
export function assignedElsewhereNotice(t: Translate, assignee: Assignee | undefined, viewerId: string): Html {
  return warningsNotice([assignedElsewhereText(t, assignee, viewerId)])
}

/** A page's warnings in one notice (a notice's heading id is one per kind on a page): the first as its title, the others below. */
export function warningsNotice(texts: ReadonlyArray<string | undefined | false>): Html {
  const [first, ...rest] = texts.filter((x): x is string => typeof x === 'string' && x !== '')
  if (first === undefined) return html``
  return notice({ kind: 'warning', title: first, body: rest.length ? html`${rest.map((r) => html`<p>${r}</p>`)}` : undefined })
}

/** A waiting request's "Assigned to" cell in a queue: nobody, you, or the officer's name. */
export function assigneeCell(t: Translate, assignee: Assignee | undefined, viewerId: string): Html {
  return html`<td>${!assignee ? t('console.assignment.nobody') : assignee.id === viewerId ? t('console.assignment.youCell') : assignee.name}</td>`
}

/** The id of a decided request's decision section: what "already decided" links to (its form is gone). */
export const DECIDED_ID = 'decided'

/** "This request was already decided", in the error summary: it links to the recorded decision, not to a form that is no longer there. */
export function alreadyDecidedErrors(message: string): FormErrors {
  return { summary: [{ text: message, href: `#${DECIDED_ID}` }], fields: {} }
}
