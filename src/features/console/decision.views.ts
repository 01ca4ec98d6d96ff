import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField } from '../../ui/components.ts'

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
