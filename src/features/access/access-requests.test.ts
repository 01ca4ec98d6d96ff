import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ExpressionBuilder } from 'kysely'
import type { AppUser, Database } from '../../db/database.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser, signIn } from '../../../tests/helpers/users.ts'
import { luhnCheckDigit } from '../reference/validators.ts'
import { dormancyRunCommand } from './dormancy.cli.ts'
import { monthsAfter, monthsBefore, runDormancy } from './dormancy.service.ts'

const DAY = 86_400_000
let seq = 40000000

async function business(t: TestApp, name: string, primary: AppUser): Promise<{ id: string; number: string; employerNumber: string }> {
  const eight = String(seq++)
  const now = t.clock.now()
  const number = eight + luhnCheckDigit(eight)
  const employerNumber = `E${eight.slice(1)}`
  const b = await t.db
    .insertInto('business')
    .values({ business_number: number, legal_name: name, legal_name_key: name.toLowerCase(), operating_name: name, street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0B1', phone: '6135550123', employer_number: employerNumber, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await member(t, b.id, primary, 'primary')
  return { id: b.id, number, employerNumber }
}

async function member(t: TestApp, businessId: string, user: AppUser, role: 'primary' | 'secondary' | 'branch_primary'): Promise<string> {
  const m = await t.db.insertInto('business_membership').values({ business_id: businessId, user_id: user.id, role, created_at: t.clock.now(), created_by: null }).returning('id').executeTakeFirstOrThrow()
  return m.id
}

async function as(t: TestApp, user: AppUser): Promise<TestClient> {
  const c = new TestClient(t.app)
  await signInAs(c, user.id)
  return c
}

const count = async (t: TestApp, table: 'email_outbox' | 'account_message', where: { template: string; to?: string; userId?: string }) => {
  let q = t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('template', '=', where.template)
  if (where.to && table === 'email_outbox') q = q.where('to_address' as never, '=', where.to as never)
  if (where.userId && table === 'account_message') q = q.where('user_id' as never, '=', where.userId as never)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

describe('access requests: switching businesses, PIN resets, dormancy, the business audit trail', () => {
  let t: TestApp
  const u: Record<string, AppUser> = {}

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    for (const name of ['ownerA', 'ownerB', 'rep', 'solo', 'lost', 'newboss', 'officer', 'sleeper', 'staff1', 'gap']) {
      u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test', role: name === 'officer' ? 'officer' : 'employer' }, t.clock.now())
    }
  })
  after(() => t.close())

  it('a representative with two employers switches from the header; pages act for the active business; a removed link leaves the other', async () => {
    const a = await business(t, 'Alpha Érable Inc', u.ownerA!)
    const b = await business(t, 'Bravo Boréal Ltd', u.rep!)
    const repInA = await member(t, a.id, u.rep!, 'secondary')
    const rep = await as(t, u.rep!)

    // The header names the active business and offers the others (a real form: no script needed).
    const home = await rep.get('/en/home')
    const select = home.dom.querySelector('form.business-switch select#header-business')
    assert.ok(select, 'a switcher in the header')
    assert.deepEqual(select.querySelectorAll('option').map((o) => o.text), ['Alpha Érable Inc', 'Bravo Boréal Ltd'])
    assert.equal(home.dom.querySelector('label[for="header-business"]')?.text, 'Acting for')
    const selected = () => rep.get('/fr/home').then((p) => p.dom.querySelector('#header-business option[selected]')?.text)
    // The default: the first by role then name (a primary role comes before a secondary one).
    assert.equal(await selected(), 'Bravo Boréal Ltd')

    // Switch to A: back to the page it came from; the header and Manage access follow.
    const switched = await rep.post('/en/business/active', { business: a.id, returnTo: '/en/messages?page=1' })
    assert.equal(switched.status, 303)
    assert.equal(switched.location, '/en/messages?page=1')
    assert.equal(await selected(), 'Alpha Érable Inc')
    assert.equal((await rep.get('/en/access')).status, 403, 'a secondary user of A cannot manage A')
    await rep.get('/en/home')
    const back = await rep.post('/en/business/active', { business: b.id, returnTo: `/en/access?business=${a.id}&page=2` })
    assert.equal(back.location, '/en/access?page=2', 'back to the page, not to the old business')
    const access = await rep.get('/en/access')
    assert.equal(access.status, 200)
    assert.match(text(access.dom.querySelector('main')), /Bravo Boréal Ltd/)

    // Not one of theirs, not an id, or an off-site return: refused or sent home, never elsewhere.
    for (const business of [crypto.randomUUID(), 'nope', '']) {
      const bad = await rep.post('/en/business/active', { business })
      assert.equal(bad.status, 400)
      assert.deepEqual(errorSummaryLinks(bad.dom).map((l) => l.href), ['#business'])
    }
    for (const returnTo of ['https://evil.example/x', '//evil.example', '/en/business/active', 'javascript:alert(1)']) {
      await rep.get('/en/home')
      const res = await rep.post('/en/business/active', { business: b.id, returnTo })
      assert.equal(res.location, '/en/home', returnTo)
    }
    // The fallback page: radios, in French too.
    const page = await rep.get('/fr/business/active')
    assert.equal(page.status, 200)
    assert.equal(page.dom.querySelectorAll('input[type=radio][name=business]').length, 2)

    // A's primary user removes the representative's link to A: B stays, and A is gone from the header.
    await rep.post('/en/business/active', { business: a.id })
    const ownerA = await as(t, u.ownerA!)
    await ownerA.get(`/en/access/members/${repInA}/delete`)
    assert.equal((await ownerA.post(`/en/access/members/${repInA}/delete`)).status, 303)
    const after = await rep.get('/en/home')
    assert.equal(after.dom.querySelector('#header-business'), null, 'one business left: no switcher')
    assert.match(text(after.dom.querySelector('.active-business')), /Acting for Bravo Boréal Ltd/)
    assert.equal((await rep.get('/en/access')).status, 200, 'still manages B')
    const stale = await rep.post('/en/business/active', { business: a.id })
    assert.equal(stale.status, 400, 'cannot switch back to A')

    // Someone with one business sees which; an officer sees no business line.
    assert.match(text((await (await as(t, u.ownerA!)).get('/en/home')).dom.querySelector('.active-business')), /Alpha Érable Inc/)
    assert.equal((await (await as(t, u.officer!)).get('/en/console')).dom.querySelector('.active-business'), null)
  })

  it('a PIN reset request goes to the primary user, who issues a new PIN; the old one stops working; the requester joins', async () => {
    const c = await business(t, 'Charlie Cèdre Ltée', u.ownerA!)
    const lost = await as(t, u.lost!)
    // Errors first, each linked to its field.
    await lost.get('/en/pin-reset')
    const bad = await lost.post('/en/pin-reset', { givenNames: '', familyName: '', businessNumber: '123', email: 'nope', reason: '' })
    assert.equal(bad.status, 400)
    assert.deepEqual(errorSummaryLinks(bad.dom).map((l) => l.href), ['#given-names', '#family-name', '#business-number', '#email', '#wants-primary', '#reason'])
    assert.equal((bad.dom.querySelector('#business-number') as unknown as { getAttribute(n: string): string }).getAttribute('value'), '123', 'values kept')

    // An old PIN for the person, never used.
    const owner = await as(t, u.ownerA!)
    await owner.get(`/en/access/users/new?business=${c.id}`)
    const created = await owner.post(`/en/access/users/new?business=${c.id}`, { givenNames: 'Lou', familyName: 'Perdu', email: '', branch: '', attest: 'yes' })
    const oldPin = text((await owner.follow(created)).dom.querySelector('#pin'))

    const before = await count(t, 'email_outbox', { template: 'accessPinResetToPrimary' })
    const sent = await lost.post('/en/pin-reset', { givenNames: 'lou', familyName: 'PERDU', businessNumber: `${c.number.slice(0, 3)} ${c.number.slice(3)}`, email: 'lou@example.ca', wantsPrimary: 'no', reason: 'I lost the e-mail.' })
    assert.equal(sent.status, 303)
    assert.equal(sent.location, '/en/pin-reset/sent')
    assert.equal(await count(t, 'email_outbox', { template: 'accessPinResetToPrimary' }), before + 1, 'the primary user is e-mailed')
    assert.equal(await count(t, 'account_message', { template: 'accessPinResetToPrimary', userId: u.ownerA!.id }), 1, 'and gets an account message')
    const req = await t.db.selectFrom('pin_reset_request').selectAll().where('requester_user_id', '=', u.lost!.id).executeTakeFirstOrThrow()
    assert.equal(req.handled_by, 'primary')
    assert.equal(req.business_id, c.id)

    // Only that business's primary user sees it (others are not told it exists); it is listed in Manage access.
    assert.equal((await lost.get(`/en/access/pin-resets/${req.id}`)).status, 404)
    assert.equal((await (await as(t, u.ownerB!)).get(`/en/access/pin-resets/${req.id}`)).status, 404)
    const manage = await owner.get(`/en/access?business=${c.id}`)
    assert.ok(manage.dom.querySelector(`a[href="/en/access/pin-resets/${req.id}"]`), 'listed in Manage access')
    const detail = await owner.get(`/en/access/pin-resets/${req.id}`)
    assert.equal(detail.status, 200)
    assert.doesNotMatch(detail.body, /Assign to me/, 'no assignment for a primary user')
    const noChoice = await owner.post(`/en/access/pin-resets/${req.id}`, { decision: '', reason: '' })
    assert.equal(noChoice.status, 400)
    assert.deepEqual(errorSummaryLinks(noChoice.dom).map((l) => l.href), ['#decision', '#reason'])
    const issued = await owner.post(`/en/access/pin-resets/${req.id}`, { decision: 'issue', reason: 'Lou works with us.' })
    assert.equal(issued.status, 303)
    assert.match(issued.location ?? '', /\/en\/access\/pins\/[0-9a-f-]+\/created$/)
    const newPin = text((await owner.follow(issued)).dom.querySelector('#pin'))
    assert.notEqual(newPin, oldPin)
    assert.equal(await count(t, 'email_outbox', { template: 'accessPin', to: 'lou@example.ca' }), 1, 'the new PIN is e-mailed to the address in the request')
    assert.equal(await count(t, 'account_message', { template: 'accessPinResetIssued', userId: u.lost!.id }), 1, 'the requester is told')
    const again = await owner.post(`/en/access/pin-resets/${req.id}`, { decision: 'refuse', reason: 'x' })
    assert.equal(again.location, `/en/access/pin-resets/${req.id}?done=already`, 'decided once')
    assert.equal(await count(t, 'account_message', { template: 'accessPinResetRefused', userId: u.lost!.id }), 0)

    // The old PIN no longer works; the new one does.
    await lost.get('/en/join')
    assert.equal((await lost.post('/en/join', { givenNames: 'Lou', familyName: 'Perdu', pin: oldPin })).status, 400)
    const joined = await lost.post('/en/join', { givenNames: 'Lou', familyName: 'Perdu', pin: newPin })
    assert.equal(joined.status, 303)
  })

  it('answers the same whatever the number names: an unknown business, a known one, or one routed to the officers', async () => {
    const d = await business(t, 'Delta Dormeur Inc', u.ownerB!)
    const solo = await as(t, u.solo!)
    const forms = [
      { businessNumber: '046454286', wantsPrimary: 'no' }, // a valid number no business has
      { businessNumber: d.employerNumber.toLowerCase(), wantsPrimary: 'no' },
      { businessNumber: d.number, wantsPrimary: 'yes' },
    ]
    const answers: string[] = []
    for (const f of forms) {
      await solo.get('/en/pin-reset')
      const res = await solo.post('/en/pin-reset', { givenNames: 'Sol', familyName: 'Seul', email: 'sol@example.ca', reason: 'Lost it.', ...f })
      const page = await solo.follow(res)
      answers.push(`${res.status} ${res.location} ${page.status} ${text(page.dom.querySelector('main h1'))} ${text(page.dom.querySelector('main p'))}`)
    }
    assert.equal(new Set(answers).size, 1, answers.join('\n'))
    const rows = await t.db.selectFrom('pin_reset_request').select(['business_key', 'business_id', 'handled_by']).where('requester_user_id', '=', u.solo!.id).orderBy('created_at').orderBy('business_key').execute()
    const byKey = new Map(rows.map((r) => [r.business_key, r]))
    assert.equal(byKey.get('046454286')?.handled_by, 'officers')
    assert.equal(byKey.get('046454286')?.business_id, null)
    assert.equal(byKey.get(d.employerNumber)?.handled_by, 'primary')
    // The receipt is one template for every case.
    assert.equal(await count(t, 'account_message', { template: 'accessPinResetReceived', userId: u.solo!.id }), rows.length)

    // At most 5 waiting per person (whatever the numbers name); asking again for one already waiting still answers "sent".
    for (const n of ['000000000', '000000018']) {
      await solo.get('/en/pin-reset')
      assert.equal((await solo.post('/en/pin-reset', { givenNames: 'Sol', familyName: 'Seul', email: 'sol@example.ca', reason: 'Lost it.', wantsPrimary: 'no', businessNumber: n })).status, 303)
    }
    await solo.get('/en/pin-reset')
    const sixth = await solo.post('/en/pin-reset', { givenNames: 'Sol', familyName: 'Seul', email: 'sol@example.ca', reason: 'Lost it.', wantsPrimary: 'no', businessNumber: '000000026' })
    assert.equal(sixth.status, 400)
    assert.match(text(sixth.dom.querySelector('#business-number-error')), /5 requests waiting/)
    await solo.get('/en/pin-reset')
    assert.equal((await solo.post('/en/pin-reset', { givenNames: 'Sol', familyName: 'Seul', email: 'sol@example.ca', reason: 'Lost it.', wantsPrimary: 'no', businessNumber: '046454286' })).status, 303)
  })

  it('officers: a queue, assign to me, refuse with a reason, issue a PIN that makes the requester the primary user', async () => {
    const e = await business(t, 'Echo Épinette Ltée', u.ownerB!)
    const boss = await as(t, u.newboss!)
    await boss.get('/en/pin-reset')
    await boss.post('/en/pin-reset', { givenNames: 'New', familyName: 'Boss', businessNumber: e.number, email: 'boss@example.ca', wantsPrimary: 'yes', reason: 'The primary user left.' })
    await boss.get('/en/pin-reset')
    await boss.post('/en/pin-reset', { givenNames: 'New', familyName: 'Boss', businessNumber: '046454286', email: 'boss@example.ca', wantsPrimary: 'no', reason: 'Typo business.' })
    const reqs = await t.db.selectFrom('pin_reset_request').selectAll().where('requester_user_id', '=', u.newboss!.id).execute()
    const real = reqs.find((r) => r.business_id === e.id)!
    const ghost = reqs.find((r) => r.business_id === null)!
    assert.equal(real.handled_by, 'officers')

    const officer = await as(t, u.officer!)
    const queue = await officer.get('/en/console/pin-resets')
    assert.equal(queue.status, 200)
    assert.ok(queue.dom.querySelector(`a[href="/en/console/pin-resets/${real.id}"]`))
    assert.equal((await officer.get(`/fr/console/pin-resets/${real.id}`)).status, 200)
    assert.equal((await boss.get(`/en/console/pin-resets/${real.id}`)).status, 403)
    await officer.get(`/en/console/pin-resets/${real.id}`)
    assert.equal((await officer.post(`/en/console/pin-resets/${real.id}/assign`)).status, 303)
    assert.equal((await t.db.selectFrom('pin_reset_request').select('assigned_to').where('id', '=', real.id).executeTakeFirstOrThrow()).assigned_to, u.officer!.id)
    const page = await officer.get(`/en/console/pin-resets/${real.id}`)
    // Their own request says so, as “you”.
    assert.match(text(page.dom.querySelector('main')), /Assigned to you\./)
    // The officer sees who is the primary user now, and that they would become a secondary user.
    assert.match(text(page.dom.querySelector('main')), /Primary user now\s*ownerB Test \(ownerB, ownerB@example\.ca; last signed in [^)]+\): becomes a secondary user/)
    // The officer reads the person's reason as theirs, not the form's question to them.
    assert.match(text(page.dom.querySelector('main')), /The person’s reason\s*The primary user left\./)
    assert.doesNotMatch(text(page.dom.querySelector('main')), /Why do you need/)
    assert.match(text((await officer.get(`/fr/console/pin-resets/${real.id}`)).dom.querySelector('main')), /Le motif de la personne.*Cette demande vous est attribuée\./)

    // No PIN for a number that names no business; a refusal needs its reason, which the requester reads.
    await officer.get(`/en/console/pin-resets/${ghost.id}`)
    assert.equal((await officer.post(`/en/console/pin-resets/${ghost.id}/decision`, { decision: 'issue', reason: '' })).status, 400)
    assert.equal((await officer.post(`/en/console/pin-resets/${ghost.id}/decision`, { decision: 'refuse', reason: ' ' })).status, 400)
    assert.equal((await officer.post(`/en/console/pin-resets/${ghost.id}/decision`, { decision: 'refuse', reason: 'No business has this number.' })).status, 303)
    const refusal = await t.db.selectFrom('account_message').select('body').where('user_id', '=', u.newboss!.id).where('template', '=', 'accessPinResetRefused').executeTakeFirstOrThrow()
    assert.match(refusal.body, /No business has this number\./)

    await officer.get(`/en/console/pin-resets/${real.id}`)
    assert.equal((await officer.post(`/en/console/pin-resets/${real.id}/decision`, { decision: 'issue', reason: '' })).status, 400, 'a decision needs its reason')
    const issued = await officer.post(`/en/console/pin-resets/${real.id}/decision`, { decision: 'issue', reason: 'The primary user left; confirmed by phone.' })
    assert.equal(issued.status, 303)
    assert.match(issued.location ?? '', /done=issued$/)
    const pin = await t.db.selectFrom('access_pin').selectAll().where('business_id', '=', e.id).where('role', '=', 'primary').executeTakeFirstOrThrow()
    assert.equal(pin.email, 'boss@example.ca')
    // The current primary user does not see (or revoke) the department's PIN.
    assert.equal((await (await as(t, u.ownerB!)).get(`/en/access/pins/${pin.id}/revoke`)).status, 404)
    const mail = await t.db.selectFrom('email_outbox').select('params').where('template', '=', 'accessPin').where('to_address', '=', 'boss@example.ca').executeTakeFirstOrThrow()
    const plain = String((mail.params as Record<string, unknown>).pin)
    await boss.get('/en/join')
    assert.equal((await boss.post('/en/join', { givenNames: 'New', familyName: 'Boss', pin: plain })).status, 303)
    // Decided: the primary user is no longer said to "become a secondary user if…".
    const decidedPage = text((await officer.get(`/en/console/pin-resets/${real.id}`)).dom.querySelector('main'))
    assert.match(decidedPage, /Primary user now\s*newboss Test \(newboss, newboss@example\.ca; last signed in [^)]+\)Email/)
    assert.doesNotMatch(decidedPage, /becomes a secondary user/)
    const roles = await t.db.selectFrom('business_membership').select(['user_id', 'role']).where('business_id', '=', e.id).where('status', '=', 'active').execute()
    assert.deepEqual(roles.map((r) => `${r.user_id === u.newboss!.id ? 'newboss' : 'ownerB'}:${r.role}`).sort(), ['newboss:primary', 'ownerB:secondary'], 'one primary user, the old one kept as secondary')
    // The former primary user is told, by message and e-mail, and the change is in the business's trail; the officer gets no employer message.
    const told = await t.db.selectFrom('account_message').select(['user_id', 'body']).where('template', '=', 'accessPrimaryTransferred').where('business_id', 'is', null).execute()
    assert.deepEqual(told.map((m) => m.user_id), [u.ownerB!.id])
    assert.match(told[0]!.body, /Echo Épinette Ltée.*from ownerB Test to New Boss/)
    assert.ok(await t.db.selectFrom('email_outbox').select('id').where('template', '=', 'accessPrimaryTransferred').where('to_address', '=', u.ownerB!.email!).executeTakeFirst(), 'e-mailed')
    assert.ok(await t.db.selectFrom('audit_event').select('id').where('action', '=', 'access.primary_transferred').where('business_id', '=', e.id).executeTakeFirst())
    assert.equal((await t.db.selectFrom('account_message').select('id').where('user_id', '=', u.officer!.id).execute()).length, 0)
  })

  it('dormancy: warnings at 18 and 23 months once each, dormant at 2 years, the business with it; reactivation by an officer', async () => {
    const start = t.clock.now()
    const sleeper = await createUser(t.db, { username: 'zz.sleeper', givenName: 'Sam', familyName: 'Sleeper' }, start)
    const helper = await createUser(t.db, { username: 'zz.helper', givenName: 'Hel', familyName: 'Per' }, start)
    const f = await business(t, 'Foxtrot Sapin Inc', sleeper)
    await member(t, f.id, helper, 'secondary')
    const tz = t.config.timeZone
    const run = () => runDormancy({ db: t.db, clock: t.clock, timeZone: tz })
    // Everyone else in this database is kept active by signing in now and then (as recordSignIn writes it).
    const signedInNow = (eb: ExpressionBuilder<Database, 'app_user'>) => ({ previous_sign_in_at: eb.fn.coalesce('last_sign_in_at', 'created_at'), last_sign_in_at: t.clock.now() })
    const keepOthersAwake = () => t.db.updateTable('app_user').set(signedInNow).where('id', 'not in', [sleeper.id, helper.id]).execute()
    const helperAwake = () => t.db.updateTable('app_user').set(signedInNow).where('id', '=', helper.id).execute()

    t.clock.set(new Date(monthsAfter(start, 18).getTime() - DAY))
    await keepOthersAwake()
    await helperAwake()
    assert.deepEqual(await run(), { warned18: 0, warned23: 0, madeDormant: 0, businessesDormant: 0, businessesReactivated: 0 }, 'not yet')
    t.clock.set(new Date(monthsAfter(start, 18).getTime() + DAY))
    await keepOthersAwake()
    await helperAwake()
    assert.equal((await run()).warned18, 1)
    assert.equal((await run()).warned18, 0, 'once')
    assert.equal(await count(t, 'account_message', { template: 'accessDormancyWarning18', userId: sleeper.id }), 1)
    assert.equal(await count(t, 'email_outbox', { template: 'accessDormancyWarning18', to: 'zz.sleeper@example.ca' }), 1)

    t.clock.set(new Date(monthsAfter(start, 23).getTime() + DAY))
    await keepOthersAwake()
    await helperAwake()
    assert.deepEqual(await run(), { warned18: 0, warned23: 1, madeDormant: 0, businessesDormant: 0, businessesReactivated: 0 })
    assert.equal((await run()).warned23, 0, 'once')
    const warning = await t.db.selectFrom('account_message').select('body').where('user_id', '=', sleeper.id).where('template', '=', 'accessDormancyWarning23').executeTakeFirstOrThrow()
    assert.match(warning.body, new RegExp(String(monthsAfter(start, 24).getUTCFullYear())), 'says when')

    t.clock.set(new Date(monthsAfter(start, 24).getTime() + DAY))
    await keepOthersAwake()
    await helperAwake()
    const slept = await run()
    assert.equal(slept.madeDormant, 1)
    assert.equal(slept.businessesDormant, 1)
    assert.equal((await run()).madeDormant, 0)
    assert.equal((await t.db.selectFrom('app_user').select('status').where('id', '=', sleeper.id).executeTakeFirstOrThrow()).status, 'dormant')
    assert.equal((await t.db.selectFrom('business').select('status').where('id', '=', f.id).executeTakeFirstOrThrow()).status, 'dormant')

    // The dormant primary user signs in (the credential still works) but cannot act.
    const s = new TestClient(t.app)
    assert.equal((await signIn(s, 'zz.sleeper')).status, 303)
    const refused = await s.get('/en/access')
    assert.equal(refused.status, 403)
    assert.equal(text(refused.dom.querySelector('main h1')), 'Your account is dormant')
    assert.equal((await s.get('/en/home')).status, 200, 'home still opens, with a banner')
    // The secondary user cannot act for the dormant business either.
    const h = await as(t, helper)
    const helperRefused = await h.get('/fr/pin-reset/sent')
    assert.equal(helperRefused.status, 200, 'pages not about the business still open')
    const helperOffers = await h.get('/en/offers')
    assert.equal(helperOffers.status, 403)
    assert.equal(text(helperOffers.dom.querySelector('main h1')), 'This business is dormant')
    // It names the primary user to ask, and links to how to reach the department (for a transfer of the role).
    assert.match(text(helperOffers.dom.querySelector('main')), /its primary user, Sam Sleeper, has not signed in for 2 years.*Ask Sam Sleeper to sign in and request reactivation/)
    assert.ok(helperOffers.dom.querySelector('main a[href="/en/help"]'))
    const helperOffersFr = await h.get('/fr/offers')
    assert.equal(helperOffersFr.status, 403)
    assert.match(text(helperOffersFr.dom.querySelector('main')), /son utilisateur principal, Sam Sleeper, ne s’est pas connecté.*Demandez à Sam Sleeper de se connecter et de demander la réactivation/)
    assert.doesNotMatch(text(helperOffersFr.dom.querySelector('main')), /Demandez-lui/)
    assert.equal(text(helperOffersFr.dom.querySelector('main a[href="/fr/help"]')), 'joindre le ministère (aide et soutien)')
    const helperAccess = await h.get('/en/business/active')
    assert.equal(helperAccess.status, 200)
    assert.match(text((await h.get('/en/home')).dom.querySelector('.banners')), /Foxtrot Sapin Inc is dormant/)

    // The reactivation request, the officers' queue, the decision.
    const form = await s.get('/en/dormancy/reactivate')
    assert.equal(form.status, 200)
    assert.equal((await s.post('/en/dormancy/reactivate', { reason: '' })).status, 400)
    const asked = await s.post('/en/dormancy/reactivate', { reason: 'I am back.' })
    assert.equal(asked.status, 303)
    assert.match(text((await s.follow(asked)).dom.querySelector('main')), /being reviewed/)
    const rq = await t.db.selectFrom('reactivation_request').selectAll().where('user_id', '=', sleeper.id).executeTakeFirstOrThrow()
    const officer = await as(t, u.officer!)
    assert.ok((await officer.get('/en/console/reactivations')).dom.querySelector(`a[href="/en/console/reactivations/${rq.id}"]`))
    await officer.get(`/en/console/reactivations/${rq.id}`)
    await officer.post(`/en/console/reactivations/${rq.id}/assign`)
    assert.equal((await officer.post(`/en/console/reactivations/${rq.id}/decision`, { decision: 'refuse', reason: '' })).status, 400, 'a refusal needs its reason')
    assert.equal((await officer.post(`/en/console/reactivations/${rq.id}/decision`, { decision: 'reactivate', reason: '' })).status, 400, 'so does a reactivation')
    assert.equal((await officer.post(`/en/console/reactivations/${rq.id}/decision`, { decision: 'reactivate', reason: 'Confirmed with the business.' })).status, 303)
    assert.equal(await count(t, 'account_message', { template: 'accessReactivated', userId: sleeper.id }), 1)
    const reactivated = text((await officer.get(`/fr/console/reactivations/${rq.id}`)).dom.querySelector('main'))
    assert.match(reactivated, /Réactivée/)
    assert.match(reactivated, /Le motif de la personne\s*I am back\./)
    assert.equal((await t.db.selectFrom('business').select('status').where('id', '=', f.id).executeTakeFirstOrThrow()).status, 'active')
    assert.equal((await s.get('/en/access')).status, 200, 'acts again')
    await keepOthersAwake()
    await helperAwake()
    assert.equal((await run()).madeDormant, 0, 'reactivation restarts the clock')
  })

  it('a dormant business wakes as soon as its primary user is not dormant (e.g. the department gave the role to someone else)', async () => {
    const gone = await createUser(t.db, { username: 'zz.gone' }, t.clock.now())
    const stays = await createUser(t.db, { username: 'zz.stays' }, t.clock.now())
    const h = await business(t, 'Hotel Huard Inc', gone)
    const staysIn = await member(t, h.id, stays, 'secondary')
    await t.db.updateTable('app_user').set({ status: 'dormant' }).where('id', '=', gone.id).execute()
    await t.db.updateTable('business').set({ status: 'dormant' }).where('id', '=', h.id).execute()
    const c = await as(t, stays)
    assert.equal((await c.get('/en/offers')).status, 403, 'dormant: no one acts for it')
    await t.db.updateTable('business_membership').set({ role: 'secondary' }).where('business_id', '=', h.id).where('user_id', '=', gone.id).execute()
    await t.db.updateTable('business_membership').set({ role: 'primary' }).where('id', '=', staysIn).execute()
    assert.equal((await c.get('/en/access')).status, 200, 'the new primary user acts at once')
    assert.equal((await t.db.selectFrom('business').select('status').where('id', '=', h.id).executeTakeFirstOrThrow()).status, 'active')
  })

  it('someone who signs in after 2 years away is dormant before the job notices', async () => {
    const now = t.clock.now()
    const gap = await createUser(t.db, { username: 'zz.gap' }, now)
    await t.db.updateTable('app_user').set({ last_sign_in_at: monthsBefore(now, 25), created_at: monthsBefore(now, 30) }).where('id', '=', gap.id).execute()
    const c = new TestClient(t.app)
    assert.equal((await signIn(c, 'zz.gap')).status, 303)
    assert.equal((await c.get('/en/join')).status, 403)
    assert.equal((await t.db.selectFrom('app_user').select('status').where('id', '=', gap.id).executeTakeFirstOrThrow()).status, 'dormant')
  })

  it('the primary user reads the business audit trail, newest first, 50 a page; others may not', async () => {
    const g = await business(t, 'Golf Génévrier Inc', u.staff1!)
    const sec = await createUser(t.db, { username: 'zz.gsec' }, t.clock.now())
    await member(t, g.id, sec, 'secondary')
    const base = t.clock.now().getTime()
    for (let i = 0; i < 60; i++) {
      await t.db.insertInto('audit_event').values({ occurred_at: new Date(base + i * 1000), actor_user_id: u.officer!.id, actor_label: 'officer', action: i === 59 ? 'access.branch_created' : 'test.filler', business_id: g.id, ip: '10.0.0.9', details: '{}' }).execute()
    }
    const p = await as(t, u.staff1!)
    const first = await p.get(`/en/access/audit?business=${g.id}`)
    assert.equal(first.status, 200)
    const rows = first.dom.querySelectorAll('#business-audit tbody tr')
    assert.equal(rows.length, 50)
    assert.match(text(rows[0]), /Branch created/, 'newest first, in words')
    assert.match(text(rows[0]), /The department/, 'officers are the department')
    assert.doesNotMatch(first.body, /10\.0\.0\.9/, 'and their addresses are not shown')
    const older = first.dom.querySelector('nav .pagination a')?.getAttribute('href')
    assert.ok(older)
    const second = await p.get(older)
    assert.equal(second.dom.querySelectorAll('#business-audit tbody tr').length, 10)
    assert.equal((await (await as(t, sec)).get('/en/access/audit')).status, 403)
    assert.equal((await p.get('/en/access/audit?before=garbage')).status, 200)
  })

  it('the CLI command runs one pass', async () => {
    const lines: string[] = []
    const code = await dormancyRunCommand.run([], { config: t.config, db: t.db, out: (l) => lines.push(l), err: (l) => lines.push(l) })
    assert.equal(code, 0)
    assert.match(lines.join('\n'), /^Warned \d+ user\(s\) at 18 months/)
    assert.equal(dormancyRunCommand.checkArgs?.(['x']), 'dormancy run takes no arguments')
  })
})
