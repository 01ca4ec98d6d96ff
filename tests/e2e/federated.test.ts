import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { startTestIdentityProvider, type TestIdentityProvider } from '../helpers/oidc-provider.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'

/**
 * The real portal process and Chromium against an in-process OpenID provider: the
 * button's form post must be allowed to land on the provider (CSP form-action), and
 * the session cookie must come back with the provider's redirect (SameSite=Lax).
 */
describe('federated sign-in in a browser', () => {
  let idp: TestIdentityProvider
  const redirectUris: string[] = []

  before(async () => {
    idp = await startTestIdentityProvider({ redirectUris })
    idp.accounts.set('browser-1', { sub: 'browser-1', email: 'chloe@example.ca', email_verified: true, given_name: 'Chloé', family_name: 'Nguyen' })
  })
  const e2e = usePortalAndBrowser(() => {
    const providers = [{ id: 'testbank', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, name: { en: 'Test Bank', fr: 'Banque Test' } }]
    return { SEED_DEMO: 'false', OIDC_PROVIDERS: JSON.stringify(providers) }
  })
  before(() => {
    redirectUris.push(`${e2e.baseUrl}/auth/callback/testbank`)
  })
  after(async () => {
    await idp?.close()
  })

  for (const [lang, javaScript] of [
    ['fr', true],
    ['en', false],
  ] as const) {
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: sign in with the provider, then a refusal`, async (t) => {
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const name = lang === 'en' ? 'Sign in with Test Bank' : 'Se connecter avec Banque Test'
      try {
        idp.outcome = { kind: 'login', accountId: 'browser-1' }
        await page.goto(`${e2e.baseUrl}/${lang}/sign-in`)
        await expectAccessible(page, 'sign-in (with providers)')
        await page.getByRole('button', { name }).click()
        await page.waitForURL(new RegExp(`/${lang}/home`))
        assert.match((await page.content()) ?? '', /Chloé/)

        // Signed out, then the person cancels at the provider.
        await context.clearCookies()
        idp.outcome = { kind: 'deny' }
        await page.goto(`${e2e.baseUrl}/${lang}/sign-in`)
        await page.getByRole('button', { name }).click()
        await page.waitForURL(/\/auth\/callback\/testbank/)
        const title = lang === 'en' ? 'We couldn’t sign you in with Test Bank' : 'Nous n’avons pas pu vous connecter avec Banque Test'
        assert.equal((await page.locator('h1').textContent())?.trim(), title)
        await expectAccessible(page, 'federated sign-in failed')
        await page.getByRole('link', { name: lang === 'en' ? 'Go back to the sign-in page' : 'Retourner à la page de connexion' }).click()
        assert.match(page.url(), new RegExp(`/${lang}/sign-in$`))
      } catch (err) {
        await screenshotOnFailure(page, `federated-${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
