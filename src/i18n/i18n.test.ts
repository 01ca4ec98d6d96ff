import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pluralKey, translate } from './i18n.ts'

describe('French grammar in filled messages', () => {
  const lead = (lang: 'en' | 'fr', legalName: string) => translate(lang, 'enrolment.transfer.lead', { legalName }).split(' a quitté')[0]

  it('elides « de » before a name or a business that begins with a vowel, and only then', () => {
    assert.equal(lead('fr', 'Acme Inc.'), 'Si l’utilisateur principal d’Acme Inc.')
    assert.equal(lead('fr', 'Érablière Gagnon'), 'Si l’utilisateur principal d’Érablière Gagnon')
    assert.equal(lead('fr', 'IBM Canada'), 'Si l’utilisateur principal d’IBM Canada')
    assert.equal(lead('fr', 'Yvon et fils'), 'Si l’utilisateur principal d’Yvon et fils')
    assert.equal(lead('fr', 'Yannick et fils'), 'Si l’utilisateur principal de Yannick et fils')
    assert.equal(lead('fr', 'Boréal ltée'), 'Si l’utilisateur principal de Boréal ltée')
    // An h may be mute or aspirated: left as written.
    assert.equal(lead('fr', 'Hydro-Québec'), 'Si l’utilisateur principal de Hydro-Québec')
    assert.equal(lead('fr', '9876-5432 Québec inc.'), 'Si l’utilisateur principal de 9876-5432 Québec inc.')
    assert.match(translate('en', 'enrolment.transfer.lead', { legalName: 'Acme Inc.' }), /^If Acme Inc.’s primary user/)
  })

  it('leaves numbers after « de » and words that merely end in "de" as they are', () => {
    assert.equal(translate('fr', 'notifications.pageOf', { page: 1, pages: 8 }), 'Page 1 de 8')
  })

  it('chooses singular or plural by the count, as each language counts (French: 0 and 1 are singular)', () => {
    const unread = (lang: 'en' | 'fr', count: number) => translate(lang, pluralKey(lang, 'notifications.unreadCount', count), { count })
    assert.deepEqual([0, 1, 2, 1_000_000].map((n) => unread('fr', n)), ['0 non lu', '1 non lu', '2 non lus', '1000000 non lus'])
    assert.deepEqual([0, 1, 2].map((n) => unread('en', n)), ['0 unread', '1 unread', '2 unread'])
  })
})
