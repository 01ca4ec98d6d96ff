import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { makeBusiness, makeOffer } from '../../../tests/helpers/console-fixtures.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { multipart, TINY_PNG } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser, signIn } from '../../../tests/helpers/users.ts'
import { currentFeeCents } from './admin.settings.ts'
import { closedDuringMaintenance, parseLocalTime } from './maintenance.service.ts'

describe('administration', () => {
  let t: TestApp
  let admin: TestClient
  let officer: TestClient
  let adminId: string
  let officerId: string
  /** Moving the clock days on ends sessions (idle and absolute limits): staff sign in again. */
  const signInStaffAgain = async () => {
    await signInAs(admin, adminId)
    await signInAs(officer, officerId)
  }
  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    const a = await createUser(t.db, { username: 'admin.console', role: 'administrator', givenName: 'Ada', familyName: 'Admin' })
    adminId = a.id
    const o = await createUser(t.db, { username: 'officer.console', role: 'officer' })
    officerId = o.id
    await createUser(t.db, { username: 'employer.console' })
    admin = new TestClient(t.app)
    officer = new TestClient(t.app)
    await signInAs(admin, a.id)
    await signInAs(officer, o.id)
  })
  after(() => t.close())

  it('is for administrators only', async () => {
    for (const path of ['/en/console/admin', '/en/console/admin/fee', '/en/console/admin/maintenance', '/en/console/admin/help', '/en/console/admin/problems', '/en/console/admin/retention']) {
      assert.equal((await officer.get(path)).status, 403, path)
      assert.equal((await admin.get(path)).status, 200, path)
    }
    // The officer is told who may, and the way back (not a bare "You can't do that from this page").
    for (const lang of ['en', 'fr']) {
      const res = await officer.get(`/${lang}/console/staff`)
      assert.equal(res.status, 403)
      assert.ok(res.dom.querySelector(`main a[href="/${lang}/console"]`), lang)
    }
    const en = await officer.get('/en/console/admin/fee')
    assert.equal(text(en.dom.querySelector('main h1')), 'Only administrators can use this page')
    assert.match(text(en.dom.querySelector('main')), /managed by administrators.*Back to the console/)
    const fr = await officer.get('/fr/console/admin/fee')
    assert.equal(text(fr.dom.querySelector('main h1')), 'Seuls les administrateurs peuvent utiliser cette page')
    assert.equal(text(fr.dom.querySelector('main a[href="/fr/console"]')), 'Retour à la console')
  })

  it('sets the fee (overriding the configured default) and puts the default back', async () => {
    assert.equal(await currentFeeCents(t.db, t.config.feeCents), 23000)
    await admin.get('/en/console/admin/fee')
    let res = await admin.post('/en/console/admin/fee', { action: 'save', amount: 'lots' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [['Enter the fee as an amount like 230.00', true]])
    res = await admin.post('/en/console/admin/fee', { action: 'save', amount: '-5' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The fee must be between 0.00 and 10,000.00'])
    await admin.get('/fr/console/admin/fee')
    // Asked first, naming the fee now and after; nothing changes until Yes.
    res = await admin.post('/fr/console/admin/fee', { action: 'save', amount: '255,50' })
    assert.equal(res.status, 200)
    assert.match(text(res.dom.querySelector('h1')), /^Faire passer les frais de 230,00\s\$ à 255,50\s\$\?$/)
    assert.equal(res.dom.querySelector('#notice-warning-title'), null, 'no warning for an ordinary change')
    assert.equal(await currentFeeCents(t.db, t.config.feeCents), 23000)
    res = await admin.post('/fr/console/admin/fee', { action: 'save', amount: '255,50', confirm: 'yes' })
    assert.equal(res.status, 303)
    assert.equal(await currentFeeCents(t.db, t.config.feeCents), 25550)
    const page = await admin.follow(res)
    assert.match(text(page.dom.querySelector('.notice-success')), /255,50/)
    // Who set it, by name, and when.
    const setBy = page.dom.querySelectorAll('.summary-row').find((r) => text(r.querySelector('dt')) === 'Fixés par')
    assert.match(text(setBy?.querySelector('dd')), /^Ada Admin, le 23\snovembre\s2026/)
    res = await admin.post('/fr/console/admin/fee', { action: 'reset', amount: '' })
    assert.match(text(res.dom.querySelector('h1')), /^Faire passer les frais de 255,50\s\$ à 230,00\s\$\?$/)
    res = await admin.post('/fr/console/admin/fee', { action: 'reset', amount: '', confirm: 'yes' })
    assert.equal(res.status, 303)
    assert.equal(await currentFeeCents(t.db, t.config.feeCents), 23000)
    const audit = await t.db.selectFrom('audit_event').select(['action', 'details']).where('action', 'like', 'settings.fee%').orderBy('id').execute()
    assert.deepEqual(audit.map((a) => [a.action, a.details]), [
      ['settings.fee_changed', { fromCents: 23000, toCents: 25550 }],
      ['settings.fee_reset', { fromCents: 25550, toCents: 23000 }],
    ])
  })

  it('asks before the fee changes, warning of no fee or a misplaced decimal point; No changes nothing', async () => {
    await admin.get('/en/console/admin/fee')
    let res = await admin.post('/en/console/admin/fee', { action: 'save', amount: '0' })
    assert.equal(text(res.dom.querySelector('h1')), 'Change the fee from $230.00 to $0.00?')
    assert.equal(text(res.dom.querySelector('#notice-warning-title')), 'A fee of $0.00 charges employers nothing: offers submitted from now on are submitted without payment.')
    const form = res.dom.querySelector('form[action="/en/console/admin/fee"]')!
    assert.deepEqual(form.querySelectorAll('input[type="hidden"]:not([name="_csrf"])').map((i) => [i.getAttribute('name'), i.getAttribute('value')]), [['action', 'save'], ['amount', '0']])
    res = await admin.post('/en/console/admin/fee', { action: 'save', amount: '2.30' })
    assert.equal(text(res.dom.querySelector('#notice-warning-title')), '$2.30 is less than a tenth of $230.00: check the decimal point.')
    res = await admin.post('/en/console/admin/fee', { action: 'save', amount: '2300' })
    assert.equal(text(res.dom.querySelector('#notice-warning-title')), '$2,300.00 is more than ten times $230.00: check the decimal point.')
    // No: the form again, as it was filled in, and the fee unchanged.
    res = await admin.post('/en/console/admin/fee', { action: 'save', amount: '2.30', confirm: 'no' })
    assert.equal(res.status, 200)
    assert.equal(res.dom.querySelector('#amount')?.getAttribute('value'), '2.30')
    assert.equal(await currentFeeCents(t.db, t.config.feeCents), 23000)
    // An amount that is not one is still refused before anything is asked.
    res = await admin.post('/en/console/admin/fee', { action: 'save', amount: '-1', confirm: 'yes' })
    assert.equal(res.status, 400)
    assert.equal(await currentFeeCents(t.db, t.config.feeCents), 23000)
  })

  it('reads local times in the portal’s zone, across daylight saving', () => {
    assert.equal(parseLocalTime('2026-12-05 22:00', 'America/Toronto')?.toISOString(), '2026-12-06T03:00:00.000Z')
    assert.equal(parseLocalTime('2026-07-05T22:00', 'America/Toronto')?.toISOString(), '2026-07-06T02:00:00.000Z')
    assert.equal(parseLocalTime('2026-02-30 10:00', 'America/Toronto'), undefined)
    assert.equal(parseLocalTime('tomorrow', 'America/Toronto'), undefined)
    assert.ok(closedDuringMaintenance('/en/sign-in'))
    assert.ok(closedDuringMaintenance('/fr/register'))
    assert.ok(closedDuringMaintenance('/en/home'))
    assert.ok(!closedDuringMaintenance('/en/console/sign-in'))
    assert.ok(!closedDuringMaintenance('/en/help'))
    assert.ok(!closedDuringMaintenance('/en'))
    assert.ok(!closedDuringMaintenance('/assets/portal.css'))
  })

  it('announces a maintenance window with a banner, then closes sign-in during it (bilingual page), then reopens', async () => {
    await admin.get('/en/console/admin/maintenance')
    let res = await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-24 09:00', startsAt: '2026-11-24 08:00', endsAt: '2026-11-24 07:00' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The announcement must come before the start', 'The window must end after it starts'])
    // Toronto: 2026-11-25 22:00 EST is 2026-11-26 03:00 UTC.
    res = await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-24 09:00', startsAt: '2026-11-25 22:00', endsAt: '2026-11-26 02:00', messageEn: 'Database upgrade.', messageFr: 'Mise à niveau de la base de données.' })
    assert.equal(res.status, 303)

    const visitor = new TestClient(t.app)
    assert.equal((await visitor.get('/en')).dom.querySelector('.maintenance-banner'), null, 'not announced yet')
    t.clock.set('2026-11-24T15:00:00Z')
    let page = await visitor.get('/fr')
    assert.match(text(page.dom.querySelector('.maintenance-banner')), /Maintenance prévue : le portail sera indisponible du 25\snovembre\s2026 .*22\sh\s00.* au 26\snovembre\s2026.*\(heure de l’Est\)\..*Mise à niveau de la base de données\./)
    // The time zone in words, in each language.
    assert.match(text((await visitor.get('/en')).dom.querySelector('.maintenance-banner')), /from November 25, 2026 at 10:00 p\.m\. to November 26, 2026 at 2:00 a\.m\. \(Eastern Time\)\./)
    assert.equal((await visitor.get('/en/sign-in')).status, 200, 'sign-in still open before the window')

    t.clock.set('2026-11-26T04:00:00Z')
    await signInStaffAgain()
    page = await visitor.get('/en/sign-in')
    assert.equal(page.status, 503)
    assert.ok(Number(page.headers['retry-after']) > 0)
    assert.equal(text(page.dom.querySelector('h1')), 'The portal is closed for maintenance')
    assert.equal(page.dom.querySelector('meta[name="portal-template"]')?.getAttribute('content'), 'maintenance')
    assert.match(text(page.dom.querySelector('p[lang="fr"]')), /Le portail est fermé pour maintenance jusqu’au 26\snovembre\s2026.*\(heure de l’Est\)\./)
    assert.match(text(page.dom.querySelector('main')), /unavailable until November 26, 2026 at 2:00 a\.m\. \(Eastern Time\)/)
    assert.equal(page.dom.querySelector('form[action="/en/sign-in"]'), null)
    // Posting credentials does not sign anyone in.
    const employer = new TestClient(t.app)
    // A form token from a page that is still open (the console's sign-in), as a browser left open would hold.
    await employer.get('/en/console/sign-in')
    const posted = await employer.post('/en/sign-in', { username: 'employer.console', password: 'correct horse battery staple' })
    assert.equal(posted.status, 503)
    assert.equal((await employer.get('/en/home')).status, 503)
    const sessions = await t.db.selectFrom('session').select('user_id').where('user_id', 'is not', null).execute()
    assert.ok(!(await Promise.all(sessions.map((s) => t.db.selectFrom('app_user').select('username').where('id', '=', s.user_id!).executeTakeFirst()))).some((u) => u?.username === 'employer.console'))
    assert.equal((await visitor.get('/fr/register')).status, 503)
    // Public information and the console stay open; staff keep working.
    assert.equal((await visitor.get('/en/help')).status, 200)
    assert.equal((await visitor.get('/en/console/sign-in')).status, 200)
    page = await officer.get('/en/console/dashboard')
    assert.equal(page.status, 200)
    // Officers are told that employers are locked out (the console stays open).
    assert.match(text(page.dom.querySelector('.maintenance-banner')), /^Maintenance under way until November 26, 2026 at 2:00 a\.m\. \(Eastern Time\): employers cannot sign in or use the portal\. The console stays open\./)
    assert.match(text((await admin.get('/fr/console')).dom.querySelector('.maintenance-banner')), /les employeurs ne peuvent ni se connecter ni utiliser le portail/)

    t.clock.set('2026-11-26T07:01:00Z')
    assert.equal((await visitor.get('/en/sign-in')).status, 200, 'open again after the window')
    const ok = await signIn(new TestClient(t.app), 'employer.console')
    assert.equal(ok.status, 303)
    t.clock.set('2026-11-23T15:00:00Z')
    await signInStaffAgain()
  })

  it('names the portal’s time zone in words on the maintenance page, in each language', async () => {
    assert.match(text((await admin.get('/en/console/admin/maintenance')).dom.querySelector('main')), /Times are in the portal’s time zone \(Eastern Time\)\./)
    const fr = text((await admin.get('/fr/console/admin/maintenance')).dom.querySelector('main'))
    assert.match(fr, /fuseau horaire du portail \(heure de l’Est\)\./)
    assert.doesNotMatch(fr, /America\/Toronto/)
  })

  it('names each maintenance field in its error, one per field, in the reader’s language', async () => {
    await admin.get('/en/console/admin/maintenance')
    let res = await admin.post('/en/console/admin/maintenance', { announceFrom: '', startsAt: '', endsAt: '' })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.href, l.targetExists]), [
      ['Enter the date and time to announce the window from', '#announce-from', true],
      ['Enter the start date and time', '#starts-at', true],
      ['Enter the end date and time', '#ends-at', true],
    ])
    res = await admin.post('/en/console/admin/maintenance', { announceFrom: 'soon', startsAt: '2026-12-05 22:00', endsAt: '2026-13-01 01:00', messageEn: 'x'.repeat(501), messageFr: 'y'.repeat(501) })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), [
      'Enter the date and time to announce the window from, for example 2026-12-05 22:00',
      'Enter the end date and time, for example 2026-12-05 22:00',
      'The message in English must be 500 characters or fewer',
      'The message in French must be 500 characters or fewer',
    ])
    res = await admin.post('/fr/console/admin/maintenance', { announceFrom: '2026-12-01 09:00', startsAt: 'demain', endsAt: '' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Entrez la date et l’heure de début, par exemple 2026-12-05 22:00', 'Entrez la date et l’heure de fin'])
    assert.equal(await t.db.selectFrom('maintenance_window').select('id').where('announce_from', '=', new Date('2026-12-01T14:00:00Z')).executeTakeFirst(), undefined)
  })

  it('takes a window’s message in both languages or in neither, and lists each window with its messages', async () => {
    await admin.get('/en/console/admin/maintenance')
    let res = await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-23 09:00', startsAt: '2026-12-20 22:00', endsAt: '2026-12-21 02:00', messageEn: 'Database upgrade.', messageFr: '' })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.href]), [['Enter the message in French too, or leave both messages empty', '#message-fr']])
    await admin.get('/fr/console/admin/maintenance')
    res = await admin.post('/fr/console/admin/maintenance', { announceFrom: '2026-11-23 09:00', startsAt: '2026-12-20 22:00', endsAt: '2026-12-21 02:00', messageEn: ' ', messageFr: 'Mise à niveau.' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Entrez aussi le message en anglais, ou laissez les deux messages vides'])
    assert.equal(await t.db.selectFrom('maintenance_window').select('id').where('starts_at', '=', new Date('2026-12-21T03:00:00Z')).executeTakeFirst(), undefined)
    res = await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-23 09:00', startsAt: '2026-12-20 22:00', endsAt: '2026-12-21 02:00', messageEn: 'Network work.', messageFr: 'Travaux sur le réseau.' })
    assert.equal(res.status, 303)
    res = await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-23 09:00', startsAt: '2026-12-22 22:00', endsAt: '2026-12-23 02:00', messageEn: '', messageFr: '' })
    assert.equal(res.status, 303, 'no message at all: the standard notice')
    const rows = (await admin.get('/en/console/admin/maintenance')).dom.querySelectorAll('main table tbody tr').map((tr) => text(tr))
    assert.ok(rows.some((r) => /Dec 20, 2026.*Network work\.\s*Travaux sur le réseau\./.test(r)), rows.join('\n'))
    assert.ok(rows.some((r) => /Dec 22, 2026.*None \(the standard notice only\)/.test(r)), rows.join('\n'))
    for (const id of (await t.db.selectFrom('maintenance_window').select('id').where('starts_at', '>=', new Date('2026-12-21T00:00:00Z')).where('starts_at', '<', new Date('2026-12-24T00:00:00Z')).execute()).map((w) => w.id)) {
      assert.equal((await admin.post(`/en/console/admin/maintenance/${id}/cancel`, {})).status, 303)
    }
  })

  it('a second cancel of a window says it was already cancelled, by whom and when, and changes nothing', async () => {
    await admin.get('/en/console/admin/maintenance')
    await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-23 09:00', startsAt: '2026-12-10 22:00', endsAt: '2026-12-11 02:00' })
    const w = await t.db.selectFrom('maintenance_window').select('id').where('cancelled_at', 'is', null).where('starts_at', '>', new Date('2026-12-10T00:00:00Z')).executeTakeFirstOrThrow()
    // Two administrators had the page open (or one sent the form again with Back).
    const other = new TestClient(t.app)
    const second = await createUser(t.db, { username: 'admin.second', role: 'administrator' })
    await signInAs(other, second.id)
    await other.get('/en/console/admin/maintenance')
    assert.equal((await admin.post(`/en/console/admin/maintenance/${w.id}/cancel`, {})).status, 303)
    const cancelledAt = (await t.db.selectFrom('maintenance_window').select('cancelled_at').where('id', '=', w.id).executeTakeFirstOrThrow()).cancelled_at
    t.clock.advanceMinutes(5)
    const res = await other.post(`/en/console/admin/maintenance/${w.id}/cancel`, {})
    assert.equal(res.status, 409)
    assert.equal(text(res.dom.querySelector('.notice-info')), 'The maintenance window starting December 10, 2026 at 10:00 p.m. was already cancelled, by admin.console on November 23, 2026 at 10:00 a.m. Nothing was changed.')
    assert.equal(res.dom.querySelector('.notice-success'), null)
    assert.deepEqual((await t.db.selectFrom('maintenance_window').select('cancelled_at').where('id', '=', w.id).executeTakeFirstOrThrow()).cancelled_at, cancelledAt)
    assert.equal((await t.db.selectFrom('audit_event').select('id').where('action', '=', 'maintenance.cancelled').where('object_id', '=', w.id).execute()).length, 1)
    const fr = await other.post(`/fr/console/admin/maintenance/${w.id}/cancel`, {})
    assert.match(text(fr.dom.querySelector('.notice-info')), /^La période de maintenance commençant le 10 décembre 2026 .* était déjà annulée, par admin\.console le 23 novembre 2026/)
    // An unknown window is still not found.
    assert.equal((await other.post('/en/console/admin/maintenance/00000000-0000-4000-8000-000000000000/cancel', {})).status, 404)
    t.clock.set('2026-11-23T15:00:00Z')
  })

  it('removing a staff member’s access asks first (a page, then a form), and a second removal says it was done', async () => {
    const victim = await createUser(t.db, { username: 'officer.leaving', role: 'officer' })
    const staff = await admin.get('/en/console/staff')
    // The table links to the confirmation page: no form there removes anyone at one click.
    assert.equal(staff.dom.querySelector(`form[action="/en/console/staff/${victim.id}/remove"]`), null)
    const link = staff.dom.querySelector(`a[href="/en/console/staff/${victim.id}/remove"]`)
    assert.ok(link)
    assert.equal(text(link), 'Remove access officer.leaving')
    const confirm = await admin.get(`/en/console/staff/${victim.id}/remove`)
    assert.equal(confirm.status, 200)
    assert.equal(text(confirm.dom.querySelector('h1')), 'Remove officer.leaving’s access')
    assert.match(text(confirm.dom.querySelector('main')), /Remove officer\.leaving’s access to the console\? They are signed out at once/)
    assert.ok(confirm.dom.querySelector(`form[action="/en/console/staff/${victim.id}/remove"] button`))
    assert.ok(confirm.dom.querySelector('main a[href="/en/console/staff"]'), 'a way back that keeps the access')
    assert.equal((await t.db.selectFrom('app_user').select('status').where('id', '=', victim.id).executeTakeFirstOrThrow()).status, 'active', 'asking changes nothing')
    const fr = await admin.get(`/fr/console/staff/${victim.id}/remove`)
    assert.equal(text(fr.dom.querySelector('h1')), 'Retirer l’accès d’officer.leaving')

    const res = await admin.post(`/en/console/staff/${victim.id}/remove`, {})
    assert.equal(res.status, 303)
    assert.equal((await t.db.selectFrom('app_user').select('status').where('id', '=', victim.id).executeTakeFirstOrThrow()).status, 'deleted')
    // Sent again (Back), or opened again: said, not a "not found" page; nothing more happens.
    const again = await admin.post(`/en/console/staff/${victim.id}/remove`, {})
    assert.equal(again.status, 409)
    assert.equal(text(again.dom.querySelector('.notice-info')), 'officer.leaving’s access was already removed, by admin.console on November 23, 2026 at 10:00 a.m. Nothing was changed.')
    const reopened = await admin.get(`/en/console/staff/${victim.id}/remove`)
    assert.equal(reopened.status, 200)
    assert.match(text(reopened.dom.querySelector('.notice-info')), /already removed/)
    assert.equal(reopened.dom.querySelector(`form[action="/en/console/staff/${victim.id}/remove"]`), null)
    assert.equal((await t.db.selectFrom('audit_event').select('id').where('action', '=', 'staff.removed').where('object_id', '=', victim.id).execute()).length, 1)
    // Their own access: no confirmation page offers it.
    const self = await admin.get(`/en/console/staff/${adminId}/remove`)
    assert.equal(self.dom.querySelector(`form[action="/en/console/staff/${adminId}/remove"]`), null)
    assert.match(text(self.dom.querySelector('.notice-info')), /You cannot remove your own access/)
    assert.equal((await officer.get(`/en/console/staff/${victim.id}/remove`)).status, 403)
  })

  it('staff-creation errors speak of the new person (their names), in each language', async () => {
    await admin.get('/en/console/staff')
    let res = await admin.post('/en/console/staff', { username: 'new.person', givenName: ' ', familyName: '', role: 'boss', password: 'a fine temporary phrase' })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.href]), [
      ['Enter their given name', '#given-name'],
      ['Enter their family name', '#family-name'],
      ['Choose the role', '#role'],
    ])
    res = await admin.post('/en/console/staff', { username: 'new.person', givenName: 'x'.repeat(101), familyName: 'y'.repeat(101), role: 'officer', password: 'a fine temporary phrase' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The given name must be 100 characters or fewer', 'The family name must be 100 characters or fewer'])
    await admin.get('/fr/console/staff')
    res = await admin.post('/fr/console/staff', { username: 'new.person', givenName: '', familyName: '', role: 'officer', password: 'a fine temporary phrase' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['Entrez le prénom de la personne', 'Entrez le nom de famille de la personne'])
    assert.ok(!/your|votre/i.test(errorSummaryLinks(res.dom).map((l) => l.text).join(' ')))
  })

  it('cancels a window', async () => {
    await admin.get('/en/console/admin/maintenance')
    await admin.post('/en/console/admin/maintenance', { announceFrom: '2026-11-23 09:00', startsAt: '2026-11-27 22:00', endsAt: '2026-11-28 02:00' })
    assert.ok((await new TestClient(t.app).get('/en')).dom.querySelector('.maintenance-banner'))
    const w = await t.db.selectFrom('maintenance_window').select('id').where('cancelled_at', 'is', null).where('starts_at', '>', new Date('2026-11-27T00:00:00Z')).executeTakeFirstOrThrow()
    const page = await admin.get('/en/console/admin/maintenance')
    // The list links to a page that asks first (no script needed); only its button cancels.
    const link = page.dom.querySelector(`main table a[href="/en/console/admin/maintenance/${w.id}/cancel"]`)
    assert.match(text(link), /^Cancel this maintenance window/)
    assert.equal(page.dom.querySelector(`form[action="/en/console/admin/maintenance/${w.id}/cancel"]`), null)
    const ask = await admin.get(`/en/console/admin/maintenance/${w.id}/cancel`)
    assert.equal(ask.status, 200)
    assert.match(text(ask.dom.querySelector('main h1')), /^Cancel the maintenance window starting November 27, 2026/)
    assert.equal(text(ask.dom.querySelector(`main form[action="/en/console/admin/maintenance/${w.id}/cancel"] button`)), 'Yes, cancel this maintenance window')
    assert.ok(ask.dom.querySelector('main a[href="/en/console/admin/maintenance"]'), 'a way back that keeps it')
    const askFr = await admin.get(`/fr/console/admin/maintenance/${w.id}/cancel`)
    assert.match(text(askFr.dom.querySelector('main h1')), /^Annuler la période de maintenance commençant le 27 novembre 2026/)
    assert.equal(text(askFr.dom.querySelector(`main form[action="/fr/console/admin/maintenance/${w.id}/cancel"] button`)), 'Oui, annuler cette période de maintenance')
    assert.equal((await t.db.selectFrom('maintenance_window').select('cancelled_at').where('id', '=', w.id).executeTakeFirstOrThrow()).cancelled_at, null, 'asking changes nothing')
    const res = await admin.post(`/en/console/admin/maintenance/${w.id}/cancel`, {})
    assert.equal(res.status, 303)
    assert.equal((await new TestClient(t.app).get('/en')).dom.querySelector('.maintenance-banner'), null)
  })

  it('edits the help page content, shown escaped in each language with the report link', async () => {
    await admin.get('/en/console/admin/help')
    const res = await admin.post('/en/console/admin/help', { en: 'Call us at 1-800-000-0000.\n\nHours: <b>9 to 5</b>.', fr: 'Appelez-nous au 1-800-000-0000.' })
    assert.equal(res.status, 303)
    let page = await new TestClient(t.app).get('/en/help')
    const paragraphs = page.dom.querySelectorAll('main p.preserve-lines').map((p) => text(p))
    assert.deepEqual(paragraphs, ['Call us at 1-800-000-0000.', 'Hours: <b>9 to 5</b>.'])
    assert.ok(page.dom.querySelector('a[href="/en/help/report"]'))
    page = await new TestClient(t.app).get('/fr/help')
    assert.deepEqual(page.dom.querySelectorAll('main p.preserve-lines').map((p) => text(p)), ['Appelez-nous au 1-800-000-0000.'])
  })

  it('takes problem reports with a sniffed screenshot, and administrators follow them up', async () => {
    const visitor = new TestClient(t.app)
    await visitor.get('/en/help/report')
    const send = (fields: Record<string, string>, file?: { name: string; type: string; content: Buffer }) => {
      const body = multipart({ _csrf: visitor.csrf!, ...fields }, file ? { field: 'screenshot', ...file } : undefined)
      return visitor.request('POST', '/en/help/report', { payload: body.payload, headers: { 'content-type': body.contentType } })
    }
    let res = await send({ description: '' }, { name: 'shot.png', type: 'image/png', content: Buffer.from('<svg onload=alert(1)>') })
    assert.equal(res.status, 400)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [
      ['Describe the problem', true],
      ['The screenshot must be a PNG or JPEG image', true],
    ])
    res = await send({ description: 'Too big' }, { name: 'big.png', type: 'image/png', content: Buffer.concat([TINY_PNG, Buffer.alloc(6 * 1024 * 1024)]) })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['The screenshot must be 6 MB or smaller'])
    res = await send({ description: 'The Save button does nothing.', page: '/en/offers', email: 'me@example.ca' }, { name: 'shot.jpg', type: 'image/jpeg', content: TINY_PNG })
    assert.equal(res.status, 303)
    const sent = await visitor.follow(res)
    const number = /Your report number is ([0-9A-F]{8})/.exec(text(sent.dom.querySelector('main')))?.[1]
    assert.ok(number)
    const row = await t.db.selectFrom('problem_report').select(['id', 'screenshot_type', 'status', 'contact_email']).executeTakeFirstOrThrow()
    assert.deepEqual([row.screenshot_type, row.status, row.contact_email], ['image/png', 'new', 'me@example.ca'], 'the type comes from the bytes, not the claim')
    assert.equal(row.id.slice(0, 8).toUpperCase(), number)
    // Without a screenshot too.
    res = await send({ description: 'Second report' })
    assert.equal(res.status, 303)

    let list = await admin.get('/en/console/admin/problems?status=new')
    assert.equal(list.dom.querySelectorAll('tbody tr').length, 2)
    const shot = await admin.get(`/en/console/admin/problems/${row.id}/screenshot`)
    assert.equal(shot.headers['content-type'], 'image/png')
    assert.deepEqual(shot.raw.rawPayload, TINY_PNG)
    assert.equal((await officer.get(`/en/console/admin/problems/${row.id}/screenshot`)).status, 403)
    await admin.get(`/en/console/admin/problems/${row.id}`)
    res = await admin.post(`/en/console/admin/problems/${row.id}/status`, { status: 'resolved', note: 'Fixed in release 12' })
    assert.equal(res.status, 303)
    list = await admin.get('/en/console/admin/problems?status=resolved')
    assert.deepEqual(list.dom.querySelectorAll('tbody tr').map((tr) => text(tr.querySelector('td'))), [number])

    // A public form that stores files: 5 reports an hour from one address, then a wait.
    for (let i = 3; i <= 6; i++) assert.equal((await send({ description: `Report ${i}` })).status, 303)
    res = await send({ description: 'One too many' })
    assert.equal(res.status, 429)
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => l.text), ['You have sent several reports in a short time. Please try again in a few minutes.'])
    assert.equal(res.dom.querySelector('#description')?.textContent, 'One too many', 'what was typed is kept')
    assert.equal((await t.db.selectFrom('problem_report').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n, 6)
  })

  it('purges on purpose only what is past retention', async () => {
    const boss = await createUser(t.db, { username: 'employer.retention' })
    const b = await makeBusiness(t.db, { eight: '42345678', legalName: 'Old Records Co' })
    const old = new Date('2019-01-10T15:00:00Z')
    const issuedLongAgo = await makeOffer(t.db, { businessId: b, userId: boss.id, offerNumber: 'A6000001', status: 'matched', submittedAt: old })
    await t.db.insertInto('work_permit_decision').values({ offer_id: issuedLongAgo, outcome: 'issued', first_day_of_employment: '2019-02-01', inspection_until: '2025-01-31', decided_by: adminId, decided_at: old }).execute()
    // Issued long ago but the window still runs (first day 2021): kept.
    const stillInWindow = await makeOffer(t.db, { businessId: b, userId: boss.id, offerNumber: 'A6000002', status: 'matched', submittedAt: old })
    await t.db.insertInto('work_permit_decision').values({ offer_id: stillInWindow, outcome: 'issued', first_day_of_employment: '2021-02-01', inspection_until: '2027-01-31', decided_by: adminId, decided_at: old }).execute()
    const withdrawnLongAgo = await makeOffer(t.db, { businessId: b, userId: boss.id, offerNumber: 'A6000003', status: 'withdrawn', submittedAt: new Date('2020-01-10T15:00:00Z') })
    const recent = await makeOffer(t.db, { businessId: b, userId: boss.id, offerNumber: 'A6000004' })

    await admin.get('/en/console/admin/retention')
    const page = await admin.get('/en/console/admin/retention')
    const listed = page.dom.querySelectorAll('tbody tr').map((tr) => text(tr.querySelectorAll('td')[1]))
    assert.ok(listed.includes('A6000001') && listed.includes('A6000003'))
    assert.ok(!listed.includes('A6000002') && !listed.includes('A6000004'))

    let res = await admin.post('/en/console/admin/retention/purge', { ids: [issuedLongAgo], reason: 'Retention ended' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [['Confirm that the records are removed for good', true]])
    res = await admin.post('/en/console/admin/retention/purge', { reason: 'x', confirm: 'yes' })
    assert.deepEqual(errorSummaryLinks(res.dom).map((l) => [l.text, l.targetExists]), [['Select at least one record', true]])
    // Asking to purge records still inside their window (a forged form) purges nothing of them.
    res = await admin.post('/en/console/admin/retention/purge', { ids: [issuedLongAgo, withdrawnLongAgo, stillInWindow, recent], reason: 'Retention ended', confirm: 'yes' })
    assert.equal(res.location, '/en/console/admin/retention?purged=2&refused=2')
    const left = await t.db.selectFrom('offer').select('offer_number').where('business_id', '=', b).orderBy('offer_number').execute()
    assert.deepEqual(left.map((o) => o.offer_number), ['A6000002', 'A6000004'])
    assert.equal(await t.db.selectFrom('work_permit_decision').select('offer_id').where('offer_id', '=', issuedLongAgo).executeTakeFirst(), undefined)
    const purges = await t.db.selectFrom('retention_purge').select(['label', 'retention_until', 'reason']).orderBy('label').execute()
    assert.deepEqual(purges, [
      { label: 'A6000001', retention_until: '2025-01-31', reason: 'Retention ended' },
      { label: 'A6000003', retention_until: '2026-01-10', reason: 'Retention ended' },
    ])
    const audit = await t.db.selectFrom('audit_event').select('object_id').where('action', '=', 'retention.purged').execute()
    assert.equal(audit.length, 2)
    const after = await admin.follow(res)
    assert.match(text(after.dom.querySelector('.notice-success')), /2 records were purged\. 2 records are still inside their retention period/)
  })
})
