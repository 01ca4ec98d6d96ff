import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { translate } from '../../i18n/i18n.ts'
import { allProblems, answersFromForm, keptAnswers, SECTION_IDS, SECTIONS, sectionProblems, type SectionId } from './offers.sections.ts'
import { answerText, shownFields } from './offers.views.ts'
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
    assert.deepEqual(problemsOf('wage', { wage: '0' }), [['wage', 'offers.e_wageZero']])
    assert.deepEqual(problemsOf('wage', { wage: '0,00' }), [['wage', 'offers.e_wageZero']])
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
    assert.deepEqual(kept, { education: '  college ', experienceYears: '3', languages: ['fr'], otherLanguages: '' })
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

const fieldOf = (section: SectionId, name: string) => SECTIONS[section].find((f) => f.name === name)!
const problemIn = (section: SectionId, change: Record<string, string | string[]>, lang: 'en' | 'fr', base = valid()) => {
  const [p] = sectionProblems(section, { ...base, [section]: { ...base[section], ...change } }, lang, TODAY)
  return p ? (Array.isArray(p.problem) ? translate(lang, p.problem[0], p.problem[1]) : translate(lang, p.problem)) : undefined
}

describe('offer sections: checks against the reference data, canonical answers', () => {
  it('job: an occupation code not in the NOC 2021 list is refused, in both languages; 88888 only for entrepreneurs', () => {
    assert.deepEqual(problemsOf('job', { nocCode: '99999' }), [['nocCode', 'offers.e_nocUnknown']])
    assert.deepEqual(problemsOf('job', { nocCode: '88888' }), [['nocCode', 'offers.e_nocUnknown']])
    assert.deepEqual(problemsOf('job', { nocCode: '21231' }), [])
    assert.equal(problemIn('job', { nocCode: '99999' }, 'en'), 'The code 99999 is not in the NOC 2021 list: enter the code of the occupation whose duties fit the job')
    assert.equal(problemIn('job', { nocCode: '99999' }, 'fr'), 'Le code 99999 ne figure pas dans la liste de la CNP 2021\u00a0: entrez le code de la profession dont les fonctions correspondent à l’emploi')
  })

  it('job: the occupation is read with its title and TEER category (FEER in French) in summaries and the PDF', () => {
    const noc = fieldOf('job', 'nocCode')
    assert.equal(answerText(noc, '62200', 'en'), '62200 Chefs (TEER 2)')
    assert.equal(answerText(noc, '63200', 'fr'), '63200 Cuisiniers/cuisinières (FEER 3)')
    // The entrepreneurs' code is not in the list: read as it is.
    assert.equal(answerText(noc, '88888', 'en'), '88888')
  })

  it('job: a past start date is refused by the section (Next), not only when the whole offer is checked', () => {
    assert.deepEqual(problemsOf('job', { startDate: '2026-11-22', endDate: '2027-05-31' }), [['startDate', 'offers.e_startPast']])
    assert.deepEqual(problemsOf('job', { startDate: TODAY, endDate: '2027-05-31' }), [])
  })

  it('job: a postal code must begin with a letter of its province, in both languages', () => {
    assert.deepEqual(problemsOf('job', { workProvince: 'QC', workPostalCode: 'K1A 0B1' }), [['workPostalCode', 'offers.e_postalProvince']])
    assert.equal(problemIn('job', { workProvince: 'QC', workPostalCode: 'K1A 0B1' }, 'fr'), 'Les codes postaux de la province ou du territoire choisi (Québec) commencent par G, H ou J\u00a0: vérifiez le code postal et la province')
    assert.equal(problemIn('job', { workProvince: 'ON', workPostalCode: 'H2X 1Y4' }, 'en'), 'Postal codes in Ontario start with K, L, M, N or P: check the postal code and the province')
    for (const [province, code] of [['ON', 'K1A 0B1'], ['NU', 'X0A 0H0'], ['NT', 'X1A 2L9'], ['QC', 'j8y 3y5'], ['NL', 'A1C 5M2']]) {
      assert.deepEqual(problemsOf('job', { workProvince: province!, workPostalCode: code! }), [], `${province} ${code}`)
    }
    const second = { additionalLocation: 'yes', secondStreet: '2 rue X', secondCity: 'Lévis', secondProvince: 'QC', secondPostalCode: 'T2P 1J9' }
    assert.deepEqual(problemsOf('job', second), [['secondPostalCode', 'offers.e_postalProvince']])
  })

  it('keeps postal codes, hours and passport numbers in one canonical form, and shows hours as each language writes them', () => {
    const job = keptAnswers('job', { workPostalCode: 'h2x1y4', secondPostalCode: ' g6v-1a1', hoursPerWeek: '37,5' })
    assert.deepEqual(job, { workPostalCode: 'H2X 1Y4', secondPostalCode: 'G6V 1A1', hoursPerWeek: '37.5' })
    assert.equal(keptAnswers('job', { hoursPerWeek: '40.00' }).hoursPerWeek, '40')
    assert.equal(keptAnswers('job', { hoursPerWeek: 'forty' }).hoursPerWeek, 'forty', 'what is not hours is kept as typed, with its error')
    assert.equal(keptAnswers('worker', { passportNumber: 'c1234567' }).passportNumber, 'C1234567')
    assert.equal(keptAnswers('worker', { passportNumber: 'ab 12-34 56' }).passportNumber, 'AB123456')
    const hours = fieldOf('job', 'hoursPerWeek')
    assert.equal(hours.shown!('37.5', 'fr'), '37,5')
    assert.equal(hours.shown!('37.5', 'en'), '37.5')
    assert.equal(answerText(hours, '37.5', 'en'), '37.5')
    assert.equal(answerText(hours, '37.5', 'fr'), '37,5')
    // Drafts saved before: "37,5" is read the same in either language.
    assert.equal(answerText(hours, '37,5', 'en'), '37.5')
  })

  it('worker: Canada is refused as the citizenship of a foreign national, with its reason; uninhabited places are not offered', () => {
    assert.deepEqual(problemsOf('worker', { citizenship: 'CA' }), [['citizenship', 'offers.e_citizenCanada']])
    assert.match(problemIn('worker', { citizenship: 'CA' }, 'en')!, /^A Canadian citizen does not need an offer of employment/)
    assert.match(problemIn('worker', { citizenship: 'CA' }, 'fr')!, /^Un citoyen canadien n’a besoin ni d’une offre d’emploi/)
    assert.deepEqual(problemsOf('worker', { citizenship: 'AQ' }), [['citizenship', 'offers.e_choice']])
    for (const lang of ['en', 'fr'] as const) {
      const offered = fieldOf('worker', 'citizenship').choices!(lang).map((c) => c.value)
      for (const code of ['CA', 'AQ', 'BV', 'HM']) assert.ok(!offered.includes(code), `${code} (${lang})`)
      assert.ok(offered.includes('VN') && offered.includes('PS') && offered.includes('HK'))
    }
    // A foreign national may live in Canada, or have been born there.
    assert.deepEqual(problemsOf('worker', { countryOfResidence: 'CA', countryOfBirth: 'CA' }), [])
  })

  it('wage: an amount that cannot be a real wage for its period and the job’s hours is refused, in both languages', () => {
    const yearly = (wage: string) => problemsOf('wage', { wage, wageUnit: 'year' })
    assert.deepEqual(yearly('1.50'), [['wage', 'offers.e_wageImplausible']])
    assert.deepEqual(yearly('28.50'), [['wage', 'offers.e_wageImplausible']])
    assert.deepEqual(yearly('58000'), [])
    assert.deepEqual(problemsOf('wage', { wage: '28.50', wageUnit: 'week' }), [['wage', 'offers.e_wageImplausible']])
    assert.deepEqual(problemsOf('wage', { wage: '28.50', wageUnit: 'month' }), [['wage', 'offers.e_wageImplausible']])
    assert.deepEqual(problemsOf('wage', { wage: '4.99', wageUnit: 'hour' }), [['wage', 'offers.e_wageImplausible']])
    assert.deepEqual(problemsOf('wage', { wage: '5', wageUnit: 'hour' }), [])
    assert.deepEqual(problemsOf('wage', { wage: '1300', wageUnit: 'week' }), [])
    // A part-time job: the same weekly pay is plausible for 10 hours, not for 40.
    const partTime = valid()
    partTime.job = { ...partTime.job, hoursPerWeek: '10' }
    assert.deepEqual(problemsOf('wage', { wage: '150', wageUnit: 'week' }, partTime), [])
    assert.deepEqual(problemsOf('wage', { wage: '150', wageUnit: 'week' }), [['wage', 'offers.e_wageImplausible']])
    assert.equal(problemIn('wage', { wage: '1,50', wageUnit: 'year' }, 'fr'), 'Ce salaire représente moins de 5,00\u00a0$ de l’heure pour les heures de travail de l’emploi\u00a0: vérifiez le montant et l’unité de temps du salaire')
    assert.equal(problemIn('wage', { wage: '0' }, 'en'), 'The wage must be more than 0')
    assert.equal(problemIn('wage', { wage: '0' }, 'fr'), 'Le salaire doit être supérieur à 0')
  })

  it('requirements and wage: "Other language" and "Other benefits" ask which, required once ticked, shown in summaries only then', () => {
    assert.deepEqual(problemsOf('requirements', { languages: ['fr', 'other'] }), [['otherLanguages', 'offers.fields.otherLanguages.required']])
    assert.deepEqual(problemsOf('requirements', { languages: ['fr', 'other'], otherLanguages: 'Wolof' }), [])
    assert.deepEqual(problemsOf('requirements', { languages: ['fr', 'other'], otherLanguages: 'n/a' }), [['otherLanguages', 'reference.validation.answerSeeAttached']])
    assert.deepEqual(problemsOf('wage', { benefits: ['health', 'other'] }), [['otherBenefits', 'offers.fields.otherBenefits.required']])
    assert.deepEqual(problemsOf('wage', { benefits: ['other'], otherBenefits: 'Housing near the restaurant' }), [])
    assert.equal(problemIn('wage', { benefits: ['other'] }, 'fr'), 'Décrivez les autres avantages offerts avec l’emploi')
    const names = (section: SectionId, answers: Answers) => shownFields(section, answers).map((f) => f.name)
    assert.ok(!names('requirements', valid()).includes('otherLanguages'))
    assert.ok(names('requirements', { ...valid(), requirements: { ...valid().requirements, languages: ['other'] } }).includes('otherLanguages'))
    assert.ok(!names('wage', valid()).includes('otherBenefits'))
    assert.ok(names('wage', { ...valid(), wage: { ...valid().wage, benefits: ['other'] } }).includes('otherBenefits'))
  })
})
