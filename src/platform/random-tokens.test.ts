import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RandomTokens } from './random-tokens.ts'

describe('random tokens drawn in batches', () => {
  it('gives tokens of the asked size, never the same one twice, across many batches', () => {
    const tokens = new RandomTokens(16, 64) // four tokens a batch: 2,500 batches below
    const seen = new Set<string>()
    for (let i = 0; i < 10_000; i++) {
      const token = tokens.next()
      assert.equal(Buffer.from(token, 'base64url').length, 16)
      seen.add(token)
    }
    assert.equal(seen.size, 10_000)
  })

  it('uses every byte of its batch once, in order: no token overlaps another', () => {
    const tokens = new RandomTokens(8, 32)
    const batch = [tokens.next(), tokens.next(), tokens.next(), tokens.next()].map((t) => Buffer.from(t, 'base64url'))
    const whole = Buffer.concat(batch)
    assert.equal(whole.length, 32)
    assert.equal(new Set(batch.map((b) => b.toString('hex'))).size, 4)
  })
})
