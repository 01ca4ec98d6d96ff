import type { Lang } from '../i18n/i18n.ts'
import { BoundedMap } from './bounded-map.ts'

/** How dates and times are shown to people (the same everywhere a kind of date appears). */
export const DATE_STYLES = {
  /** "January 15, 2026" */
  date: { dateStyle: 'long' },
  /** "January 15, 2026 at 10:00 a.m." */
  dateTime: { dateStyle: 'long', timeStyle: 'short' },
  /** In tables: "Jan. 15, 2026, 10:00 a.m." */
  listed: { dateStyle: 'medium', timeStyle: 'short' },
  /** In the audit trail, to the second. */
  precise: { dateStyle: 'medium', timeStyle: 'medium' },
  /** A time of day with its zone: "10:20 a.m. EST" */
  clock: { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>

export type DateStyle = keyof typeof DATE_STYLES

const formats = new Map<string, Intl.DateTimeFormat>()

/**
 * A shared formatter for these options. Making an Intl.DateTimeFormat costs about a tenth of
 * a millisecond (it loads locale and zone data); a queue page of 50 rows made one per cell
 * and spent 40 % of its time there (docs/performance.md). Formatters are immutable, and the
 * combinations are few (languages × zones × styles), so they are kept for the process.
 */
export function dateTimeFormat(locale: 'en-CA' | 'fr-CA', options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}|${JSON.stringify(options)}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options)
    formats.set(key, format)
  }
  return format
}

/** Per language, zone and style: a formatter that keeps what it has formatted (ICU's format() costs ~3 µs, and a page shows the same instants on every view: its rows' dates, the session's end). */
const styled = new Map<string, (date: Date) => string>()

/** Formatted instants kept per formatter; past it that formatter's memory starts again. */
const REMEMBERED_PER_STYLE = 5_000

export function formatInZone(lang: Lang, date: Date, timeZone: string, style: DateStyle): string {
  return formatterInZone(lang, timeZone, style)(date)
}

/** A calendar day ('YYYY-MM-DD', no time or zone) in words; nothing for none. Noon UTC is that day in every reading. */
export function formatDay(lang: Lang, day: string | null): string {
  return day ? formatInZone(lang, new Date(`${day}T12:00:00Z`), 'UTC', 'date') : ''
}

/**
 * `formatInZone` for one language, zone and style, found once: a table formats a date per row
 * with the same three, and finding them again each row cost as much as the formatting.
 */
export function formatterInZone(lang: Lang, timeZone: string, style: DateStyle): (date: Date) => string {
  const key = `${lang}|${timeZone}|${style}`
  let formatted = styled.get(key)
  if (!formatted) {
    const format = dateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { ...DATE_STYLES[style], timeZone })
    const done = new BoundedMap<number, string>(REMEMBERED_PER_STYLE)
    const write = lang === 'fr' ? (date: Date) => unbreakable(unpaddedHour(format.format(date))) : (date: Date) => format.format(date)
    formatted = lang === 'fr' && style !== 'clock' ? (date) => done.remember(date.getTime(), () => premier(write(date))) : (date) => done.remember(date.getTime(), () => write(date))
    styled.set(key, formatted)
  }
  return formatted
}

/**
 * French writes the first day of a month as an ordinal: « le 1er septembre 2024 », « 1er sept. 2024 »;
 * ICU's fr-CA writes "1 septembre". Its dates begin with the day, unpadded: "1 " is the first of a month.
 */
function premier(text: string): string {
  return text.charCodeAt(0) === 49 && (text.charCodeAt(1) === 32 || text.charCodeAt(1) === 160 || text.charCodeAt(1) === 0x202f) ? `1er${text.slice(1)}` : text
}

/**
 * French keeps a date's and a time's words together (« 26\u00a0nov.\u00a02026 », « 14\u00a0h\u00a019 »): ICU's fr-CA
 * writes ordinary spaces, so a narrow table cell broke « 14 h » from « 19 ». A line may still break where a date
 * meets its time: after the comma (« 26 nov. 2026, 14 h 19 ») and before « à » (« 26 novembre 2026 à 14 h 19 »).
 */
function unbreakable(text: string): string {
  return text.replace(/(?<!,) (?!à )/g, '\u00a0')
}

/** ICU's fr-CA pads the hour ("02 h 05"); French writes « 2 h 05 ». */
function unpaddedHour(text: string): string {
  return text.replace(/(^|[^\d])0(\d[\s\u00a0\u202f]h)/u, '$1$2')
}

/** Per zone, the last minute a day was asked for and that day. */
const dayOfMinute = new BoundedMap<string, { minute: number; day: string }>(100)

/**
 * The calendar day ('YYYY-MM-DD') it is in a time zone. Asked for "now" at every offer
 * save and page (~10 µs through Intl each time), so the answer is kept for the minute
 * asked about: days begin on a whole minute in every zone's rules (offsets of seconds
 * belong to local mean times of the 19th century, which nothing here asks about twice
 * in one minute).
 */
export function dayInZone(date: Date, timeZone: string): string {
  const minute = Math.floor(date.getTime() / 60_000)
  const known = dayOfMinute.get(timeZone)
  if (known?.minute === minute) return known.day
  const day = dateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date)
  dayOfMinute.set(timeZone, { minute, day })
  return day
}
