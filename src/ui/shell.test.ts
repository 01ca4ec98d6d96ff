import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../tests/helpers/sign-in-as.ts'
import { createUser, TEST_PASSWORD } from '../../tests/helpers/users.ts'
import { otherLangUrl } from '../platform/views.ts'

describe('the shell: the page icon, the language switch of the sign-in page, French colons', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  it('serves /favicon.ico, and every page links the maple leaf, which is served', async () => {
    const ico = await t.app.inject({ method: 'GET', url: '/favicon.ico' })
    assert.equal(ico.statusCode, 200)
    assert.equal(ico.headers['content-type'], 'image/x-icon')
    assert.deepEqual([...ico.rawPayload.subarray(0, 4)], [0, 0, 1, 0], 'an icon file')

    const page = await new TestClient(t.app).get('/fr/about')
    const icons = page.dom.querySelectorAll('head link[rel="icon"]').map((l) => l.getAttribute('href')!)
    assert.equal(icons.length, 2)
    for (const href of icons) assert.equal((await t.app.inject({ method: 'GET', url: href })).statusCode, 200, href)
    const svg = await t.app.inject({ method: 'GET', url: icons[0]! })
    assert.equal(svg.headers['content-type'], 'image/svg+xml')
    assert.match(svg.body, /^<svg /)
  })

  it('the sign-in page’s language switch sends returnTo to the other language too, so signing in lands in the language chosen', async () => {
    const c = new TestClient(t.app)
    const asked = await c.get('/en/access')
    assert.equal(asked.status, 303)
    const signInPage = await c.get(asked.location!)
    const toggle = signInPage.dom.querySelector('.lang-toggle a')!.getAttribute('href')!
    assert.equal(toggle, '/fr/sign-in?returnTo=%2Ffr%2Faccess')
    const french = await c.get(toggle)
    assert.equal(french.dom.querySelector('input[name="returnTo"]')!.getAttribute('value'), '/fr/access')
    await createUser(t.db, { username: 'bilingual', lang: 'fr' })
    const signedIn = await c.post('/fr/sign-in', { username: 'bilingual', password: TEST_PASSWORD, returnTo: '/fr/access' })
    assert.equal(signedIn.location, '/fr/access')
    // Back again, and written plainly.
    assert.equal(otherLangUrl('/fr/sign-in?returnTo=%2Ffr%2Faccess', 'fr'), '/en/sign-in?returnTo=%2Fen%2Faccess')
    assert.equal(otherLangUrl('/en/console/sign-in?returnTo=/en/console/search%3Fq%3Den', 'en'), '/fr/console/sign-in?returnTo=/fr/console/search%3Fq%3Den')
    assert.equal(otherLangUrl('/en/sign-in?returnTo=%2Fen', 'en'), '/fr/sign-in?returnTo=%2Ffr')
    // Only a language prefix changes: other parameters, and paths that merely start with the letters, are left.
    assert.equal(otherLangUrl('/en/about?x=returnTo%2Fen&returnTo=%2Fenrol', 'en'), '/fr/about?x=returnTo%2Fen&returnTo=%2Fenrol')
  })

  it('French labels written before a value take a non-breaking space before the colon', async () => {
    const user = await createUser(t.db, { username: 'deux.points', lang: 'fr' })
    const c = new TestClient(t.app)
    await signInAs(c, user.id)
    const pages = {
      '/fr/home': 'Courriel de contact\u00a0:',
      '/fr/account/email': 'Adresse courriel\u00a0:',
      '/fr/two-factor/setup': 'Clé à taper dans votre application\u00a0:',
    }
    for (const [path, label] of Object.entries(pages)) {
      const page = await c.get(path)
      assert.equal(page.status, 200, path)
      const main = page.dom.querySelector('main')!.textContent
      assert.ok(main.includes(label), `${path}: ${label}`)
      assert.doesNotMatch(main, /\p{L}:/u, `${path}: no colon straight after a word`)
    }
    // English keeps its colon against the word.
    assert.match(text((await c.get('/en/home')).dom.querySelector('main')), /Contact email: deux\.points@example\.ca/)
  })

  it('after a form error, the language switch leads to the page in the other language, never to a POST-only address', async () => {
    const user = await createUser(t.db, { username: 'switch.after.error', givenName: 'Zoé', familyName: 'Roy', totpSecret: 'JBSWY3DPEHPK3PXP' })
    const c = new TestClient(t.app)
    await signInAs(c, user.id)
    const toggle = (page: PageResponse) => page.dom.querySelector('.lang-toggle a')!.getAttribute('href')
    await c.get('/fr/home')
    const contact = await c.post('/fr/home/contact', { givenName: '', familyName: 'Roy', preferredLanguage: 'fr' })
    assert.equal(contact.status, 400)
    assert.equal(toggle(contact), '/en/home')
    await c.get('/en/account/two-factor')
    const codes = await c.post('/en/account/two-factor/recovery-codes', { codesPassword: '' })
    assert.equal(codes.status, 400)
    assert.equal(toggle(codes), '/fr/account/two-factor')
    const replace = await c.post('/en/account/two-factor/replace', { currentPassword: '', code: '' })
    assert.equal(replace.status, 400)
    assert.equal(toggle(replace), '/fr/account/two-factor')
    for (const href of [toggle(contact), toggle(codes), toggle(replace)]) assert.equal((await c.get(href!)).status, 200, href!)
    // A form posted to its own page's address keeps it (and its query).
    const sameAddress = await c.post('/en/account/email?x=1', { email: 'not an address' })
    assert.equal(toggle(sameAddress), '/fr/account/email?x=1')
    // A GET keeps its address as it is, even one that is not found.
    assert.equal(toggle(await c.get('/en/no-such-page')), '/fr/no-such-page')
  })

  it('draws the session notices where "Skip to main content" lands, not before it: the skip link lands on them, then <main>', async () => {
    const user = await createUser(t.db, { username: 'notices.in.main' })
    const c = new TestClient(t.app)
    await signInAs(c, user.id)
    const page = await c.get('/en/help')
    const target = page.dom.querySelector('.skip-link')!.getAttribute('href')!
    const landing = page.dom.querySelector(target)!
    assert.ok(landing.classList.contains('banners'), `the skip link lands on the notices (${target})`)
    assert.equal(landing.getAttribute('tabindex'), '-1', 'and takes focus there')
    assert.ok(landing.querySelector('#session-warning'), 'the idle warning')
    assert.ok(landing.querySelector('noscript'), 'the no-script session notice')
    // After the breadcrumbs, right before <main>: nothing the skip link would jump past.
    assert.equal(landing.previousElementSibling?.classList.contains('breadcrumbs'), true)
    assert.equal(landing.nextElementSibling?.tagName, 'MAIN')
    // Without notices (signed out), it lands on <main> itself.
    const visitor = await new TestClient(t.app).get('/en/help')
    assert.equal(visitor.dom.querySelector('.skip-link')!.getAttribute('href'), '#main-content')
    assert.equal(visitor.dom.querySelector('.banners'), null)
  })
})
