import { translate, type Lang, type MessageKey } from '../../i18n/i18n.ts'
import { ENTREPRENEUR_NOC, exemptionByCode, exemptionOptionGroups, isOpenExemption } from '../reference/exemption-codes.ts'
import { countryOptions, educationOptions, isCountryCode, isProvinceCode, jobLanguageOptions, POSTAL_PREFIXES, postalCodeFitsProvince, PROVINCE_CODES, provinceName, provinceOptions, wageUnitOptions } from '../reference/lists.ts'
import { knownOccupation, occupationTitle } from '../reference/noc-list.ts'
import { checkHoursPerWeek, checkPassportNumber, checkPersonName, checkPostalCode, formatMoney, HOURS_MIN, isSeeAttachedAnswer, moneyInputValue, parseMoneyInEitherLanguage } from '../reference/validators.ts'
import type { Answers } from './offers.tables.ts'

/**
 * The offer form as data: sections in order, each a list of fields. One renderer
 * and one validator serve every section, so a field is added in one place. Labels,
 * help and "required" messages are `offers.fields.<name>.*` in both languages.
 */
export type FieldKind = 'text' | 'textarea' | 'select' | 'checkboxes' | 'checkbox' | 'date' | 'number'

export interface Choice {
  value: string
  text: string
}

export interface FieldDef {
  name: string
  kind: FieldKind
  /** Optional fields may be left empty (required is the default). */
  optional?: boolean
  /** For an optional field: the answers that make it required after all (a second address when there is one). */
  requiredWhen?: (all: Answers) => boolean
  max?: number
  width?: '20' | '10' | '5' | '4' | '3' | '2'
  inputmode?: 'numeric' | 'decimal'
  autocomplete?: string
  choices?: (lang: Lang) => Choice[]
  groups?: (lang: Lang) => Array<{ label: string; options: Choice[] }>
  /** Checks a non-empty answer; returns a message key (with params) when it is wrong. */
  check?: (value: string, all: Answers, lang: Lang, today: string) => Problem | undefined
  /** The answer as kept, from what was typed (an amount in one form every language reads); what it cannot read is kept as typed. */
  kept?: (value: string) => string
  /** A kept answer put back in its form field, written as the reader's language writes it. */
  shown?: (value: string, lang: Lang) => string
  /** A kept answer as a person reads it in summaries and the PDF (an occupation with its title and TEER, hours in the reader's format). */
  read?: (value: string, lang: Lang) => string
}

export type Problem = MessageKey | [MessageKey, Record<string, string | number>]

export const SECTION_IDS = ['exemption', 'business', 'job', 'requirements', 'wage', 'worker', 'attestations'] as const
export type SectionId = (typeof SECTION_IDS)[number]

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
function realDate(value: string): boolean {
  const m = ISO_DATE.exec(value.trim())
  if (!m) return false
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value.trim()
}
/** The youngest a worker named on an offer may be: the usual minimum age of employment in the provinces. */
const MIN_WORKER_AGE = 14
/** Older than this, a date of birth is a typing mistake. */
const MAX_WORKER_AGE = 120
/** The same calendar day `years` earlier, as 'YYYY-MM-DD' (compared as text: 29 February stays, which orders correctly). */
const yearsBefore = (day: string, years: number) => `${String(Number(day.slice(0, 4)) - years).padStart(4, '0')}${day.slice(4)}`
/** A date of birth a worker can have: in the past, at least MIN_WORKER_AGE today, at most MAX_WORKER_AGE. */
const dateOfBirth = (v: string, _a: Answers, _l: Lang, today: string): Problem | undefined => {
  if (!realDate(v)) return 'offers.e_date'
  if (v >= today) return 'offers.e_birthFuture'
  if (v > yearsBefore(today, MIN_WORKER_AGE)) return ['offers.e_birthTooYoung', { min: MIN_WORKER_AGE }]
  if (v <= yearsBefore(today, MAX_WORKER_AGE + 1)) return ['offers.e_birthTooOld', { max: MAX_WORKER_AGE }]
  return undefined
}
const freeText = (value: string): Problem | undefined => (isSeeAttachedAnswer(value) ? 'reference.validation.answerSeeAttached' : undefined)
const NAME_PROBLEMS = { required: 'reference.validation.nameRequired', digits: 'reference.validation.nameDigits', characters: 'reference.validation.nameCharacters', tooLong: 'reference.validation.nameTooLong' } as const
const personName = (v: string): Problem | undefined => {
  const r = checkPersonName(v)
  return r.ok ? undefined : NAME_PROBLEMS[r.error]
}
const passport = (v: string): Problem | undefined => {
  const r = checkPassportNumber(v)
  return r.ok ? undefined : r.error === 'length' ? 'reference.validation.passportLength' : 'reference.validation.passportCharacters'
}
const MONEY_PROBLEMS = { required: 'reference.validation.moneyRequired', format: 'reference.validation.moneyFormat', negative: 'reference.validation.moneyNegative', tooManyDecimals: 'reference.validation.moneyDecimals', tooLarge: 'reference.validation.moneyTooLarge' } as const
// An amount typed on a page in either language is the same amount on every page (French "45,50" is
// English "45.50"): it is read in the reader's language, else in the other; the error is the reader's.
/**
 * The least a wage may come to an hour, with the job's hours of work: a fraction of every minimum
 * wage in Canada, so no real wage is refused, while an amount entered for the wrong period
 * ("28.50 per year", "1.50 per year") is. PRODUCT.md sets no rule of its own.
 */
export const WAGE_FLOOR_CENTS_PER_HOUR = 500
const WEEKS_IN: Record<string, number> = { week: 1, month: 52 / 12, year: 52 }
const wage = (v: string, all: Answers, lang: Lang): Problem | undefined => {
  const r = parseMoneyInEitherLanguage(v, lang)
  if (!r.ok) return MONEY_PROBLEMS[r.error]
  if (r.value <= 0) return 'offers.e_wageZero'
  const unit = answer(all, 'wage', 'wageUnit')
  // Hours not given (or not valid) yet: the fewest a job may have, so the amount is never refused for them.
  const hours = checkHoursPerWeek(answer(all, 'job', 'hoursPerWeek'))
  const hoursInPeriod = unit === 'hour' ? 1 : Object.hasOwn(WEEKS_IN, unit) ? WEEKS_IN[unit]! * (hours.ok ? hours.value : HOURS_MIN) : undefined
  if (hoursInPeriod !== undefined && r.value / hoursInPeriod < WAGE_FLOOR_CENTS_PER_HOUR) return ['offers.e_wageImplausible', { min: formatMoney(WAGE_FLOOR_CENTS_PER_HOUR, lang) }]
  return undefined
}
/** An amount in its field as the reader's language writes it: "1234.56", "1234,56"; what neither language reads stays as typed. */
const moneyShown = (v: string, lang: Lang): string => {
  const r = parseMoneyInEitherLanguage(v, lang)
  return r.ok ? moneyInputValue(r.value, lang) : v
}
/** An amount as kept: "1234.56", which both languages read; what neither reads stays as typed (with its error). */
const moneyKept = (v: string): string => moneyShown(v, 'en')
/** Hours as kept: "37.5" (from "37,5" or "37.50"), which both languages read; what is not hours stays as typed. */
const hoursKept = (v: string): string => {
  const r = checkHoursPerWeek(v)
  return r.ok ? String(r.value) : v
}
/** Hours as the reader's language writes them: "37.5", "37,5". */
const hoursShown = (v: string, lang: Lang): string => {
  const r = checkHoursPerWeek(v)
  return r.ok && lang === 'fr' ? String(r.value).replace('.', ',') : r.ok ? String(r.value) : v
}
/** A postal code as kept: "H2X 1Y4" (from "h2x1y4"); what is not one stays as typed. */
const postalCodeKept = (v: string): string => {
  const r = checkPostalCode(v)
  return r.ok ? r.value : v
}
/** A passport number as kept: upper case, without spaces or hyphens ("c1234567" → "C1234567"). */
const passportKept = (v: string): string => {
  const r = checkPassportNumber(v)
  return r.ok ? r.value : v
}
const answer = (all: Answers, section: SectionId, field: string): string => {
  const v = all[section]?.[field]
  return typeof v === 'string' ? v.trim() : ''
}
const isEntrepreneur = (all: Answers) => exemptionByCode(answer(all, 'exemption', 'exemptionCode'))?.entrepreneur === true

const attestation = (name: string): FieldDef => ({ name, kind: 'checkbox' })
const choicesOf =
  (values: readonly string[], prefix: string) =>
  (lang: Lang): Choice[] =>
    values.map((value) => ({ value, text: translate(lang, `${prefix}${value}` as MessageKey) }))
const oneOf = (values: readonly string[]) => (v: string) => (values.includes(v) ? undefined : 'offers.e_choice')
export const FEE_EXEMPTIONS = ['none', 'employer', 'worker'] as const
const YES_NO = ['no', 'yes'] as const
const SEXES = ['F', 'M', 'X'] as const
const hasSecondLocation = (all: Answers) => answer(all, 'job', 'additionalLocation') === 'yes'
const ticked = (section: SectionId, field: string, value: string) => (all: Answers) => {
  const v = all[section]?.[field]
  return Array.isArray(v) ? v.includes(value) : v === value
}
const province = (v: string) => ((PROVINCE_CODES as readonly string[]).includes(v) ? undefined : 'offers.e_choice')
const listFormats = { en: new Intl.ListFormat('en-CA', { type: 'disjunction' }), fr: new Intl.ListFormat('fr-CA', { type: 'disjunction' }) }
/** A postal code, whose first letter must be one of its province's (Canada Post: K1A is Ontario's, not Quebec's). */
const postalCodeIn =
  (provinceField: string) =>
  (v: string, all: Answers, lang: Lang): Problem | undefined => {
    const r = checkPostalCode(v)
    if (!r.ok) return 'reference.validation.postalCodeFormat'
    const p = answer(all, 'job', provinceField)
    if (!isProvinceCode(p) || postalCodeFitsProvince(r.value, p)) return undefined
    return ['offers.e_postalProvince', { province: provinceName(p, lang)!, letters: listFormats[lang].format([...POSTAL_PREFIXES[p]]) }]
  }
/**
 * The occupation code: five digits in the NOC 2021 list (reference/noc-list.ts); entrepreneurs'
 * 88888, which is not in it, only for them.
 */
const nocCode = (v: string, all: Answers): Problem | undefined => {
  if (!/^\d{5}$/.test(v)) return 'offers.e_noc'
  if (isEntrepreneur(all)) return v !== ENTREPRENEUR_NOC ? 'offers.e_entrepreneurNoc' : undefined
  return knownOccupation(v) ? undefined : ['offers.e_nocUnknown', { code: v }]
}
/** "62200 Chefs (TEER 2)", « 62200 Chefs (FEER 2) »: the code with its occupation's title and TEER category. */
const nocRead = (v: string, lang: Lang): string => {
  const o = knownOccupation(v)
  return o ? `${o.code} ${occupationTitle(o, lang)} (${translate(lang, 'offers.teerOf', { teer: o.teer })})` : v
}
/** Places nobody lives in for good (ISO 3166 lists them for maps and addresses): no one holds their citizenship. */
const NO_CITIZENS = new Set(['AQ', 'BV', 'GS', 'HM', 'TF', 'UM'])
const CANADA = 'CA'
const citizenshipLists: Partial<Record<Lang, Choice[]>> = {}
/** Countries a foreign national can be a citizen of: not Canada (a Canadian needs no offer), not the uninhabited places. */
const citizenshipOptions = (lang: Lang): Choice[] => (citizenshipLists[lang] ??= countryOptions(lang).filter((c) => c.value !== CANADA && !NO_CITIZENS.has(c.value)))
const citizenship = (v: string): Problem | undefined => (v === CANADA ? 'offers.e_citizenCanada' : isCountryCode(v) && !NO_CITIZENS.has(v) ? undefined : 'offers.e_choice')
/** The start date: a real date, not in the past (checked again when the offer is submitted). */
const startDate = (v: string, _a: Answers, _l: Lang, today: string): Problem | undefined => (!realDate(v) ? 'offers.e_date' : v < today ? 'offers.e_startPast' : undefined)

export const SECTIONS: Record<SectionId, FieldDef[]> = {
  exemption: [
    {
      name: 'exemptionCode',
      kind: 'select',
      groups: (lang) => exemptionOptionGroups(lang, (c) => !c.open),
      check: (v) => (!exemptionByCode(v) ? 'offers.e_choice' : isOpenExemption(v) ? 'offers.e_openCode' : undefined),
    },
    { name: 'exemptionExplanation', kind: 'textarea', max: 4000, check: freeText },
    { name: 'feeExemption', kind: 'select', choices: choicesOf(FEE_EXEMPTIONS, 'offers.fee_'), check: oneOf(FEE_EXEMPTIONS) },
  ],
  business: [
    { name: 'employees', kind: 'number', width: '10', inputmode: 'numeric', check: (v) => (/^\d+$/.test(v) && +v >= 1 && +v <= 1_000_000 ? undefined : 'offers.e_count') },
    { name: 'yearStarted', kind: 'number', width: '4', inputmode: 'numeric', check: (v, _a, _l, today) => (/^\d{4}$/.test(v) && +v >= 1600 && +v <= +today.slice(0, 4) ? undefined : 'offers.e_notYear') },
    { name: 'mainActivities', kind: 'textarea', max: 2000, check: freeText },
  ],
  job: [
    {
      name: 'jobTitle',
      kind: 'text',
      max: 200,
      check: (v, all) => (isEntrepreneur(all) && v.toLowerCase() !== 'entrepreneur' ? 'offers.e_entrepreneurTitle' : freeText(v)),
    },
    { name: 'nocCode', kind: 'text', width: '5', inputmode: 'numeric', check: nocCode, read: nocRead },
    { name: 'mainDuties', kind: 'textarea', max: 4000, check: freeText },
    { name: 'workStreet', kind: 'text', max: 200, autocomplete: 'off' },
    { name: 'workCity', kind: 'text', max: 100, width: '20' },
    { name: 'workProvince', kind: 'select', choices: (lang) => provinceOptions(lang), check: province },
    { name: 'workPostalCode', kind: 'text', width: '10', check: postalCodeIn('workProvince'), kept: postalCodeKept },
    { name: 'additionalLocation', kind: 'select', choices: choicesOf(YES_NO, 'offers.yn_'), check: oneOf(YES_NO) },
    { name: 'secondStreet', kind: 'text', max: 200, optional: true, requiredWhen: hasSecondLocation },
    { name: 'secondCity', kind: 'text', max: 100, width: '20', optional: true, requiredWhen: hasSecondLocation },
    { name: 'secondProvince', kind: 'select', choices: (lang) => provinceOptions(lang), optional: true, requiredWhen: hasSecondLocation, check: province },
    { name: 'secondPostalCode', kind: 'text', width: '10', optional: true, requiredWhen: hasSecondLocation, check: postalCodeIn('secondProvince'), kept: postalCodeKept },
    { name: 'startDate', kind: 'date', check: startDate },
    {
      name: 'endDate',
      kind: 'date',
      check: (v, all) => {
        if (!realDate(v)) return 'offers.e_date'
        const start = answer(all, 'job', 'startDate')
        return realDate(start) && v <= start ? 'offers.e_endBeforeStart' : undefined
      },
    },
    { name: 'hoursPerWeek', kind: 'number', width: '3', inputmode: 'decimal', check: (v) => (checkHoursPerWeek(v).ok ? undefined : 'reference.validation.hoursRange'), kept: hoursKept, shown: hoursShown, read: hoursShown },
    { name: 'additionalInfo', kind: 'textarea', max: 4000, optional: true, check: freeText },
  ],
  requirements: [
    { name: 'education', kind: 'select', choices: (lang) => educationOptions(lang), check: (v, _a, lang) => (educationOptions(lang).some((o) => o.value === v) ? undefined : 'offers.e_choice') },
    { name: 'experienceYears', kind: 'number', width: '3', inputmode: 'numeric', check: (v) => (/^\d{1,2}$/.test(v) && +v <= 50 ? undefined : 'offers.e_years') },
    { name: 'languages', kind: 'checkboxes', choices: (lang) => jobLanguageOptions(lang) },
    // Which other language: asked beside the list (shown with its hint), required once "Other language" is ticked.
    { name: 'otherLanguages', kind: 'text', max: 200, optional: true, requiredWhen: ticked('requirements', 'languages', 'other'), check: freeText },
  ],
  wage: [
    { name: 'wage', kind: 'text', width: '10', inputmode: 'decimal', check: wage, kept: moneyKept, shown: moneyShown },
    { name: 'wageUnit', kind: 'select', choices: (lang) => wageUnitOptions(lang), check: (v, _a, lang) => (wageUnitOptions(lang).some((o) => o.value === v) ? undefined : 'offers.e_choice') },
    {
      name: 'benefits',
      kind: 'checkboxes',
      optional: true,
      choices: (lang) => (['health', 'dental', 'pension', 'vacation', 'other'] as const).map((b) => ({ value: b, text: translate(lang, `offers.b_${b}`) })),
    },
    // Which other benefits: required once "Other benefits" is ticked.
    { name: 'otherBenefits', kind: 'textarea', max: 1000, optional: true, requiredWhen: ticked('wage', 'benefits', 'other'), check: freeText },
  ],
  worker: [
    { name: 'familyName', kind: 'text', max: 100, autocomplete: 'off', check: personName },
    { name: 'givenNames', kind: 'text', max: 100, autocomplete: 'off', check: personName },
    { name: 'sex', kind: 'select', choices: choicesOf(SEXES, 'offers.sex_'), check: oneOf(SEXES) },
    { name: 'dateOfBirth', kind: 'date', check: dateOfBirth },
    { name: 'countryOfBirth', kind: 'select', choices: (lang) => countryOptions(lang), check: (v) => (isCountryCode(v) ? undefined : 'offers.e_choice') },
    { name: 'countryOfResidence', kind: 'select', choices: (lang) => countryOptions(lang), check: (v) => (isCountryCode(v) ? undefined : 'offers.e_choice') },
    { name: 'citizenship', kind: 'select', choices: citizenshipOptions, check: citizenship },
    { name: 'passportNumber', kind: 'text', width: '20', autocomplete: 'off', check: passport, kept: passportKept },
    { name: 'uci', kind: 'text', width: '10', inputmode: 'numeric', optional: true, check: (v) => (/^\d{8}(\d{2})?$/.test(v.replace(/[\s-]/g, '')) ? undefined : 'offers.e_uci') },
  ],
  attestations: ['agreement', 'noFeeRecovery', 'activelyEngaged', 'compliesWithLaws', 'sameOccupation', 'abuseFree'].map(attestation),
}

export interface FieldProblem {
  section: SectionId
  field: string
  problem: Problem
  /** Put right on the supporting documents page (the proof of a fee exemption), not in the section. */
  onDocuments?: boolean
}

/** Every problem of one section, in field order. */
export function sectionProblems(section: SectionId, all: Answers, lang: Lang, today: string): FieldProblem[] {
  const out: FieldProblem[] = []
  for (const f of SECTIONS[section]) {
    const raw = all[section]?.[f.name]
    const values = Array.isArray(raw) ? raw : typeof raw === 'string' && raw.trim() !== '' ? [raw] : []
    if (values.length === 0) {
      if (!f.optional || f.requiredWhen?.(all)) out.push({ section, field: f.name, problem: `offers.fields.${f.name}.required` as MessageKey })
      continue
    }
    if (f.kind === 'checkboxes') {
      const allowed = new Set((f.choices?.(lang) ?? []).map((c) => c.value))
      if (values.some((v) => !allowed.has(v))) out.push({ section, field: f.name, problem: 'offers.e_choice' })
      continue
    }
    const value = values[0]!.trim()
    if (f.max && [...value].length > f.max) {
      out.push({ section, field: f.name, problem: ['offers.e_tooLong', { max: f.max }] })
      continue
    }
    const problem = f.check?.(value, all, lang, today)
    if (problem) out.push({ section, field: f.name, problem })
  }
  return out
}

export function allProblems(all: Answers, lang: Lang, today: string): FieldProblem[] {
  return SECTION_IDS.flatMap((s) => sectionProblems(s, all, lang, today))
}

/** Takes one section's fields from a posted form: strings trimmed of nothing (kept as typed), lists for checkboxes. */
export function answersFromForm(section: SectionId, body: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const f of SECTIONS[section]) {
    const v = body[f.name]
    if (f.kind === 'checkboxes') out[f.name] = (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 20)
    else if (f.kind === 'checkbox') out[f.name] = v === 'yes' ? 'yes' : ''
    else out[f.name] = typeof v === 'string' ? v.slice(0, 10_000) : Array.isArray(v) && typeof v[0] === 'string' ? v[0].slice(0, 10_000) : ''
  }
  return out
}

/** A section's answers as kept: each field's `kept` form of what was typed (the wage's amount in one form); the rest as typed. */
export function keptAnswers(section: SectionId, values: Record<string, string | string[]>): Record<string, string | string[]> {
  let out = values
  for (const f of SECTIONS[section]) {
    const v = values[f.name]
    if (!f.kept || typeof v !== 'string' || v.trim() === '') continue
    const kept = f.kept(v)
    if (kept !== v) out = { ...out, [f.name]: kept }
  }
  return out
}
