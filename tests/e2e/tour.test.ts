import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { expectAccessible, launchBrowser, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { startPortal, type RunningPortal } from './helpers/portal.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

/**
 * A walk through the pages no longer journey needs to reach, in both languages, with
 * axe on each: the public pages, the error page, "Forgot your password?", and the
 * console's sign-in with its second factor and review queue.
 */
describe('a tour of the simpler pages', () => {
  let portal: RunningPortal
  let browser: Browser
  before(async () => {
    ;[portal, browser] = await Promise.all([startPortal({ SEED_DEMO: 'true' }), launchBrowser()])
  })
  after(async () => {
    await browser?.close()
    await portal?.stop()
  })

  const staff: Record<Lang, string> = { en: 'demo.officer', fr: 'demo.admin' }
  for (const lang of ['en', 'fr'] as const) {
    it(`${lang}: public pages, the error page, forgot password, and the console`, async (t) => {
      const context = await newContext(browser)
      const page = await context.newPage()
      try {
        for (const path of ['', '/help', '/about', '/offers/eligibility', '/reference/exemption-codes', '/reference/occupations?q=cuisinier', '/console/sign-in', '/no-such-page']) {
          const res = await page.goto(`${portal.baseUrl}/${lang}${path}`)
          assert.ok(res, path)
          await expectAccessible(page, path || 'home')
        }

        await page.goto(`${portal.baseUrl}/${lang}/forgot-password`)
        await expectAccessible(page, 'forgot password')
        await page.getByRole('button').filter({ hasText: lang === 'en' ? 'Send the link' : 'Envoyer le lien' }).click()
        await expectAccessible(page, 'forgot password (errors)')
        await page.getByLabel(startingWith(lang === 'en' ? 'Username' : 'Nom d’utilisateur')).fill('demo.primary')
        await page.getByRole('button').filter({ hasText: lang === 'en' ? 'Send the link' : 'Envoyer le lien' }).click()
        assert.match(page.url(), /\/forgot-password\/sent$/)
        await expectAccessible(page, 'forgot password sent')

        await page.goto(`${portal.baseUrl}/${lang}/console/sign-in`)
        await signIn(page, portal.baseUrl, lang, staff[lang], DEMO_PASSWORD)
        assert.match(page.url(), /\/sign-in\/code$/)
        await expectAccessible(page, 'second factor')
        await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(totpCode(DEMO_TOTP_SECRET, new Date()))
        await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
        assert.match(page.url(), new RegExp(`/${lang}/console$`))
        await expectAccessible(page, 'console home')
        await page.goto(`${portal.baseUrl}/${lang}/console/enrolments`)
        await expectAccessible(page, 'console enrolments')
      } catch (err) {
        await screenshotOnFailure(page, `tour ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
