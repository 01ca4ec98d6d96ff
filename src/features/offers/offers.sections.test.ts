import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { translate } from '../../i18n/i18n.ts'
import { allProblems, answersFromForm, SECTION_IDS, SECTIONS, sectionProblems, type SectionId } from './offers.sections.ts'
import type { Answers } from './offers.tables.ts'

const TODAY = '2026-11-23'
const valid = (): Answers => structuredClone(VALID_OFFER) as Answers
const problemsOf = (section: SectionId, change: Record<string, string | string[]>, base = valid()) => {
  const answers = { ...base, [section]: { ...base[section], ...change } }
  return sectionProblems(section, answers, 'en', TODAY).map((p) => [p.field, Array.isArray(p.problem) ? p.problem[0] : p.problem])
}

/** Every section's rules, one by one, without HTTP. */
describe('offer sections: the validation of each section', () => {
  it('a complete offer has no problem in any section, in either language', () => {
    for (const lang of ['en', 'fr'] as const) assert.deepEqual(allProblems(valid(), lang, TODAY), [])
  })

  for (const section of SECTION_IDS) {
    it(`${section}: every required field, left empty, is named with its own message in both languages`, () => {
      const empty = Object.fromEntries(SECTIONS[section].map((f) => [f.name, f.kind === 'checkboxes' ? [] : '']))
      const problems = sectionProblems(section, { ...valid(), [section]: empty }, 'en', TODAY)
      const required = SECTIONS[section].filter((f) => !f.optional).map((f) => f.name)
      assert.deepEqual(problems.map((p) => p.field), required)
      for (const p of problems) {
        assert.equal(p.problem, `offers.fields.${p.field}.required`)
        assert.notEqual(translate('en', p.problem as string), translate('fr', p.problem as string))
      }
    })
  }

  it('exemption: an open code, an unknown code, "see attached", an unknown fee exemption', () => {
    assert.deepEqual(problemsOf('exemption', { exemptionCode: 'R01' }), [['exemptionCode', 'offers.e_openCode']])
    assert.deepEqual(problemsOf('exemption', { exemptionCode: 'Z99' }), [['exemptionCode', 'offers.e_choice']])
    assert.deepEqual(problemsOf('exemption', { exemptionExplanation: 'See attached.' }), [['exemptionExplanation', 'reference.validation.answerSeeAttached']])
    assert.deepEqual(problemsOf('exemption', { feeExemption: 'maybe' }), [['feeExemption', 'offers.e_choice']])
  })

  it('business: counts and years in range', () => {
    assert.deepEqual(problemsOf('business', { employees: '0' }), [['employees', 'offers.e_count']])
    assert.deepEqual(problemsOf('business', { yearStarted: '2027' }), [['yearStarted', 'offers.e_notYear']])
    assert.deepEqual(problemsOf('business', { yearStarted: '1599' }), [['yearStarted', 'offers.e_notYear']])
  })

  it('job: NOC format, dates in order, hours 1 to 84, postal codes, a second location only when there is one', () => {
    assert.deepEqual(problemsOf('job', { nocCode: '6220' }), [['nocCode', 'offers.e_noc']])
    assert.deepEqual(problemsOf('job', { startDate: '2027-06-01', endDate: '2027-05-31' }), [['endDate', 'offers.e_endBeforeStart']])
    assert.deepEqual(problemsOf('job', { startDate: '2027-02-30' }), [['startDate', 'offers.e_date']])
    assert.deepEqual(problemsOf('job', { hoursPerWeek: '85' }), [['hoursPerWeek', 'reference.validation.hoursRange']])
    assert.deepEqual(problemsOf('job', { hoursPerWeek: '0' }), [['hoursPerWeek', 'reference.validation.hoursRange']])
    assert.deepEqual(problemsOf('job', { workPostalCode: '12345' }), [['workPostalCode', 'reference.validation.postalCodeFormat']])
    assert.deepEqual(
      problemsOf('job', { additionalLocation: 'yes' }).map(([f]) => f),
      ['secondStreet', 'secondCity', 'secondProvince', 'secondPostalCode'],
    )
    assert.deepEqual(problemsOf('job', { additionalLocation: 'yes', secondStreet: '2 rue X', secondCity: 'Lévis', secondProvince: 'QC', secondPostalCode: 'G6V 1A1' }), [])
    assert.deepEqual(problemsOf('job', { additionalInfo: 'see attached' }), [['additionalInfo', 'reference.validation.answerSeeAttached']])
  })

  it('job: entrepreneurs (C11, C60) must use NOC 88888 and the title "Entrepreneur"', () => {
    const base = valid()
    base.exemption = { ...base.exemption, exemptionCode: 'C11' }
    assert.deepEqual(problemsOf('job', {}, base), [['jobTitle', 'offers.e_entrepreneurTitle'], ['nocCode', 'offers.e_entrepreneurNoc']])
    assert.deepEqual(problemsOf('job', { jobTitle: 'Entrepreneur', nocCode: '88888' }, base), [])
  })

  it('requirements: known education levels, years 0 to 50, known languages', () => {
    assert.deepEqual(problemsOf('requirements', { education: 'phd-of-life' }), [['education', 'offers.e_choice']])
    assert.deepEqual(problemsOf('requirements', { experienceYears: '51' }), [['experienceYears', 'offers.e_years']])
    assert.deepEqual(problemsOf('requirements', { languages: ['fr', 'klingon'] }), [['languages', 'offers.e_choice']])
  })

  it('wage: positive money in either language’s format, at most two decimals; benefits optional', () => {
    assert.deepEqual(problemsOf('wage', { wage: '0' }), [['wage', 'reference.validation.moneyNegative']])
    assert.deepEqual(problemsOf('wage', { wage: '-5' }), [['wage', 'reference.validation.moneyNegative']])
    assert.deepEqual(problemsOf('wage', { wage: '12.345' }), [['wage', 'reference.validation.moneyDecimals']])
    assert.deepEqual(problemsOf('wage', { wage: 'lots' }), [['wage', 'reference.validation.moneyFormat']])
    assert.deepEqual(problemsOf('wage', { benefits: [] }), [])
  })

  it('worker: names in any script with accents, apostrophes and hyphens; passports; dates of birth in the past', () => {
    for (const name of ['Nguyễn-O’Brien', 'D’Arcy', 'Søren', 'Иванова', '李', 'Ngũgĩ wa Thiong’o']) assert.deepEqual(problemsOf('worker', { familyName: name }), [], name)
    assert.deepEqual(problemsOf('worker', { familyName: 'R2D2' }), [['familyName', 'reference.validation.nameDigits']])
    assert.deepEqual(problemsOf('worker', { passportNumber: 'AB' }), [['passportNumber', 'reference.validation.passportLength']])
    assert.deepEqual(problemsOf('worker', { passportNumber: 'AB#12345' }), [['passportNumber', 'reference.validation.passportCharacters']])
    assert.deepEqual(problemsOf('worker', { dateOfBirth: '2030-01-01' }), [['dateOfBirth', 'offers.e_birthFuture']])
    assert.deepEqual(problemsOf('worker', { sex: 'Q' }), [['sex', 'offers.e_choice']])
    assert.deepEqual(problemsOf('worker', { citizenship: 'XX' }), [['citizenship', 'offers.e_choice']])
    assert.deepEqual(problemsOf('worker', { uci: '1234-5678' }), [])
    assert.deepEqual(problemsOf('worker', { uci: '123' }), [['uci', 'offers.e_uci']])
  })

  it('worker: a date of birth a worker can have, at least 14 years old today and at most 120, in both languages', () => {
    // Today is 2026-11-23: 14 years old from 2012-11-23 on, 121 on 1905-11-23.
    for (const [dob, problem] of [
      ['2024-03-01', 'offers.e_birthTooYoung'],
      ['2012-11-24', 'offers.e_birthTooYoung'],
      ['2012-11-23', undefined],
      ['1905-11-24', undefined],
      ['1905-11-23', 'offers.e_birthTooOld'],
      ['0990-07-14', 'offers.e_birthTooOld'],
      ['2026-11-23', 'offers.e_birthFuture'],
    ] as const) {
      assert.deepEqual(problemsOf('worker', { dateOfBirth: dob }), problem ? [['dateOfBirth', problem]] : [], dob)
    }
    const [young] = sectionProblems('worker', { ...valid(), worker: { ...valid().worker, dateOfBirth: '2024-03-01' } }, 'fr', TODAY)
    assert.ok(young && Array.isArray(young.problem))
    assert.equal(translate('en', young.problem[0], young.problem[1]), 'The foreign national must be at least 14 years old today: check the date of birth')
    assert.equal(translate('fr', young.problem[0], young.problem[1]), 'Le ressortissant étranger doit avoir au moins 14\u00a0ans aujourd’hui\u00a0: vérifiez la date de naissance')
  })

  it('attestations: every one must be ticked; a form can only say yes or nothing', () => {
    assert.deepEqual(problemsOf('attestations', { abuseFree: '' }), [['abuseFree', 'offers.fields.abuseFree.required']])
    assert.deepEqual(answersFromForm('attestations', { agreement: 'no', abuseFree: 'yes' }).agreement, '')
  })

  it('keeps what was typed from a form: strings as sent, lists for checkboxes, nothing else', () => {
    const kept = answersFromForm('requirements', { education: '  college ', languages: 'fr', injected: 'x', experienceYears: ['3', '4'] })
    assert.deepEqual(kept, { education: '  college ', experienceYears: '3', languages: ['fr'] })
  })
})

describe('supporting documents: file names as kept', () => {
  it('drops paths, control characters and bidirectional overrides', async () => {
    const { safeFileName } = await import('./offers.service.ts')
    assert.equal(safeFileName('../../etc/passwd.png'), 'passwd.png')
    assert.equal(safeFileName('C:\\Users\\me\\lettre.pdf'), 'lettre.pdf')
    assert.equal(safeFileName('invoice\u202Efdp.exe'), 'invoicefdp.exe')
    assert.equal(safeFileName('a\u0000b\nc.pdf'), 'abc.pdf')
    assert.equal(safeFileName('..'), 'document')
    assert.equal(safeFileName('lettre d’emploi – été.pdf'), 'lettre d’emploi – été.pdf')
  })
})
