import type { Lang, Translate } from '../../i18n/i18n.ts'
import { formatInZone } from '../../platform/dates.ts'
import { html, type Html } from '../../platform/html.ts'

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
