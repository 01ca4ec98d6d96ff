import type { Lang, Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, linkButton, notice, radios, select, summaryList, textInput } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'
import { EXEMPTION_CATEGORIES, EXEMPTION_CODES, exemptionLabel, exemptionOptionGroups } from './exemption-codes.ts'
import { referencePaths } from './reference.paths.ts'
import { UNKNOWN_CODE } from './reference.schema.ts'
import type { EligibilityDecision, OpenPermitAnswer } from './reference.service.ts'

interface ViewContext {
  t: Translate
  lang: Lang
}

export function exemptionCodesView({ t, lang }: ViewContext): Html {
  return html`<h1>${t('reference.codes.title')}</h1>
<p class="lead">${t('reference.codes.lead')}</p>
<ul>
<li>${t('reference.codes.openMeaning')}</li>
<li>${t('reference.codes.specificMeaning')}</li>
</ul>
<p><a href="${referencePaths.eligibility(lang)}">${t('reference.codes.checkEligibility')}</a></p>
${EXEMPTION_CATEGORIES.map((cat) => {
  const codes = EXEMPTION_CODES.filter((c) => c.category === cat.id)
  const headingId = `category-${cat.id.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
  return html`<h2 id="${headingId}">${cat.name[lang]}</h2>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table" aria-labelledby="${headingId}">
<thead><tr><th scope="col">${t('reference.codes.code')}</th><th scope="col">${t('reference.codes.name')}</th><th scope="col">${t('reference.codes.oldCodes')}</th><th scope="col">${t('reference.codes.permit')}</th></tr></thead>
<tbody>
${codes.map(
  (c) => html`<tr id="code-${c.code}">
<th scope="row">${c.code}</th>
<td>${c.name[lang]}${c.entrepreneur ? html`<br><span class="hint">${t('reference.codes.entrepreneurNote')}</span>` : ''}${
    c.openWhen ? html`<br><span class="hint">${c.openWhen[lang]}</span>` : ''
  }</td>
<td>${c.oldCodes.join(', ')}</td>
<td>${c.open ? t('reference.codes.open') : c.openWhen ? t('reference.codes.depends') : t('reference.codes.specific')}</td>
</tr>`,
)}
</tbody>
</table></div>`
})}`
}

export interface EligibilityFormValues {
  openPermit?: string
  code?: string
}

export function eligibilityFormView(
  { t, lang }: ViewContext,
  p: { csrfToken: string; values: EligibilityFormValues; errors?: FormErrors },
): Html {
  const errors = p.errors?.fields ?? {}
  return html`<h1>${t('reference.eligibility.title')}</h1>
<p class="lead">${t('reference.eligibility.lead')}</p>
<form method="post" action="${referencePaths.eligibility(lang)}" novalidate>
${csrfField(p.csrfToken)}
${radios({
  t,
  name: 'openPermit',
  label: t('reference.eligibility.openPermitLegend'),
  hint: t('reference.eligibility.openPermitHint'),
  error: errors.openPermit,
  required: true,
  value: p.values.openPermit,
  options: [
    { value: 'yes', text: t('reference.eligibility.openPermitYes') },
    { value: 'no', text: t('reference.eligibility.openPermitNo') },
    { value: 'unsure', text: t('reference.eligibility.openPermitUnsure') },
  ],
})}
${select({
  t,
  name: 'code',
  label: t('reference.eligibility.codeLabel'),
  hint: html`${t('reference.eligibility.codeHint')} <a href="${referencePaths.exemptionCodes(lang)}">${t('reference.eligibility.seeCodes')}</a>`,
  error: errors.code,
  value: p.values.code || UNKNOWN_CODE,
  options: [{ value: UNKNOWN_CODE, text: t('reference.eligibility.codeUnknown') }],
  groups: exemptionOptionGroups(lang),
})}
${button({ text: t('reference.eligibility.submit') })}
</form>`
}

export function eligibilityResultView(
  { t, lang }: ViewContext,
  p: { decision: EligibilityDecision; openPermit: OpenPermitAnswer; code?: string | undefined; feeText: string },
): Html {
  const d = p.decision
  const answers = summaryList([
    {
      key: t('reference.eligibility.openPermitLegend'),
      value: t(
        p.openPermit === 'yes'
          ? 'reference.eligibility.openPermitYes'
          : p.openPermit === 'no'
            ? 'reference.eligibility.openPermitNo'
            : 'reference.eligibility.openPermitUnsure',
      ),
    },
    {
      key: t('reference.eligibility.codeLabel'),
      value: d.exemption ? exemptionLabel(d.exemption, lang) : t('reference.eligibility.codeUnknown'),
    },
  ])
  // "Check again" brings back both answers as given, whatever the result.
  const againHref = referencePaths.eligibility(lang, { openPermit: p.openPermit, code: p.code ?? d.exemption?.code })
  const again = html`<p><a href="${againHref}">${t('reference.eligibility.checkAgain')}</a></p>`
  if (d.offerNeeded === null) {
    const e = d.exemption
    const codes = html`<a href="${referencePaths.exemptionCodes(lang)}#code-${e.code}">${t('reference.eligibility.seeCodes')}</a>`
    const cases =
      d.contradiction === 'openPermitSpecificCode'
        ? html`<p>${t('reference.eligibility.conflictSpecificCode', { code: e.code, name: e.name[lang] })}</p>
<ul>
<li>${t('reference.eligibility.ifSpecificCode', { code: e.code, fee: p.feeText })}</li>
<li>${t('reference.eligibility.ifOpenPermitHeld')}</li>
</ul>`
        : html`<p>${t('reference.eligibility.conflictOpenCode', { code: e.code, name: e.name[lang] })}</p>
<ul>
<li>${t('reference.eligibility.ifOpenCode', { code: e.code })}</li>
<li>${t('reference.eligibility.ifSpecificPermit', { code: e.code })} ${codes}</li>
</ul>`
    return html`<h1>${t('reference.eligibility.resultTitle')}</h1>
${notice({ kind: 'warning', title: t('reference.eligibility.conflictTitle'), body: html`${cases}<p>${t('reference.eligibility.conflictAsk')}</p>` })}
<p>${linkButton({ text: t('reference.eligibility.changeAnswers'), href: againHref, variant: 'primary' })}</p>
${d.contradiction === 'openPermitSpecificCode' ? html`<p><a href="${referencePaths.newOffer(lang, e.code)}">${t('reference.eligibility.startOfferWithCode', { code: e.code })}</a></p>` : ''}
<h2>${t('reference.eligibility.yourAnswers')}</h2>
${answers}`
  }
  if (!d.offerNeeded) {
    const why =
      d.reason === 'openPermit'
        ? t('reference.eligibility.whyOpenPermit')
        : t('reference.eligibility.whyOpenCode', { code: d.exemption.code, name: d.exemption.name[lang] })
    return html`<h1>${t('reference.eligibility.resultTitle')}</h1>
${notice({ kind: 'success', title: t('reference.eligibility.noOfferTitle'), body: html`<p>${why}</p><p>${t('reference.eligibility.noOfferFee')}</p>` })}
<h2>${t('reference.eligibility.yourAnswers')}</h2>
${answers}
${again}`
  }
  const e = d.exemption
  return html`<h1>${t('reference.eligibility.resultTitle')}</h1>
${notice({
  kind: 'info',
  title: t('reference.eligibility.offerTitle'),
  body: html`<p>${e ? t('reference.eligibility.offerWhyCode', { code: e.code, name: e.name[lang] }) : t('reference.eligibility.offerWhyUnknown')}</p>
<p>${t('reference.eligibility.offerFee', { fee: p.feeText })}</p>
${e?.openWhen ? html`<p>${t('reference.eligibility.dependsNote', { code: e.code, detail: afterColon(e.openWhen[lang], lang) })}</p>` : ''}
${e?.entrepreneur ? html`<p>${t('reference.eligibility.entrepreneurNote')}</p>` : ''}
${d.unsure ? html`<p>${t('reference.eligibility.unsureNote')}</p>` : ''}
<p>${t('reference.eligibility.feeExempt')}</p>`,
})}
<p>${linkButton({ text: t('reference.eligibility.startOffer'), href: referencePaths.newOffer(lang, e?.code), variant: 'primary' })}</p>
<h2>${t('reference.eligibility.yourAnswers')}</h2>
${answers}
${again}`
}

export function occupationSearchView(
  { t, lang }: ViewContext,
  p: { query: string; results?: ReadonlyArray<{ code: string; title_en: string; title_fr: string; teer: number; broad_category: string }> },
): Html {
  const r = p.results
  return html`<h1>${t('reference.occupations.title')}</h1>
<p class="lead">${t('reference.occupations.lead')}</p>
<form method="get" action="${referencePaths.occupations(lang)}" role="search">
${textInput({ t, name: 'q', type: 'search', label: t('reference.occupations.queryLabel'), hint: t('reference.occupations.queryHint'), value: p.query, maxlength: 100, spellcheck: false })}
${button({ text: t('reference.occupations.search') })}
</form>
${
  r === undefined
    ? ''
    : r.length === 0
      ? html`<p role="status">${t('reference.occupations.noResults', { query: p.query })}</p>`
      : html`<h2 role="status">${t('reference.occupations.results', { count: r.length, query: p.query })}</h2>
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('common.scrollableTable')}"><table class="table">
<thead><tr><th scope="col">${t('reference.occupations.code')}</th><th scope="col">${t('reference.occupations.occupation')}</th><th scope="col">${t('reference.occupations.teer')}</th><th scope="col">${t('reference.occupations.category')}</th></tr></thead>
<tbody>
${r.map((o) => html`<tr><th scope="row">${o.code}</th><td>${lang === 'fr' ? o.title_fr : o.title_en}</td><td>${o.teer}</td><td lang="en">${o.broad_category}</td></tr>`)}
</tbody>
</table></div>`
}
<p>${t('reference.occupations.entrepreneur')}</p>
<p class="hint">${t('reference.occupations.source')}</p>`
}

/** A sentence quoted after a colon: French goes on in lower case (« Pour le code C21\u00a0: les participants… »); English keeps its capital. */
function afterColon(sentence: string, lang: Lang): string {
  return lang === 'fr' ? sentence.charAt(0).toLocaleLowerCase('fr-CA') + sentence.slice(1) : sentence
}
