import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { localTimeValue } from '../../src/features/console/maintenance.service.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

/**
 * Administration and the help page's problem report, in both languages with axe on
 * every page and error state: a visitor reports a problem (with a screenshot), an
 * administrator reads it, and visits the fee, maintenance, help and retention pages.
 */
describe('console administration and problem reports', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true', PORTAL_TEST_CLOCK: 'true' })

  async function freshCode(key: string): Promise<string> {
    const res = await fetch(`${e2e.baseUrl}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 1 }) })
    const { now } = (await res.json()) as { now: string }
    return totpCode(key, new Date(now))
  }
  /** Moves the portal's clock on and says what time it is there now. */
  async function advance(minutes: number): Promise<Date> {
    const res = await fetch(`${e2e.baseUrl}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes }) })
    return new Date(((await res.json()) as { now: string }).now)
  }
  async function consoleSignIn(page: Page, lang: Lang): Promise<void> {
    await page.goto(`${e2e.baseUrl}/${lang}/console/sign-in`)
    await signIn(page, e2e.baseUrl, lang, 'demo.admin', DEMO_PASSWORD)
    await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(await freshCode(DEMO_TOTP_SECRET))
    await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
    assert.match(page.url(), new RegExp(`/${lang}/console$`))
  }
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
  const L = {
    en: { announce: 'Announce from', starts: 'Starts', ends: 'Ends', cancel: 'Cancel this maintenance window', cancelYes: 'Yes, cancel this maintenance window', closed: 'The portal is closed for maintenance', report: 'Report a technical problem', send: 'Send the report', description: 'What happened?', screenshot: 'Screenshot', saveFee: 'Save the fee', feeAmount: 'New fee (CAD)', keepFee: 'No, keep the fee as it is', plan: 'Plan the window', saveHelp: 'Save the help page', purge: 'Purge the selected records', update: 'Update the status', resolved: 'Resolved' },
    fr: { announce: 'Annoncer à partir du', starts: 'Début', ends: 'Fin', cancel: 'Annuler cette période de maintenance', cancelYes: 'Oui, annuler cette période de maintenance', closed: 'Le portail est fermé pour maintenance', report: 'Signaler un problème technique', send: 'Envoyer le signalement', description: 'Que s’est-il passé?', screenshot: 'Capture d’écran', saveFee: 'Enregistrer les frais', feeAmount: 'Nouveaux frais ($ CA)', keepFee: 'Non, garder les frais actuels', plan: 'Prévoir la période', saveHelp: 'Enregistrer la page d’aide', purge: 'Purger les dossiers choisis', update: 'Mettre à jour l’état', resolved: 'Réglé' },
  } as const

  for (const lang of ['en', 'fr'] as const) {
    it(`${lang}: a problem report, then the administration pages`, async (t) => {
      const context = await newContext(e2e.browser)
      const page = await context.newPage()
      const l = L[lang]
      try {
        // A visitor: the help page's link, the form's errors, then a report with a screenshot.
        await page.goto(`${e2e.baseUrl}/${lang}/help`)
        await page.getByRole('link', { name: l.report }).click()
        await expectAccessible(page, 'problem report')
        await page.getByRole('button', { name: l.send }).click()
        await expectAccessible(page, 'problem report (errors)')
        await page.getByLabel(startingWith(l.description)).fill(`Journey ${lang}: the Save button did nothing.`)
        await page.getByLabel(startingWith(l.screenshot)).setInputFiles({ name: 'screen.png', mimeType: 'image/png', buffer: PNG })
        await page.getByRole('button', { name: l.send }).click()
        assert.match(page.url(), /\/help\/report\/sent\?number=[0-9A-F]{8}$/)
        await expectAccessible(page, 'problem report sent')

        await consoleSignIn(page, lang)
        await page.goto(`${e2e.baseUrl}/${lang}/console/admin`)
        await expectAccessible(page, 'administration')

        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/problems`)
        await expectAccessible(page, 'problem reports')
        await page.locator('main table a').first().click()
        await expectAccessible(page, 'problem report detail')
        await page.getByLabel(l.resolved).check()
        await page.getByRole('button', { name: l.update }).click()
        assert.match(page.url(), /\?done=1$/)

        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/fee`)
        await expectAccessible(page, 'fee')
        await page.getByRole('button', { name: l.saveFee }).click()
        await expectAccessible(page, 'fee (errors)')
        // A new fee is asked about first (the fee now and after, with a warning for none); "No" keeps it.
        await page.getByLabel(l.feeAmount).fill('0')
        await page.getByRole('button', { name: l.saveFee }).click()
        await expectAccessible(page, 'fee (confirm)')
        await page.getByRole('button', { name: l.keepFee }).click()

        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/maintenance`)
        await expectAccessible(page, 'maintenance')
        await page.getByRole('button', { name: l.plan }).click()
        await expectAccessible(page, 'maintenance (errors)')

        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/help`)
        await expectAccessible(page, 'help content')
        await page.getByRole('button', { name: l.saveHelp }).click()
        assert.match(page.url(), /\?done=1$/)

        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/retention`)
        await expectAccessible(page, 'retention')

        // Removing a staff member's access asks first: the confirmation page (nothing is removed by visiting it).
        await page.goto(`${e2e.baseUrl}/${lang}/console/staff`)
        await page.locator('main a[href$="/remove"]').first().click()
        assert.match(page.url(), /\/console\/staff\/[0-9a-f-]{36}\/remove$/)
        await expectAccessible(page, 'staff access removal')

        // A maintenance window: planned, announced (the banner), then under way (the maintenance page), then cancelled.
        const now = await advance(1)
        const at = (minutes: number) => localTimeValue(new Date(now.getTime() + minutes * 60_000), 'America/Toronto')
        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/maintenance`)
        await page.getByLabel(startingWith(l.announce)).fill(at(-1))
        await page.getByLabel(startingWith(l.starts)).fill(at(5))
        await page.getByLabel(startingWith(l.ends)).fill(at(60))
        await page.getByRole('button', { name: l.plan }).click()
        assert.equal(await page.locator('.maintenance-banner').count(), 1)
        await expectAccessible(page, 'maintenance (a window planned, with its banner)')
        await advance(10)
        const visitor = await (await newContext(e2e.browser)).newPage()
        const res = await visitor.goto(`${e2e.baseUrl}/${lang}/sign-in`)
        assert.equal(res?.status(), 503)
        assert.equal((await visitor.locator('h1').textContent())?.trim(), l.closed)
        await expectAccessible(visitor, 'maintenance page')
        await visitor.context().close()
        await page.goto(`${e2e.baseUrl}/${lang}/console/admin/maintenance`)
        // Cancelling asks first, on a page of its own.
        await page.getByRole('link', { name: new RegExp(`^${l.cancel}`) }).first().click()
        await expectAccessible(page, 'maintenance (cancel a window: the confirmation)')
        await page.getByRole('button', { name: l.cancelYes }).click()
        assert.match(page.url(), /done=cancelled/)
      } catch (err) {
        await screenshotOnFailure(page, t.name)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
