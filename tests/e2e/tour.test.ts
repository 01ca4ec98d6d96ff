import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEMO_BUSINESS, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

/**
 * A walk through the pages no longer journey needs to reach, in both languages, with
 * axe on each: the public pages, the error page, "Forgot your password?", and the
 * console's sign-in with its second factor and review queue.
 */
describe('a tour of the simpler pages', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true', PORTAL_TEST_CLOCK: 'true' })

  /** Moves the portal's clock a minute on (each code works once) and gives the current code for a key. */
  async function freshCode(key: string): Promise<string> {
    const res = await fetch(`${e2e.baseUrl}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 1 }) })
    const { now } = (await res.json()) as { now: string }
    return totpCode(key, new Date(now))
  }
  const employer: Record<Lang, string> = { en: 'demo.primary', fr: 'demo.secondary' }
  for (const lang of ['en', 'fr'] as const) {
    it(`${lang}: public pages, the error page, forgot password, and the console`, async (t) => {
      const context = await newContext(e2e.browser)
      const page = await context.newPage()
      try {
        for (const path of ['', '/help', '/about', '/offers/eligibility', '/reference/exemption-codes', '/reference/occupations?q=cuisinier', '/console/sign-in', '/no-such-page']) {
          const res = await page.goto(`${e2e.baseUrl}/${lang}${path}`)
          assert.ok(res, path)
          await expectAccessible(page, path || 'home')
        }

        await page.goto(`${e2e.baseUrl}/${lang}/forgot-password`)
        await expectAccessible(page, 'forgot password')
        await page.getByRole('button').filter({ hasText: lang === 'en' ? 'Send the link' : 'Envoyer le lien' }).click()
        await expectAccessible(page, 'forgot password (errors)')
        await page.getByLabel(startingWith(lang === 'en' ? 'Username' : 'Nom d’utilisateur')).fill('demo.primary')
        await page.getByRole('button').filter({ hasText: lang === 'en' ? 'Send the link' : 'Envoyer le lien' }).click()
        assert.match(page.url(), /\/forgot-password\/sent$/)
        await expectAccessible(page, 'forgot password sent')

        // An employer's security pages, and setting up two-step verification.
        await signIn(page, e2e.baseUrl, lang, employer[lang], DEMO_PASSWORD)
        const save = lang === 'en' ? 'Save' : 'Enregistrer'
        await page.goto(`${e2e.baseUrl}/${lang}/account/password`)
        await expectAccessible(page, 'change password')
        await page.getByRole('button', { name: save, exact: true }).click()
        await expectAccessible(page, 'change password (errors)')
        await page.goto(`${e2e.baseUrl}/${lang}/account/email`)
        await expectAccessible(page, 'change email')
        await page.goto(`${e2e.baseUrl}/${lang}/two-factor/setup`)
        await expectAccessible(page, 'two-factor setup')
        const key = ((await page.locator('.totp-key').textContent()) ?? '').replace(/\s+/g, '')
        await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(await freshCode(key))
        await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
        assert.match(page.url(), /\/two-factor\/recovery-codes$/)
        await expectAccessible(page, 'recovery codes')
        await page.getByRole('button').filter({ hasText: lang === 'en' ? 'I have saved' : 'J’ai conservé' }).click()
        // Once it is on: its own page (new recovery codes, a new authenticator app).
        await page.goto(`${e2e.baseUrl}/${lang}/account/two-factor`)
        await expectAccessible(page, 'two-step verification')
        await page.getByRole('button', { name: lang === 'en' ? 'Get new recovery codes' : 'Obtenir de nouveaux codes de récupération' }).click()
        await expectAccessible(page, 'two-step verification (errors)')

        // Enrolling a business that already has an account: what to do, and the transfer request.
        await page.goto(`${e2e.baseUrl}/${lang}/enrol`)
        await page.getByRole('button', { name: lang === 'en' ? 'Start' : 'Commencer' }).click()
        await page.getByLabel(lang === 'en' ? 'Yes' : 'Oui').check()
        await page.getByLabel(startingWith(lang === 'en' ? 'Business number' : 'Numéro d’entreprise')).fill(DEMO_BUSINESS.businessNumber)
        await page.getByLabel(startingWith(lang === 'en' ? 'Legal name' : 'Dénomination sociale')).fill(DEMO_BUSINESS.legalName)
        await page.getByLabel(startingWith(lang === 'en' ? 'Operating name' : 'Nom commercial')).fill(DEMO_BUSINESS.operatingName)
        await page.getByRole('button', { name: lang === 'en' ? 'Save and continue' : 'Enregistrer et continuer' }).click()
        assert.match(page.url(), /\/enrol\/already/)
        await expectAccessible(page, 'enrol already')
        await page.locator('main a[href$="/enrol/transfer"]').click()
        await expectAccessible(page, 'transfer request')
        const send = lang === 'en' ? 'Send the request' : 'Envoyer la demande'
        await page.getByRole('button', { name: send }).click()
        await expectAccessible(page, 'transfer request (errors)')
        await page.getByLabel(startingWith(lang === 'en' ? 'Your explanation' : 'Votre explication')).fill('Tour: the owner retired.')
        await page.getByRole('button', { name: send }).click()
        await page.getByRole('button', { name: lang === 'en' ? 'Sign out' : 'Se déconnecter', exact: true }).click()

        // The console: an administrator's sign-in with its code, then each console page.
        await page.goto(`${e2e.baseUrl}/${lang}/console/sign-in`)
        await signIn(page, e2e.baseUrl, lang, 'demo.admin', DEMO_PASSWORD)
        assert.match(page.url(), /\/sign-in\/code$/)
        await expectAccessible(page, 'second factor')
        await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(await freshCode(DEMO_TOTP_SECRET))
        await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
        assert.match(page.url(), new RegExp(`/${lang}/console$`))
        await expectAccessible(page, 'console home')
        for (const path of ['/console/enrolments', '/console/transfers', '/console/audit', '/console/audit?from=not-a-date', '/console/staff']) {
          await page.goto(`${e2e.baseUrl}/${lang}${path}`)
          await expectAccessible(page, path)
        }
        await page.goto(`${e2e.baseUrl}/${lang}/console/transfers`)
        await page.locator('main table a', { hasText: DEMO_BUSINESS.legalName }).first().click()
        await expectAccessible(page, 'console transfer detail')
        const transferUrl = page.url()
        await page.getByLabel(lang === 'en' ? 'Make the requester the primary user' : 'Désigner le demandeur utilisateur principal').check()
        await page.getByRole('button', { name: lang === 'en' ? 'Record the decision' : 'Enregistrer la décision', exact: true }).click()
        await expectAccessible(page, 'console transfer decision (confirmation)')
        await page.getByRole('button', { name: lang === 'en' ? 'Yes, make them the primary user' : 'Oui, le désigner utilisateur principal', exact: true }).click()
        assert.equal(page.url().split('?')[0], transferUrl)
        await page.goto(`${e2e.baseUrl}/${lang}/console/staff`)
        await page.getByRole('button', { name: lang === 'en' ? 'Create account' : 'Créer le compte' }).click()
        await expectAccessible(page, 'console staff (errors)')
        await page.getByRole('button', { name: lang === 'en' ? 'Sign out' : 'Se déconnecter', exact: true }).click()

        // The requester reads the decision in their account messages (signing in with their new second factor).
        await signIn(page, e2e.baseUrl, lang, employer[lang], DEMO_PASSWORD)
        await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(await freshCode(key))
        await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
        await page.goto(`${e2e.baseUrl}/${lang}/messages`)
        await page.locator('main a[href*="/messages/"]').first().click()
        await expectAccessible(page, 'account message')
      } catch (err) {
        await screenshotOnFailure(page, `tour ${t.name}`)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
