import { otherLang, type Lang } from '../../i18n/i18n.ts'

/**
 * Validators shared by every form of the portal, as pure functions. Each returns
 * the normalized value to store, or the reason it was refused; the zod schemas in
 * validators.schema.ts turn each reason into a catalog message.
 */

export type Check<T, E extends string> = { ok: true; value: T } | { ok: false; error: E }

const ok = <T>(value: T) => ({ ok: true as const, value })
const fail = <E extends string>(error: E) => ({ ok: false as const, error })

/** Spaces of every kind, including the no-break spaces French number formats use. */
const SPACES = /[\s\u00a0\u2007\u202f]+/g

// ---------------------------------------------------------------------------
// CRA business number

export type BusinessNumberError = 'required' | 'programAccount' | 'notDigits' | 'length' | 'checksum'

/** Luhn check over a string of digits whose last digit is the check digit. */
export function luhnValid(digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

/** The Luhn check digit that completes `payload` (used by tests and demo data). */
export function luhnCheckDigit(payload: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(payload + d)) return String(d)
  throw new Error('unreachable')
}

/**
 * The nine-digit CRA business number; the ninth digit is a Luhn check digit.
 * Spaces and hyphens are accepted and removed. A 15-character program account
 * (123456789 RT 0001) gets its own message: it is the most common mistake.
 */
export function checkBusinessNumber(input: string): Check<string, BusinessNumberError> {
  const s = input.replace(SPACES, '').replace(/-/g, '')
  if (s === '') return fail('required')
  if (/^\d{9}[A-Za-z]{2}\d{4}$/.test(s)) return fail('programAccount')
  if (!/^\d+$/.test(s)) return fail('notDigits')
  if (s.length !== 9) return fail('length')
  if (!luhnValid(s)) return fail('checksum')
  return ok(s)
}

// ---------------------------------------------------------------------------
// Canadian postal code

export type PostalCodeError = 'required' | 'format'

// First letter: no D, F, I, O, Q, U, W, Z; other letters: no D, F, I, O, Q, U.
const POSTAL = /^([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z])(\d[ABCEGHJ-NPRSTV-Z]\d)$/

/** A1A 1A1: upper case, one space; spaces and a hyphen in the input are accepted. */
export function checkPostalCode(input: string): Check<string, PostalCodeError> {
  const s = input.replace(SPACES, '').replace(/-/g, '').toUpperCase()
  if (s === '') return fail('required')
  const m = POSTAL.exec(s)
  if (!m) return fail('format')
  return ok(`${m[1]} ${m[2]}`)
}

// ---------------------------------------------------------------------------
// North American phone number

export type PhoneError = 'required' | 'format' | 'extension'

export interface Phone {
  /** +1 and ten digits, e.g. +16135551234. */
  number: string
  extension?: string
}

const EXTENSION = /^(.*?)[\s,;]*(?:ext\.?|extension|x|poste|p\.|#)\s*(\d*)\s*$/i

/**
 * A North American number (NANP): ten digits, optionally preceded by 1 or +1, in
 * any usual punctuation; an extension after "ext", "x", "poste" or "#" (1 to 6 digits).
 */
export function checkPhone(input: string): Check<Phone, PhoneError> {
  const trimmed = input.trim()
  if (trimmed === '') return fail('required')
  let main = trimmed
  let extension: string | undefined
  const ext = EXTENSION.exec(trimmed)
  if (ext) {
    main = ext[1] ?? ''
    if (!/^\d{1,6}$/.test(ext[2] ?? '')) return fail('extension')
    extension = ext[2]
  }
  if (!/^[\d\s().+\-\u00a0]+$/.test(main)) return fail('format')
  let digits = main.replace(/\D/g, '')
  if (main.trim().startsWith('+') && !digits.startsWith('1')) return fail('format')
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1)
  // Area code and exchange never start with 0 or 1.
  if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(digits)) return fail('format')
  return ok(extension ? { number: `+1${digits}`, extension } : { number: `+1${digits}` })
}

/** "+1 613-555-1234, ext. 12" / "+1 613-555-1234, poste 12". */
export function formatPhone(phone: Phone, lang: Lang): string {
  const d = phone.number.slice(2)
  const base = `+1 ${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6)}`
  return phone.extension ? `${base}, ${lang === 'fr' ? 'poste' : 'ext.'} ${phone.extension}` : base
}

/** A phone number as stored ("+16135551234;ext=12"), written as `formatPhone` writes it; nothing for none. */
export function formatStoredPhone(stored: string | null | undefined, lang: Lang): string {
  if (!stored) return ''
  const [number, extension] = stored.split(';ext=')
  return /^\+1\d{10}$/.test(number!) ? formatPhone({ number: number!, extension }, lang) : stored
}

/** A business number as people read it: "123 456 782" (nine digits in threes, joined by non-breaking spaces so a line never splits it); nothing for none. */
export function formatBusinessNumber(bn: string | null | undefined): string {
  return bn ? (/^\d{9}$/.test(bn) ? `${bn.slice(0, 3)}\u00a0${bn.slice(3, 6)}\u00a0${bn.slice(6)}` : bn) : ''
}

// ---------------------------------------------------------------------------
// Passport number

export type PassportError = 'required' | 'characters' | 'length'

/** Letters and digits, 6 to 12 once spaces and hyphens are removed; stored upper-case. */
export function checkPassportNumber(input: string): Check<string, PassportError> {
  const s = input.replace(SPACES, '').replace(/[-\u2010\u2011]/g, '').toUpperCase()
  if (s === '') return fail('required')
  if (!/^[A-Z0-9]+$/.test(s)) return fail('characters')
  if (s.length < 6 || s.length > 12) return fail('length')
  return ok(s)
}

// ---------------------------------------------------------------------------
// Person names

export type PersonNameError = 'required' | 'digits' | 'characters' | 'tooLong'

export const PERSON_NAME_MAX = 100

/**
 * A person's name in any script: letters (with their accents and combining marks),
 * apostrophes, hyphens, periods (initials) and spaces. Trimmed, inner spaces
 * collapsed, Unicode NFC. No digits, no control or other characters.
 */
export function checkPersonName(input: string): Check<string, PersonNameError> {
  const s = input.normalize('NFC').replace(SPACES, ' ').trim()
  if (s === '') return fail('required')
  if (/\p{Nd}/u.test(s)) return fail('digits')
  if (!/^[\p{L}\p{M}'’ʼ\-‐‑. ]+$/u.test(s) || !/\p{L}/u.test(s)) return fail('characters')
  if ([...s].length > PERSON_NAME_MAX) return fail('tooLong')
  return ok(s)
}

/**
 * A name reduced for comparison: accents stripped (NFD, marks removed), case-folded,
 * apostrophes and hyphens unified, spaces collapsed. "Élodie  Tremblay" and
 * "elodie tremblay" compare equal; "Bob" and "Robert" do not.
 */
export function normalizeNameForComparison(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .toLowerCase()
    .replace(/[’ʼ‘`]/g, "'")
    .replace(/[‐‑–—]/g, '-')
    .replace(SPACES, ' ')
    .trim()
}

/**
 * Two people's names are the same name: case, accents and stray spaces aside, and a hyphen, an apostrophe
 * and a space between parts alike ("tremblay roy" is "Tremblay-Roy", "D Amours" is "D’Amours").
 */
export function namesMatch(a: string, b: string): boolean {
  const parts = (name: string) => normalizeNameForComparison(name).replace(/\s*['-]+\s*|\s+/g, ' ').trim()
  return parts(a) === parts(b)
}

// ---------------------------------------------------------------------------
// Free-text answers: "see attached" is grounds for refusal

/** The text reduced to lower-case ASCII words for matching. */
function foldForPhrases(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’ʼ‘`]/g, "'")
    .replace(/[^a-z0-9/' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const REFUSED_ANSWERS: readonly RegExp[] = [
  // English: "see attached", "please see the attached document", "refer to attachment", "as attached"
  /^(please )?(see|refer to|refer|per|as per|as) (the )?(attached|attachment|attachments|enclosed|enclosure|annex|appendix)( (document|documents|file|files|letter|pdf|sheet|list))?$/,
  /^(please )?(see|refer to) (the )?(attached|enclosed) (document|documents|file|files|letter|pdf|sheet|list)$/,
  /^(attached|enclosed|in attachment|see above|see below|same as above|as above)$/,
  // Not applicable, alone
  // ("None" and "Aucun" are left alone: for licences or experience they can be true answers.)
  /^(n ?\/? ?a|na|not applicable)$/,
  // French: "voir pièce jointe", "voir ci-joint", "voir le document ci-joint", "voir annexe"
  /^(veuillez )?(voir|consulter|se referer a|referez vous a|se reporter a) (la |les |le |l'|en )?(piece jointe|pieces jointes|pj|p j|ci joint|ci jointe|ci joints|annexe|document ci joint|document joint|documents joints|fichier joint)$/,
  /^(ci joint|ci jointe|en piece jointe|voir ci dessus|voir plus haut)$/,
  /^(s\/o|s o|sans objet|ne s'applique pas)$/,
]

/**
 * True when a free-text answer only points elsewhere ("see attached", "voir pièce
 * jointe") or says "n/a" alone. An explanation that also mentions an attachment is fine.
 */
export function isSeeAttachedAnswer(text: string): boolean {
  // Only punctuation ("-", "...", "?") is no answer either; text in any script is.
  if (text.trim() !== '' && !/[\p{L}\p{N}]/u.test(text)) return true
  const folded = foldForPhrases(text)
  if (folded === '') return false
  return REFUSED_ANSWERS.some((re) => re.test(folded))
}

// ---------------------------------------------------------------------------
// Money in integer cents

export type MoneyError = 'required' | 'format' | 'negative' | 'tooManyDecimals' | 'tooLarge'

/** The largest amount the portal accepts: ten million dollars. */
export const MONEY_MAX_CENTS = 1_000_000_000

/**
 * Parses an amount typed by a person into integer cents, never through floating
 * point. English: "1,234.56", "$1234.5"; French: "1 234,56 $", "1234,56", and a
 * decimal point is accepted too. Thousands separators must group by three.
 */
export function parseMoneyToCents(input: string, lang: Lang): Check<number, MoneyError> {
  let s = input.trim()
  if (s === '') return fail('required')
  s = s.replace(/^(CA\$|C\$|\$CA|CAD|\$)\s*/i, '').replace(/\s*(CA\$|C\$|\$CA|CAD|\$)$/i, '').trim()
  if (/^[-−(]/.test(s)) return fail('negative')
  s = s.replace(/^\+/, '')
  let intPart: string
  let frac = ''
  if (lang === 'fr') {
    // Thousands: spaces (any kind); decimal: comma, or a point when there is no comma.
    const m = /^(\d{1,3}(?:[\s\u00a0\u202f]\d{3})+|\d+)(?:[,.](\d*))?$/.exec(s)
    if (!m) return /^\d[\d\s\u00a0\u202f]*[,.]\d{3,}$/.test(s) ? fail('tooManyDecimals') : fail('format')
    intPart = m[1]!.replace(/\D/g, '')
    frac = m[2] ?? ''
  } else {
    const m = /^(\d{1,3}(?:,\d{3})+|\d{1,3}(?:[\s\u00a0\u202f]\d{3})+|\d+)(?:\.(\d*))?$/.exec(s)
    if (!m) return /^\d[\d,]*\.\d{3,}$/.test(s) ? fail('tooManyDecimals') : fail('format')
    intPart = m[1]!.replace(/\D/g, '')
    frac = m[2] ?? ''
  }
  if (frac.length > 2) return fail('tooManyDecimals')
  const digits = intPart.replace(/^0+(?=\d)/, '')
  if (digits.length > 10) return fail('tooLarge')
  const cents = Number(digits) * 100 + Number(frac.padEnd(2, '0'))
  if (cents > MONEY_MAX_CENTS) return fail('tooLarge')
  return ok(cents)
}

/**
 * An amount as either language writes it: `lang`'s reading first, then the other language's.
 * The two never read one text as two different amounts (English groups thousands by three with
 * commas and takes a point for the cents; French takes a comma or a point for the cents), so an
 * amount typed on a page in one language means the same on a page in the other. When neither
 * reads it, the error is `lang`'s.
 */
export function parseMoneyInEitherLanguage(input: string, lang: Lang): Check<number, MoneyError> {
  const r = parseMoneyToCents(input, lang)
  if (r.ok) return r
  const other = parseMoneyToCents(input, otherLang(lang))
  return other.ok ? other : r
}

const moneyFormats: Record<Lang, Intl.NumberFormat> = {
  en: new Intl.NumberFormat('en-CA', { style: 'currency', currency: 'CAD' }),
  fr: new Intl.NumberFormat('fr-CA', { style: 'currency', currency: 'CAD' }),
}

/** "$230.00" in English, "230,00 $" in French (with no-break spaces, as Canadian French writes it). */
export function formatMoney(cents: number, lang: Lang): string {
  return moneyFormats[lang].format(cents / 100)
}

/** An amount to put back in a form field: "1234.56" / "1234,56". */
export function moneyInputValue(cents: number, lang: Lang): string {
  const s = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
  return lang === 'fr' ? s.replace('.', ',') : s
}

// ---------------------------------------------------------------------------
// Hours per week

export type HoursError = 'required' | 'format' | 'range'

export const HOURS_MIN = 1
export const HOURS_MAX = 84

/** Hours of work per week, 1 to 84, with up to two decimals (37.5 or 37,5). */
export function checkHoursPerWeek(input: string): Check<number, HoursError> {
  const s = input.trim()
  if (s === '') return fail('required')
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(s)
  if (!m) return fail('format')
  const hundredths = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
  if (hundredths < HOURS_MIN * 100 || hundredths > HOURS_MAX * 100) return fail('range')
  return ok(hundredths / 100)
}
