import type { Lang, Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, notice, textarea } from '../../ui/components.ts'
import type { FormErrors } from '../../ui/form-errors.ts'

/** The page a dormant person gets instead of the page they asked for. */
export function dormantUserBody(t: Translate, lang: Lang, requested: boolean): Html {
  return html`<h1>${t('access.dormant.userTitle')}</h1>
<p>${t('access.dormant.userBody')}</p>
${requested ? html`<p>${t('access.dormant.requestOpen')}</p>` : html`<p><a href="/${lang}/dormancy/reactivate">${t('access.dormant.requestLink')}</a></p>`}
<p><a href="/${lang}/home">${t('common.home')}</a></p>`
}

/**
 * The home page's part for a dormant person: the notice, and only what they can do
 * (ask for reactivation, read their messages); no link to a page that would refuse them.
 */
export function dormantHomeSection(t: Translate, lang: Lang, requested: boolean): Html {
  return html`${notice({
    kind: 'warning',
    title: t('access.dormant.userTitle'),
    body: html`<p>${t('access.dormant.userBody')}</p>${requested ? html`<p>${t('access.dormant.requestOpen')}</p>` : ''}`,
  })}
<h2>${t('access.dormant.whatYouCanDo')}</h2>
<ul class="task-list">
${requested ? '' : html`<li><a href="/${lang}/dormancy/reactivate">${t('access.dormant.requestLink')}</a></li>`}
<li><a href="/${lang}/messages">${t('access.reactivation.messagesLink')}</a></li>
</ul>`
}

/**
 * The page for someone acting for a dormant business: who its primary user is, and what to do
 * (ask them to request reactivation, or ask the department, through the help page, to transfer the role).
 */
export function dormantBusinessBody(t: Translate, lang: Lang, business: string, primary: string | undefined, others: boolean): Html {
  return html`<h1>${t('access.dormant.businessTitle')}</h1>
<p>${primary ? t('access.dormant.businessBody', { business, primary }) : t('access.dormant.businessBodyNoPrimary', { business })}</p>
<h2>${t('access.dormant.whatYouCanDo')}</h2>
<ul>
${primary ? html`<li>${t('access.dormant.askPrimary', { primary })}</li>` : ''}
<li>${t('access.dormant.askTransfer')} <a href="/${lang}/help">${t('access.dormant.contactLink')}</a>.</li>
</ul>
<p>${t('access.dormant.kept')}</p>
${others ? html`<p><a href="/${lang}/business/active">${t('access.dormant.chooseOther')}</a></p>` : ''}
<p><a href="/${lang}/home">${t('common.home')}</a></p>`
}

/** "Request reactivation": the form, or where the request stands, or "nothing to do". */
export function reactivationBody(t: Translate, lang: Lang, p: { state: 'active' | 'open' | 'form'; openSince?: string; sent?: boolean; values: Record<string, string>; errors?: FormErrors; csrf: string }): Html {
  if (p.state === 'active') return html`<h1>${t('access.reactivation.title')}</h1><p>${t('access.reactivation.notDormant')}</p><p><a href="/${lang}/home">${t('common.home')}</a></p>`
  if (p.state === 'open') {
    return html`${p.sent ? notice({ kind: 'success', title: t('access.reactivation.sent') }) : ''}<h1>${t('access.reactivation.title')}</h1>
<p>${t('access.reactivation.open', { date: p.openSince ?? '' })}</p><p><a href="/${lang}/messages">${t('access.reactivation.messagesLink')}</a></p>`
  }
  return html`<h1>${t('access.reactivation.title')}</h1>
<p>${t('access.reactivation.lead')}</p>
<form method="post" action="/${lang}/dormancy/reactivate" novalidate>
${csrfField(p.csrf)}
${textarea({ t, name: 'reason', label: t('access.reactivation.reason'), hint: t('access.reactivation.reasonHint'), value: p.values.reason, rows: 4, error: p.errors?.fields.reason, required: true })}
${button({ text: t('access.reactivation.submit'), preventDoubleClick: true })}
</form>`
}
