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
  const elidable = lang === 'fr' ? (elisions.get(text) ?? elisionsOf(text, parts)) : undefined
  let out = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    const name = parts[i]!
    const value = name in params ? String(params[name]) : `{${name}}`
    const after = parts[i + 1]!
    // « de Étienne » → « d’Étienne », « que Acme » → « qu’Acme »: the word before ends the text so far with its 'e' and a space.
    if (elidable?.[i] && VOWEL_START.test(value)) out = `${out.slice(0, -2)}’`
    // A value that ends a sentence with its own period ("Inc.", "6:30 a.m.", a reason typed with one) takes no second one.
    out += value + (after.charCodeAt(0) === 46 && value.charCodeAt(value.length - 1) === 46 ? after.slice(1) : after)
  }
  return out
}

/**
 * French elides "de" and "que" (and lorsque, puisque, jusque) before a vowel: a name or a business
 * filled in after them must be written « d’Étienne », « qu’Acme ». A value beginning with a vowel
 * letter is elided before; a Y only before a consonant (d’Yves, de Yannick). An h cannot be told
 * (d’Hélène, de Hollande): it is left as written, and messages where a person's name follows are
 * worded to need no elision.
 */
const VOWEL_START = /^(?:[aeiouàâäéèêëîïôöùûüœæ]|y[^aeiouyàâäéèêëîïôöùûü])/iu
const ELIDING_WORD = /(?:^|[\s(«\u00a0'’])(?:de|que|lorsque|puisque|jusque) $/i

/** Per French message, which placeholders (by their index in its pieces) follow a word that elides. */
const elisions = new Map<string, readonly boolean[]>()
const NONE: readonly boolean[] = []
function elisionsOf(text: string, parts: readonly string[]): readonly boolean[] {
  const at: boolean[] = []
  let any = false
  let before = parts[0]!
  for (let i = 1; i < parts.length; i += 2) {
    at[i] = ELIDING_WORD.test(before)
    any ||= at[i]!
    before = parts[i + 1]!
  }
  const found = any ? at : NONE
  elisions.set(text, found)
  return found
}

/** The plural categories a message is written in: `<key>_one` and `<key>_other` (French: 0 and 1 are "one"). */
const pluralRules: Record<Lang, Intl.PluralRules> = { en: new Intl.PluralRules('en-CA'), fr: new Intl.PluralRules('fr-CA') }

/** A message key written once per plural form: the part before `_one` and `_other`. */
export type PluralKey = PluralBase<MessageKey>
type PluralBase<K> = K extends `${infer Base}_other` ? (`${Base}_one` extends MessageKey ? Base : never) : never

/** The form of `base` to use for `count`: `t(pluralKey(lang, 'notifications.unreadCount', n), { count: n })`. */
export function pluralKey(lang: Lang, base: PluralKey, count: number): MessageKey {
  return `${base}_${isOne(lang, count) ? 'one' : 'other'}` as MessageKey
}

/**
 * Whether `count` takes the "one" form. `Intl.PluralRules.select` costs ~10 µs a call (ICU; the
 * signed-in pages' badge asks on every page, docs/performance.md, session 34): its answers for
 * the small whole numbers counts are are kept per language.
 */
const KEPT_COUNTS = 1024
const oneForms: Record<Lang, Array<boolean | undefined>> = { en: [], fr: [] }
function isOne(lang: Lang, count: number): boolean {
  const small = Number.isInteger(count) && count >= 0 && count < KEPT_COUNTS
  const kept = small ? oneForms[lang][count] : undefined
  if (kept !== undefined) return kept
  const one = pluralRules[lang].select(count) === 'one'
  if (small) oneForms[lang][count] = one
  return one
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

/** Something written in each language: a notification's value, the two halves of a bilingual PDF's text. */
export interface Bilingual {
  en: string
  fr: string
}

/** A value written in each language by `write`. */
export function eachLanguage(write: (lang: Lang) => string): Bilingual {
  return { en: write('en'), fr: write('fr') }
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
