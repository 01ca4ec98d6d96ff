import type pg from 'pg'
import pgTypes from 'pg-types'

const INT8 = 20
const DATE = 1082
// Both engines return the same JavaScript types: counts and bigints as numbers
// (our values stay far below 2^53) and dates as 'YYYY-MM-DD' strings, never as a
// Date at local midnight.
const parseInt8 = (v: string) => Number(v)
const keepText = (v: string) => v

/**
 * How a column's text becomes a JavaScript value, the same on both engines: pg's parsers (its
 * pg-types, which the embedded pool uses without loading pg) but for the two above.
 */
export const typeParser = ((oid: number, format?: 'text' | 'binary') => {
  if (oid === INT8) return parseInt8
  if (oid === DATE) return keepText
  return pgTypes.getTypeParser(oid, format)
}) as typeof pg.types.getTypeParser

/** The same two for PGlite's own `query` and `exec` (migrations, scripts). */
export const pgliteParsers: Record<number, (value: string) => unknown> = { [INT8]: parseInt8, [DATE]: keepText }
