import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { register, type Lang } from './pages/auth.ts'

/** Reloads until `row` shows, for a dispatcher that runs every 2 s in the portal process. */
async function waitForRow(page: Page, url: string, text: string): Promise<void> {
  const deadline = Date.now() + 30_000
  for (;;) {
    await page.goto(url)
    if ((await page.locator('.mailbox-table tbody tr', { hasText: text }).count()) > 0) return
    if (Date.now() > deadline) throw new Error(`no e-mail to ${text} in the development mailbox after 30 s`)
    await page.waitForTimeout(500)
  }
}

describe('account messages and the development mailbox, in a browser', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'false' })

  const cases: Array<[Lang, boolean]> = [
    ['en', true],
    ['fr', false],
  ]
  for (const [lang, javaScript] of cases) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: no messages yet, and the registration e-mail readable at /dev/mailbox`, async (t) => {
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const username = `e2e.notif.${lang}`
      const email = `${username}@example.ca`
      try {
        await register(page, e2e.baseUrl, lang, { username, email, password: 'the quiet river runs long' })

        await page.goto(`${e2e.baseUrl}/${lang}/messages`)
        assert.equal(await page.locator('h1').textContent(), lang === 'en' ? 'Account messages' : 'Messages du compte')
        assert.match((await page.locator('main').textContent()) ?? '', lang === 'en' ? /You have no messages\./ : /Vous n'avez aucun message\./)
        assert.equal(await page.locator('.account-messages a').textContent(), lang === 'en' ? 'Account messages' : 'Messages du compte')
        await expectAccessible(page, 'account messages')

        // The registration's e-mail went through the outbox and the in-process dispatcher.
        await waitForRow(page, `${e2e.baseUrl}/dev/mailbox`, email)
        await expectAccessible(page, 'development mailbox')
        await page.locator('.mailbox-table tbody tr', { hasText: email }).getByRole('link').click()
        const details = (await page.locator('.summary-list').textContent()) ?? ''
        assert.match(details, new RegExp(email.replace(/\./g, '\\.')))
        assert.match(details, new RegExp(`\\b${lang}\\b`), 'sent in the language of registration')
        assert.match((await page.locator('.mail-text').textContent()) ?? '', new RegExp(`${e2e.baseUrl.replace(/[.:/]/g, '\\$&')}/${lang}/`))
        await expectAccessible(page, 'development mailbox message')
      } catch (err) {
        await screenshotOnFailure(page, `notifications ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
