import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatPin, generatePin, normalizePin, PIN_ALPHABET, PIN_LENGTH, pinHash, pinKeys, sealPin, unsealPin } from './access.pin.ts'

const keys = pinKeys('a-test-secret-of-at-least-32-characters!!')

describe('PINs', () => {
  it('are random, long enough, and free of look-alike characters', () => {
    const pins = new Set(Array.from({ length: 2000 }, generatePin))
    assert.equal(pins.size, 2000)
    for (const pin of pins) {
      assert.equal(pin.length, PIN_LENGTH)
      assert.doesNotMatch(pin, /[0O1IL]/)
      for (const c of pin) assert.ok(PIN_ALPHABET.includes(c))
    }
    assert.ok(PIN_LENGTH >= 8)
  })

  it('are read in any case and with spaces or hyphens', () => {
    const pin = 'ABCD2345XY'
    assert.equal(normalizePin(' abcd-2345 xy '), pin)
    assert.equal(pinHash(keys, formatPin(pin).toLowerCase()), pinHash(keys, pin))
    assert.notEqual(pinHash(keys, 'ABCD2345XZ'), pinHash(keys, pin))
  })

  it('hash under the secret: another secret gives another hash, and the hash does not contain the PIN', () => {
    const pin = generatePin()
    const other = pinKeys('another-secret-of-at-least-32-characters!')
    assert.notEqual(pinHash(keys, pin), pinHash(other, pin))
    assert.ok(!pinHash(keys, pin).includes(pin))
  })

  it('seal and unseal; a sealed PIN is not readable and does not open under another secret', () => {
    const pin = generatePin()
    const sealed = sealPin(keys, pin)
    assert.ok(!sealed.includes(pin))
    assert.equal(unsealPin(keys, sealed), pin)
    assert.equal(unsealPin(pinKeys('another-secret-of-at-least-32-characters!'), sealed), undefined)
  })
})
