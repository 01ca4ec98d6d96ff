import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { freshDatabase } from '../../../tests/helpers/database.ts'
import { compareWithOffer, inspectionUntil } from './matching.service.ts'
import { citizenshipCode, foldKey, passportKey, prefixEnd } from './search.keys.ts'
import { employerQuery, offerQuery } from './search.repository.ts'

const offer = { status: 'pending' as const, answers: { worker: { passportNumber: 'G12345678', citizenship: 'MX' } } }

describe('matching compares after normalizing', () => {
  it('agrees despite case, spaces, hyphens, dots and a name for the country', () => {
    for (const [passportNumber, citizenship] of [
      ['g12345678', 'MX'],
      [' G 1234-5678 ', 'mex'],
      ['G.123.456.78', 'Mexico'],
      ['g-12 34 56 78', 'Mexique'],
      ['G12345678', 'méxique'],
    ]) {
      assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: passportNumber!, citizenship: citizenship! }), [], `${passportNumber} / ${citizenship}`)
    }
  })

  it('says exactly which element does not agree', () => {
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: 'G12345679', citizenship: 'MX' }), [{ field: 'passportNumber', kind: 'differs' }])
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: 'G12345678', citizenship: 'Guatemala' }), [{ field: 'citizenship', kind: 'differs' }])
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: 'G12345678', citizenship: 'Atlantis' }), [{ field: 'citizenship', kind: 'unknownCountry' }])
    assert.deepEqual(compareWithOffer(offer, { offerNumber: 'A1234567', passportNumber: '', citizenship: '' }), [
      { field: 'passportNumber', kind: 'required' },
      { field: 'citizenship', kind: 'required' },
    ])
    assert.deepEqual(compareWithOffer({ ...offer, status: 'matched' }, { offerNumber: 'A1234567', passportNumber: 'X', citizenship: 'CA' }), [
      { field: 'offerNumber', kind: 'status', status: 'matched' },
      { field: 'passportNumber', kind: 'differs' },
      { field: 'citizenship', kind: 'differs' },
    ])
  })

  it('reads countries by code (2 or 3 letters) and by English or French name', () => {
    assert.equal(citizenshipCode('ph'), 'PH')
    assert.equal(citizenshipCode('PHL'), 'PH')
    assert.equal(citizenshipCode('Côte d’Ivoire'), 'CI')
    assert.equal(citizenshipCode('cote divoire'), 'CI')
    assert.equal(citizenshipCode('Corée du Sud'), 'KR')
    assert.equal(citizenshipCode('Narnia'), undefined)
  })

  it('ends the inspection window the day before the sixth anniversary', () => {
    assert.equal(inspectionUntil('2026-03-02'), '2032-03-01')
    assert.equal(inspectionUntil('2024-02-29'), '2030-02-28')
    assert.equal(inspectionUntil('2026-01-01'), '2031-12-31')
  })
})

describe('search keys', () => {
  it('reads what an officer typed', () => {
    assert.deepEqual(employerQuery('123 456 782'), { kind: 'businessNumber', value: '123456782' })
    assert.deepEqual(employerQuery('e1234567'), { kind: 'employerNumber', value: 'E1234567' })
    assert.deepEqual(employerQuery('Érablière  du Nord'), { kind: 'name', prefix: 'erabliere du nord' })
    assert.equal(employerQuery('é'), undefined)
    assert.deepEqual(offerQuery('a 123-4567'), { kind: 'offerNumber', value: 'A1234567' })
    assert.deepEqual(offerQuery('g-1234 5678'), { kind: 'passport', value: 'G12345678' })
    assert.deepEqual(offerQuery('García, José'), { kind: 'name', prefix: 'garcia jose' })
    assert.equal(passportKey('ab-12 34c'), 'AB1234C')
  })

  it('folds exactly as the database does (the expression indexes hold the database’s keys)', async () => {
    const samples = ['  Ébène-Côté, JOSÉ  Ñandú ', 'ØSTERGÅRD Ærø', 'Łukasz Żółć', "O'Brien-Smith", 'Straße 12', 'İstanbul Ünal', '李 小龍', 'Nguyễn Văn A', '']
    const database = await freshDatabase()
    try {
      for (const s of samples) {
        const r = await sql<{ f: string }>`select console_fold(${s}) as f`.execute(database.db)
        assert.equal(foldKey(s), r.rows[0]!.f, s)
      }
    } finally {
      await database.close()
    }
  })

  it('bounds the keys that start with a prefix: [prefix, prefixEnd(prefix)) in code-point order', () => {
    assert.equal(prefixEnd('garcia'), 'garcib')
    assert.equal(prefixEnd('garcia '), 'garcia!')
    assert.equal(prefixEnd('z9'), 'z:')
    const prefix = 'garcia'
    const keys = ['garci', 'garcia', 'garcia jose', 'garciaz', 'garcib', 'garcia\u{10ffff}', 'garciaa', 'garcha', 'gb']
    for (const key of keys) assert.equal(key >= prefix && key < prefixEnd(prefix), key.startsWith(prefix), key)
    assert.throws(() => prefixEnd(''), RangeError)
  })
})
