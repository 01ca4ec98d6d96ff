import type { Lang } from '../i18n/i18n.ts'

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

export function formatInZone(lang: Lang, date: Date, timeZone: string, style: DateStyle): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-CA' : 'en-CA', { ...DATE_STYLES[style], timeZone }).format(date)
}

/** The calendar day ('YYYY-MM-DD') it is in a time zone. */
export function dayInZone(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date)
}
