import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pgTypes from 'pg-types'
import { freshDatabase } from '../../tests/helpers/database.ts'
import type { DatabaseHandle } from './connect.ts'
import { parseTimestamptz } from './type-parsers.ts'

const pgParse = pgTypes.getTypeParser(1184, 'text') as (text: string) => unknown

/** A small deterministic generator: the same cases every run. */
function* cases(count: number): Generator<string> {
  let seed = 20261124
  const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
  const pad = (v: number, width: number) => String(v).padStart(width, '0')
  const zones = ['+00', '-05', '+05:30', '+05:45', '-03:30', '+14', '-12', '-04:56:02', '+00:19:32']
  for (let i = 0; i < count; i++) {
    const fraction = next(7)
    const text =
      `${pad(1000 + next(9000), 4)}-${pad(1 + next(12), 2)}-${pad(1 + next(28), 2)} ` +
      `${pad(next(24), 2)}:${pad(next(60), 2)}:${pad(next(60), 2)}` +
      (fraction ? '.' + pad(next(10 ** fraction), fraction) : '') +
      zones[next(zones.length)]
    yield text
  }
}

describe('timestamptz read from PostgreSQL’s text', () => {
  it('gives the instant pg’s own parser gives, for every form PostgreSQL writes', () => {
    for (const text of cases(20_000)) {
      const ours = parseTimestamptz(text) as Date
      const theirs = pgParse(text) as Date
      // pg's parser multiplies the fraction as a float and may land a millisecond short (.57 → 569.99…).
      assert.ok(Math.abs(ours.getTime() - theirs.getTime()) <= 1, `${text}: ${ours.toISOString()} against ${theirs.toISOString()}`)
      assert.equal(ours.getUTCMilliseconds(), Number(/\.(\d{1,3})/.exec(text)?.[1]?.padEnd(3, '0') ?? 0), text)
    }
  })

  it('reads exactly the instants written', () => {
    assert.equal((parseTimestamptz('2026-11-24 21:54:08.123456+00') as Date).toISOString(), '2026-11-24T21:54:08.123Z')
    assert.equal((parseTimestamptz('2026-11-24 16:24:08.5+05:30') as Date).toISOString(), '2026-11-24T10:54:08.500Z')
    assert.equal((parseTimestamptz('1883-11-18 11:00:00-04:56:02') as Date).toISOString(), '1883-11-18T15:56:02.000Z')
  })

  it('leaves the rarer forms to pg’s parser: BC, years before 1000 or past 9999, infinity', () => {
    for (const text of ['0050-03-01 00:00:00+00', '0044-03-15 12:00:00+00 BC', '12026-01-01 00:00:00+00', 'infinity', '-infinity', '2026-11-24 21:54:08']) {
      assert.deepEqual(parseTimestamptz(text), pgParse(text), text)
    }
  })

  describe('from the database', () => {
    let handle: DatabaseHandle
    before(async () => {
      handle = await freshDatabase()
    })
    after(() => handle.close())

    it('reads the instants stored, whatever the session’s time zone', async () => {
      const instants = ['2026-11-24T21:54:08.123Z', '2026-03-08T07:30:00.000Z', '1999-12-31T23:59:59.999Z', '2040-06-30T12:00:00.5Z']
      for (const zone of ['UTC', 'America/St_Johns', 'Asia/Kathmandu', 'America/Winnipeg']) {
        // The zone for this transaction only (PostgreSQL writes each instant with the zone's offset).
        const read = await handle.db.transaction().execute(async (trx) => {
          await sql`select set_config('TimeZone', ${zone}, true)`.execute(trx)
          const rows = await sql<{ at: Date; text: string }>`select at, at::text as text from unnest(${instants}::timestamptz[]) as at`.execute(trx)
          if (zone === 'Asia/Kathmandu') assert.ok(rows.rows.every((r) => r.text.endsWith('+05:45')), rows.rows[0]!.text)
          return rows.rows.map((r) => r.at.toISOString())
        })
        assert.deepEqual(
          read,
          instants.map((i) => new Date(i).toISOString()),
          zone,
        )
      }
    })
  })
})
