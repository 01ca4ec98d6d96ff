import { catalogs, type MessageKey } from './catalog.ts'
import { LANGS, type Lang, type MessageTree } from './define.ts'

export { LANGS, type Lang } from './define.ts'
export type { MessageKey } from './catalog.ts'

export type MessageParams = Record<string, string | number>
export type Translate = (key: MessageKey, params?: MessageParams) => string

export class MissingMessageError extends Error {
  constructor(lang: Lang, key: string) {
    super(`Missing ${lang} message: ${key}`)
    this.name = 'MissingMessageError'
  }
}

const flat: Record<Lang, Map<string, string>> = { en: new Map(), fr: new Map() }
function flatten(tree: MessageTree, prefix: string, into: Map<string, string>): void {
  for (const [k, v] of Object.entries(tree)) {
    if (typeof v === 'string') into.set(prefix + k, v)
    else flatten(v, `${prefix}${k}.`, into)
  }
}
for (const lang of LANGS) flatten(catalogs[lang], '', flat[lang])

/** All keys of one language, for the parity test. */
export function messageKeys(lang: Lang): string[] {
  return [...flat[lang].keys()]
}

export function isMessageKey(key: string): key is MessageKey {
  return flat.en.has(key)
}

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'fr'
}

/**
 * Looks a message up and fills `{name}` placeholders. A missing key throws
 * (pay-frontend's rule): a raw key on a page is a bug the tests must see.
 */
export function translate(lang: Lang, key: MessageKey | string, params?: MessageParams): string {
  const text = flat[lang].get(key)
  if (text === undefined) throw new MissingMessageError(lang, key)
  if (!params) return text
  const parts = pieces.get(text) ?? piecesOf(text)
  let out = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!
    const value = name in params ? String(params[name]) : `{${name}}`
    const after = parts[i + 1]!
    // A value that ends a sentence with its own period ("Inc.", "6:30 a.m.", a reason typed with one) takes no second one.
    out += value + (after.charCodeAt(0) === 46 && value.charCodeAt(value.length - 1) === 46 ? after.slice(1) : after)
  }
  return out
}

/**
 * Each message with placeholders, split once at them: the text before the first, then each
 * placeholder's name and the text after it. Filling the pieces in costs a fraction of a
 * replace with a function (a list renders a subject per row). Bounded by the catalogue.
 */
const pieces = new Map<string, readonly string[]>()
function piecesOf(text: string): readonly string[] {
  const parts = text.split(/\{(\w+)\}/)
  pieces.set(text, parts)
  return parts
}

export function translator(lang: Lang): Translate {
  return (key, params) => translate(lang, key, params)
}

export function otherLang(lang: Lang): Lang {
  return lang === 'en' ? 'fr' : 'en'
}

/** Picks en or fr from an Accept-Language header by quality; English when neither is named. */
export function langFromAcceptLanguage(header: string | undefined): Lang {
  if (!header) return 'en'
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';')
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
      return { base: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1 }
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q)
  for (const r of ranked) if (r.base === 'en' || r.base === 'fr') return r.base
  return 'en'
}
