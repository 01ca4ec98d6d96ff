import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { messageKeys, translate } from './i18n.ts'

describe('message catalogs: apostrophes', () => {
  it('write the typographic apostrophe (’), never the straight one, in both languages', () => {
    for (const lang of ['en', 'fr'] as const) {
      const straight = messageKeys(lang).filter((key) => /\p{L}'\p{L}/u.test(translate(lang, key)))
      assert.deepEqual(straight, [], `${lang}: use ’ in these messages`)
    }
  })
})
