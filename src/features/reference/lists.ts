// The library without its 80 languages' names (its main entry registers them all: ~1.5 MB of
// heap in every process); English and French are registered below.
import countries from 'i18n-iso-countries/index.js'
import enCountries from 'i18n-iso-countries/langs/en.json' with { type: 'json' }
import frCountries from 'i18n-iso-countries/langs/fr.json' with { type: 'json' }
import type { Lang } from '../../i18n/i18n.ts'
import type { Localized } from './exemption-codes.ts'

/**
 * Small bilingual lists the forms share: countries (ISO 3166-1), provinces and
 * territories, wage units, education levels and languages. Each item has a
 * stable `code` (what is stored) and its names in English and French.
 */

countries.registerLocale(enCountries)
countries.registerLocale(frCountries)

export interface Item<C extends string = string> {
  code: C
  name: Localized
}

export interface SelectOption {
  value: string
  text: string
}

const collators: Record<Lang, Intl.Collator> = {
  en: new Intl.Collator('en-CA', { sensitivity: 'base' }),
  fr: new Intl.Collator('fr-CA', { sensitivity: 'base' }),
}

/**
 * A list's options for each language, made once on first use: the lists never change, and
 * sorting with a collator on every page cost more than drawing the page's fields. The
 * arrays are shared: callers read them and never change them.
 */
function perLang(make: (lang: Lang) => SelectOption[]): (lang: Lang) => SelectOption[] {
  const made: Partial<Record<Lang, SelectOption[]>> = {}
  return (lang) => (made[lang] ??= make(lang))
}

/** Options sorted by name with the language's collation ("Égypte" sorts with E in French). */
export function sortedOptions(items: readonly Item[], lang: Lang): SelectOption[] {
  return items.map((i) => ({ value: i.code, text: i.name[lang] })).sort((a, b) => collators[lang].compare(a.text, b.text))
}

function optionsInOrder(items: readonly Item[], lang: Lang): SelectOption[] {
  return items.map((i) => ({ value: i.code, text: i.name[lang] }))
}

// ---------------------------------------------------------------------------
// Countries (ISO 3166-1 alpha-2)

/**
 * The library's French names as Canadian French writes them: its capitals inside names lower case
 * (« Émirats arabes unis »), and the names it gets wrong. Its straight apostrophes become ’ in both
 * languages (« Côte d’Ivoire », "People’s Republic of China"), as every message writes them.
 */
const FRENCH_COUNTRY_NAMES: Readonly<Record<string, string>> = {
  AE: 'Émirats arabes unis',
  CF: 'République centrafricaine',
  CI: 'Côte d’Ivoire',
  CZ: 'République tchèque',
  DO: 'République dominicaine',
  GS: 'Géorgie du Sud-et-les îles Sandwich du Sud',
  IO: 'Territoire britannique de l’océan Indien',
  SA: 'Arabie saoudite',
  SJ: 'Svalbard et île Jan Mayen',
  VG: 'Îles Vierges britanniques',
  VI: 'Îles Vierges américaines',
}

function typographic(names: Record<string, string>, corrected: Readonly<Record<string, string>> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(names).map(([code, name]) => [code, corrected[code] ?? name.replace(/'/g, '’')]))
}

const countryNames: Record<Lang, Record<string, string>> = {
  en: typographic(countries.getNames('en', { select: 'official' })),
  fr: typographic(countries.getNames('fr', { select: 'official' }), FRENCH_COUNTRY_NAMES),
}

export const COUNTRIES: readonly Item[] = Object.keys(countryNames.en)
  .filter((code) => countryNames.fr[code])
  .map((code) => ({ code, name: { en: countryNames.en[code]!, fr: countryNames.fr[code]! } }))

const countryCodes = new Set(COUNTRIES.map((c) => c.code))

export function isCountryCode(code: string): boolean {
  return countryCodes.has(code)
}

export function countryName(code: string, lang: Lang): string | undefined {
  return countryCodes.has(code) ? countryNames[lang][code] : undefined
}

/** Every country, sorted by its name in `lang`. */
export const countryOptions = perLang((lang) => sortedOptions(COUNTRIES, lang))

// ---------------------------------------------------------------------------
// Provinces and territories (Canada Post abbreviations)

export const PROVINCES = [
  { code: 'AB', name: { en: 'Alberta', fr: 'Alberta' } },
  { code: 'BC', name: { en: 'British Columbia', fr: 'Colombie-Britannique' } },
  { code: 'MB', name: { en: 'Manitoba', fr: 'Manitoba' } },
  { code: 'NB', name: { en: 'New Brunswick', fr: 'Nouveau-Brunswick' } },
  { code: 'NL', name: { en: 'Newfoundland and Labrador', fr: 'Terre-Neuve-et-Labrador' } },
  { code: 'NS', name: { en: 'Nova Scotia', fr: 'Nouvelle-Écosse' } },
  { code: 'NT', name: { en: 'Northwest Territories', fr: 'Territoires du Nord-Ouest' } },
  { code: 'NU', name: { en: 'Nunavut', fr: 'Nunavut' } },
  { code: 'ON', name: { en: 'Ontario', fr: 'Ontario' } },
  { code: 'PE', name: { en: 'Prince Edward Island', fr: 'Île-du-Prince-Édouard' } },
  { code: 'QC', name: { en: 'Quebec', fr: 'Québec' } },
  { code: 'SK', name: { en: 'Saskatchewan', fr: 'Saskatchewan' } },
  { code: 'YT', name: { en: 'Yukon', fr: 'Yukon' } },
] as const satisfies readonly Item[]

export type ProvinceCode = (typeof PROVINCES)[number]['code']
export const PROVINCE_CODES = PROVINCES.map((p) => p.code) as readonly ProvinceCode[]

export function isProvinceCode(code: string): code is ProvinceCode {
  return (PROVINCE_CODES as readonly string[]).includes(code)
}

export function provinceName(code: string, lang: Lang): string | undefined {
  return PROVINCES.find((p) => p.code === code)?.name[lang]
}

/**
 * An address on one line, as each language writes it: "1 Main St, Ottawa, Ontario K1A 0B1" /
 * « 1 Main St, Ottawa (Ontario) K1A 0B1 ».
 */
export function formatAddress(a: { street: string | null; city: string | null; province: string | null; postalCode: string | null }, lang: Lang): string {
  const province = a.province ? (provinceName(a.province, lang) ?? a.province) : ''
  const place = lang === 'fr' ? [a.city, province && `(${province})`].filter(Boolean).join(' ') : [a.city, province].filter(Boolean).join(', ')
  const line = [a.street, place].filter(Boolean).join(', ')
  return [line, a.postalCode].filter(Boolean).join(' ')
}

export const provinceOptions = perLang((lang) => sortedOptions(PROVINCES, lang))

/** The first letter(s) of postal codes in each province or territory (Canada Post). */
export const POSTAL_PREFIXES: Readonly<Record<ProvinceCode, string>> = {
  NL: 'A',
  NS: 'B',
  PE: 'C',
  NB: 'E',
  QC: 'GHJ',
  ON: 'KLMNP',
  MB: 'R',
  SK: 'S',
  AB: 'T',
  BC: 'V',
  NU: 'X',
  NT: 'X',
  YT: 'Y',
}

/** True when a normalized postal code (A1A 1A1) can belong to the province. */
export function postalCodeFitsProvince(postalCode: string, province: ProvinceCode): boolean {
  return POSTAL_PREFIXES[province].includes(postalCode.charAt(0).toUpperCase())
}

// ---------------------------------------------------------------------------
// Wage units

export const WAGE_UNITS = [
  { code: 'hour', name: { en: 'per hour', fr: 'par heure' } },
  { code: 'week', name: { en: 'per week', fr: 'par semaine' } },
  { code: 'month', name: { en: 'per month', fr: 'par mois' } },
  { code: 'year', name: { en: 'per year', fr: 'par année' } },
] as const satisfies readonly Item[]

export type WageUnit = (typeof WAGE_UNITS)[number]['code']

export const wageUnitOptions = perLang((lang) => optionsInOrder(WAGE_UNITS, lang))

// ---------------------------------------------------------------------------
// Education levels (lowest to highest)

export const EDUCATION_LEVELS = [
  { code: 'none', name: { en: 'No formal education required', fr: 'Aucune scolarité officielle exigée' } },
  { code: 'secondary', name: { en: 'Secondary (high) school diploma', fr: 'Diplôme d’études secondaires' } },
  { code: 'trade', name: { en: 'Trade certificate or apprenticeship', fr: 'Certificat de métier ou apprentissage' } },
  { code: 'college', name: { en: 'College, CEGEP or other non-university diploma', fr: 'Diplôme d’études collégiales, du cégep ou autre diplôme non universitaire' } },
  { code: 'university-below-bachelor', name: { en: 'University certificate or diploma below bachelor’s level', fr: 'Certificat ou diplôme universitaire inférieur au baccalauréat' } },
  { code: 'bachelor', name: { en: 'Bachelor’s degree', fr: 'Baccalauréat' } },
  { code: 'professional', name: { en: 'Degree in medicine, dentistry, veterinary medicine or optometry', fr: 'Diplôme en médecine, en médecine dentaire, en médecine vétérinaire ou en optométrie' } },
  { code: 'master', name: { en: 'Master’s degree', fr: 'Maîtrise' } },
  { code: 'doctorate', name: { en: 'Doctorate (PhD)', fr: 'Doctorat' } },
] as const satisfies readonly Item[]

export type EducationLevel = (typeof EDUCATION_LEVELS)[number]['code']

export const educationOptions = perLang((lang) => optionsInOrder(EDUCATION_LEVELS, lang))

// ---------------------------------------------------------------------------
// Languages for job requirements (ISO 639-1 where one exists)

export const JOB_LANGUAGES = [
  { code: 'en', name: { en: 'English', fr: 'Anglais' } },
  { code: 'fr', name: { en: 'French', fr: 'Français' } },
  { code: 'ar', name: { en: 'Arabic', fr: 'Arabe' } },
  { code: 'zh-yue', name: { en: 'Cantonese', fr: 'Cantonais' } },
  { code: 'zh-cmn', name: { en: 'Mandarin', fr: 'Mandarin' } },
  { code: 'de', name: { en: 'German', fr: 'Allemand' } },
  { code: 'el', name: { en: 'Greek', fr: 'Grec' } },
  { code: 'hi', name: { en: 'Hindi', fr: 'Hindi' } },
  { code: 'it', name: { en: 'Italian', fr: 'Italien' } },
  { code: 'ja', name: { en: 'Japanese', fr: 'Japonais' } },
  { code: 'ko', name: { en: 'Korean', fr: 'Coréen' } },
  { code: 'fa', name: { en: 'Persian (Farsi)', fr: 'Persan (farsi)' } },
  { code: 'pl', name: { en: 'Polish', fr: 'Polonais' } },
  { code: 'pt', name: { en: 'Portuguese', fr: 'Portugais' } },
  { code: 'pa', name: { en: 'Punjabi', fr: 'Pendjabi' } },
  { code: 'ru', name: { en: 'Russian', fr: 'Russe' } },
  { code: 'es', name: { en: 'Spanish', fr: 'Espagnol' } },
  { code: 'tl', name: { en: 'Tagalog (Filipino)', fr: 'Tagalog (filipino)' } },
  { code: 'ta', name: { en: 'Tamil', fr: 'Tamoul' } },
  { code: 'uk', name: { en: 'Ukrainian', fr: 'Ukrainien' } },
  { code: 'ur', name: { en: 'Urdu', fr: 'Ourdou' } },
  { code: 'vi', name: { en: 'Vietnamese', fr: 'Vietnamien' } },
  { code: 'asl', name: { en: 'American Sign Language', fr: 'Langue des signes américaine' } },
  { code: 'lsq', name: { en: 'Quebec Sign Language', fr: 'Langue des signes québécoise' } },
  { code: 'other', name: { en: 'Other language', fr: 'Autre langue' } },
] as const satisfies readonly Item[]

export type JobLanguage = (typeof JOB_LANGUAGES)[number]['code']

/** English and French first (the official languages), then the others by name in `lang`, "Other" last. */
export const jobLanguageOptions = perLang((lang) => {
  const official = JOB_LANGUAGES.slice(0, 2)
  const others = JOB_LANGUAGES.filter((l) => l.code !== 'en' && l.code !== 'fr' && l.code !== 'other')
  const other = JOB_LANGUAGES.filter((l) => l.code === 'other')
  return [...optionsInOrder(official, lang), ...sortedOptions(others, lang), ...optionsInOrder(other, lang)]
})
