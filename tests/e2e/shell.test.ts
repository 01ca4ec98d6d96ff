import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'

describe('the portal shell in a browser', () => {
  const e2e = usePortalAndBrowser()

  for (const javaScript of [true, false]) {
    it(`switches language on the same page and has no accessibility violations (JavaScript ${javaScript ? 'on' : 'off'})`, async (t) => {
      const context = await newContext(e2e.browser, { javaScript, locale: 'fr-CA' })
      const page = await context.newPage()
      try {
        await page.goto(e2e.baseUrl)
        assert.match(page.url(), /\/fr$/)
        assert.equal(await page.locator('html').getAttribute('lang'), 'fr')
        await expectAccessible(page, 'home')

        await page.getByRole('link', { name: 'À propos de ce portail' }).click()
        await expectAccessible(page, 'about')
        await page.getByRole('link', { name: 'English' }).click()
        assert.match(page.url(), /\/en\/about$/)
        assert.equal(await page.locator('h1').textContent(), 'About this portal')
        await expectAccessible(page, 'about')

        await page.goto(`${e2e.baseUrl}/en/no-such-page`)
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

  for (const javaScript of [true, false]) {
    it(`the accessibility check finds what axe finds: an image without a text alternative, a field without a label (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      try {
        const probe = `${e2e.baseUrl}/en/axe-probe`
        await page.route(probe, (route) =>
          route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><html lang="en"><head><title>Probe</title><meta name="portal-template" content="probe"></head><body><main><h1>Probe</h1><img src="/favicon.ico"><input name="q"></main></body></html>' }),
        )
        await page.goto(probe)
        await assert.rejects(expectAccessible(page, 'probe'), (err: Error) => /axe found 2 violation\(s\)/.test(err.message) && /image-alt/.test(err.message) && /label/.test(err.message))
      } finally {
        await context.close()
      }
    })
  }

  it('lets a keyboard user skip to the content', async (t) => {
    const context = await newContext(e2e.browser)
    const page = await context.newPage()
    try {
      await page.goto(`${e2e.baseUrl}/en`)
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
