import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  COUNTRIES,
  countryName,
  countryOptions,
  educationOptions,
  isCountryCode,
  isProvinceCode,
  jobLanguageOptions,
  postalCodeFitsProvince,
  PROVINCES,
  provinceName,
  provinceOptions,
  wageUnitOptions,
} from './lists.ts'
import { checkPostalCode } from './validators.ts'

describe('reference lists', () => {
  it('lists every ISO 3166 country with English and French names', () => {
    assert.ok(COUNTRIES.length >= 249, String(COUNTRIES.length))
    assert.equal(countryName('DE', 'en'), 'Germany')
    assert.equal(countryName('DE', 'fr'), 'Allemagne')
    assert.match(countryName('CI', 'fr')!, /^Côte.d.Ivoire$/)
    assert.equal(isCountryCode('CA'), true)
    assert.equal(isCountryCode('XX'), false)
    assert.equal(countryName('XX', 'en'), undefined)
  })

  it('sorts countries with each language’s collation, accents in their place', () => {
    for (const lang of ['en', 'fr'] as const) {
      const names = countryOptions(lang).map((o) => o.text)
      const collator = new Intl.Collator(`${lang}-CA`, { sensitivity: 'base' })
      assert.deepEqual(names, [...names].sort(collator.compare))
    }
    const fr = countryOptions('fr').map((o) => o.text)
    // "Égypte" sorts among the E's, not after "Zimbabwe" as a code-point sort would put it.
    assert.ok(fr.indexOf('Égypte') < fr.indexOf('Zimbabwe'))
    assert.ok(fr.indexOf('Égypte') > fr.indexOf('Danemark'))
  })

  it('has the 13 provinces and territories with their postal letters', () => {
    assert.equal(PROVINCES.length, 13)
    assert.equal(provinceName('QC', 'fr'), 'Québec')
    assert.equal(provinceName('PE', 'fr'), 'Île-du-Prince-Édouard')
    assert.equal(provinceName('NL', 'en'), 'Newfoundland and Labrador')
    assert.equal(isProvinceCode('ON'), true)
    assert.equal(isProvinceCode('XX'), false)
    const fr = provinceOptions('fr').map((o) => o.text)
    assert.ok(fr.indexOf('Île-du-Prince-Édouard') < fr.indexOf('Manitoba'))
    const toronto = checkPostalCode('M5V 3L9')
    assert.ok(toronto.ok && postalCodeFitsProvince(toronto.value, 'ON'))
    assert.ok(toronto.ok && !postalCodeFitsProvince(toronto.value, 'QC'))
  })

  it('offers wage units, education levels and languages in both languages', () => {
    assert.deepEqual(wageUnitOptions('en').map((o) => o.value), ['hour', 'week', 'month', 'year'])
    // The units are worded alike: « par heure », « par semaine »…
    assert.deepEqual(wageUnitOptions('fr').map((o) => o.text), ['par heure', 'par semaine', 'par mois', 'par année'])
    const edu = educationOptions('fr')
    assert.equal(edu[0]!.value, 'none')
    assert.equal(edu.at(-1)!.text, 'Doctorat')
    const langs = jobLanguageOptions('fr')
    assert.deepEqual(langs.slice(0, 2).map((o) => o.value), ['en', 'fr'])
    assert.equal(langs.at(-1)!.value, 'other')
    assert.equal(langs[2]!.text, 'Allemand')
  })
})
