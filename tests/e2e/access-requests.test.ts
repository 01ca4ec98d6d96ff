import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import { expectAccessible, newContext, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { register, signIn, startingWith } from './pages/auth.ts'

const PASSWORD = 'maple syrup in the spring'
const SECOND = { number: '30000102', legal: 'Deuxième Employeur Ltée' }
const BN = SECOND.number + luhnCheckDigit(SECOND.number)

/** The running portal's clock (it stands still under PORTAL_TEST_CLOCK): `minutes` moves it first. */
async function serverNow(base: string, minutes = 0): Promise<Date> {
  const res = await fetch(`${base}/__test/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ minutes }) })
  assert.ok(res.ok)
  return new Date(((await res.json()) as { now: string }).now)
}

async function officerSignIn(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/en/console/sign-in`)
  await signIn(page, base, 'en', 'demo.officer', DEMO_PASSWORD)
  await page.getByLabel(startingWith('Security code')).fill(totpCode(DEMO_TOTP_SECRET, await serverNow(base)))
  await page.getByRole('button', { name: 'Verify' }).click()
}

/** Visits the same page in the other language and checks it too. */
async function alsoInFrench(page: Page, name: string): Promise<void> {
  const url = new URL(page.url())
  url.pathname = url.pathname.replace(/^\/en(?=\/|$)/, '/fr')
  await page.goto(url.toString())
  await expectAccessible(page, `${name} (fr)`)
}

async function createUser(page: Page, base: string, given: string, family: string): Promise<string> {
  await page.goto(`${base}/en/access/users/new`)
  await page.getByLabel(startingWith('Given name(s)')).fill(given)
  await page.getByLabel(startingWith('Family Name')).fill(family)
  await page.getByLabel(startingWith('I confirm')).check()
  await page.getByRole('button', { name: 'Create account' }).click()
  return (await page.locator('#pin').textContent())!.trim()
}

async function join(page: Page, base: string, lang: 'en' | 'fr', given: string, family: string, pin: string): Promise<void> {
  await page.goto(`${base}/${lang}/join`)
  await page.getByLabel(startingWith(lang === 'en' ? 'Given name(s)' : 'Prénom(s)')).fill(given)
  await page.getByLabel(startingWith(lang === 'en' ? 'Family Name' : 'Nom de famille')).fill(family)
  await page.getByLabel(startingWith(lang === 'en' ? 'PIN' : 'NIP')).fill(pin)
  await page.getByRole('button', { name: lang === 'en' ? 'Join the business' : 'Se joindre à l’entreprise' }).click()
  assert.match(page.url(), new RegExp(`/${lang}/home`))
}

describe('several employers, lost PINs and dormancy (axe on every page, en and fr)', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true', PORTAL_TEST_CLOCK: 'true' })
  const contexts: BrowserContext[] = []
  let owner2: Page
  let officer: Page
  let demoPrimary: Page

  const open = async (javaScript = true) => {
    const c = await newContext(e2e.browser, { javaScript })
    contexts.push(c)
    return c.newPage()
  }

  before(async () => {
    const base = e2e.baseUrl
    // A second employer, enrolled through the pages and approved by the demo officer.
    owner2 = await open()
    await register(owner2, base, 'en', { username: 'second.owner', email: 'second.owner@example.ca', password: PASSWORD })
    await owner2.goto(`${base}/en/enrol`)
    await owner2.getByRole('button', { name: 'Start' }).click()
    await owner2.getByLabel('Yes').check()
    await owner2.getByLabel(startingWith('Business number')).fill(BN)
    await owner2.getByLabel(startingWith('Legal name')).fill(SECOND.legal)
    await owner2.getByLabel(startingWith('Operating name')).fill('Deuxième')
    await owner2.getByRole('button', { name: 'Save and continue' }).click()
    await owner2.getByLabel(startingWith('Street address')).fill('2 rue Principale')
    await owner2.getByLabel(startingWith('City or town')).fill('Lévis')
    await owner2.getByLabel(startingWith('Province or territory')).selectOption('QC')
    await owner2.getByLabel(startingWith('Postal code')).fill('g6v 1a1')
    await owner2.getByLabel(startingWith('Business phone number')).fill('418-555-0101')
    await owner2.getByRole('button', { name: 'Save and continue' }).click()
    await owner2.getByLabel(startingWith('First name')).fill('Denise')
    await owner2.getByLabel(startingWith('Last name(s)')).fill('Deux')
    await owner2.getByRole('button', { name: 'Save and continue' }).click()
    await owner2.getByRole('button', { name: 'Submit the request' }).click()
    // One officer session for the whole run before the clock moves (a time step is accepted once).
    officer = await open()
    await officerSignIn(officer, base)
    await officer.goto(`${base}/en/console/enrolments`)
    await officer.getByRole('link', { name: SECOND.legal }).click()
    await officer.getByLabel('Approve').check()
    await officer.getByRole('button', { name: 'Continue' }).click()

    demoPrimary = await open()
    await signIn(demoPrimary, base, 'en', 'demo.primary', DEMO_PASSWORD)
  })
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
  })

  it('a representative with two employers switches between them from the header (script on and off); one employer removes its link', async () => {
    const base = e2e.baseUrl
    const rep = await open()
    try {
      const pin1 = await createUser(demoPrimary, base, 'Rita', 'Représentante')
      const pin2 = await createUser(owner2, base, 'Rita', 'Représentante')
      await register(rep, base, 'en', { username: 'rita.rep', email: 'rita.rep@example.ca', password: PASSWORD })
      await join(rep, base, 'en', 'Rita', 'Représentante', pin1)
      await join(rep, base, 'fr', 'RITA', 'représentante', pin2)

      // The header names the business acted for, and switches with a plain form.
      await rep.goto(`${base}/en/home`)
      const options = await rep.locator('#header-business option').allTextContents()
      assert.equal(options.length, 2)
      assert.ok(options.includes(SECOND.legal))
      await expectAccessible(rep, 'home with the business switcher')
      await rep.getByLabel('Acting for').selectOption({ label: SECOND.legal })
      await rep.getByRole('button', { name: 'Switch', exact: true }).click()
      assert.match(rep.url(), /\/en\/home$/)
      assert.equal((await rep.locator('#header-business option[selected]').textContent())?.trim(), SECOND.legal)
      await rep.goto(`${base}/en/messages`)
      assert.equal((await rep.locator('#header-business option[selected]').textContent())?.trim(), SECOND.legal, 'every page says which')

      // Without script: the fallback page, in French.
      const noScript = await open(false)
      await signIn(noScript, base, 'fr', 'rita.rep', PASSWORD)
      await noScript.goto(`${base}/fr/business/active`)
      await expectAccessible(noScript, 'choose the business (fr)')
      const first = options.find((o) => o !== SECOND.legal)!
      await noScript.getByLabel(first, { exact: true }).check()
      await noScript.getByRole('button', { name: 'Agir pour cette entreprise' }).click()
      assert.equal((await noScript.locator('#header-business option[selected]').textContent())?.trim(), first)
      await noScript.goto(`${base}/en/business/active`)
      await expectAccessible(noScript, 'choose the business')

      // The demo employer removes the representative's link; the other employer's stays.
      await demoPrimary.goto(`${base}/en/access`)
      const row = demoPrimary.locator('#access-table tbody tr', { hasText: 'rita.rep@example.ca' })
      await demoPrimary.goto(`${base}${await row.locator('a', { hasText: 'Delete Account' }).getAttribute('href')}`)
      await demoPrimary.getByRole('button', { name: 'Delete the account' }).click()
      await rep.goto(`${base}/en/home`)
      assert.equal(await rep.locator('#header-business').count(), 0)
      assert.match((await rep.locator('.active-business').textContent()) ?? '', new RegExp(SECOND.legal))

      // The primary user reads the business's audit trail.
      await demoPrimary.goto(`${base}/en/access`)
      await demoPrimary.getByRole('link', { name: 'Audit trail of the business' }).click()
      assert.ok((await demoPrimary.locator('#business-audit tbody tr').count()) > 0)
      await expectAccessible(demoPrimary, 'business audit trail')
      await alsoInFrench(demoPrimary, 'business audit trail')
    } catch (err) {
      await screenshotOnFailure(rep, 'representative')
      throw err
    }
  })

  it('a lost PIN: the request goes to the primary user, who issues a new one; a request for the primary role goes to the officers', async () => {
    const base = e2e.baseUrl
    const lost = await open()
    try {
      await register(lost, base, 'fr', { username: 'luc.perdu', email: 'luc.perdu@example.ca', password: PASSWORD })
      await lost.goto(`${base}/fr/join`)
      await lost.getByRole('link', { name: 'Vous avez perdu votre NIP? Demandez-en un nouveau' }).click()
      await expectAccessible(lost, 'pin reset (fr)')
      await lost.getByRole('button', { name: 'Envoyer la demande' }).click()
      assert.equal(await lost.locator('.error-summary a').count(), 6)
      await expectAccessible(lost, 'pin reset (fr, errors)')
      await lost.getByLabel(startingWith('Prénom(s)')).fill('Luc')
      await lost.getByLabel(startingWith('Nom de famille')).fill('Perdu')
      await lost.getByLabel(startingWith('Numéro d’entreprise ou numéro d’employeur')).fill(`${BN.slice(0, 3)} ${BN.slice(3, 6)} ${BN.slice(6)}`)
      await lost.getByLabel(startingWith('Adresse courriel pour le nouveau NIP')).fill('luc.perdu@example.ca')
      await lost.getByLabel('Non, je suis un utilisateur secondaire ou d’une succursale').check()
      await lost.getByLabel(startingWith('Pourquoi avez-vous besoin')).fill('Le NIP a expiré.')
      await lost.getByRole('button', { name: 'Envoyer la demande' }).click()
      assert.match(lost.url(), /\/fr\/pin-reset\/sent$/)
      await expectAccessible(lost, 'pin reset sent (fr)')
      await lost.goto(`${base}/en/pin-reset/sent`)
      await expectAccessible(lost, 'pin reset sent')
      await lost.goto(`${base}/en/pin-reset`)
      await expectAccessible(lost, 'pin reset')

      // The primary user answers from Manage access.
      await owner2.goto(`${base}/en/access`)
      await owner2.getByRole('link', { name: /Luc Perdu/ }).click()
      await expectAccessible(owner2, 'pin reset request (primary user)')
      await alsoInFrench(owner2, 'pin reset request (primary user)')
      await owner2.getByLabel('Émettre un nouveau NIP').check()
      await owner2.getByLabel(startingWith('Motif')).fill('Luc travaille avec nous.')
      await owner2.getByRole('button', { name: 'Enregistrer la décision' }).click()
      const pin = (await owner2.locator('#pin').textContent())!.trim()
      await join(lost, base, 'fr', 'Luc', 'Perdu', pin)

      // A request to become the primary user goes to the officers, who refuse it with a reason.
      await lost.goto(`${base}/en/pin-reset`)
      await lost.getByLabel(startingWith('Given name(s)')).fill('Luc')
      await lost.getByLabel(startingWith('Family Name')).fill('Perdu')
      await lost.getByLabel(startingWith('Business number or employer number')).fill(BN)
      await lost.getByLabel(startingWith('Email address for the new PIN')).fill('luc.perdu@example.ca')
      await lost.getByLabel('Yes, I am or must become the primary user').check()
      await lost.getByLabel(startingWith('Why do you need')).fill('Denise left; I run the business now.')
      await lost.getByRole('button', { name: 'Send the request' }).click()
      await officer.goto(`${base}/en/console`)
      await officer.getByRole('link', { name: 'PIN reset requests' }).click()
      await expectAccessible(officer, 'pin reset queue')
      await officer.getByRole('link', { name: 'Luc Perdu' }).click()
      await expectAccessible(officer, 'pin reset request (officer)')
      await officer.getByRole('button', { name: 'Assign to me' }).click()
      await officer.getByLabel('Refuse').check()
      await officer.getByRole('button', { name: 'Record the decision' }).click()
      assert.equal(await officer.locator('.error-summary a').count(), 1)
      await expectAccessible(officer, 'pin reset request (officer, errors)')
      await officer.getByLabel(startingWith('Reason')).fill('Ask Denise Deux to transfer the primary role to you first.')
      await officer.getByRole('button', { name: 'Record the decision' }).click()
      assert.match(officer.url(), /done=refused/)
      await alsoInFrench(officer, 'pin reset request (officer)')
      await officer.goto(`${base}/fr/console/pin-resets`)
      await expectAccessible(officer, 'pin reset queue (fr)')
    } catch (err) {
      await screenshotOnFailure(lost, 'lost pin')
      await screenshotOnFailure(officer, 'lost pin officer')
      throw err
    }
  })

  it('dormancy: back after two years, the account is dormant until an officer reactivates it', async () => {
    const base = e2e.baseUrl
    const sleeper = await open()
    try {
      await register(sleeper, base, 'en', { username: 'sam.sleeper', email: 'sam.sleeper@example.ca', password: PASSWORD })
      await serverNow(base, 25 * 31 * 24 * 60)
      await sleeper.goto(`${base}/en/sign-in`)
      await signIn(sleeper, base, 'en', 'sam.sleeper', PASSWORD)
      await sleeper.goto(`${base}/en/join`)
      assert.equal((await sleeper.locator('main h1').textContent())?.trim(), 'Your account is dormant')
      await sleeper.getByRole('link', { name: 'Request reactivation' }).click()
      await expectAccessible(sleeper, 'request reactivation')
      await sleeper.getByRole('button', { name: 'Send the request' }).click()
      await expectAccessible(sleeper, 'request reactivation (errors)')
      await sleeper.getByLabel(startingWith('Why do you need your account reactivated')).fill('I am back at the firm.')
      await sleeper.getByRole('button', { name: 'Send the request' }).click()
      assert.match((await sleeper.locator('main').textContent()) ?? '', /being reviewed/)
      await alsoInFrench(sleeper, 'request reactivation')

      const staff = await open()
      await officerSignIn(staff, base)
      await staff.goto(`${base}/en/console`)
      await staff.getByRole('link', { name: 'Reactivation requests' }).click()
      await expectAccessible(staff, 'reactivation queue')
      await alsoInFrench(staff, 'reactivation queue')
      await staff.goto(`${base}/en/console/reactivations`)
      await staff.getByRole('link', { name: 'sam.sleeper' }).click()
      await expectAccessible(staff, 'reactivation request')
      await staff.getByRole('button', { name: 'Assign to me' }).click()
      await staff.getByLabel('Reactivate the account').check()
      await staff.getByLabel(startingWith('Reason')).fill('Confirmed by phone.')
      await staff.getByRole('button', { name: 'Record the decision' }).click()
      assert.match(staff.url(), /done=reactivated/)
      await alsoInFrench(staff, 'reactivation request')

      await sleeper.goto(`${base}/en/join`)
      assert.equal((await sleeper.locator('main h1').textContent())?.trim(), 'Join a business with a PIN', 'acts again')
    } catch (err) {
      await screenshotOnFailure(sleeper, 'sleeper')
      throw err
    }
  })
})
