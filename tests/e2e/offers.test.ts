import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { DEMO_PASSWORD } from '../../src/features/demo/demo-seed.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

const w = {
  en: { startOffer: 'Start a new offer', next: 'Next', validate: 'Validate', saveExit: 'Save and exit', allValid: /Every section is complete/, missing: /missing or need correcting/, explanation: 'Explanation of how the job meets', code: 'LMIA exemption code', employees: 'Number of employees', year: 'Year the business started', activities: 'Main activities', title: 'Job title', noc: 'NOC 2021 code', duties: 'Main duties', street: 'Work address: street', city: 'Work address: city', province: 'Work address: province', postal: 'Work address: postal code', start: 'Start date', end: 'End date', hours: 'Hours of work per week', education: 'Minimum education', experience: 'Years of experience', english: 'English', wage: 'Wage', unit: 'Wage period', health: 'Health insurance', family: 'Family name', given: 'Given name(s)', dob: 'Date of birth', birth: 'Country of birth', citizenship: 'Country of citizenship', passport: 'Passport number', feeExemption: 'Is the employer or the worker exempt', additionalLocation: 'Will the worker also work at another location?', sex: 'Sex', residence: 'Country of residence', attest: 'I attest that a written', queue: 'Offers of employment' },
  fr: { startOffer: 'Commencer une nouvelle offre', next: 'Suivant', validate: 'Valider', saveExit: 'Enregistrer et quitter', allValid: /Toutes les sections sont remplies/, missing: /manquent ou sont à corriger/, explanation: 'Explication de la façon', code: 'Code de dispense d’EIMT', employees: 'Nombre d’employés', year: 'Année de création', activities: 'Principales activités', title: 'Titre du poste', noc: 'Code de la CNP 2021', duties: 'Principales fonctions', street: 'Adresse du lieu de travail\u00a0: rue', city: 'Adresse du lieu de travail\u00a0: ville', province: 'Adresse du lieu de travail\u00a0: province', postal: 'Adresse du lieu de travail\u00a0: code postal', start: 'Date de début', end: 'Date de fin', hours: 'Heures de travail par semaine', education: 'Niveau de scolarité minimal', experience: 'Années d’expérience', english: 'Anglais', wage: 'Salaire', unit: 'Unité de temps du salaire', health: 'Assurance maladie', family: 'Nom de famille', given: 'Prénom(s)', dob: 'Date de naissance', birth: 'Pays de naissance', citizenship: 'Pays de citoyenneté', passport: 'Numéro de passeport', feeExemption: 'L’employeur ou le travailleur est-il dispensé', additionalLocation: 'Le travailleur travaillera-t-il aussi à un autre endroit?', sex: 'Sexe', residence: 'Pays de résidence', attest: 'J’atteste qu’un contrat', queue: 'Offres d’emploi' },
} as const

const field = (page: Page, label: string) => page.getByLabel(startingWith(label)).first()

describe('an offer of employment in a browser', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })

  const cases: Array<[Lang, boolean]> = [
    ['en', true],
    ['fr', false],
  ]
  for (const [lang, javaScript] of cases) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: every section, Back, Forward and refresh mid-way, Save and exit, resume, Validate`, async (t) => {
      const l = w[lang]
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const next = () => page.getByRole('button', { name: l.next, exact: true }).click()
      try {
        await signIn(page, e2e.baseUrl, lang, 'demo.primary', DEMO_PASSWORD)
        await page.goto(`${e2e.baseUrl}/${lang}/offers/new`)
        await expectAccessible(page, 'offer new')
        await page.getByRole('button', { name: l.startOffer }).click()

        // Exemption: Next with nothing says what is missing, with the summary focused.
        await expectAccessible(page, 'offer exemption')
        await next()
        await expectAccessible(page, 'offer exemption (errors)')
        await field(page, l.code).selectOption('C10')
        await field(page, l.explanation).fill('A chef whose regional cooking brings a significant cultural benefit.')
        await field(page, l.feeExemption).selectOption('none')
        await next()

        await expectAccessible(page, 'offer business')
        await field(page, l.employees).fill('12')
        await field(page, l.year).fill('2001')
        await field(page, l.activities).fill('Bakery and café.')
        await next()

        await expectAccessible(page, 'offer job')
        await field(page, l.title).fill('Pastry chef')
        await field(page, l.noc).fill('63200')
        // Back, then Forward, then refresh: what was saved comes back from the server.
        await page.waitForURL(/\/job$/)
        await page.goBack()
        await page.reload()
        assert.equal(await field(page, l.employees).inputValue(), '12')
        await page.goForward()
        await field(page, l.title).fill('Pastry chef')
        await field(page, l.noc).fill('63200')
        await field(page, l.duties).fill('Prepare pastries and breads; train apprentices.')
        await field(page, l.street).fill('150 Elgin Street')
        await field(page, l.city).fill('Ottawa')
        await field(page, l.province).selectOption('ON')
        await field(page, l.postal).fill('K2P 1L4')
        await field(page, l.start).fill('2027-01-04')
        await field(page, l.end).fill('2028-01-03')
        await field(page, l.hours).fill('40')
        await field(page, l.additionalLocation).selectOption('no')
        // Save and exit, then resume from the queue.
        await page.getByRole('button', { name: l.saveExit }).click()
        await expectAccessible(page, 'offer queue')
        await page.locator('main table a').first().click()
        assert.match(page.url(), /\/requirements$/)
        assert.equal(await page.locator('h1').count(), 1)

        await expectAccessible(page, 'offer requirements')
        await field(page, l.education).selectOption('college')
        await field(page, l.experience).fill('3')
        await page.getByLabel(l.english, { exact: true }).check()
        await next()

        await expectAccessible(page, 'offer wage')
        await field(page, l.wage).fill(lang === 'fr' ? '28,50' : '28.50')
        await field(page, l.unit).selectOption('hour')
        await page.getByLabel(l.health, { exact: true }).check()
        // Validate before finishing: the remaining sections are listed.
        await page.getByRole('button', { name: l.validate }).click()
        assert.match((await page.locator('main').textContent()) ?? '', l.missing)
        await expectAccessible(page, 'offer validate')
        await page.locator('.error-list a').first().click()

        await expectAccessible(page, 'offer worker (errors)')
        await field(page, l.family).fill('Nguyễn')
        await field(page, l.given).fill('Thị Mai')
        await field(page, l.sex).selectOption('F')
        await field(page, l.dob).fill('1990-07-14')
        await field(page, l.birth).selectOption('VN')
        await field(page, l.residence).selectOption('VN')
        await field(page, l.citizenship).selectOption('VN')
        await field(page, l.passport).fill('C1234567')
        await next()

        await expectAccessible(page, 'offer attestations')
        for (const box of await page.locator('input[type="checkbox"]').all()) await box.check()
        await next()
        assert.match((await page.locator('main').textContent()) ?? '', l.allValid)
      } catch (err) {
        await screenshotOnFailure(page, `offer ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
