import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import { expectAccessible, newContext, sameSession, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { labels, register, signIn, startingWith, type Lang } from './pages/auth.ts'

const words = {
  en: { start: 'Start', yes: 'Yes', bn: 'Business number', legal: 'Legal name', operating: 'Operating name', street: 'Street address', city: 'City or town', province: 'Province or territory', postal: 'Postal code', phone: 'Business phone number', next: 'Save and continue', submit: 'Submit the request', sent: /Your request was sent.*We received your request to enrol/, enrolled: 'Employer number', approvedSubject: 'Your business is enrolled in the Employer Portal', messages: 'Account messages', approve: 'Approve', record: 'Record the decision', yesApprove: 'Yes, approve the enrolment', approvedDone: /Employer number E\d{7} assigned/ },
  fr: { start: 'Commencer', yes: 'Oui', bn: 'Numéro d’entreprise', legal: 'Dénomination sociale', operating: 'Nom commercial', street: 'Adresse municipale', city: 'Ville ou village', province: 'Province ou territoire', postal: 'Code postal', phone: 'Numéro de téléphone de l’entreprise', next: 'Enregistrer et continuer', submit: 'Envoyer la demande', sent: /Votre demande a été envoyée.*Nous avons reçu le/, enrolled: 'Numéro d’employeur', approvedSubject: 'Votre entreprise est inscrite au Portail des employeurs', messages: 'Messages du compte', approve: 'Approuver', record: 'Enregistrer la décision', yesApprove: 'Oui, approuver l’inscription', approvedDone: /Numéro d’employeur E\d{7} attribué/ },
} as const

describe('register → enrol → an officer approves → the primary user sees the business (each in en and fr, script on and off)', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })
  let officer: BrowserContext
  /** The officer, signed in once; `officerWithout` is the same session with JavaScript off. */
  let officerWith: Page
  let officerWithout: Page
  before(async () => {
    officer = await newContext(e2e.browser)
    const officerPage = await officer.newPage()
    await officerPage.goto(`${e2e.baseUrl}/en/console/sign-in`)
    await expectAccessible(officerPage, 'console sign-in')
    await signIn(officerPage, e2e.baseUrl, 'en', 'demo.officer', DEMO_PASSWORD)
    await expectAccessible(officerPage, 'second factor')
    await officerPage.getByLabel(startingWith('Security code')).fill(totpCode(DEMO_TOTP_SECRET, new Date()))
    await officerPage.getByRole('button', { name: 'Verify' }).click()
    assert.match(officerPage.url(), /\/en\/console$/)
    await expectAccessible(officerPage, 'console home')
    officerWith = officerPage
    officerWithout = await sameSession(officerPage, { javaScript: false })
  })
  after(async () => {
    await officerWithout?.context().close()
    await officer?.close()
  })

  const cases: Array<[Lang, boolean, string]> = [
    ['en', true, '20000001'],
    ['fr', true, '20000002'],
    ['en', false, '20000003'],
    ['fr', false, '20000004'],
  ]
  for (const [lang, javaScript, eight] of cases) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}`, async (t) => {
      const w = words[lang]
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const officerPage = javaScript ? officerWith : officerWithout
      const username = `owner.${lang}.${javaScript ? 'js' : 'nojs'}`
      const password = 'maple syrup in the spring'
      const legalName = `Érablière ${eight} Ltée`
      try {
        await register(page, e2e.baseUrl, lang, { username, email: `${username}@example.ca`, password })
        await page.getByRole('link', { name: lang === 'en' ? 'Enrol your business' : 'Inscrire votre entreprise', exact: true }).click()
        await expectAccessible(page, 'enrol start')
        await page.getByRole('button', { name: w.start }).click()

        await page.getByRole('button', { name: w.next }).click()
        await expectAccessible(page, 'enrol business (errors)')
        await page.getByLabel(w.yes).check()
        await page.getByLabel(startingWith(w.bn)).fill(eight + luhnCheckDigit(eight))
        await page.getByLabel(startingWith(w.legal)).fill(legalName)
        await page.getByLabel(startingWith(w.operating)).fill(`Érablière ${eight}`)
        await page.getByRole('button', { name: w.next }).click()

        await expectAccessible(page, 'enrol address')
        await page.getByLabel(startingWith(w.street)).fill('1 rue Principale')
        await page.getByLabel(startingWith(w.city)).fill('Saint-Georges')
        await page.getByLabel(startingWith(w.province)).selectOption('QC')
        await page.getByLabel(startingWith(w.postal)).fill('g5y 1a1')
        await page.getByLabel(startingWith(w.phone)).fill('418-555-0199')
        // Back, Forward and refresh: what reached the server is still there.
        await page.getByRole('button', { name: w.next }).click()
        // Let the POST and its redirect finish before pressing Back.
        await page.waitForURL(/\/enrol\/contact$/)
        await page.goBack()
        await page.reload()
        assert.equal(await page.getByLabel(startingWith(w.city)).inputValue(), 'Saint-Georges')
        await page.goForward()
        await expectAccessible(page, 'enrol contact')
        await page.getByLabel(startingWith(labels[lang].givenName)).fill('Chloé')
        await page.getByLabel(startingWith(labels[lang].familyName)).fill('Lefebvre-Côté')
        await page.getByRole('button', { name: w.next }).click()
        await expectAccessible(page, 'enrol review')
        await page.getByRole('button', { name: w.submit }).click()
        assert.match((await page.locator('main .notice').textContent())?.replace(/\s+/g, ' ') ?? '', w.sent)

        // The officer finds it in the queue and approves it (in the journey's language, with script on or off like it).
        await officerPage.goto(`${e2e.baseUrl}/${lang}/console/enrolments`)
        await expectAccessible(officerPage, 'console enrolment queue')
        await officerPage.getByRole('link', { name: legalName }).click()
        await expectAccessible(officerPage, 'console enrolment detail')
        await officerPage.getByLabel(w.approve, { exact: true }).check()
        await officerPage.getByRole('button', { name: w.record, exact: true }).click()
        // A decision is final and sends e-mail: it is confirmed first.
        await expectAccessible(officerPage, 'console enrolment decision (confirmation)')
        await officerPage.getByRole('button', { name: w.yesApprove, exact: true }).click()
        assert.match((await officerPage.locator('main .notice').textContent()) ?? '', w.approvedDone)

        await page.reload()
        const main = (await page.locator('main').textContent()) ?? ''
        assert.ok(main.includes(w.enrolled), 'the home page shows the employer number')
        assert.ok(main.includes(legalName))
        await expectAccessible(page, 'home (enrolled)')
        await page.getByRole('link', { name: w.messages }).first().click()
        assert.ok(((await page.locator('main').textContent()) ?? '').includes(w.approvedSubject))
        await expectAccessible(page, 'account messages')
      } catch (err) {
        await screenshotOnFailure(page, `enrolment ${t.name}`)
        await screenshotOnFailure(officerPage, `enrolment officer ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
