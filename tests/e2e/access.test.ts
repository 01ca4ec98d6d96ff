import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { BrowserContext, Page } from 'playwright-core'
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../src/features/demo/demo-seed.ts'
import { totpCode } from '../../src/features/auth/totp.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import { expectAccessible, newContext, sameSession, screenshotOnFailure } from './helpers/browser.ts'
import { usePortalAndBrowser } from './helpers/setup.ts'
import { register, signIn, startingWith, type Lang } from './pages/auth.ts'

const w = {
  en: {
    manage: 'Manage access', createLink: 'Create a secondary user for this account', given: 'Given name(s)', family: 'Family name', email: 'Email address', attest: 'I confirm', create: 'Create account',
    continue: 'Continue', reissue: 'Re-issue PIN', revoke: 'Revoke PIN', revokeConfirm: 'Revoke the PIN', del: 'Remove access', cancel: 'Cancel', branchLink: 'Create a branch', branchName: 'Branch name', street: 'Street address', city: 'City or town',
    province: 'Province or territory', postal: 'Postal code', createBranch: 'Create the branch', transferLink: 'Transfer the primary role', pin: 'PIN', join: 'Join the business', active: 'Active',
  },
  fr: {
    manage: 'Gérer les accès', createLink: 'Créer un utilisateur secondaire pour ce compte', given: 'Prénom(s)', family: 'Nom de famille', email: 'Adresse courriel', attest: 'Je confirme', create: 'Créer le compte',
    continue: 'Continuer', reissue: 'Émettre un nouveau NIP', revoke: 'Révoquer le NIP', revokeConfirm: 'Révoquer le NIP', del: 'Retirer l’accès', cancel: 'Annuler', branchLink: 'Créer une succursale', branchName: 'Nom de la succursale', street: 'Adresse municipale', city: 'Ville ou village',
    province: 'Province ou territoire', postal: 'Code postal', createBranch: 'Créer la succursale', transferLink: 'Transférer le rôle d’utilisateur principal', pin: 'NIP', join: 'Se joindre à l’entreprise', active: 'Actif',
  },
} as const

const PASSWORD = 'maple syrup in the spring'

async function hrefOf(page: Page, text: string): Promise<string> {
  const href = await page.locator('main a', { hasText: text }).first().getAttribute('href')
  assert.ok(href, `a link "${text}"`)
  return href
}

describe('manage access: create a user, the PIN, join with it, re-issue, revoke, delete, branch, transfer (axe on every page, en and fr)', () => {
  const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })
  let ownerContext: BrowserContext
  let ownerWithScript: Page

  async function joinWithPin(page: Page, lang: Lang, given: string, family: string, pin: string): Promise<void> {
    const l = w[lang]
    await page.goto(`${e2e.baseUrl}/${lang}/join`)
    await page.getByLabel(startingWith(l.given)).fill(given)
    await page.getByLabel(startingWith(l.family)).fill(family)
    await page.getByLabel(startingWith(l.pin)).fill(pin)
    await page.getByRole('button', { name: l.join }).click()
    assert.match(page.url(), new RegExp(`/${lang}/home`))
  }

  before(async () => {
    // A business with its primary user: enrolled through the pages, approved by the demo officer.
    ownerContext = await newContext(e2e.browser)
    ownerWithScript = await ownerContext.newPage()
    const owner = ownerWithScript
    await register(owner, e2e.baseUrl, 'en', { username: 'access.owner', email: 'access.owner@example.ca', password: PASSWORD })
    await owner.goto(`${e2e.baseUrl}/en/enrol`)
    await owner.getByRole('button', { name: 'Start' }).click()
    await owner.getByLabel('Yes').check()
    await owner.getByLabel(startingWith('Business number')).fill('30000001' + luhnCheckDigit('30000001'))
    await owner.getByLabel(startingWith('Legal name')).fill('Accès Érable Ltée')
    await owner.getByLabel(startingWith('Operating name')).fill('Accès Érable')
    await owner.getByRole('button', { name: 'Save and continue' }).click()
    await owner.getByLabel(startingWith('Street address')).fill('1 rue Principale')
    await owner.getByLabel(startingWith('City or town')).fill('Lévis')
    await owner.getByLabel(startingWith('Province or territory')).selectOption('QC')
    await owner.getByLabel(startingWith('Postal code')).fill('g6v 1a1')
    await owner.getByLabel(startingWith('Business phone number')).fill('418-555-0100')
    await owner.getByRole('button', { name: 'Save and continue' }).click()
    await owner.getByLabel(startingWith('First name')).fill('Paule')
    await owner.getByLabel(startingWith('Last name(s)')).fill('Primaire')
    await owner.getByRole('button', { name: 'Save and continue' }).click()
    await owner.getByRole('button', { name: 'Submit the request' }).click()

    const officerContext = await newContext(e2e.browser)
    const officer = await officerContext.newPage()
    await officer.goto(`${e2e.baseUrl}/en/console/sign-in`)
    await signIn(officer, e2e.baseUrl, 'en', 'demo.officer', DEMO_PASSWORD)
    await officer.getByLabel(startingWith('Security code')).fill(totpCode(DEMO_TOTP_SECRET, new Date()))
    await officer.getByRole('button', { name: 'Verify' }).click()
    await officer.goto(`${e2e.baseUrl}/en/console/enrolments`)
    await officer.getByRole('link', { name: 'Accès Érable Ltée' }).click()
    await officer.getByLabel('Approve').check()
    await officer.getByRole('button', { name: 'Record the decision' }).click()
    await officer.getByRole('button', { name: 'Yes, approve the enrolment' }).click()
    await officerContext.close()
  })
  after(async () => {
    await ownerContext?.close()
  })

  /**
   * Every case creates a secondary user and a branch, and both people join with their PINs, in
   * the case's language and with its script setting (the primary user's pages too). English with
   * script and French without also re-issue, revoke, delete, show the errors and the transfer.
   */
  const cases: Array<[Lang, boolean, { secondary: [string, string]; branchUser: string }]> = [
    ['en', true, { secondary: ['Zoé', 'Lavoie'], branchUser: 'Branche' }],
    ['fr', false, { secondary: ['Élodie', 'Bélanger'], branchUser: 'Succursale' }],
    ['fr', true, { secondary: ['Gabriel', 'Roy'], branchUser: 'Filiale' }],
    ['en', false, { secondary: ['Noah', 'Tremblay'], branchUser: 'Comptoir' }],
  ]
  for (const [i, [lang, javaScript, names]] of cases.entries()) {
    const full = i < 2
    it(`${lang}, JavaScript ${javaScript ? 'on' : 'off'}: a secondary user and a branch, both joining with their PINs${full ? '; re-issue, revoke, delete, transfer' : ''}`, async (t) => {
      const l = w[lang]
      const base = e2e.baseUrl
      const tag = `${lang}.${javaScript ? 'js' : 'nojs'}`
      const joinerContext = await newContext(e2e.browser, { javaScript })
      const joiner = await joinerContext.newPage()
      const branchContext = await newContext(e2e.browser, { javaScript })
      const branchUser = await branchContext.newPage()
      // The primary user, with this case's script setting (the same session).
      const owner = javaScript ? ownerWithScript : await sameSession(ownerWithScript, { javaScript: false })
      try {
        await owner.goto(`${base}/${lang}/home`)
        await owner.getByRole('link', { name: l.manage }).first().click()
        await expectAccessible(owner, 'manage access')

        // Create User: errors first, then a user whose PIN is shown.
        await owner.getByRole('link', { name: l.createLink }).click()
        await expectAccessible(owner, 'create user')
        if (full) {
          await owner.getByRole('button', { name: l.create }).click()
          assert.equal(await owner.locator('.error-summary a').count(), 3)
          await expectAccessible(owner, 'create user (errors)')
        }
        const person = { given: names.secondary[0], family: names.secondary[1] }
        await owner.getByLabel(startingWith(l.given)).fill(person.given)
        await owner.getByLabel(startingWith(l.family)).fill(person.family)
        await owner.getByLabel(startingWith(l.attest)).check()
        await owner.getByRole('button', { name: l.create }).click()
        await expectAccessible(owner, 'pin created')
        const firstPin = (await owner.locator('#pin').textContent())!.trim()
        let pin = firstPin

        if (full) {
          // Re-issue: the confirmation, then a new PIN.
          await owner.getByRole('link', { name: l.continue, exact: true }).click()
          await owner.goto(`${base}${await hrefOf(owner, l.reissue)}`)
          await expectAccessible(owner, 'reissue pin')
          await owner.getByRole('button', { name: l.reissue }).click()
          pin = (await owner.locator('#pin').textContent())!.trim()
          assert.notEqual(pin, firstPin)

          // Revoke: a second user's PIN, revoked after its confirmation page.
          await owner.goto(`${base}/${lang}/access`)
          await owner.getByRole('link', { name: l.createLink }).click()
          await owner.getByLabel(startingWith(l.given)).fill('Temp')
          await owner.getByLabel(startingWith(l.family)).fill('Orary')
          await owner.getByLabel(startingWith(l.attest)).check()
          await owner.getByRole('button', { name: l.create }).click()
          await owner.getByRole('link', { name: l.continue, exact: true }).click()
          const revokeHrefs = await owner.locator('main a', { hasText: l.revoke }).evaluateAll((as) => as.map((a) => a.getAttribute('href')))
          await owner.goto(`${base}${revokeHrefs[0]}`)
          await expectAccessible(owner, 'revoke pin')
          await owner.getByRole('button', { name: l.revokeConfirm }).click()
        }

        // The person joins with the PIN, in their own account (a wrong family name first).
        await register(joiner, base, lang, { username: `joiner.${tag}`, email: `joiner.${tag}@example.ca`, password: PASSWORD })
        await joiner.goto(`${base}/${lang}/join`)
        await expectAccessible(joiner, 'join')
        if (full) {
          await joiner.getByLabel(startingWith(l.given)).fill(person.given.toUpperCase())
          await joiner.getByLabel(startingWith(l.family)).fill('Someone Else')
          await joiner.getByLabel(startingWith(l.pin)).fill(pin.toLowerCase())
          await joiner.getByRole('button', { name: l.join }).click()
          assert.deepEqual(await joiner.locator('.error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['#family-name'])
          await expectAccessible(joiner, 'join (errors)')
        }
        await joinWithPin(joiner, lang, person.given.toUpperCase(), ` ${person.family.toLowerCase()} `, pin)

        // The table shows them Active; Remove access asks first (cancelled here).
        await owner.goto(`${base}/${lang}/access`)
        const row = owner.locator('#access-table tbody tr', { hasText: `joiner.${tag}@example.ca` })
        assert.match((await row.textContent()) ?? '', new RegExp(l.active))
        if (full) {
          await owner.goto(`${base}${await row.locator('a', { hasText: l.del }).getAttribute('href')}`)
          await expectAccessible(owner, 'delete account')
          await owner.getByRole('link', { name: l.cancel, exact: true }).click()
        }

        // A branch (errors first), its first user's PIN, and that person joins with it.
        await owner.getByRole('link', { name: l.branchLink }).click()
        await expectAccessible(owner, 'create branch')
        if (full) {
          await owner.getByRole('button', { name: l.createBranch }).click()
          await expectAccessible(owner, 'create branch (errors)')
        }
        const branchName = `Succursale ${tag}`
        await owner.getByLabel(startingWith(l.branchName)).fill(branchName)
        await owner.getByLabel(startingWith(l.street)).fill('2 rue du Quai')
        await owner.getByLabel(startingWith(l.city)).fill('Rimouski')
        await owner.getByLabel(startingWith(l.province)).selectOption('QC')
        await owner.getByLabel(startingWith(l.postal)).fill('G5L 1A1')
        await owner.getByLabel(startingWith(l.given)).fill('Bruno')
        await owner.getByLabel(startingWith(l.family)).fill(names.branchUser)
        await owner.getByRole('button', { name: l.createBranch }).click()
        const branchPin = (await owner.locator('#pin').textContent())!.trim()
        assert.ok(branchPin.length >= 10)
        await register(branchUser, base, lang, { username: `branch.${tag}`, email: `branch.${tag}@example.ca`, password: PASSWORD })
        await joinWithPin(branchUser, lang, 'Bruno', names.branchUser, branchPin)
        await owner.goto(`${base}/${lang}/access`)
        const branchRow = owner.locator('#access-table tbody tr', { hasText: `branch.${tag}@example.ca` })
        assert.match((await branchRow.textContent()) ?? '', new RegExp(l.active))
        assert.match((await branchRow.textContent()) ?? '', new RegExp(branchName))
        if (!full) return

        // Transfer of the primary role: choose, then the confirmation (cancelled here).
        await owner.goto(`${base}/${lang}/access`)
        await owner.getByRole('link', { name: l.transferLink }).click()
        await expectAccessible(owner, 'transfer')
        await owner.locator('input[name="to"]').first().check()
        await owner.getByRole('button', { name: l.continue }).click()
        await expectAccessible(owner, 'transfer confirm')
        await owner.getByRole('link', { name: l.cancel, exact: true }).click()
      } catch (err) {
        await screenshotOnFailure(owner, `access owner ${t.name}`)
        await screenshotOnFailure(joiner, `access joiner ${t.name}`)
        await screenshotOnFailure(branchUser, `access branch user ${t.name}`)
        throw err
      } finally {
        await joinerContext.close()
        await branchContext.close()
        if (owner !== ownerWithScript) await owner.context().close()
      }
    })
  }
})
