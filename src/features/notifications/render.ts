import { translate, type Bilingual, type Lang, type MessageParams } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
import { isUuid } from '../../platform/ids.ts'
import { isTemplateName, templates } from './templates.ts'

export interface RenderedEmail {
  subject: string
  text: string
  html: string
}

export class UnknownTemplateError extends Error {
  constructor(name: string) {
    super(`Unknown notification template: ${name}`)
    this.name = 'UnknownTemplateError'
  }
}

/**
 * A notification's value: the same in both languages (a name, a number typed by someone), or
 * written in each (a date, an amount, a reason the portal words): a message is rendered again in
 * the language of the page that shows it, and its e-mail in the recipient's.
 */
export type NotificationParam = string | number | Bilingual
export type NotificationParams = Record<string, NotificationParam>


/** The params in one language. */
function paramsIn(lang: Lang, params: NotificationParams): MessageParams {
  const out: MessageParams = {}
  for (const [name, value] of Object.entries(params)) out[name] = typeof value === 'object' && value !== null ? (value[lang] ?? '') : value
  return out
}

function template(name: string) {
  if (!isTemplateName(name)) throw new UnknownTemplateError(name)
  return templates[name]
}

/** Subject and body of a template in one language (the body's paragraphs are separated by blank lines). */
export function renderMessage(name: string, lang: Lang, params: NotificationParams): { subject: string; body: string } {
  const tpl = template(name)
  const inLang = paramsIn(lang, params)
  return { subject: translate(lang, tpl.subject, inLang), body: translate(lang, tpl.body, inLang) }
}

/** The subject alone, for lists (a body is several times longer, and a list shows none). */
export function renderSubject(name: string, lang: Lang, params: NotificationParams): string {
  return translate(lang, template(name).subject, paramsIn(lang, params))
}

/** A body's paragraphs as HTML (escaped; single line breaks kept). */
export function paragraphs(body: string): Html {
  return html`${body.split(/\n{2,}/).map((p) => html`<p>${p.split('\n').map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>`)}`
}

/**
 * A whole e-mail: the template in the recipient's language, then a link back to the
 * portal (`publicBaseUrl` + `/{lang}` + the template's path, e.g. '/messages', or the offer's page
 * for a notification about one) and the sender line;
 * plain text and HTML carry the same words.
 */
export function renderEmail(name: string, lang: Lang, params: NotificationParams, publicBaseUrl: string): RenderedEmail {
  const tpl = template(name)
  const { subject, body } = renderMessage(name, lang, params)
  // About an offer (templates.ts `about`): the offer's page, once notify() has kept its id.
  const offerId = 'about' in tpl && typeof params.offerId === 'string' && isUuid(params.offerId) ? params.offerId : undefined
  const link = `${publicBaseUrl}/${lang}${offerId ? `/offers/${offerId}` : 'path' in tpl && typeof tpl.path === 'string' ? tpl.path : ''}`
  const readInPortal = translate(lang, 'notifications.email.readInPortal')
  const automated = translate(lang, 'notifications.email.automated')
  const text = `${body}\n\n${readInPortal}\n${link}\n\n--\n${automated}\n`
  const markup = html`<!DOCTYPE html>
<html lang="${lang}">
<head><meta charset="utf-8"><title>${subject}</title></head>
<body>
${paragraphs(body)}
<p>${readInPortal}<br><a href="${link}">${link}</a></p>
<hr>
<p><small>${automated}</small></p>
</body>
</html>`
  return { subject, text, html: markup.value }
}
