import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Browser } from 'playwright-core'
import { expectAccessible, launchBrowser, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { startPortal, type RunningPortal } from './helpers/portal.ts'

describe('the portal shell in a browser', () => {
  let portal: RunningPortal
  let browser: Browser
  before(async () => {
    ;[portal, browser] = await Promise.all([startPortal(), launchBrowser()])
  })
  after(async () => {
    await browser?.close()
    await portal?.stop()
  })

  for (const javaScript of [true, false]) {
    it(`switches language on the same page and has no accessibility violations (JavaScript ${javaScript ? 'on' : 'off'})`, async (t) => {
      const context = await newContext(browser, { javaScript, locale: 'fr-CA' })
      const page = await context.newPage()
      try {
        await page.goto(portal.baseUrl)
        assert.match(page.url(), /\/fr$/)
        assert.equal(await page.locator('html').getAttribute('lang'), 'fr')
        await expectAccessible(page, 'home')

        await page.getByRole('link', { name: 'À propos de ce portail' }).click()
        await expectAccessible(page, 'about')
        await page.getByRole('link', { name: 'English' }).click()
        assert.match(page.url(), /\/en\/about$/)
        assert.equal(await page.locator('h1').textContent(), 'About this portal')
        await expectAccessible(page, 'about')

        await page.goto(`${portal.baseUrl}/en/no-such-page`)
        assert.match((await page.locator('h1').textContent()) ?? '', /couldn’t find/)
        await expectAccessible(page, 'error')
      } catch (err) {
        await screenshotOnFailure(page, t.name)
        throw err
      } finally {
        await context.close()
      }
    })
  }

  it('lets a keyboard user skip to the content', async (t) => {
    const context = await newContext(browser)
    const page = await context.newPage()
    try {
      await page.goto(`${portal.baseUrl}/en`)
      await page.keyboard.press('Tab')
      const focused = await page.locator(':focus').textContent()
      assert.equal(focused, 'Skip to main content')
      await page.keyboard.press('Enter')
      assert.match(page.url(), /#main-content$/)
    } catch (err) {
      await screenshotOnFailure(page, t.name)
      throw err
    } finally {
      await context.close()
    }
  })
})
