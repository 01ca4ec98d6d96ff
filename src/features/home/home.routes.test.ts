import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'

describe('the public welcome and the way home', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
  })
  after(() => t.close())

  it('offers a signed-out visitor "Sign in" and "Register for an account" on the welcome page, in both languages', async () => {
    const c = new TestClient(t.app)
    for (const [lang, signIn, register] of [
      ['en', 'Sign in', 'Register for an account'],
      ['fr', 'Se connecter', 'S’inscrire pour obtenir un compte'],
    ] as const) {
      const page = await c.get(`/${lang}`)
      assert.equal(page.status, 200)
      const main = page.dom.querySelector('main')!
      const links = main.querySelectorAll('a').map((a) => [text(a), a.getAttribute('href')])
      assert.ok(links.some(([words, href]) => words === signIn && href === `/${lang}/sign-in`), `${lang}: ${JSON.stringify(links)}`)
      assert.ok(links.some(([words, href]) => words === register && href === `/${lang}/register`), `${lang}: ${JSON.stringify(links)}`)
      // Both lead somewhere.
      assert.equal((await c.get(`/${lang}/sign-in`)).status, 200)
      assert.equal((await c.get(`/${lang}/register`)).status, 200)
    }
  })

  it('shows "Sign in" in the header of a signed-out page, and none on the sign-in pages', async () => {
    const c = new TestClient(t.app)
    const headerSignIn = async (path: string) => {
      const page = await c.get(path)
      const link = page.dom.querySelector('.header-band .account-nav a')
      return link ? { text: text(link), href: link.getAttribute('href') } : undefined
    }
    assert.deepEqual(await headerSignIn('/en/help'), { text: 'Sign in', href: '/en/sign-in' })
    assert.deepEqual(await headerSignIn('/fr/about'), { text: 'Se connecter', href: '/fr/sign-in' })
    assert.deepEqual(await headerSignIn('/en'), { text: 'Sign in', href: '/en/sign-in' })
    assert.deepEqual(await headerSignIn('/en/register'), { text: 'Sign in', href: '/en/sign-in' })
    assert.equal(await headerSignIn('/en/sign-in'), undefined, 'not on the sign-in page itself')
    assert.equal(await headerSignIn('/fr/console/sign-in'), undefined, 'nor on the console’s')

    // Signed in: the account area instead, and no "Sign in".
    const user = await createUser(t.db, { username: 'header.signed.in', givenName: 'Ada', familyName: 'Lovelace' })
    await signInAs(c, user.id)
    const help = await c.get('/en/help')
    assert.equal(text(help.dom.querySelector('.header-band .account-nav a')), 'Signed in as Ada Lovelace')
    assert.ok(!help.dom.querySelectorAll('.header-band a').some((a) => text(a) === 'Sign in'))
  })

  it('takes a signed-in employer home to their account page and staff to the console: header, breadcrumbs and /<lang>', async () => {
    const employer = await createUser(t.db, { username: 'home.employer', givenName: 'Bea', familyName: 'Home' })
    const c = new TestClient(t.app)
    await signInAs(c, employer.id)
    for (const lang of ['en', 'fr'] as const) {
      for (const path of [`/${lang}/messages`, `/${lang}/help`, `/${lang}/about`, `/${lang}/home`]) {
        const page = await c.get(path)
        assert.equal(page.status, 200, path)
        assert.equal(page.dom.querySelector('.portal-name a')!.getAttribute('href'), `/${lang}/home`, `${path}: the portal name`)
        const crumb = page.dom.querySelector('.breadcrumbs a')
        if (path !== `/${lang}/home`) assert.equal(crumb?.getAttribute('href'), `/${lang}/home`, `${path}: the "Home" breadcrumb`)
      }
      // Any other link to the public welcome leads on to the account page.
      const welcome = await c.get(`/${lang}`)
      assert.equal(welcome.status, 303)
      assert.equal(welcome.location, `/${lang}/home`)
    }

    const officer = await createUser(t.db, { username: 'home.officer', role: 'officer', totpSecret: 'JBSWY3DPEHPK3PXP' })
    const s = new TestClient(t.app)
    await signInAs(s, officer.id)
    const help = await s.get('/fr/help')
    assert.equal(help.dom.querySelector('.portal-name a')!.getAttribute('href'), '/fr/console')
    assert.equal(help.dom.querySelector('.breadcrumbs a')!.getAttribute('href'), '/fr/console')
    assert.equal((await s.get('/en')).location, '/en/console')

    // Signed out, "Home" is the public welcome.
    const visitor = await new TestClient(t.app).get('/en/help')
    assert.equal(visitor.dom.querySelector('.portal-name a')!.getAttribute('href'), '/en')
    assert.equal(visitor.dom.querySelector('.breadcrumbs a')!.getAttribute('href'), '/en')
  })
})
