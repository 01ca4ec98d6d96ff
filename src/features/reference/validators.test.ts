import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { translator } from '../../i18n/i18n.ts'
import { zodFormErrors } from '../../ui/form-errors.ts'
import { z } from 'zod'
import {
  checkBusinessNumber,
  checkHoursPerWeek,
  checkPassportNumber,
  checkPersonName,
  checkPhone,
  checkPostalCode,
  formatMoney,
  formatPhone,
  isSeeAttachedAnswer,
  luhnCheckDigit,
  luhnValid,
  moneyInputValue,
  namesMatch,
  normalizeNameForComparison,
  parseMoneyInEitherLanguage,
  parseMoneyToCents,
} from './validators.ts'
import {
  businessNumberSchema,
  freeTextAnswerSchema,
  hoursPerWeekSchema,
  moneyCentsSchema,
  passportNumberSchema,
  personNameSchema,
  phoneSchema,
  postalCodeSchema,
} from './validators.schema.ts'

const eightDigits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 8 })

describe('CRA business number', () => {
  it('accepts known-good numbers, with spaces removed', () => {
    // 046454286 is the business number CRA uses in its own examples; 123456782 completes 12345678.
    assert.deepEqual(checkBusinessNumber('046454286'), { ok: true, value: '046454286' })
    assert.deepEqual(checkBusinessNumber(' 123 456 782 '), { ok: true, value: '123456782' })
    assert.deepEqual(checkBusinessNumber('123-456-782'), { ok: true, value: '123456782' })
  })

  it('refuses each kind of mistake with its own reason', () => {
    assert.deepEqual(checkBusinessNumber('  '), { ok: false, error: 'required' })
    assert.deepEqual(checkBusinessNumber('12345678A'), { ok: false, error: 'notDigits' })
    assert.deepEqual(checkBusinessNumber('12345678'), { ok: false, error: 'length' })
    assert.deepEqual(checkBusinessNumber('1234567820'), { ok: false, error: 'length' })
    assert.deepEqual(checkBusinessNumber('123456789'), { ok: false, error: 'checksum' })
    assert.deepEqual(checkBusinessNumber('123456782 RT 0001'), { ok: false, error: 'programAccount' })
  })

  it('property: every 8-digit payload with its Luhn digit is accepted', () => {
    fc.assert(
      fc.property(eightDigits, (payload) => {
        const bn = payload + luhnCheckDigit(payload)
        const r = checkBusinessNumber(`${bn.slice(0, 3)} ${bn.slice(3, 6)} ${bn.slice(6)}`)
        assert.deepEqual(r, { ok: true, value: bn })
      }),
    )
  })

  it('property: changing any one digit of a valid number is caught by the checksum', () => {
    fc.assert(
      fc.property(eightDigits, fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 9 }), (payload, pos, delta) => {
        const bn = payload + luhnCheckDigit(payload)
        const changed = bn.slice(0, pos) + String((Number(bn[pos]) + delta) % 10) + bn.slice(pos + 1)
        assert.equal(luhnValid(changed), false)
        assert.deepEqual(checkBusinessNumber(changed), { ok: false, error: 'checksum' })
      }),
    )
  })

  it('property: exactly one in ten 9-digit strings passes', () => {
    fc.assert(
      fc.property(eightDigits, (payload) => {
        const passing = [...'0123456789'].filter((d) => luhnValid(payload + d))
        assert.equal(passing.length, 1)
      }),
    )
  })

  it('gives a distinct catalog message for each reason, in both languages', () => {
    for (const lang of ['en', 'fr'] as const) {
      const t = translator(lang)
      const messages = ['', '12345678A', '1234', '123456789', '123456782RT0001'].map((input) => {
        const r = z.object({ bn: businessNumberSchema }).safeParse({ bn: input })
        assert.equal(r.success, false)
        return zodFormErrors(t, r.error!).fields.bn
      })
      assert.equal(new Set(messages).size, 5, messages.join(' | '))
    }
    assert.equal(businessNumberSchema.parse('046 454 286'), '046454286')
  })
})

describe('postal code', () => {
  it('normalizes to A1A 1A1', () => {
    assert.deepEqual(checkPostalCode('k1a0b1'), { ok: true, value: 'K1A 0B1' })
    assert.deepEqual(checkPostalCode(' H3Z-2Y7 '), { ok: true, value: 'H3Z 2Y7' })
    assert.equal(postalCodeSchema.parse('m5v 3l9'), 'M5V 3L9')
  })
  it('refuses letters Canada Post never uses and wrong shapes', () => {
    for (const bad of ['D1A 1A1', 'K1A 1O1', '12345', 'K1A1A', 'K1A 1A1X', 'W1A 1A1']) {
      assert.deepEqual(checkPostalCode(bad), { ok: false, error: 'format' }, bad)
    }
    assert.deepEqual(checkPostalCode(''), { ok: false, error: 'required' })
  })
})

describe('phone number', () => {
  it('normalizes North American numbers to +1 and 10 digits', () => {
    for (const input of ['613-555-0123', '(613) 555-0123', '+1 613 555 0123', '1.613.555.0123', '6135550123']) {
      assert.deepEqual(checkPhone(input), { ok: true, value: { number: '+16135550123' } }, input)
    }
  })
  it('keeps an extension', () => {
    assert.deepEqual(checkPhone('613-555-0123 ext. 45'), { ok: true, value: { number: '+16135550123', extension: '45' } })
    assert.deepEqual(checkPhone('613 555 0123 poste 7'), { ok: true, value: { number: '+16135550123', extension: '7' } })
    assert.deepEqual(checkPhone('613-555-0123x123456'), { ok: true, value: { number: '+16135550123', extension: '123456' } })
    assert.equal(formatPhone({ number: '+16135550123', extension: '45' }, 'en'), '+1 613-555-0123, ext. 45')
    assert.equal(formatPhone({ number: '+16135550123', extension: '45' }, 'fr'), '+1 613-555-0123, poste 45')
  })
  it('refuses what is not a North American number', () => {
    for (const bad of ['555-0123', '+44 20 7946 0958', '013-555-0123', '613-155-0123', 'call me', '613-555-01234']) {
      assert.deepEqual(checkPhone(bad), { ok: false, error: 'format' }, bad)
    }
    assert.deepEqual(checkPhone('613-555-0123 ext.'), { ok: false, error: 'extension' })
    assert.equal(phoneSchema.safeParse('').success, false)
  })
})

describe('passport number', () => {
  it('removes spaces and hyphens and upper-cases', () => {
    assert.deepEqual(checkPassportNumber('ab 12-34 56'), { ok: true, value: 'AB123456' })
    assert.equal(passportNumberSchema.parse('hk-1234567'), 'HK1234567')
  })
  it('refuses other characters and wrong lengths', () => {
    assert.deepEqual(checkPassportNumber('AB12345/'), { ok: false, error: 'characters' })
    assert.deepEqual(checkPassportNumber('ÉB123456'), { ok: false, error: 'characters' })
    assert.deepEqual(checkPassportNumber('AB123'), { ok: false, error: 'length' })
    assert.deepEqual(checkPassportNumber('AB12345678901'), { ok: false, error: 'length' })
    assert.deepEqual(checkPassportNumber(' - '), { ok: false, error: 'required' })
  })
})

describe('person names', () => {
  it('accepts names in any script, with accents, apostrophes, hyphens and spaces', () => {
    for (const name of ['Élodie Tremblay', "O'Brien", 'Jean-François', 'Nguyễn Thị Minh Khai', '李小龙', 'Анна-Мария', 'محمد', 'J. R. Smith', 'D’Amours']) {
      assert.equal(checkPersonName(name).ok, true, name)
    }
    assert.deepEqual(checkPersonName('  Marie   Claire '), { ok: true, value: 'Marie Claire' })
  })
  it('refuses digits, control characters, symbols and names over 100 characters', () => {
    assert.deepEqual(checkPersonName('R2D2'), { ok: false, error: 'digits' })
    assert.deepEqual(checkPersonName('Anna\u0007'), { ok: false, error: 'characters' })
    assert.deepEqual(checkPersonName('<script>'), { ok: false, error: 'characters' })
    assert.deepEqual(checkPersonName("'-"), { ok: false, error: 'characters' })
    assert.deepEqual(checkPersonName('a'.repeat(101)), { ok: false, error: 'tooLong' })
    assert.equal(checkPersonName('a'.repeat(100)).ok, true)
    assert.equal(personNameSchema.safeParse('').success, false)
  })

  it('compares names ignoring case, accents and stray spaces, but not nicknames', () => {
    assert.equal(namesMatch('Élodie  Tremblay', 'elodie tremblay'), true)
    assert.equal(namesMatch(' JOSÉ ', 'jose'), true)
    assert.equal(namesMatch('D’Amours', "d'amours"), true)
    assert.equal(namesMatch('Bob', 'Robert'), false)
    assert.equal(namesMatch('Anne', 'Anna'), false)
    // A hyphen, an apostrophe and a space between parts are alike; the parts themselves still count.
    assert.equal(namesMatch('tremblay roy', 'Tremblay-Roy'), true)
    assert.equal(namesMatch('Jean - Luc', 'jean-luc'), true)
    assert.equal(namesMatch('D Amours', 'D’Amours'), true)
    assert.equal(namesMatch('TremblayRoy', 'Tremblay-Roy'), false)
    assert.equal(namesMatch('Tremblay', 'Tremblay-Roy'), false)
  })

  const nameArb = fc.stringMatching(/^[A-Za-zÀ-ÖØ-öø-ÿ' -]{1,30}$/)

  it('property: normalization is idempotent and ignores case and spacing', () => {
    fc.assert(
      fc.property(nameArb, (name) => {
        const n = normalizeNameForComparison(name)
        assert.equal(normalizeNameForComparison(n), n)
        assert.ok(namesMatch(name, name.toUpperCase()))
        assert.ok(namesMatch(name, `  ${name.replace(/ /g, '   ')}  `))
        assert.ok(!/\s{2}/.test(n) && n === n.trim())
      }),
    )
  })

  it('property: accents never matter, letters always do', () => {
    const accents = ['\u0301', '\u0300', '\u0302', '\u0308', '\u0327']
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,20}$/), fc.nat(), fc.constantFrom(...accents), (base, at, mark) => {
        const i = at % base.length
        const accented = (base.slice(0, i + 1) + mark + base.slice(i + 1)).normalize('NFC')
        assert.ok(namesMatch(accented, base))
        const other = base.slice(0, i) + (base[i] === 'z' ? 'y' : 'z') + base.slice(i + 1)
        assert.ok(!namesMatch(other, base))
      }),
    )
  })
})

describe('"see attached" answers', () => {
  it('refuses answers that only point to an attachment or say n/a, in English and French', () => {
    for (const s of [
      'see attached',
      'See attached.',
      'Please see the attached document',
      'refer to attachment',
      'Refer to attached letter',
      'As attached',
      'N/A',
      'n/a',
      'NA',
      'Not applicable',
      'voir pièce jointe',
      'Voir pièces jointes.',
      'Voir ci-joint',
      'voir le document ci-joint',
      'Voir annexe',
      'ci-joint',
      'S/O',
      'sans objet',
      '-',
      '...',
    ]) {
      assert.equal(isSeeAttachedAnswer(s), true, s)
    }
  })
  it('accepts real answers, even when they mention an attachment', () => {
    for (const s of [
      'Prepare and cook meals for 120 guests; see attached menu for examples.',
      'Nathalie will manage the Montréal office (voir pièce jointe pour l’organigramme).',
      'Naan bakery',
      'Analyse des besoins des clients',
      'None',
      'Aucun',
      '烹饪和准备餐点',
      'طهي الطعام',
      '',
    ]) {
      assert.equal(isSeeAttachedAnswer(s), false, s)
    }
  })
  it('schema: required, at most max characters, never "see attached"', () => {
    const t = translator('fr')
    const schema = z.object({ duties: freeTextAnswerSchema(50) })
    const r = schema.safeParse({ duties: 'Voir pièce jointe' })
    assert.match(zodFormErrors(t, r.error!).fields.duties!, /voir pièce jointe/)
    const long = schema.safeParse({ duties: 'x'.repeat(51) })
    assert.equal(zodFormErrors(t, long.error!).fields.duties, 'La réponse doit compter au plus 50 caractères')
    assert.equal(schema.parse({ duties: '  Cuisiner  ' }).duties, 'Cuisiner')
  })
})

describe('money', () => {
  it('parses amounts as people type them, into integer cents', () => {
    const cases: Array<[string, 'en' | 'fr', number]> = [
      ['1,234.56', 'en', 123456],
      ['$1,234.56', 'en', 123456],
      ['1234.5', 'en', 123450],
      ['230', 'en', 23000],
      ['CAD 25.00', 'en', 2500],
      ['1 234,56 $', 'fr', 123456],
      ['1\u00a0234,56\u00a0$', 'fr', 123456],
      ['1234,56', 'fr', 123456],
      ['1234.56', 'fr', 123456],
      ['0,99', 'fr', 99],
      ['1 000 000', 'fr', 100000000],
    ]
    for (const [input, lang, cents] of cases) assert.deepEqual(parseMoneyToCents(input, lang), { ok: true, value: cents }, `${input} (${lang})`)
  })
  it('refuses malformed, negative, over-precise and huge amounts', () => {
    assert.deepEqual(parseMoneyToCents('', 'en'), { ok: false, error: 'required' })
    assert.deepEqual(parseMoneyToCents('12,34', 'en'), { ok: false, error: 'format' })
    assert.deepEqual(parseMoneyToCents('1,23,456', 'en'), { ok: false, error: 'format' })
    assert.deepEqual(parseMoneyToCents('abc', 'fr'), { ok: false, error: 'format' })
    assert.deepEqual(parseMoneyToCents('-5', 'en'), { ok: false, error: 'negative' })
    assert.deepEqual(parseMoneyToCents('1.234', 'en'), { ok: false, error: 'tooManyDecimals' })
    assert.deepEqual(parseMoneyToCents('1,234', 'fr'), { ok: false, error: 'tooManyDecimals' })
    assert.deepEqual(parseMoneyToCents('10000000.01', 'en'), { ok: false, error: 'tooLarge' })
    assert.deepEqual(parseMoneyToCents('99999999999999999999', 'en'), { ok: false, error: 'tooLarge' })
  })
  it('formats in each language', () => {
    assert.equal(formatMoney(23000, 'en'), '$230.00')
    assert.equal(formatMoney(23000, 'fr').replace(/[\u00a0\u202f]/g, ' '), '230,00 $')
    assert.equal(formatMoney(123456, 'fr').replace(/[\u00a0\u202f]/g, ' '), '1 234,56 $')
  })

  const cents = fc.integer({ min: 0, max: 1_000_000_000 })

  it('property: what the portal formats, it parses back to the same cents, in both languages', () => {
    fc.assert(
      fc.property(cents, fc.constantFrom('en' as const, 'fr' as const), (n, lang) => {
        assert.deepEqual(parseMoneyToCents(formatMoney(n, lang), lang), { ok: true, value: n })
        assert.deepEqual(parseMoneyToCents(moneyInputValue(n, lang), lang), { ok: true, value: n })
      }),
    )
  })

  it('property: a plain dollars.cents string parses to dollars*100+cents without rounding error', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999 }), fc.integer({ min: 0, max: 99 }), (dollars, c) => {
        const text = `${dollars}.${String(c).padStart(2, '0')}`
        assert.deepEqual(parseMoneyToCents(text, 'en'), { ok: true, value: dollars * 100 + c })
        assert.deepEqual(parseMoneyToCents(text.replace('.', ','), 'fr'), { ok: true, value: dollars * 100 + c })
      }),
    )
  })

  it('property: arbitrary text never throws and never yields a negative or fractional amount', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.constantFrom('en' as const, 'fr' as const), (s, lang) => {
        const r = parseMoneyToCents(s, lang)
        if (r.ok) assert.ok(Number.isSafeInteger(r.value) && r.value >= 0)
      }),
    )
  })

  it('an amount typed as either language writes it reads the same on a page in either language', () => {
    for (const lang of ['en', 'fr'] as const) {
      assert.deepEqual(parseMoneyInEitherLanguage('45,50', lang), { ok: true, value: 4550 }, lang)
      assert.deepEqual(parseMoneyInEitherLanguage('1 234,56 $', lang), { ok: true, value: 123456 }, lang)
      assert.deepEqual(parseMoneyInEitherLanguage('$1,234.56', lang), { ok: true, value: 123456 }, lang)
      assert.deepEqual(parseMoneyInEitherLanguage('45.50', lang), { ok: true, value: 4550 }, lang)
    }
    // What neither reads has the reader's language's error.
    assert.deepEqual(parseMoneyInEitherLanguage('lots', 'fr'), { ok: false, error: 'format' })
    assert.deepEqual(parseMoneyInEitherLanguage('12.345', 'en'), { ok: false, error: 'tooManyDecimals' })
  })

  it('property: no text is read as two different amounts by the two languages', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9][0-9,. \u00a0]{0,11}$/), (s) => {
        const en = parseMoneyToCents(s, 'en')
        const fr = parseMoneyToCents(s, 'fr')
        if (en.ok && fr.ok) assert.equal(en.value, fr.value, s)
      }),
      { numRuns: 5000 },
    )
  })

  it('schema uses the page language', () => {
    assert.equal(moneyCentsSchema('fr').parse('1 234,56 $'), 123456)
    assert.equal(moneyCentsSchema('en').safeParse('1 234,56 $').success, false)
  })
})

describe('hours per week', () => {
  it('accepts 1 to 84, with decimals in either notation', () => {
    assert.deepEqual(checkHoursPerWeek('40'), { ok: true, value: 40 })
    assert.deepEqual(checkHoursPerWeek('37,5'), { ok: true, value: 37.5 })
    assert.deepEqual(checkHoursPerWeek('1'), { ok: true, value: 1 })
    assert.deepEqual(checkHoursPerWeek('84'), { ok: true, value: 84 })
    assert.equal(hoursPerWeekSchema.parse(' 37.5 '), 37.5)
  })
  it('refuses out of range and non-numbers', () => {
    assert.deepEqual(checkHoursPerWeek('0.5'), { ok: false, error: 'range' })
    assert.deepEqual(checkHoursPerWeek('84.01'), { ok: false, error: 'range' })
    assert.deepEqual(checkHoursPerWeek('85'), { ok: false, error: 'range' })
    assert.deepEqual(checkHoursPerWeek('forty'), { ok: false, error: 'format' })
    assert.deepEqual(checkHoursPerWeek('-4'), { ok: false, error: 'format' })
    assert.deepEqual(checkHoursPerWeek(''), { ok: false, error: 'required' })
  })
})
