import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

/**
 * An officer reviews the demo's claimed fee exemption: the queue, the offer with its
 * proof, the decision form's error state, then the decision (English); the queue of
 * decided reviews and the decided offer (French). axe on every page.
 */
describe('console: fee exemptions to review', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true', PORTAL_TEST_CLOCK: 'true' })

  async function consoleSignIn(page: Page, lang: Lang): Promise<void> {
    const res = await fetch(`${e2e.baseUrl}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 1 }) })
    const { now } = (await res.json()) as { now: string }
    await page.goto(`${e2e.baseUrl}/${lang}/console/sign-in`)
    await signIn(page, e2e.baseUrl, lang, 'demo.officer', DEMO_PASSWORD)
    await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(totpCode(DEMO_TOTP_SECRET, new Date(now)))
    await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
    assert.match(page.url(), new RegExp(`/${lang}/console$`))
  }

  it('en: takes the review, is told what is missing, and accepts the exemption', async (t) => {
    const context = await newContext(e2e.browser)
    const page = await context.newPage()
    try {
      await consoleSignIn(page, 'en')
      await page.getByRole('link', { name: 'Fee exemptions to review' }).click()
      await expectAccessible(page, 'fee exemption queue')
      await page.locator('main table a').first().click()
      assert.match(page.url(), /\/console\/fee-exemptions\/[0-9a-f-]{36}$/)
      assert.match((await page.locator('main').textContent()) ?? '', /note-diplomatique\.pdf/)
      await expectAccessible(page, 'fee exemption review')
      await page.getByRole('button', { name: 'Assign to me' }).click()
      await page.getByRole('button', { name: 'Record the decision' }).click()
      await expectAccessible(page, 'fee exemption review (errors)')
      assert.equal(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id), 'error-summary', 'focus on the error summary')
      await page.getByLabel('Exemption accepted').check()
      await page.getByLabel('Reason').fill('The diplomatic note names the mission and the worker.')
      await page.getByRole('button', { name: 'Record the decision' }).click()
      // The employer is told at once: asked first, on a page of its own.
      assert.match((await page.locator('main h1').textContent()) ?? '', /^Accept the fee exemption for offer [A-Z]\d{7}\?$/)
      await expectAccessible(page, 'fee exemption review (confirm)')
      await page.getByRole('button', { name: 'Yes, accept the exemption' }).click()
      assert.match((await page.locator('main').textContent()) ?? '', /Decision recorded: Exemption accepted.*This review is decided/s)
      await expectAccessible(page, 'fee exemption review (recorded)')
    } catch (err) {
      await screenshotOnFailure(page, t.name)
      throw err
    } finally {
      await context.close()
    }
  })

  it('fr: the decided reviews and the decided offer', async (t) => {
    const context = await newContext(e2e.browser)
    const page = await context.newPage()
    try {
      await consoleSignIn(page, 'fr')
      await page.goto(`${e2e.baseUrl}/fr/console/fee-exemptions?state=decided`)
      await expectAccessible(page, 'fee exemption queue (decided)')
      await page.locator('main table a').first().click()
      assert.match((await page.locator('main').textContent()) ?? '', /Cet examen est décidé/)
      await expectAccessible(page, 'fee exemption review (decided)')
    } catch (err) {
      await screenshotOnFailure(page, t.name)
      throw err
    } finally {
      await context.close()
    }
  })
})
