import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { SECTION_IDS, SECTIONS, type SectionId } from '../../src/features/offers/offers.sections.ts'
import { DEMO_PASSWORD } from '../../src/features/demo/demo-seed.ts'
import { TINY_PDF } from '../helpers/offers.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { Keyboard } from './helpers/keyboard.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { labels, type Lang } from './pages/auth.ts'
import { APPROVED_CARD, OfferPages, offerAnswers } from './pages/offers.ts'

/**
 * Issue 12: an offer completed with the keyboard only (Tab, Shift+Tab, Enter, Space,
 * the arrow keys, and typing): sign in, start, every section, an error summary and its
 * link, a document through the file chooser, review, submit, the card page, paying.
 * No click anywhere; the first address is the only one typed into the address bar.
 */
const EMPLOYER: Record<Lang, string> = { en: 'demo.primary', fr: 'demo.secondary' }

describe('an offer by keyboard alone', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })

  for (const [lang, javaScript] of [
    ['en', true],
    ['fr', false],
  ] as const) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: from signing in to the offer number, without a mouse`, async (t) => {
      const context = await newContext(e2e.browser, { javaScript, locale: lang === 'fr' ? 'fr-CA' : 'en-CA' })
      const page = await context.newPage()
      const o = new OfferPages(page, e2e.baseUrl, lang)
      const kb = new Keyboard(page)
      const answers = offerAnswers(lang)

      /** Types one section's answers with the keyboard. */
      const fillSection = async (section: SectionId) => {
        for (const def of SECTIONS[section]) {
          const value = answers[section][def.name]
          if (value === undefined) continue
          if (def.kind === 'checkboxes') for (const v of [value].flat()) await kb.tick(o.choice(def, v))
          else if (def.kind === 'checkbox') await kb.tick(o.field(def.name), value === 'yes')
          else if (def.kind === 'select') await kb.choose(o.field(def.name), String(value))
          else if (def.kind === 'date') await kb.typeDate(o.field(def.name), String(value))
          else await kb.typeInto(o.field(def.name), String(value))
        }
      }

      try {
        await page.goto(o.url('/sign-in'))
        const l = labels[lang]
        await kb.typeInto(page.getByLabel(l.username), EMPLOYER[lang])
        await kb.typeInto(page.getByLabel(l.password, { exact: true }), DEMO_PASSWORD)
        await kb.press('Enter')
        await page.waitForURL(new RegExp(`/${lang}/home`))

        // Home → the queue → Start a new offer → Start.
        await kb.activate(page.locator(`main a[href="/${lang}/offers"]`))
        await page.waitForURL(new RegExp(`/${lang}/offers$`))
        await kb.activate(o.link('offers.startOffer'))
        await page.waitForURL(/\/offers\/new$/)
        await kb.activate(o.button('offers.startOffer'))
        await page.waitForURL(/\/exemption$/)
        const id = o.offerId

        // Next with nothing: focus lands on the error summary; Tab reaches its first link,
        // Enter moves focus to that field.
        await kb.activate(o.button('offers.next'))
        await page.locator('#error-summary').waitFor()
        await page.waitForLoadState()
        await kb.expectFocusOn('error-summary')
        await expectAccessible(page, 'offer exemption (errors, keyboard)')
        await kb.press('Tab')
        assert.equal(await page.locator(':focus').getAttribute('href'), '#exemption-code')
        await kb.press('Enter')
        await kb.expectFocusOn('exemption-code')

        for (const section of SECTION_IDS) {
          await page.waitForURL(new RegExp(`/${section}(\\?check=1)?(#[\\w-]+)?$`))
          await fillSection(section)
          if (section === 'wage') {
            // Back up with Shift+Tab to correct the wage, then on with Tab.
            await kb.tabTo(o.button('offers.next'))
            await kb.typeInto(o.field('wage'), lang === 'fr' ? '33,75' : '33.75')
          }
          // Space presses a button as Enter does.
          await kb.activate(o.button('offers.next'), section === 'job' ? 'Space' : 'Enter')
        }
        await page.waitForURL(/\/validate$/)
        assert.match(await o.mainText(), new RegExp(o.t('offers.allValid')))

        // A document through the file chooser, opened with Space on the file field.
        await kb.activate(o.link('offers.docsLink'))
        await page.waitForURL(/\/documents$/)
        const [chooser] = await Promise.all([page.waitForEvent('filechooser'), kb.activate(page.getByLabel(o.t('offers.docsField')), 'Space')])
        await chooser.setFiles({ name: 'offer-letter.pdf', mimeType: 'application/pdf', buffer: TINY_PDF })
        await kb.activate(o.button('offers.docsUpload'))
        await page.locator('.document-list a', { hasText: 'offer-letter.pdf' }).waitFor()
        await kb.activate(page.locator('.back-link'))
        await page.waitForURL(/\/validate$/)

        // Review, submit, the card page, pay.
        await kb.activate(o.link('offers.toReview'))
        await page.waitForURL(/\/review$/)
        assert.match(await o.mainText(), lang === 'fr' ? /33,75/ : /33\.75/)
        await kb.activate(o.button('offers.submitPay'))
        await page.waitForURL(/\/test-gateway\/checkouts\//)
        const gw = (key: 'cardNumber' | 'expiry' | 'securityCode' | 'cardholderName') => page.locator(`[name="${key}"]`).and(page.getByLabel(new RegExp(`^${o.t(`testGateway.${key}`)}`)))
        await kb.typeInto(gw('cardNumber'), APPROVED_CARD)
        await kb.typeInto(gw('expiry'), '12/29')
        await kb.typeInto(gw('securityCode'), '123')
        await kb.typeInto(gw('cardholderName'), 'Alex Tremblay')
        await kb.activate(o.button('testGateway.pay', { amount: o.fee }))
        await page.waitForURL(new RegExp(`/${lang}/offers/${id}$`))
        assert.match(await o.h1(), /A\d{7}$/)
        await expectAccessible(page, 'offer submitted (keyboard)')

        for (const key of ['Tab', 'Shift+Tab', 'Enter', 'Space', 'ArrowDown'] as const) assert.ok(kb.count[key] > 0, `${key} was used`)
        t.diagnostic(`keys: ${JSON.stringify(kb.count)}`)
      } catch (err) {
        await screenshotOnFailure(page, `offer keyboard ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
