import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'

describe('the eligibility check and the exemption codes in a browser', () => {
  const e2e = usePortalAndBrowser()

  for (const javaScript of [true, false]) {
    it(`answers, shows errors accessibly and keeps Back working (JavaScript ${javaScript ? 'on' : 'off'})`, async (t) => {
      const context = await newContext(e2e.browser, { javaScript, locale: 'fr-CA' })
      const page = await context.newPage()
      try {
        await page.goto(`${e2e.baseUrl}/fr/offers/eligibility`)
        await expectAccessible(page, 'eligibility')

        // No choice: the summary links to the first radio, which takes focus when followed.
        await page.getByRole('button', { name: 'Vérifier' }).click()
        assert.match(await page.title(), /^Erreur\s:\s/)
        await expectAccessible(page, 'eligibility-error')
        await page.locator('.error-summary a').first().click()
        assert.equal(await page.locator(':focus').getAttribute('id'), 'open-permit')

        // Start afresh: a page answered to a POST (the error page) cannot be revisited by Back
        // without resubmitting, in any browser, since pages are never cached.
        await page.goto(`${e2e.baseUrl}/fr/offers/eligibility`)
        await page.getByLabel('Non, un permis de travail pour mon entreprise seulement').check()
        await page.getByLabel('Quel code de dispense de l’EIMT s’applique?').selectOption('T36')
        await page.getByRole('button', { name: 'Vérifier' }).click()
        assert.match(page.url(), /\/fr\/offers\/eligibility\/result\?openPermit=no&code=T36$/)
        assert.equal(await page.locator('.notice-title').textContent(), 'Vous devez soumettre une offre d’emploi')
        await expectAccessible(page, 'eligibility-result')

        await page.goBack()
        assert.match(page.url(), /\/fr\/offers\/eligibility$/)
        await page.goForward()
        assert.equal(await page.locator('.notice-title').textContent(), 'Vous devez soumettre une offre d’emploi')

        // The same answer in English, by the language toggle (the answers are in the address).
        await Promise.all([page.waitForURL(/\/en\/offers\/eligibility\/result\?openPermit=no&code=T36$/), page.getByRole('link', { name: 'English' }).click()])
        assert.equal(await page.locator('.notice-title').textContent(), 'You need to submit an offer of employment')
        await expectAccessible(page, 'eligibility-result')

        await page.goto(`${e2e.baseUrl}/en/reference/exemption-codes`)
        await expectAccessible(page, 'exemption-codes')

        await page.goto(`${e2e.baseUrl}/fr/reference/occupations`)
        await page.getByLabel('Code ou titre de la profession').fill('soudeurs')
        await page.getByRole('button', { name: 'Rechercher' }).click()
        assert.ok((await page.locator('tbody th').allTextContents()).includes('72106'))
        await expectAccessible(page, 'occupations')
      } catch (err) {
        await screenshotOnFailure(page, t.name)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
