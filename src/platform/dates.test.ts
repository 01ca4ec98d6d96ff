import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { dateTimeFormat, dayInZone, formatDay, formatInZone, formatterInZone } from './dates.ts'

describe('dates as people read them', () => {
  const instant = new Date('2026-01-15T04:30:00Z')

  it('formats in the page language and the given zone', () => {
    assert.equal(formatInZone('en', instant, 'America/Toronto', 'date'), 'January 14, 2026')
    assert.equal(formatInZone('fr', instant, 'America/Toronto', 'date'), '14\u00a0janvier\u00a02026')
    assert.equal(formatInZone('en', instant, 'America/Halifax', 'date'), 'January 15, 2026')
    assert.equal(dayInZone(instant, 'America/Vancouver'), '2026-01-14')
    assert.equal(dayInZone(instant, 'UTC'), '2026-01-15')
  })

  it('writes the first of a month « 1er » in French, in every style with a day, and no other day', () => {
    const first = new Date('2024-09-01T14:00:00Z')
    assert.equal(formatInZone('fr', first, 'America/Toronto', 'date'), '1er\u00a0septembre\u00a02024')
    assert.equal(formatInZone('fr', first, 'America/Toronto', 'dateTime'), '1er\u00a0septembre\u00a02024 à\u00a010\u00a0h\u00a000')
    assert.equal(formatInZone('fr', first, 'America/Toronto', 'listed'), '1er\u00a0sept.\u00a02024, 10\u00a0h\u00a000')
    assert.equal(formatInZone('fr', first, 'America/Toronto', 'precise'), '1er\u00a0sept.\u00a02024, 10\u00a0h\u00a000\u00a0min\u00a000\u00a0s')
    assert.equal(formatterInZone('fr', 'America/Toronto', 'listed')(first), '1er\u00a0sept.\u00a02024, 10\u00a0h\u00a000')
    assert.equal(formatDay('fr', '2025-01-01'), '1er\u00a0janvier\u00a02025')
    assert.equal(formatInZone('fr', first, 'America/Toronto', 'clock'), '10\u00a0h\u00a000\u00a0HAE')
    assert.equal(formatDay('fr', '2024-09-11'), '11\u00a0septembre\u00a02024')
    assert.equal(formatDay('fr', '2024-09-21'), '21\u00a0septembre\u00a02024')
    assert.equal(formatDay('en', '2024-09-01'), 'September 1, 2024')
  })

  it('writes the hour unpadded in French (« 2 h 05 », not « 02 h 05 »), in every style with a time', () => {
    const early = new Date('2026-01-15T07:05:09Z') // 2:05:09 a.m. in Toronto
    assert.equal(formatInZone('fr', early, 'America/Toronto', 'dateTime'), '15\u00a0janvier\u00a02026 à\u00a02\u00a0h\u00a005')
    assert.equal(formatInZone('fr', early, 'America/Toronto', 'listed'), '15\u00a0janv.\u00a02026, 2\u00a0h\u00a005')
    assert.equal(formatInZone('fr', early, 'America/Toronto', 'precise'), '15\u00a0janv.\u00a02026, 2\u00a0h\u00a005\u00a0min\u00a009\u00a0s')
    assert.equal(formatInZone('fr', early, 'America/Toronto', 'clock'), '2\u00a0h\u00a005\u00a0HNE')
    assert.equal(formatInZone('fr', new Date('2026-01-15T05:30:00Z'), 'America/Toronto', 'listed'), '15\u00a0janv.\u00a02026, 0\u00a0h\u00a030')
    assert.equal(formatInZone('fr', new Date('2026-01-15T15:05:00Z'), 'America/Toronto', 'listed'), '15\u00a0janv.\u00a02026, 10\u00a0h\u00a005')
  })

  it('keeps a French date’s and time’s words together, breaking only where the date meets its time', () => {
    const at = new Date('2026-11-26T19:19:00Z') // 2:19 p.m. in Toronto
    assert.equal(formatInZone('fr', at, 'America/Toronto', 'listed'), '26\u00a0nov.\u00a02026, 14\u00a0h\u00a019')
    assert.equal(formatInZone('fr', at, 'America/Toronto', 'dateTime'), '26\u00a0novembre\u00a02026 à\u00a014\u00a0h\u00a019')
    assert.equal(formatInZone('fr', at, 'America/Toronto', 'clock'), '14\u00a0h\u00a019\u00a0HNE')
    assert.equal(formatDay('fr', '2026-11-26'), '26\u00a0novembre\u00a02026')
    // English is left as ICU writes it.
    assert.equal(formatInZone('en', at, 'America/Toronto', 'date'), 'November 26, 2026')
  })

  it('tells the day of each instant, zone by zone, across midnight, though it keeps the minute last asked about', () => {
    const beforeMidnight = new Date('2026-01-15T04:59:59.999Z') // 23:59:59.999 in Toronto
    const midnight = new Date('2026-01-15T05:00:00.000Z')
    for (let round = 0; round < 2; round++) {
      assert.equal(dayInZone(beforeMidnight, 'America/Toronto'), '2026-01-14')
      assert.equal(dayInZone(beforeMidnight, 'UTC'), '2026-01-15')
      assert.equal(dayInZone(midnight, 'America/Toronto'), '2026-01-15')
      assert.equal(dayInZone(new Date(midnight.getTime() + 59_999), 'America/Toronto'), '2026-01-15')
      assert.equal(dayInZone(new Date('2026-01-15T07:59:30Z'), 'America/Vancouver'), '2026-01-14')
      assert.equal(dayInZone(new Date('2026-01-15T08:00:00Z'), 'America/Vancouver'), '2026-01-15')
    }
  })

  it('keeps one formatter per language, zone and style, so a long table does not build one per cell', () => {
    const a = dateTimeFormat('en-CA', { dateStyle: 'long', timeZone: 'America/Toronto' })
    assert.equal(dateTimeFormat('en-CA', { dateStyle: 'long', timeZone: 'America/Toronto' }), a)
    assert.notEqual(dateTimeFormat('fr-CA', { dateStyle: 'long', timeZone: 'America/Toronto' }), a)
    assert.notEqual(dateTimeFormat('en-CA', { dateStyle: 'long', timeZone: 'America/Regina' }), a)
  })

  it('remembers what it formatted by formatter and instant, never answering for another language, zone or instant', () => {
    const later = new Date(instant.getTime() + 60_000)
    for (let round = 0; round < 2; round++) {
      assert.equal(formatInZone('en', instant, 'America/Toronto', 'clock'), '11:30 p.m. EST')
      assert.equal(formatInZone('fr', instant, 'America/Toronto', 'clock'), '23\u00a0h\u00a030\u00a0HNE')
      assert.equal(formatInZone('en', instant, 'America/Halifax', 'clock'), '12:30 a.m. AST')
      assert.equal(formatInZone('en', later, 'America/Toronto', 'clock'), '11:31 p.m. EST')
      assert.equal(formatInZone('en', instant, 'America/Toronto', 'date'), 'January 14, 2026')
    }
  })

  it('hands a table one formatter for its language, zone and style, which formats each row’s instant as formatInZone does', () => {
    const listed = formatterInZone('fr', 'America/Toronto', 'listed')
    assert.equal(formatterInZone('fr', 'America/Toronto', 'listed'), listed)
    assert.notEqual(formatterInZone('en', 'America/Toronto', 'listed'), listed)
    const later = new Date(instant.getTime() + 86_400_000)
    assert.deepEqual([listed(instant), listed(later)], [formatInZone('fr', instant, 'America/Toronto', 'listed'), formatInZone('fr', later, 'America/Toronto', 'listed')])
    assert.notEqual(listed(instant), listed(later))
  })
})
