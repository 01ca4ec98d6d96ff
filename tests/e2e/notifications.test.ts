import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { translate } from '../../src/i18n/i18n.ts'
import { labels, register, signIn, startingWith, type Lang } from './pages/auth.ts'

/** Reloads until a row with all of `texts` shows, for a dispatcher that runs every 2 s in the portal process. */
async function waitForRow(page: Page, url: string, ...texts: string[]): Promise<void> {
  const deadline = Date.now() + 30_000
  const row = texts.reduce((rows, text) => rows.filter({ hasText: text }), page.locator('.mailbox-table tbody tr'))
  for (;;) {
    await page.goto(url)
    if ((await row.count()) > 0) return
    if (Date.now() > deadline) throw new Error(`no e-mail (${texts.join(', ')}) in the development mailbox after 30 s`)
    await page.waitForTimeout(500)
  }
}

/** The link to `path` (e.g. /fr/verify-email/) in the text of the e-mail on the page. */
async function linkInMail(page: Page, base: string, path: string): Promise<string> {
  const text = (await page.locator('.mail-text').textContent()) ?? ''
  const link = new RegExp(`${base.replace(/[.:/]/g, '\\$&')}${path}\\S+`).exec(text)?.[0]
  assert.ok(link, `no link to ${path} in the e-mail`)
  return link
}

describe('account messages and the development mailbox, in a browser', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'false' })

  const cases: Array<[Lang, boolean]> = [
    ['en', true],
    ['fr', false],
  ]
  for (const [lang, javaScript] of cases) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: no messages yet, the registration e-mail readable at /dev/mailbox, its link, and a password reset by e-mail`, async (t) => {
      const tr = (key: Parameters<typeof translate>[1]) => translate(lang, key)
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const username = `e2e.notif.${lang}`
      const email = `${username}@example.ca`
      try {
        await register(page, e2e.baseUrl, lang, { username, email, password: 'the quiet river runs long' })

        await page.goto(`${e2e.baseUrl}/${lang}/messages`)
        assert.equal(await page.locator('h1').textContent(), lang === 'en' ? 'Account messages' : 'Messages du compte')
        assert.match((await page.locator('main').textContent()) ?? '', lang === 'en' ? /You have no messages\./ : /Vous n’avez aucun message\./)
        assert.equal(await page.locator('.account-messages a').textContent(), lang === 'en' ? 'Account messages' : 'Messages du compte')
        await expectAccessible(page, 'account messages')

        // The registration's e-mail went through the outbox and the in-process dispatcher.
        await waitForRow(page, `${e2e.baseUrl}/dev/mailbox`, email)
        await expectAccessible(page, 'development mailbox')
        await page.locator('.mailbox-table tbody tr', { hasText: email }).getByRole('link').click()
        const details = (await page.locator('.summary-list').textContent()) ?? ''
        assert.match(details, new RegExp(email.replace(/\./g, '\\.')))
        assert.match(details, new RegExp(`\\b${lang}\\b`), 'sent in the language of registration')
        await expectAccessible(page, 'development mailbox message')

        // The registration e-mail's link confirms the address.
        await page.goto(await linkInMail(page, e2e.baseUrl, `/${lang}/verify-email/`))
        assert.equal(await page.locator('h1').textContent(), tr('auth.emailVerifiedTitle'))
        await expectAccessible(page, 'email verified')

        // Forgot the password: the e-mail's link, a new password, and signing in with it.
        await page.goto(`${e2e.baseUrl}/${lang}/forgot-password`)
        await page.getByLabel(startingWith(labels[lang].username)).fill(username)
        await Promise.all([page.waitForURL(/\/forgot-password\/sent$/), page.getByRole('button', { name: tr('auth.sendLink') }).click()])
        await waitForRow(page, `${e2e.baseUrl}/dev/mailbox`, email, tr('auth.emails.resetPassword.subject'))
        await page.locator('.mailbox-table tbody tr', { hasText: email }).filter({ hasText: tr('auth.emails.resetPassword.subject') }).getByRole('link').click()
        await page.goto(await linkInMail(page, e2e.baseUrl, `/${lang}/reset-password/`))
        assert.equal(await page.locator('h1').textContent(), tr('auth.resetTitle'))
        await expectAccessible(page, 'reset password')
        await page.getByRole('button', { name: tr('common.save'), exact: true }).click()
        await expectAccessible(page, 'reset password (errors)')
        const newPassword = 'a new password for the spring'
        await page.getByLabel(startingWith(tr('auth.newPassword'))).fill(newPassword)
        await page.getByLabel(startingWith(tr('auth.confirmPassword'))).fill(newPassword)
        await Promise.all([page.waitForURL(new RegExp(`/${lang}/sign-in$`)), page.getByRole('button', { name: tr('common.save'), exact: true }).click()])
        assert.equal(await page.locator('.notice-title').textContent(), tr('auth.resetDone'))
        await signIn(page, e2e.baseUrl, lang, username, newPassword)
        assert.match(page.url(), new RegExp(`/${lang}/home`))
      } catch (err) {
        await screenshotOnFailure(page, `notifications ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
