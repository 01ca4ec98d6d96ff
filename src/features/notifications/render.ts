import { translate, type Lang, type MessageParams } from '../../i18n/i18n.ts'
import { html, type Html } from '../../platform/html.ts'
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

function template(name: string) {
  if (!isTemplateName(name)) throw new UnknownTemplateError(name)
  return templates[name]
}

/** Subject and body of a template in one language (the body's paragraphs are separated by blank lines). */
export function renderMessage(name: string, lang: Lang, params: MessageParams): { subject: string; body: string } {
  const tpl = template(name)
  return { subject: translate(lang, tpl.subject, params), body: translate(lang, tpl.body, params) }
}

/** The subject alone, for lists (a body is several times longer, and a list shows none). */
export function renderSubject(name: string, lang: Lang, params: MessageParams): string {
  return translate(lang, template(name).subject, params)
}

/** A body's paragraphs as HTML (escaped; single line breaks kept). */
export function paragraphs(body: string): Html {
  return html`${body.split(/\n{2,}/).map((p) => html`<p>${p.split('\n').map((line, i) => (i === 0 ? line : html`<br>${line}`))}</p>`)}`
}

/**
 * A whole e-mail: the template in the recipient's language, then a link back to the
 * portal (`publicBaseUrl` + `/{lang}` + the template's path, e.g. '/messages') and the sender line;
 * plain text and HTML carry the same words.
 */
export function renderEmail(name: string, lang: Lang, params: MessageParams, publicBaseUrl: string): RenderedEmail {
  const tpl = template(name)
  const { subject, body } = renderMessage(name, lang, params)
  const link = `${publicBaseUrl}/${lang}${'path' in tpl && typeof tpl.path === 'string' ? tpl.path : ''}`
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
