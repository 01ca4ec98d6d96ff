import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EXEMPTION_CATEGORIES, EXEMPTION_CODES, exemptionByCode, exemptionOptionGroups, isOpenExemption } from './exemption-codes.ts'
import { eligibilitySchema } from './reference.schema.ts'
import { decideEligibility } from './reference.service.ts'

describe('LMIA exemption codes', () => {
  it('are unique, well-formed, named in both languages and in a known category', () => {
    const codes = EXEMPTION_CODES.map((c) => c.code)
    assert.equal(new Set(codes).size, codes.length)
    for (const c of EXEMPTION_CODES) {
      assert.match(c.code, /^[A-Z]\d{2}$/)
      assert.ok(c.name.en.length > 3 && c.name.fr.length > 3, c.code)
      assert.ok(EXEMPTION_CATEGORIES.some((k) => k.id === c.category), c.code)
      for (const old of c.oldCodes) assert.match(old, /^[A-Z]\d{2}$/)
    }
  })

  it('cover the product’s list', () => {
    const expected = [
      'R01', 'R02', 'T11', 'T34', 'T35', 'T36', 'T37', 'T38', 'T33', 'F10', 'F15', 'F20', 'F24', 'F30', 'F36', 'F42', 'F50', 'F55',
      'T41', 'T48', 'T50', 'T55', 'F60', 'F67', 'F70', 'F74', 'T13', 'C18', 'T10', 'C21', 'C10', 'C11', 'C60', 'C61', 'C62', 'C63',
      'C13', 'C14', 'C15', 'A71', 'C90', 'C91', 'A74', 'A75', 'A76', 'A77', 'C17', 'A73', 'C20', 'C22', 'C23', 'C24', 'C26', 'C31',
      'C32', 'C33', 'C16', 'C44', 'C45', 'C52', 'C88', 'C41', 'C42', 'C43', 'C46', 'C47', 'C48', 'C49', 'C50', 'C51', 'S61', 'S62',
      'A70', 'A72', 'H81', 'H82',
    ]
    for (const code of expected) assert.ok(exemptionByCode(code), code)
  })

  it('mark open work permits, employer-specific ones and entrepreneurs', () => {
    for (const code of ['R01', 'R02', 'F36', 'T45', 'T53', 'F64', 'T10', 'A75', 'A77', 'C17', 'C32', 'C33', 'C41', 'C43', 'S61', 'H82']) {
      assert.equal(isOpenExemption(code), true, code)
    }
    for (const code of ['T36', 'T37', 'C10', 'C11', 'C60', 'C61', 'A73', 'C31', 'C16', 'C44', 'C88', 'C50', 'C21']) {
      assert.equal(isOpenExemption(code), false, code)
    }
    assert.deepEqual(EXEMPTION_CODES.filter((c) => c.entrepreneur).map((c) => c.code).sort(), ['C11', 'C60'])
    assert.deepEqual(exemptionByCode('t36')?.oldCodes, ['T23'])
    assert.deepEqual(exemptionByCode('C60')?.oldCodes, ['C11'])
    assert.ok(exemptionByCode('C21')?.openWhen?.fr.includes('Vacances-travail'))
    assert.equal(isOpenExemption('Z99'), false)
    assert.equal(exemptionByCode(undefined), undefined)
  })

  it('give grouped select options in category order, every code once', () => {
    const groups = exemptionOptionGroups('fr')
    assert.deepEqual(groups.map((g) => g.label), EXEMPTION_CATEGORIES.map((c) => c.name.fr))
    assert.equal(groups.flatMap((g) => g.options).length, EXEMPTION_CODES.length)
    const t36 = groups.flatMap((g) => g.options).find((o) => o.value === 'T36')
    assert.equal(t36?.text, 'T36 Professionnels (ACEUM) [T23]')
    assert.equal(exemptionOptionGroups('en', (c) => c.open).flatMap((g) => g.options).length, EXEMPTION_CODES.filter((c) => c.open).length)
  })
})

describe('eligibility check', () => {
  it('needs no offer for an open work permit, with no code or a code that gives one', () => {
    assert.deepEqual(decideEligibility({ openPermit: 'yes' }), { offerNeeded: false, reason: 'openPermit' })
    for (const code of ['R01', 'C43', 'C21']) assert.equal(decideEligibility({ openPermit: 'yes', code }).offerNeeded, false, code)
  })
  it('points out answers that contradict each other instead of ignoring one', () => {
    const specific = decideEligibility({ openPermit: 'yes', code: 'T36' })
    assert.equal(specific.offerNeeded, null)
    assert.equal(specific.offerNeeded === null && specific.contradiction, 'openPermitSpecificCode')
    assert.equal(specific.exemption?.code, 'T36')
    const open = decideEligibility({ openPermit: 'no', code: 'R01' })
    assert.equal(open.offerNeeded === null && open.contradiction, 'specificPermitOpenCode')
    // Not sure about the permit: the code decides.
    assert.equal(decideEligibility({ openPermit: 'unsure', code: 'R01' }).offerNeeded, false)
    assert.equal(decideEligibility({ openPermit: 'unsure', code: 'T36' }).offerNeeded, true)
  })
  it('needs no offer for an open exemption code', () => {
    const d = decideEligibility({ openPermit: 'unsure', code: 'C41' })
    assert.equal(d.offerNeeded, false)
    assert.equal(!d.offerNeeded && d.reason, 'openCode')
  })
  it('needs an offer for an employer-specific code, an unknown code or no answer about the code', () => {
    assert.deepEqual(decideEligibility({ openPermit: 'no' }), { offerNeeded: true, unsure: false })
    assert.deepEqual(decideEligibility({ openPermit: 'unsure' }), { offerNeeded: true, unsure: true })
    const c11 = decideEligibility({ openPermit: 'no', code: 'C11' })
    assert.ok(c11.offerNeeded && c11.exemption?.entrepreneur)
    assert.equal(decideEligibility({ openPermit: 'no', code: 'C21' }).offerNeeded, true)
  })
  it('validates the answers: a choice is required, the code must exist', () => {
    assert.equal(eligibilitySchema.safeParse({}).success, false)
    assert.equal(eligibilitySchema.safeParse({ openPermit: 'maybe' }).success, false)
    assert.equal(eligibilitySchema.safeParse({ openPermit: 'no', code: 'Z99' }).success, false)
    assert.deepEqual(eligibilitySchema.parse({ openPermit: 'no', code: 'unknown' }), { openPermit: 'no', code: undefined })
    assert.deepEqual(eligibilitySchema.parse({ openPermit: 'no', code: ' t36 ' }), { openPermit: 'no', code: 'T36' })
  })
})
