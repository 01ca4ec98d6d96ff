import type { Lang, Translate } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { button, csrfField, notice, textarea, textInput } from '../../ui/components.ts'
import { fieldId, type FormErrors } from '../../ui/form-errors.ts'

/** The administrators' help text (paragraphs split on blank lines, escaped) and the link to the report form. */
export function helpSectionView(t: Translate, lang: Lang, text: string): Html {
  const paragraphs = text
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.trim())
    .filter(Boolean)
  return html`${paragraphs.map((p) => html`<p class="preserve-lines">${p}</p>`)}
<h2>${t('consoleAdmin.report.title')}</h2>
<p><a href="/${lang}/help/report">${t('consoleAdmin.help.reportLink')}</a></p>`
}

export function reportFormView(t: Translate, lang: Lang, token: string, values: Record<string, string>, errors?: FormErrors): Html {
  const id = fieldId('screenshot')
  const error = errors?.fields.screenshot
  return html`<h1>${t('consoleAdmin.report.title')}</h1>
<p>${t('consoleAdmin.report.lead')}</p>
<form method="post" action="/${lang}/help/report" enctype="multipart/form-data" novalidate>
${csrfField(token)}
${textarea({ t, name: 'description', label: t('consoleAdmin.report.description'), hint: t('consoleAdmin.report.descriptionHint'), value: values.description, rows: 6, required: true, error: errors?.fields.description })}
${textInput({ t, name: 'page', label: t('consoleAdmin.report.page'), hint: t('consoleAdmin.report.pageHint'), value: values.page, error: errors?.fields.page })}
${textInput({ t, name: 'email', label: t('consoleAdmin.report.email'), type: 'email', autocomplete: 'email', spellcheck: false, value: values.email, error: errors?.fields.email })}
<div class="form-group${error ? ' form-group-error' : ''}">
<label class="label" for="${id}">${t('consoleAdmin.report.screenshot')}</label>
<p class="hint" id="${id}-hint">${t('consoleAdmin.report.screenshotHint')}</p>
${error ? html`<p class="error-message" id="${id}-error"><span class="visually-hidden">${t('common.errorPrefix')} </span>${error}</p>` : ''}
<input class="file-upload" id="${id}" name="screenshot" type="file" accept="image/png,image/jpeg" aria-describedby="${id}-hint${error ? ` ${id}-error` : ''}">
</div>
${button({ text: t('consoleAdmin.report.send'), preventDoubleClick: true })}
</form>`
}

export function reportSentView(t: Translate, lang: Lang, number: string): Html {
  return html`${notice({ kind: 'success', title: t('consoleAdmin.report.sentTitle'), body: html`<p>${t('consoleAdmin.report.sentBody', { number })}</p>` })}
<p><a href="/${lang}/help">${t('home.helpTitle')}</a></p>`
}
