import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXEMPTION_CATEGORIES, EXEMPTION_CODES } from './exemption-codes.ts'
import { COUNTRIES, countryName, EDUCATION_LEVELS, JOB_LANGUAGES, PROVINCES, WAGE_UNITS } from './lists.ts'

/** Every name the reference data shows people, with where it comes from. */
function names(): Array<{ where: string; en: string; fr: string }> {
  return [
    ...EXEMPTION_CATEGORIES.map((c) => ({ where: `category ${c.id}`, ...c.name })),
    ...EXEMPTION_CODES.flatMap((c) => [{ where: `code ${c.code}`, ...c.name }, ...(c.openWhen ? [{ where: `code ${c.code} openWhen`, ...c.openWhen }] : [])]),
    ...[...COUNTRIES, ...PROVINCES, ...WAGE_UNITS, ...EDUCATION_LEVELS, ...JOB_LANGUAGES].map((i) => ({ where: i.code, ...i.name })),
  ]
}

describe('reference data: typography (as the message catalogs, src/i18n/catalog-parity.test.ts)', () => {
  it('writes French with a non-breaking space before a colon and inside « », and no space before ; ! ?', () => {
    // An ordinary space lets a line break leave « : » alone at the start of a line.
    const wrong = names().filter((n) => / [:»]|« |[ \u00a0\u202f][;!?]/.test(n.fr)).map((n) => `${n.where}: ${n.fr}`)
    assert.deepEqual(wrong, [])
  })

  it('writes the typographic apostrophe (’), never the straight one, in both languages', () => {
    const straight = names().filter((n) => n.en.includes("'") || n.fr.includes("'")).map((n) => `${n.where}: ${n.en} / ${n.fr}`)
    assert.deepEqual(straight, [])
  })

  it('names countries in French as Canadian French writes them', () => {
    const fr = (code: string) => countryName(code, 'fr')
    assert.equal(fr('CI'), 'Côte d’Ivoire')
    assert.equal(fr('US'), 'États-Unis d’Amérique')
    assert.equal(fr('SZ'), 'Royaume d’Eswatini')
    assert.equal(fr('AE'), 'Émirats arabes unis')
    assert.equal(fr('SA'), 'Arabie saoudite')
    assert.equal(fr('CF'), 'République centrafricaine')
    assert.equal(fr('DO'), 'République dominicaine')
    assert.equal(fr('CZ'), 'République tchèque')
    assert.equal(fr('VG'), 'Îles Vierges britanniques')
    assert.equal(fr('VI'), 'Îles Vierges américaines')
    assert.equal(fr('IO'), 'Territoire britannique de l’océan Indien')
    assert.equal(countryName('CI', 'en'), 'Cote d’Ivoire')
  })
})
