import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { namespaces } from './catalog.ts'
import { langFromAcceptLanguage, messageKeys, MissingMessageError, translate } from './i18n.ts'

function leaves(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : leaves(v as object, `${prefix}${k}.`)))
}

describe('message catalogs', () => {
  it('have exactly the same keys in English and French, in every namespace', () => {
    for (const [ns, m] of Object.entries(namespaces)) {
      const en = new Set(leaves(m.en))
      const fr = new Set(leaves(m.fr))
      const onlyEn = [...en].filter((k) => !fr.has(k))
      const onlyFr = [...fr].filter((k) => !en.has(k))
      assert.deepEqual({ ns, onlyEn, onlyFr }, { ns, onlyEn: [], onlyFr: [] })
    }
    assert.deepEqual(messageKeys('en').sort(), messageKeys('fr').sort())
  })

  it('have no empty message and no French message left in English', () => {
    for (const [ns, m] of Object.entries(namespaces)) {
      const en = m.en as Record<string, unknown>
      const fr = m.fr as Record<string, unknown>
      for (const key of leaves(m.en)) {
        const get = (tree: Record<string, unknown>) => key.split('.').reduce<unknown>((t, k) => (t as Record<string, unknown>)[k], tree)
        const e = get(en) as string
        const f = get(fr) as string
        assert.ok(e.trim().length > 0 && f.trim().length > 0, `${ns}.${key} is empty`)
        // The same long sentence in both languages is a translation left undone.
        if (e.length > 30) assert.notEqual(e, f, `${ns}.${key} is not translated`)
      }
    }
  })

  it('use the same placeholders in both languages', () => {
    for (const key of messageKeys('en')) {
      const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      assert.deepEqual(names(translate('fr', key)), names(translate('en', key)), key)
    }
  })

  it('write French as the Translation Bureau does: a non-breaking space before a colon and inside « », none before ; ? !', () => {
    // A line may break at an ordinary space, leaving a colon or a » alone at the start of a line.
    // (Canadian usage puts no space before ; ? and !: neither an ordinary one nor a non-breaking one.)
    // HTTP header lines quoted in the API's pages are code, written as HTTP has them.
    // The reference data (exemption codes, countries, lists) is held to the same: src/features/reference/typography.test.ts.
    const prose = (key: string) => translate('fr', key).replace(/\b(Authorization|Idempotent-Replayed): /g, '')
    const wrong = messageKeys('fr').filter((key) => / [:»]|« |[ \u00a0\u202f][;!?]/.test(prose(key)) || /[\p{L}\p{N})»]:\s/u.test(prose(key)))
    assert.deepEqual(wrong, [])
  })

  it('throws on a missing key instead of showing it', () => {
    assert.throws(() => translate('fr', 'common.noSuchKey'), MissingMessageError)
  })

  it('fills placeholders', () => {
    assert.equal(translate('en', 'errors.serverErrorReference', { requestId: 'abc' }), 'If you contact us, quote this reference: abc')
  })

  it('fills every message’s placeholders, each one wherever it stands, and leaves those given no value as they are', () => {
    // Every message of both languages, against the plain reading of the rule: each {name} with a value is replaced by it.
    const expected = (text: string, params: Record<string, string | number>) => text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
    let filled = 0
    for (const lang of ['en', 'fr'] as const) {
      for (const key of messageKeys(lang)) {
        const text = translate(lang, key)
        const names = [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)
        // Values that look like placeholders or replacement patterns are written as they are.
        const all = Object.fromEntries(names.map((n, i) => [n, i % 2 ? i : `<${n} {${n}} $& $1>`]))
        // (Values that begin with a consonant: French elides « de » before a vowel, src/i18n/i18n.test.ts.)
        const first = Object.fromEntries(names.slice(0, 1).map((n) => [n, 'single']))
        for (const params of [all, first, {}]) assert.equal(translate(lang, key, params), expected(text, params), `${lang} ${key}`)
        filled += names.length
      }
    }
    assert.ok(filled > 100, `${filled} placeholders`)
  })

  it('writes one period where a value that ends with its own ends a sentence', () => {
    assert.equal(translate('en', 'account.lastSignIn', { date: 'November 26, 2026 at 6:30 a.m.' }), 'The last time you signed in was on November 26, 2026 at 6:30 a.m.')
    assert.equal(translate('fr', 'account.lastSignIn', { date: '26 novembre 2026 à 6 h 30' }), 'La dernière fois que vous vous êtes connecté, c’était le 26 novembre 2026 à 6 h 30.')
  })

  it('picks the visitor language from Accept-Language by quality', () => {
    assert.equal(langFromAcceptLanguage('fr-CA,fr;q=0.9,en;q=0.8'), 'fr')
    assert.equal(langFromAcceptLanguage('en-CA,fr;q=0.5'), 'en')
    assert.equal(langFromAcceptLanguage('de-DE,fr;q=0.4,en;q=0.3'), 'fr')
    assert.equal(langFromAcceptLanguage('de'), 'en')
    assert.equal(langFromAcceptLanguage(undefined), 'en')
    assert.equal(langFromAcceptLanguage('fr;q=0,en'), 'en')
  })
})
