import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import { expectAccessible, newContext, sameSession, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { register, signIn, startingWith, type Lang } from './pages/auth.ts'

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

const W = {
  en: {
    actingFor: 'Acting for', switch: 'Switch business', actFor: 'Act for this business', lostLink: 'Lost your PIN? Ask for a new one', send: 'Send the request', given: 'Given name(s)', family: 'Family name',
    business: 'Business number or employer number', email: 'Email address for the new PIN', wantsPrimaryNo: 'No, I am a secondary or branch user', wantsPrimaryYes: 'Yes, I am or must become the primary user',
    why: 'Why do you need', issuePin: 'Issue a new PIN', reason: 'Reason', decide: 'Record the decision', queue: 'PIN reset requests', assign: 'Assign to me', refuse: 'Refuse', yesRefuse: 'Yes, refuse the request',
  },
  fr: {
    actingFor: 'Au nom de', switch: 'Changer d’entreprise', actFor: 'Agir pour cette entreprise', lostLink: 'Vous avez perdu votre NIP? Demandez-en un nouveau', send: 'Envoyer la demande', given: 'Prénom(s)', family: 'Nom de famille',
    business: 'Numéro d’entreprise ou numéro d’employeur', email: 'Adresse courriel pour le nouveau NIP', wantsPrimaryNo: 'Non, je suis un utilisateur secondaire ou d’une succursale', wantsPrimaryYes: 'Oui, je suis ou dois devenir l’utilisateur principal',
    why: 'Pourquoi avez-vous besoin', issuePin: 'Émettre un nouveau NIP', reason: 'Motif', decide: 'Enregistrer la décision', queue: 'Demandes de nouveau NIP', assign: 'M’attribuer la demande', refuse: 'Refuser', yesRefuse: 'Oui, refuser la demande',
  },
} as const

/** The business the header's switcher says is acted for. */
async function selectedBusiness(page: Page): Promise<string | undefined> {
  return (await page.locator('#header-business option[selected]').textContent())?.trim()
}

async function createUser(page: Page, base: string, given: string, family: string): Promise<string> {
  await page.goto(`${base}/en/access/users/new`)
  await page.getByLabel(startingWith('Given name(s)')).fill(given)
  await page.getByLabel(startingWith('Family name')).fill(family)
  await page.getByLabel(startingWith('I confirm')).check()
  await page.getByRole('button', { name: 'Create account' }).click()
  return (await page.locator('#pin').textContent())!.trim()
}

async function join(page: Page, base: string, lang: Lang, given: string, family: string, pin: string): Promise<void> {
  await page.goto(`${base}/${lang}/join`)
  await page.getByLabel(startingWith(lang === 'en' ? 'Given name(s)' : 'Prénom(s)')).fill(given)
  await page.getByLabel(startingWith(lang === 'en' ? 'Family name' : 'Nom de famille')).fill(family)
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
  /** `page` itself with script, else the same session in a context without it (made once). */
  const withoutScript = new Map<Page, Page>()
  const asCase = async (page: Page, javaScript: boolean): Promise<Page> => {
    if (javaScript) return page
    if (!withoutScript.has(page)) {
      const copy = await sameSession(page, { javaScript: false })
      contexts.push(copy.context())
      withoutScript.set(page, copy)
    }
    return withoutScript.get(page)!
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
    await officer.getByRole('button', { name: 'Record the decision' }).click()
    await officer.getByRole('button', { name: 'Yes, approve the enrolment' }).click()

    demoPrimary = await open()
    await signIn(demoPrimary, base, 'en', 'demo.primary', DEMO_PASSWORD)
  })
  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined)
  })

  /**
   * The two journeys of issue 12 here run in English and in French, each with script on and off:
   * English with script and French without do everything; the other pair repeats the journey
   * itself (the employers' and the officer's pages follow the case's script setting too).
   */
  const cases: Array<[Lang, boolean]> = [
    ['en', true],
    ['fr', false],
    ['fr', true],
    ['en', false],
  ]
  const tag = (lang: Lang, javaScript: boolean) => `${lang}.${javaScript ? 'js' : 'nojs'}`
  // Each case's people have their own names (a representative, and someone who lost their PIN).
  const REP: Record<string, string> = { 'en.js': 'Représentante', 'fr.nojs': 'Mandataire', 'fr.js': 'Déléguée', 'en.nojs': 'Agente' }
  const LOST: Record<string, string> = { 'en.js': 'Perdu', 'fr.nojs': 'Égaré', 'fr.js': 'Oublié', 'en.nojs': 'Sansnip' }

  for (const [i, [lang, javaScript]] of cases.entries()) {
    const l = W[lang]
    const full = i < 2
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: a representative with two employers switches between them (the header's form, then the page for it)${full ? '; one employer removes its link' : ''}`, async () => {
      const base = e2e.baseUrl
      const rep = await open(javaScript)
      const person = { given: 'Rita', family: REP[tag(lang, javaScript)]! }
      const username = `rita.${tag(lang, javaScript)}`
      try {
        const pin1 = await createUser(demoPrimary, base, person.given, person.family)
        const pin2 = await createUser(owner2, base, person.given, person.family)
        await register(rep, base, lang, { username, email: `${username}@example.ca`, password: PASSWORD })
        await join(rep, base, lang, person.given, person.family, pin1)
        await join(rep, base, lang, person.given.toUpperCase(), person.family.toLowerCase(), pin2)

        // The header names the business acted for, and switches with a plain form.
        await rep.goto(`${base}/${lang}/home`)
        const options = await rep.locator('#header-business option').allTextContents()
        assert.equal(options.length, 2)
        assert.ok(options.includes(SECOND.legal))
        await expectAccessible(rep, 'home with the business switcher')
        await rep.getByLabel(l.actingFor).selectOption({ label: SECOND.legal })
        await rep.getByRole('button', { name: l.switch, exact: true }).click()
        assert.match(rep.url(), new RegExp(`/${lang}/home$`))
        assert.equal(await selectedBusiness(rep), SECOND.legal)
        await rep.goto(`${base}/${lang}/messages`)
        assert.equal(await selectedBusiness(rep), SECOND.legal, 'every page says which')

        // The page for it (where a dormant business's notice sends people): back to the first.
        await rep.goto(`${base}/${lang}/business/active`)
        await expectAccessible(rep, 'choose the business')
        const first = options.find((o) => o !== SECOND.legal)!
        await rep.getByLabel(first, { exact: true }).check()
        await rep.getByRole('button', { name: l.actFor }).click()
        assert.equal(await selectedBusiness(rep), first)
        if (!full) return

        // The demo employer removes the representative's link; the other employer's stays.
        await demoPrimary.goto(`${base}/en/access`)
        const row = demoPrimary.locator('#access-table tbody tr', { hasText: `${username}@example.ca` })
        await demoPrimary.goto(`${base}${await row.locator('a', { hasText: 'Remove access' }).getAttribute('href')}`)
        await demoPrimary.getByRole('button', { name: 'Remove access' }).click()
        await rep.goto(`${base}/${lang}/home`)
        assert.equal(await rep.locator('#header-business').count(), 0)
        assert.match((await rep.locator('.active-business').textContent()) ?? '', new RegExp(SECOND.legal))
        if (i > 0) return

        // The primary user reads the business's audit trail.
        await demoPrimary.goto(`${base}/en/access`)
        await demoPrimary.getByRole('link', { name: 'Audit trail of the business' }).click()
        assert.ok((await demoPrimary.locator('#business-audit tbody tr').count()) > 0)
        await expectAccessible(demoPrimary, 'business audit trail')
        await alsoInFrench(demoPrimary, 'business audit trail')
      } catch (err) {
        await screenshotOnFailure(rep, `representative ${tag(lang, javaScript)}`)
        throw err
      }
    })
  }

  for (const [i, [lang, javaScript]] of cases.entries()) {
    const l = W[lang]
    const full = i < 2
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: a lost PIN goes to the primary user, who issues a new one${full ? '; a request for the primary role goes to the officers, who refuse it' : ''}`, async () => {
      const base = e2e.baseUrl
      const lost = await open(javaScript)
      // The primary user and the officer, in this case's language and with its script setting.
      const primary = await asCase(owner2, javaScript)
      const staff = await asCase(officer, javaScript)
      const family = LOST[tag(lang, javaScript)]!
      const username = `luc.${tag(lang, javaScript)}`
      const email = `${username}@example.ca`
      try {
        await register(lost, base, lang, { username, email, password: PASSWORD })
        await lost.goto(`${base}/${lang}/join`)
        await lost.getByRole('link', { name: l.lostLink }).click()
        await expectAccessible(lost, 'pin reset')
        if (full) {
          await lost.getByRole('button', { name: l.send }).click()
          assert.equal(await lost.locator('.error-summary a').count(), 6)
          await expectAccessible(lost, 'pin reset (errors)')
        }
        const fillRequest = async (wantsPrimary: boolean, why: string, bn: string) => {
          await lost.getByLabel(startingWith(l.given)).fill('Luc')
          await lost.getByLabel(startingWith(l.family)).fill(family)
          await lost.getByLabel(startingWith(l.business)).fill(bn)
          await lost.getByLabel(startingWith(l.email)).fill(email)
          await lost.getByLabel(wantsPrimary ? l.wantsPrimaryYes : l.wantsPrimaryNo).check()
          await lost.getByLabel(startingWith(l.why)).fill(why)
          await lost.getByRole('button', { name: l.send }).click()
        }
        await fillRequest(false, lang === 'en' ? 'The PIN expired.' : 'Le NIP a expiré.', `${BN.slice(0, 3)} ${BN.slice(3, 6)} ${BN.slice(6)}`)
        assert.match(lost.url(), new RegExp(`/${lang}/pin-reset/sent$`))
        await expectAccessible(lost, 'pin reset sent')

        // The primary user answers from Manage access.
        await primary.goto(`${base}/${lang}/access`)
        await primary.getByRole('link', { name: new RegExp(`Luc ${family}`) }).click()
        await expectAccessible(primary, 'pin reset request (primary user)')
        await primary.getByLabel(l.issuePin).check()
        await primary.getByLabel(startingWith(l.reason)).fill(lang === 'en' ? 'Luc works with us.' : 'Luc travaille avec nous.')
        await primary.getByRole('button', { name: l.decide }).click()
        const pin = (await primary.locator('#pin').textContent())!.trim()
        await join(lost, base, lang, 'Luc', family, pin)
        if (!full) return

        // A request to become the primary user goes to the officers, who refuse it with a reason.
        await lost.goto(`${base}/${lang}/pin-reset`)
        await fillRequest(true, lang === 'en' ? 'Denise left; I run the business now.' : 'Denise est partie; je dirige l’entreprise.', BN)
        assert.match(lost.url(), new RegExp(`/${lang}/pin-reset/sent$`))
        await staff.goto(`${base}/${lang}/console`)
        await staff.getByRole('link', { name: l.queue }).click()
        await expectAccessible(staff, 'pin reset queue')
        await staff.getByRole('link', { name: `Luc ${family}` }).click()
        await expectAccessible(staff, 'pin reset request (officer)')
        await staff.getByRole('button', { name: l.assign }).click()
        await staff.getByLabel(l.refuse, { exact: true }).check()
        await staff.getByRole('button', { name: l.decide }).click()
        assert.equal(await staff.locator('.error-summary a').count(), 1)
        await expectAccessible(staff, 'pin reset request (officer, errors)')
        await staff.getByLabel(startingWith(l.reason)).fill(lang === 'en' ? 'Ask Denise Deux to transfer the primary role to you first.' : 'Demandez d’abord à Denise Deux de vous transférer le rôle d’utilisateur principal.')
        await staff.getByRole('button', { name: l.decide }).click()
        // An officer's decision is asked about first, on a page of its own.
        await expectAccessible(staff, 'pin reset decision (officer, confirmation)')
        await staff.getByRole('button', { name: l.yesRefuse }).click()
        assert.match(staff.url(), /done=refused/)
        await expectAccessible(staff, 'pin reset request (officer, refused)')
      } catch (err) {
        await screenshotOnFailure(lost, `lost pin ${tag(lang, javaScript)}`)
        await screenshotOnFailure(staff, `lost pin officer ${tag(lang, javaScript)}`)
        throw err
      }
    })
  }

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
      await expectAccessible(staff, 'reactivation decision (confirmation)')
      await staff.getByRole('button', { name: 'Yes, reactivate the account' }).click()
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
