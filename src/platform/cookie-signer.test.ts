import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Signer } from '@fastify/cookie'
import { RememberingSigner } from './cookie-signer.ts'

const CURRENT = 'c'.repeat(32)
const PREVIOUS = 'p'.repeat(32)

describe('the session cookie signer', () => {
  it('signs and verifies exactly as @fastify/cookie does, however often it is asked', () => {
    const signer = new RememberingSigner([CURRENT, PREVIOUS])
    const plain = new Signer([CURRENT, PREVIOUS], 'sha256')
    for (let round = 0; round < 2; round++) {
      const signed = signer.sign('session-id-1')
      assert.equal(signed, plain.sign('session-id-1'))
      assert.deepEqual(signer.unsign(signed), { valid: true, renew: false, value: 'session-id-1' })
    }
  })

  it('verifies a cookie signed with a previous secret and asks for it to be signed anew, every time', () => {
    const signer = new RememberingSigner([CURRENT, PREVIOUS])
    const old = new Signer(PREVIOUS, 'sha256').sign('session-id-2')
    for (let round = 0; round < 2; round++) assert.deepEqual(signer.unsign(old), { valid: true, renew: true, value: 'session-id-2' })
  })

  it('refuses a forged or altered cookie every time, including one altered from a cookie it verified', () => {
    const signer = new RememberingSigner([CURRENT])
    const good = signer.sign('session-id-3')
    assert.equal(signer.unsign(good).valid, true)
    const forged = new Signer('x'.repeat(32), 'sha256').sign('session-id-3')
    for (const bad of [forged, `${good}x`, good.replace('session-id-3', 'session-id-4'), 'session-id-3', '']) {
      for (let round = 0; round < 2; round++) assert.deepEqual(signer.unsign(bad), { valid: false, renew: false, value: null }, bad)
    }
  })

  it('gives each caller its own answer (changing one changes no later one)', () => {
    const signer = new RememberingSigner([CURRENT])
    const good = signer.sign('session-id-5')
    const first = signer.unsign(good)
    first.valid = false
    first.value = 'someone-else'
    assert.deepEqual(signer.unsign(good), { valid: true, renew: false, value: 'session-id-5' })
  })
})
