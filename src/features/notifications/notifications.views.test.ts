import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'node-html-parser'
import { translator } from '../../i18n/i18n.ts'
import { messagesListView, messagesPanel, messageView, unreadBadge } from './notifications.views.ts'

const text = (s: string) => s.replace(/\s+/g, ' ').trim()

describe('account messages views for other features', () => {
  it('the home page panel says there are no messages, in both languages', () => {
    const empty = { items: [], page: 1, pages: 1, total: 0, unread: 0 }
    assert.match(text(parse(messagesPanel(translator('en'), 'en', empty).value).textContent), /^Account messages\s*You have no messages\.$/)
    assert.match(text(parse(messagesPanel(translator('fr'), 'fr', empty).value).textContent), /^Messages du compte\s*Vous n’avez aucun message\.$/)
  })

  it('the panel lists the newest, unread marked, with a link to all of them', () => {
    const at = new Date('2026-11-23T15:00:00Z')
    const dom = parse(
      messagesPanel(translator('fr'), 'fr', {
        items: [
          { id: 'a', subject: 'Nouveau', createdAt: at, unread: true, forBusiness: false, businessId: null },
          { id: 'b', subject: 'Ancien', createdAt: at, unread: false, forBusiness: true, businessId: 'b1' },
        ],
        page: 1,
        pages: 3,
        total: 45,
        unread: 1,
      }).value,
    )
    const items = dom.querySelectorAll('li')
    assert.equal(items[0]!.querySelector('a')!.getAttribute('href'), '/fr/messages/a')
    assert.ok(items[0]!.querySelector('strong'))
    assert.match(text(items[0]!.textContent), /Non lu$/)
    assert.equal(text(dom.querySelector('section > p')!.textContent), '1 non lu')
    assert.ok(items[1]!.classList.contains('message-read'))
    assert.equal(text(dom.querySelector('section > p:last-child a')!.textContent), 'Tous les messages du compte (45)')
  })

  it('the header badge counts unread messages, singular or plural by the count, and links to them', () => {
    assert.equal(text(parse(unreadBadge(3, translator('en'), 'en').value).textContent), 'Account messages (3 unread)')
    assert.equal(text(parse(unreadBadge(1, translator('en'), 'en').value).textContent), 'Account messages (1 unread)')
    assert.equal(text(parse(unreadBadge(1, translator('fr'), 'fr').value).textContent), 'Messages du compte (1 non lu)')
    assert.equal(text(parse(unreadBadge(2, translator('fr'), 'fr').value).textContent), 'Messages du compte (2 non lus)')
    assert.equal(parse(unreadBadge(0, translator('fr'), 'fr').value).querySelector('a')!.getAttribute('href'), '/fr/messages')
    assert.equal(text(parse(unreadBadge(0, translator('fr'), 'fr').value).textContent), 'Messages du compte')
  })

  it('says "No unread messages" rather than "0 unread", in both languages, on the list and the panel', () => {
    const at = new Date('2026-11-23T15:00:00Z')
    const page = { items: [{ id: 'a', subject: 'Read', createdAt: at, unread: false, forBusiness: false, businessId: null }], page: 1, pages: 1, total: 1, unread: 0 }
    assert.equal(text(parse(messagesListView(translator('en'), 'en', page).value).querySelector('h1 + p')!.textContent), 'No unread messages')
    assert.equal(text(parse(messagesListView(translator('fr'), 'fr', page).value).querySelector('h1 + p')!.textContent), 'Aucun message non lu')
    assert.equal(text(parse(messagesPanel(translator('en'), 'en', page).value).querySelector('section > p')!.textContent), 'No unread messages')
    assert.equal(text(parse(messagesPanel(translator('fr'), 'fr', page).value).querySelector('section > p')!.textContent), 'Aucun message non lu')
  })

  it('names the business a business’s message is about when the person acts for several; "For your business" with one', () => {
    const at = new Date('2026-11-23T15:00:00Z')
    const page = {
      items: [
        { id: 'a', subject: 'Offer submitted', createdAt: at, unread: true, forBusiness: true, businessId: 'b1' },
        { id: 'b', subject: 'New user', createdAt: at, unread: true, forBusiness: true, businessId: 'b2' },
        { id: 'c', subject: 'Your password changed', createdAt: at, unread: true, forBusiness: false, businessId: null },
      ],
      page: 1,
      pages: 1,
      total: 3,
      unread: 3,
    }
    const several = new Map([['b1', 'Acme Inc.'], ['b2', 'Érable Ltée']])
    const rows = (lang: 'en' | 'fr', names?: ReadonlyMap<string, string>) => parse(messagesListView(translator(lang), lang, page, names).value).querySelectorAll('tbody tr').map((r) => text(r.querySelector('td')!.textContent))
    assert.deepEqual(rows('en', several), ['Offer submitted About Acme Inc.', 'New user About Érable Ltée', 'Your password changed'])
    assert.deepEqual(rows('fr', several), ['Offer submitted Au sujet d’Acme Inc.', 'New user Au sujet d’Érable Ltée', 'Your password changed'])
    assert.deepEqual(rows('en', new Map([['b1', 'Acme Inc.']])), ['Offer submitted For your business', 'New user For your business', 'Your password changed'])
    const one = (names?: ReadonlyMap<string, string>) => text(parse(messageView(translator('en'), 'en', { subject: 'S', body: 'B', createdAt: at, forBusiness: true, businessId: 'b2' }, names).value).querySelector('.hint')!.textContent)
    assert.match(one(several), /· About Érable Ltée$/)
    assert.match(one(), /· For your business$/)
  })
})
