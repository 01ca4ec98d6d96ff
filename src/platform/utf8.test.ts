import assert from 'node:assert/strict'
import { test } from 'node:test'
import { utf8Bytes } from './utf8.ts'

const samples = {
  ascii: '<p class="hint">Offers for Maple &amp; Co.</p>',
  latin1: 'Équipe de développement — café',
  twoByte: 'Nguyễn Văn An, O’Brien: l’offre d’emploi',
  astral: 'Emoji 🍁 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  loneSurrogates: 'broken \ud800 pair \udc00 end \ud83c',
  empty: '',
}

test('utf8Bytes writes the same bytes as Buffer.from, for every kind of string', () => {
  for (const [kind, text] of Object.entries(samples)) {
    assert.deepEqual(utf8Bytes(text), Buffer.from(text), kind)
    assert.equal(utf8Bytes(text).toString('utf8'), Buffer.from(text).toString('utf8'), kind)
  }
})

test('utf8Bytes gives each text bytes of its own: the next text does not overwrite them', () => {
  const first = utf8Bytes(samples.twoByte)
  const second = utf8Bytes('x'.repeat(first.length * 2))
  assert.equal(first.toString('utf8'), samples.twoByte)
  assert.equal(second.toString('utf8'), 'x'.repeat(first.length * 2))
})

test('utf8Bytes encodes a page of 20 KB of three-byte characters, and texts longer than its scratch area', () => {
  const page = '€'.repeat(20_000)
  assert.deepEqual(utf8Bytes(page), Buffer.from(page))
  const longest = 'ễ'.repeat(64 * 1024)
  assert.equal(utf8Bytes(longest).length, 3 * 64 * 1024)
  const longer = `${longest}ễ`
  assert.deepEqual(utf8Bytes(longer), Buffer.from(longer))
})
