import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { cardBrand, expired, luhnValid, normalizeCardNumber, parseExpiry, securityCodeValid, TEST_CARDS, testCardOutcome } from './test-gateway.cards.ts'
import { cardFormSchema } from './test-gateway.schema.ts'

describe('test gateway card rules', () => {
  it('accepts numbers that pass the Luhn check and refuses one wrong digit', () => {
    for (const n of ['4242424242424242', '5555555555554444', '378282246310005', '4000000000000002', '4000000000000119']) {
      assert.equal(luhnValid(n), true, n)
    }
    assert.equal(luhnValid('4242424242424241'), false)
    assert.equal(luhnValid('1234567812345678'), false)
    assert.equal(luhnValid('42424242'), false, 'too short')
    assert.equal(luhnValid('4242 4242 4242 4242'), false, 'digits only')
    assert.equal(luhnValid(normalizeCardNumber('4242 4242-4242 4242')), true)
  })

  it('catches every single-digit change of a valid number (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1, max: 9 }), (pos, delta) => {
        const digits = '4242424242424242'.split('').map(Number)
        digits[pos] = (digits[pos]! + delta) % 10
        return luhnValid(digits.join('')) === false
      }),
    )
  })

  it('reads expiry dates and judges them by the month', () => {
    assert.deepEqual(parseExpiry('04/29'), { month: 4, year: 2029 })
    assert.deepEqual(parseExpiry('4/2029'), { month: 4, year: 2029 })
    assert.deepEqual(parseExpiry('0429'), { month: 4, year: 2029 })
    assert.equal(parseExpiry('13/29'), undefined)
    assert.equal(parseExpiry('00/29'), undefined)
    assert.equal(parseExpiry('April 2029'), undefined)
    const now = new Date('2026-11-23T12:00:00Z')
    assert.equal(expired({ month: 11, year: 2026 }, now), false, 'valid through the end of its month')
    assert.equal(expired({ month: 10, year: 2026 }, now), true)
    assert.equal(expired({ month: 1, year: 2027 }, now), false)
    assert.equal(expired({ month: 12, year: 2025 }, now), true)
  })

  it('knows brands and security code lengths', () => {
    assert.equal(cardBrand('4242424242424242'), 'Visa')
    assert.equal(cardBrand('5555555555554444'), 'Mastercard')
    assert.equal(cardBrand('2223003122003222'), 'Mastercard')
    assert.equal(cardBrand('378282246310005'), 'American Express')
    assert.equal(securityCodeValid('123', 'Visa'), true)
    assert.equal(securityCodeValid('1234', 'Visa'), false)
    assert.equal(securityCodeValid('1234', 'American Express'), true)
  })

  it('documents one approved, one declined and one unanswered test card, all Luhn-valid', () => {
    const outcomes = new Set(TEST_CARDS.map((c) => c.outcome))
    assert.deepEqual([...outcomes].sort(), ['approved', 'declined', 'no_answer'])
    for (const c of TEST_CARDS) assert.ok(luhnValid(c.number), c.number)
    assert.equal(testCardOutcome('4000000000000002'), 'declined')
    assert.equal(testCardOutcome('4000000000000119'), 'no_answer')
    assert.equal(testCardOutcome('378282246310005'), undefined)
  })

  it('validates the card form with catalog keys', () => {
    const schema = cardFormSchema(new Date('2026-11-23T12:00:00Z'))
    const ok = schema.safeParse({ cardNumber: '4242 4242 4242 4242', expiry: '12/26', securityCode: '123', cardholderName: 'Alex Tremblay' })
    assert.ok(ok.success)
    assert.equal(ok.data.cardNumber, '4242424242424242')
    const bad = schema.safeParse({ cardNumber: '4242 4242 4242 4241', expiry: '10/26', securityCode: '12', cardholderName: ' ' })
    assert.ok(!bad.success)
    const byField = Object.fromEntries(bad.error.issues.map((i) => [String(i.path[0]), i.message]))
    assert.equal(byField.cardNumber, 'testGateway.errors.cardNumberInvalid')
    assert.equal(byField.expiry, 'testGateway.errors.expiryPast')
    assert.equal(byField.cardholderName, 'testGateway.errors.cardholderNameRequired')
    const code = schema.safeParse({ cardNumber: '4242424242424242', expiry: '12/30', securityCode: '1234', cardholderName: 'A' })
    assert.ok(!code.success)
    assert.deepEqual(code.error.issues.map((i) => [i.path[0], i.message]), [['securityCode', 'testGateway.errors.securityCodeInvalid']])
    const notTest = schema.safeParse({ cardNumber: '378282246310005', expiry: '12/30', securityCode: '1234', cardholderName: 'A' })
    assert.ok(!notTest.success)
    assert.equal(notTest.error.issues[0]!.message, 'testGateway.errors.cardNumberNotTest')
  })
})
