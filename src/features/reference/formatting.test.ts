import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatAddress } from './lists.ts'
import { formatBusinessNumber, formatStoredPhone } from './validators.ts'

describe('numbers and addresses as people read them (the employer side and the console alike)', () => {
  it('writes a business number in threes, and leaves anything else as it is', () => {
    assert.equal(formatBusinessNumber('876543216'), '876\u00a0543\u00a0216')
    assert.equal(formatBusinessNumber(null), '')
    assert.equal(formatBusinessNumber('E1234567'), 'E1234567')
  })

  it('writes a stored phone number punctuated, with its extension in the reader’s language', () => {
    assert.equal(formatStoredPhone('+14505550199', 'en'), '+1 450-555-0199')
    assert.equal(formatStoredPhone('+16135550123;ext=12', 'en'), '+1 613-555-0123, ext. 12')
    assert.equal(formatStoredPhone('+16135550123;ext=12', 'fr'), '+1 613-555-0123, poste 12')
    assert.equal(formatStoredPhone(null, 'fr'), '')
  })

  it('writes an address on one line with its parts apart, as each language does', () => {
    const a = { street: '150 Elgin St', city: 'Ottawa', province: 'ON', postalCode: 'K2P 1L4' }
    assert.equal(formatAddress(a, 'en'), '150 Elgin St, Ottawa, Ontario K2P 1L4')
    assert.equal(formatAddress(a, 'fr'), '150 Elgin St, Ottawa (Ontario) K2P 1L4')
    assert.equal(formatAddress({ ...a, street: null, postalCode: null }, 'en'), 'Ottawa, Ontario')
  })
})
