import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { DEMO_BUSINESS, DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { signIn, startingWith, type Lang } from './pages/auth.ts'

/**
 * The officers' work in the console, in both languages with axe on every page (and its
 * error states): search, the employer's inspection page and an export, the demo's
 * submitted offer, matching it and undoing the match, the decision and correction forms,
 * and the dashboard; each language with JavaScript on and off.
 */
describe('console: search, inspection, matching and the dashboard (en and fr, script on and off)', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true', PORTAL_TEST_CLOCK: 'true' })

  async function freshCode(key: string): Promise<string> {
    const res = await fetch(`${e2e.baseUrl}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes: 1 }) })
    const { now } = (await res.json()) as { now: string }
    return totpCode(key, new Date(now))
  }
  async function consoleSignIn(page: Page, lang: Lang, username: string): Promise<void> {
    await page.goto(`${e2e.baseUrl}/${lang}/console/sign-in`)
    await signIn(page, e2e.baseUrl, lang, username, DEMO_PASSWORD)
    await page.getByLabel(startingWith(lang === 'en' ? 'Security code' : 'Code de sécurité')).fill(await freshCode(DEMO_TOTP_SECRET))
    await page.getByRole('button', { name: lang === 'en' ? 'Verify' : 'Vérifier' }).click()
    assert.match(page.url(), new RegExp(`/${lang}/console$`))
  }
  const L = {
    en: { unmatch: 'Un-match', unmatchReason: 'Why the match is undone', unmatched: 'The match is undone', alreadyMatched: 'is already matched', search: 'Search', employers: 'Employers', offers: 'Offers of employment', q: 'Search for', exportCsv: 'Export as CSV', ready: 'Ready', matchBtn: 'Match', offerNumber: 'Offer of employment number', passport: 'Passport number', citizenship: 'Country of citizenship', record: 'Record the decision', correct: 'Correct the offer', refused: 'Work permit refused', confirmRefusal: 'Refuse the work permit', refuseNo: 'No, go back to the offer' },
    fr: { unmatch: 'Annuler le jumelage', unmatchReason: 'Pourquoi le jumelage est annulé', unmatched: 'Le jumelage est annulé', alreadyMatched: 'est déjà jumelée', search: 'Rechercher', employers: 'Des employeurs', offers: 'Des offres d’emploi', q: 'Rechercher', exportCsv: 'Exporter en CSV', ready: 'Prête', matchBtn: 'Jumeler', offerNumber: 'Numéro de l’offre d’emploi', passport: 'Numéro de passeport', citizenship: 'Pays de citoyenneté', record: 'Inscrire la décision', correct: 'Corriger l’offre', refused: 'Permis de travail refusé', confirmRefusal: 'Refuser le permis de travail', refuseNo: 'Non, revenir à l’offre' },
  } as const

  // Every case finds the employer, exports its inspection file, matches the demo's offer and
  // undoes the match (so the next case can match it again). English with script and French
  // without also go through the error states, a second match (refused), the forms and the dashboard.
  const cases: Array<[Lang, boolean]> = [
    ['en', true],
    ['fr', false],
    ['fr', true],
    ['en', false],
  ]
  for (const [i, [lang, javaScript]] of cases.entries()) {
    const full = i < 2
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: ${full ? "an officer's day" : 'search, inspection export, matching and un-matching'}`, async (t) => {
      const context = await newContext(e2e.browser, { javaScript })
      const page = await context.newPage()
      const l = L[lang]
      try {
        await consoleSignIn(page, lang, 'demo.officer')
        if (full) await expectAccessible(page, 'console home')

        // Search: an empty search (errors), then the demo employer by name.
        await page.goto(`${e2e.baseUrl}/${lang}/console/search`)
        await expectAccessible(page, 'console search')
        if (full) {
          await page.getByRole('button', { name: l.search, exact: true }).click()
          await expectAccessible(page, 'console search (errors)')
        }
        await page.getByLabel(l.employers).check()
        await page.getByLabel(startingWith(l.q)).fill('demo maple')
        await page.getByRole('button', { name: l.search, exact: true }).click()
        await expectAccessible(page, 'console search results')
        await page.locator('main table a', { hasText: DEMO_BUSINESS.legalName }).click()
        assert.match(page.url(), /\/console\/employers\/[0-9a-f-]{36}$/)
        await expectAccessible(page, 'console inspection')
        await page.getByRole('button', { name: l.exportCsv }).click()
        assert.match(page.url(), /\/console\/exports\/[0-9a-f-]{36}$/)
        assert.match((await page.locator('main').textContent()) ?? '', new RegExp(l.ready))
        await expectAccessible(page, 'console export')
        const download = await page.locator('main a[href$="/download"]').getAttribute('href')
        const csv = await page.request.get(`${e2e.baseUrl}${download}`)
        assert.equal(csv.status(), 200)
        assert.match(await csv.text(), /Lefèvre-N’Diaye/)

        // The demo's submitted offer, found by the worker's family name.
        await page.goto(`${e2e.baseUrl}/${lang}/console/search?kind=offers&q=${encodeURIComponent('Lefevre')}`)
        await page.locator('main table a').first().click()
        assert.match(page.url(), /\/console\/offers\/[0-9a-f-]{36}$/)
        await expectAccessible(page, 'console offer')
        const offerUrl = page.url()
        const offerNumber = /A\d{7}/.exec((await page.locator('h1').textContent()) ?? '')![0]
        if (full) {
          await page.getByRole('button', { name: l.correct }).click()
          await expectAccessible(page, 'console offer (errors)')
        }

        // Matching: errors, then a match after normalizing what the officer typed.
        const match = async () => {
          await page.goto(`${e2e.baseUrl}/${lang}/console/matching`)
          await page.getByLabel(startingWith(l.offerNumber)).fill(` ${offerNumber.slice(0, 4)}-${offerNumber.slice(4).toLowerCase()} `)
          await page.getByLabel(startingWith(l.passport)).fill('19ab 12345')
          await page.getByLabel(startingWith(l.citizenship)).fill(lang === 'en' ? 'france' : 'FRA')
          await page.getByRole('button', { name: l.matchBtn, exact: true }).click()
        }
        await page.goto(`${e2e.baseUrl}/${lang}/console/matching`)
        await expectAccessible(page, 'console matching')
        if (full) {
          await page.getByRole('button', { name: l.matchBtn, exact: true }).click()
          await expectAccessible(page, 'console matching (errors)')
        }
        await match()
        assert.equal(page.url().split('?')[0], offerUrl)
        await expectAccessible(page, 'console offer matched')
        if (full) {
          // Matched once: a second match is refused and says why.
          await match()
          assert.match((await page.locator('.error-summary').textContent()) ?? '', new RegExp(`${offerNumber} ${l.alreadyMatched}`))
          await page.goto(offerUrl)
          // The decision form's errors (the decision itself is recorded by the HTTP tests).
          await page.getByRole('button', { name: l.record }).click()
          await expectAccessible(page, 'console offer decision (errors)')
          // A refusal refunds the fee: it is confirmed on a page of its own first; "No" records nothing.
          await page.getByLabel(l.refused, { exact: true }).check()
          await page.getByRole('button', { name: l.record }).click()
          assert.match((await page.locator('h1').textContent()) ?? '', new RegExp(l.confirmRefusal))
          await expectAccessible(page, 'console offer (confirm the refusal)')
          await page.getByRole('button', { name: l.refuseNo }).click()
        }
        // Un-match with a reason: the offer is pending again (and the next case can match it).
        await page.getByLabel(startingWith(l.unmatchReason)).fill(lang === 'en' ? 'The wrong application was linked.' : 'La mauvaise demande a été liée.')
        await page.getByRole('button', { name: l.unmatch, exact: true }).click()
        assert.match((await page.locator('main').textContent()) ?? '', new RegExp(l.unmatched))
        await expectAccessible(page, 'console offer (unmatched)')
        if (!full) return

        await page.goto(`${e2e.baseUrl}/${lang}/console/dashboard`)
        assert.equal(await page.locator('svg[role="img"]').count(), 4)
        await expectAccessible(page, 'console dashboard')
      } catch (err) {
        await screenshotOnFailure(page, t.name)
        throw err
      } finally {
        await context.close()
      }
    })
  }
})
