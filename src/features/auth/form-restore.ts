import { escapeHtml } from '../../platform/html.ts'

/**
 * What someone typed into a form that could not be sent (the session had ended, or the no-script
 * "Continue session" button carried it): kept in the session and filled in again on the page
 * the form came from, for the person to check and send themselves. The form is never replayed.
 */
export type StashedValues = Record<string, string | string[]>

const SECRET_WORDS = new Set(['password', 'passphrase', 'pin', 'secret', 'token', 'otp', 'totp'])

/** Fields never kept nor filled in again: passwords, PINs, secrets, one-time codes, the CSRF token. */
export function isSecretField(name: string): boolean {
  if (name.startsWith('_')) return true
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
  return words.some((w) => SECRET_WORDS.has(w)) || (words.length === 1 && words[0] === 'code')
}

/** The fields of a form body worth keeping: text values, none of them secret. */
export function keptFields(body: Record<string, unknown>): StashedValues {
  const kept: StashedValues = {}
  for (const [name, value] of Object.entries(body)) {
    if (isSecretField(name)) continue
    if (typeof value === 'string') kept[name] = value
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) kept[name] = value as string[]
  }
  return kept
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'" }
function unescapeAttr(value: string): string {
  return value.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e] ?? e)
}

function attr(tag: string, name: string): string | undefined {
  const found = new RegExp(`\\s${name}="([^"]*)"`).exec(tag)
  return found ? unescapeAttr(found[1]!) : undefined
}

function withAttr(tag: string, name: string, value: string): string {
  const pattern = new RegExp(`\\s${name}="[^"]*"`)
  const written = ` ${name}="${escapeHtml(value)}"`
  return pattern.test(tag) ? tag.replace(pattern, () => written) : tag.replace(/\s*\/?>$/, (end) => `${written}${end}`)
}

function withFlag(tag: string, name: string, on: boolean): string {
  const without = tag.replace(new RegExp(`\\s${name}(?:="[^"]*")?(?=[\\s/>])`), '')
  return on ? without.replace(/\s*\/?>$/, (end) => ` ${name}${end}`) : without
}

const NOT_TYPED = new Set(['hidden', 'password', 'submit', 'button', 'reset', 'file', 'image'])

function fillFields(form: string, values: StashedValues): string {
  const all = (name: string): string[] => {
    const v = values[name]
    return v === undefined ? [] : Array.isArray(v) ? v : [v]
  }
  return form
    .replace(/<input\b[^>]*>/g, (tag) => {
      const name = attr(tag, 'name')
      const type = (attr(tag, 'type') ?? 'text').toLowerCase()
      if (!name || isSecretField(name) || NOT_TYPED.has(type)) return tag
      // A box or a choice left unticked is not sent: absent means not chosen.
      if (type === 'checkbox' || type === 'radio') return withFlag(tag, 'checked', all(name).includes(attr(tag, 'value') ?? 'on'))
      if (!(name in values)) return tag
      return withAttr(tag, 'value', all(name)[0] ?? '')
    })
    .replace(/(<textarea\b[^>]*>)([\s\S]*?)(<\/textarea>)/g, (whole, open: string, _content: string, close: string) => {
      const name = attr(open, 'name')
      if (!name || isSecretField(name) || !(name in values)) return whole
      return `${open}${escapeHtml(all(name)[0] ?? '')}${close}`
    })
    .replace(/(<select\b[^>]*>)([\s\S]*?)(<\/select>)/g, (whole, open: string, options: string, close: string) => {
      const name = attr(open, 'name')
      if (!name || isSecretField(name) || !(name in values)) return whole
      const chosen = all(name)
      return `${open}${options.replace(/<option\b[^>]*>/g, (tag) => withFlag(tag, 'selected', chosen.includes(attr(tag, 'value') ?? '')))}${close}`
    })
}

/**
 * The page with the form that posts to `action` filled with `values` (every form that does, if
 * several). `filled` says whether one was found.
 */
export function fillForm(page: string, action: string, values: StashedValues): { page: string; filled: boolean } {
  let filled = false
  const out = page.replace(/<form\b[^>]*>[\s\S]*?<\/form>/g, (form) => {
    const open = /^<form\b[^>]*>/.exec(form)![0]
    if ((attr(open, 'method') ?? 'get').toLowerCase() !== 'post' || attr(open, 'action') !== action) return form
    filled = true
    return fillFields(form, values)
  })
  return { page: out, filled }
}
