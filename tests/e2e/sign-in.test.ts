import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_PASSWORD } from '../../src/features/demo/demo-seed.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { advanceClock, labels, register, signIn, startingWith, type Lang } from './pages/auth.ts'
import { OfferPages } from './pages/offers.ts'

describe('registering, signing in and coming back after a timeout (on a page, and in the middle of a form)', () => {
  const e2e = usePortalAndBrowser({ PORTAL_TEST_CLOCK: 'true', SEED_DEMO: 'true' })

  const cases: Array<[Lang, boolean]> = [
    ['en', true],
    ['fr', true],
    ['en', false],
    ['fr', false],
  ]
  for (const [lang, javaScript] of cases) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}`, async (t) => {
      const l = labels[lang]
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const username = `e2e.${lang}.${javaScript ? 'js' : 'nojs'}`
      const password = 'the quiet river runs long'
      try {
        // A failed submit: the error summary has focus, and links to the fields.
        await page.goto(`${e2e.baseUrl}/${lang}/register`)
        await expectAccessible(page, 'register')
        await page.getByRole('button', { name: l.register }).click()
        assert.match(await page.title(), lang === 'en' ? /^Error: / : /^Erreur\s:\s/)
        assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id).catch(() => 'error-summary'), 'error-summary')
        await expectAccessible(page, 'register (errors)')

        await register(page, e2e.baseUrl, lang, { username, email: `${username}@example.ca`, password })
        assert.match(page.url(), new RegExp(`/${lang}/home`))
        await expectAccessible(page, 'home')

        await page.getByLabel(startingWith(l.givenName)).fill('Zoë')
        await page.getByLabel(startingWith(l.familyName)).fill("O'Brien-Lévesque")
        await page.getByRole('button', { name: l.save, exact: true }).click()
        assert.equal(await page.getByLabel(startingWith(l.givenName)).inputValue(), 'Zoë')

        // Twenty-one idle minutes later the session has ended; signing in again returns here.
        await page.goto(`${e2e.baseUrl}/${lang}/home?from=e2e`)
        await advanceClock(e2e.baseUrl, 21)
        await page.reload()
        assert.match(page.url(), new RegExp(`/${lang}/sign-in`))
        assert.match((await page.locator('.notice').textContent()) ?? '', lang === 'en' ? /20 minutes without activity/ : /20 minutes d’inactivité/)
        await expectAccessible(page, 'sign-in (timed out)')
        await signIn(page, e2e.baseUrl, lang, username, password)
        assert.match(page.url(), new RegExp(`/${lang}/home\\?from=e2e$`))
        assert.equal(await page.getByLabel(startingWith(l.givenName)).inputValue(), 'Zoë')
        assert.equal(await page.getByLabel(startingWith(l.familyName)).inputValue(), "O'Brien-Lévesque")

        await page.getByRole('button', { name: l.signOut, exact: true }).click()
        assert.match(page.url(), new RegExp(`/${lang}/signed-out`))
        await expectAccessible(page, 'signed-out')

        // In the middle of an offer: the session ends while a section is being typed. Next asks
        // for sign-in, which returns to the section with what was typed (not saved yet), and says so.
        const o = new OfferPages(page, e2e.baseUrl, lang)
        await signIn(page, e2e.baseUrl, lang, lang === 'en' ? 'demo.primary' : 'demo.secondary', DEMO_PASSWORD)
        const id = await o.startNew()
        const typed = `${lang === 'en' ? 'Typed before the timeout' : 'Tapé avant la fin de la session'} (${username}).`
        await o.field('exemptionExplanation').fill(typed)
        await advanceClock(e2e.baseUrl, 21)
        await o.next()
        await page.waitForURL(new RegExp(`/${lang}/sign-in`))
        assert.match((await page.locator('.notice').textContent()) ?? '', lang === 'en' ? /20 minutes without activity/ : /20 minutes d’inactivité/)
        await signIn(page, e2e.baseUrl, lang, lang === 'en' ? 'demo.primary' : 'demo.secondary', DEMO_PASSWORD)
        assert.equal(page.url(), o.url(`/offers/${id}/exemption`))
        assert.equal(await o.field('exemptionExplanation').inputValue(), typed)
        assert.ok((await o.mainText()).includes(o.t('offers.restored')), 'says what was kept')
        await expectAccessible(page, 'offer exemption (restored after a timeout)')
      } catch (err) {
        await screenshotOnFailure(page, `sign-in ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }

  // With script, the warning does the no-script button's work itself: the page's typing is sent to be kept
  // (never processed) when the session ends with the page open, and when "Continue session" comes too late.
  for (const lang of ['en', 'fr'] as const) {
    it(`${lang}, JavaScript on: what was typed comes back after the session ends, and after a late "Continue session"`, async (t) => {
      const l = labels[lang]
      const restored = lang === 'en' ? /What you typed is filled in again/ : /Ce que vous aviez tapé est de nouveau inscrit/
      const idle = lang === 'en' ? /20 minutes without activity/ : /20 minutes d’inactivité/
      const context = await newContext(e2e.browser, { javaScript: true })
      // The page's timers under the test's hand; the portal's clock is moved apart (advanceClock).
      await context.clock.install()
      const page = await context.newPage()
      const username = `e2e.${lang}.warning`
      const password = 'the quiet river runs long'
      try {
        // "Forgot your username?", from the sign-in page: the same answer for any address.
        await page.goto(`${e2e.baseUrl}/${lang}/sign-in`)
        await page.getByRole('link', { name: lang === 'en' ? 'Forgot your username?' : 'Nom d’utilisateur oublié?' }).click()
        await page.waitForURL(new RegExp(`/${lang}/forgot-username$`))
        await expectAccessible(page, 'forgot username')
        const send = page.getByRole('button', { name: lang === 'en' ? 'Send my username' : 'Envoyer mon nom d’utilisateur' })
        await Promise.all([page.waitForNavigation(), send.click()])
        await expectAccessible(page, 'forgot username (errors)')
        await page.getByLabel(l.email).fill(`nobody.${lang}@example.ca`)
        await Promise.all([page.waitForURL(new RegExp(`/${lang}/forgot-username/sent$`)), send.click()])
        await expectAccessible(page, 'forgot username sent')

        await register(page, e2e.baseUrl, lang, { username, email: `${username}@example.ca`, password })
        assert.match(page.url(), new RegExp(`/${lang}/home`))

        // The session ends with the page open: no reload that loses the typing.
        await page.getByLabel(startingWith(l.givenName)).fill('Typed, not saved')
        await advanceClock(e2e.baseUrl, 21)
        await Promise.all([page.waitForURL(new RegExp(`/${lang}/sign-in$`)), page.clock.runFor(18 * 60_000 + 1_000)])
        assert.match((await page.locator('.notice').textContent()) ?? '', idle)
        await signIn(page, e2e.baseUrl, lang, username, password)
        assert.match(page.url(), new RegExp(`/${lang}/home$`))
        assert.equal(await page.getByLabel(startingWith(l.givenName)).inputValue(), 'Typed, not saved')
        assert.match((await page.locator('#restored-form-title').textContent()) ?? '', restored)

        // The warning shows; the laptop sleeps past the end; "Continue session" then leads to sign-in and back.
        await page.getByLabel(startingWith(l.familyName)).fill('Asleep')
        await advanceClock(e2e.baseUrl, 18.5)
        await page.clock.runFor(18 * 60_000 + 1_000)
        const continueButton = page.getByRole('button', { name: lang === 'en' ? 'Continue session' : 'Poursuivre la session' })
        await continueButton.waitFor({ state: 'visible' })
        await advanceClock(e2e.baseUrl, 10)
        await Promise.all([page.waitForURL(new RegExp(`/${lang}/sign-in$`)), continueButton.click()])
        assert.match((await page.locator('.notice').textContent()) ?? '', idle)
        await signIn(page, e2e.baseUrl, lang, username, password)
        assert.match(page.url(), new RegExp(`/${lang}/home$`))
        assert.equal(await page.getByLabel(startingWith(l.familyName)).inputValue(), 'Asleep')
        assert.match((await page.locator('#restored-form-title').textContent()) ?? '', restored)
      } catch (err) {
        await screenshotOnFailure(page, `sign-in ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
