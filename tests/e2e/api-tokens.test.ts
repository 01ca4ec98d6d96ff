import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_BUSINESS, DEMO_PASSWORD } from '../../src/features/demo/demo-seed.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

const w = {
  en: { name: 'Name', drafts: 'Write drafts', expiry: 'Expires after', create: 'Create token', revoke: 'Revoke', confirm: 'Revoke token', revokedNotice: /was revoked/, required: /Enter a name for the token/ },
  fr: { name: 'Nom', drafts: 'Rédiger des ébauches', expiry: 'Expire après', create: 'Créer le jeton', revoke: 'Révoquer', confirm: 'Révoquer le jeton', revokedNotice: /a été révoqué/, required: /Entrez un nom pour le jeton/ },
} as const

/**
 * A representative makes a personal API token in the portal, uses it from "their
 * software" (fetch), then revokes it; and reads the API reference. axe on every page
 * (the token list, its error state, the token shown once, the revocation, the reference), in both languages.
 */
describe('API tokens and the API reference in a browser', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })

  it('reads the API reference, made from the OpenAPI document, in English and French', async (t) => {
    const context = await newContext(e2e.browser)
    const page = await context.newPage()
    try {
      for (const lang of ['en', 'fr'] as const) {
        await page.goto(`${e2e.baseUrl}/${lang}/developers`)
        await expectAccessible(page, `developers ${lang}`)
        assert.ok(await page.locator('#op-listOffers').count(), 'the offers list operation is described')
        assert.ok(await page.locator('#problem-unauthorized').count(), 'problem types are anchored for their type URIs')
      }
      const doc = await (await fetch(`${e2e.baseUrl}/api/v1/openapi.json`)).json() as { openapi: string }
      assert.equal(doc.openapi, '3.1.0')
    } catch (error) {
      await screenshotOnFailure(page, `developers-${t.name}`)
      throw error
    } finally {
      await context.close()
    }
  })

  for (const lang of ['en', 'fr'] as Lang[]) {
    it(`${lang}: creates a token (shown once), uses it from software, revokes it (refused at its next request)`, async () => {
      const l = w[lang]
      const context = await newContext(e2e.browser, { javaScript: lang === 'en' })
      const page = await context.newPage()
      try {
        await signIn(page, e2e.baseUrl, lang, 'demo.primary', DEMO_PASSWORD)
        await page.goto(`${e2e.baseUrl}/${lang}/account/api-tokens`)
        await expectAccessible(page, 'api tokens')
        await page.getByRole('button', { name: l.create }).click()
        await expectAccessible(page, 'api tokens (errors)')
        assert.match((await page.locator('.error-summary').textContent()) ?? '', l.required)

        await page.getByLabel(startingWith(l.name)).first().fill(`Case manager ${lang}`)
        await page.getByLabel(startingWith(l.drafts)).check()
        await page.getByLabel(startingWith(l.expiry)).selectOption('30')
        await page.getByRole('button', { name: l.create }).click()
        await expectAccessible(page, 'api token created')
        const token = await page.locator('#token-value').inputValue()
        assert.match(token, /^ep_[A-Za-z0-9_-]{43}$/)
        await page.reload()
        assert.equal(await page.locator('#token-value').count(), 0, 'shown once')

        const asSoftware = () => fetch(`${e2e.baseUrl}/api/v1/business`, { headers: { authorization: `Bearer ${token}`, 'accept-language': lang } })
        const ok = await asSoftware()
        assert.equal(ok.status, 200)
        assert.equal(((await ok.json()) as { legalName: string }).legalName, DEMO_BUSINESS.legalName)

        await page.goto(`${e2e.baseUrl}/${lang}/account/api-tokens`)
        await page.getByRole('link', { name: `${l.revoke} Case manager ${lang}` }).click()
        await expectAccessible(page, 'api token revoke')
        await page.getByRole('button', { name: l.confirm }).click()
        assert.match((await page.locator('main').textContent()) ?? '', l.revokedNotice)
        await expectAccessible(page, 'api tokens (after revoking)')
        const refused = await asSoftware()
        assert.equal(refused.status, 401)
        assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/)
      } catch (error) {
        await screenshotOnFailure(page, `api-tokens-${lang}`)
        throw error
      } finally {
        await context.close()
      }
    })
  }
})
