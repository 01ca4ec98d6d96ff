import type pg from 'pg'
import pgTypes from 'pg-types'

const INT8 = 20
const DATE = 1082
// Both engines return the same JavaScript types: counts and bigints as numbers
// (our values stay far below 2^53) and dates as 'YYYY-MM-DD' strings, never as a
// Date at local midnight.
const parseInt8 = (v: string) => Number(v)
const keepText = (v: string) => v

const TIMESTAMPTZ = 1184
const OFFSET_UNITS = [3600, 60, 1] as const
const pgParseTimestamptz = pgTypes.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number | null

/** The number written by `count` digits from `at`, or -1 if one is not a digit. */
function digitsAt(text: string, at: number, count: number): number {
  let n = 0
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48
    // Past the end, charCodeAt gives NaN: not a digit either.
    if (!(d >= 0 && d <= 9)) return -1
    n = n * 10 + d
  }
  return n
}

/**
 * A timestamptz as PostgreSQL writes it in its ISO style ('2026-11-24 21:54:08.123456+00',
 * '… -03:30', '… +05:53:28'), read without regular expressions: pg's parser (postgres-date)
 * was 4 % of the portal's time on the queue's page on PostgreSQL (docs/performance.md, session
 * 17). Anything else (years before 1000 or after 9999, BC, infinity) goes to pg's.
 */
export function parseTimestamptz(text: string): Date | number | null {
  const n = text.length
  if (n < 22 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':') return pgParseTimestamptz(text)
  const year = digitsAt(text, 0, 4)
  const month = digitsAt(text, 5, 2)
  const day = digitsAt(text, 8, 2)
  const hour = digitsAt(text, 11, 2)
  const minute = digitsAt(text, 14, 2)
  const second = digitsAt(text, 17, 2)
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return pgParseTimestamptz(text)
  let at = 19
  let ms = 0
  if (text[at] === '.') {
    const from = ++at
    while (at < n && text.charCodeAt(at) >= 48 && text.charCodeAt(at) <= 57) at++
    // Microseconds at most; JavaScript keeps milliseconds (cut, as pg's parser cuts them).
    if (at === from || at - from > 6) return pgParseTimestamptz(text)
    const places = Math.min(at - from, 3)
    ms = digitsAt(text, from, places) * 10 ** (3 - places)
  }
  // The offset: ±HH, then :MM and :SS when it is not whole hours.
  const sign = text[at] === '+' ? 1 : text[at] === '-' ? -1 : 0
  if (sign === 0) return pgParseTimestamptz(text)
  let offsetSeconds = 0
  for (const unit of OFFSET_UNITS) {
    const value = digitsAt(text, ++at, 2)
    if (value < 0) return pgParseTimestamptz(text)
    offsetSeconds += value * unit
    at += 2
    if (text[at] !== ':') break
  }
  if (at !== n) return pgParseTimestamptz(text)
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms) - sign * offsetSeconds * 1000)
}

/**
 * How a column's text becomes a JavaScript value, the same on both engines: pg's parsers (its
 * pg-types, which the embedded pool uses without loading pg) but for the two above and timestamptz.
 */
export const typeParser = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === INT8) return parseInt8
  if (oid === DATE) return keepText
  if (oid === TIMESTAMPTZ && format !== 'binary') return parseTimestamptz
  return pgTypes.getTypeParser(oid, format)
}) as typeof pg.types.getTypeParser

/** The same two for PGlite's own `query` and `exec` (migrations, scripts). */
export const pgliteParsers: Record<number, (value: string) => unknown> = { [INT8]: parseInt8, [DATE]: keepText }
