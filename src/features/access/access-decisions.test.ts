import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { AppUser } from '../../db/database.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser, signIn } from '../../../tests/helpers/users.ts'
import { luhnCheckDigit } from '../reference/validators.ts'
import { monthsBefore, signInBeforeDormancy } from './dormancy.service.ts'

let seq = 47000000

async function business(t: TestApp, name: string, primary: AppUser): Promise<{ id: string; number: string }> {
  const eight = String(seq++)
  const now = t.clock.now()
  const number = eight + luhnCheckDigit(eight)
  const b = await t.db
    .insertInto('business')
    .values({ business_number: number, legal_name: name, legal_name_key: name.toLowerCase(), operating_name: name, street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0B1', phone: '6135550123', employer_number: `E${eight.slice(1)}`, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: primary.id, role: 'primary', created_at: now, created_by: null }).execute()
  return { id: b.id, number }
}

async function as(t: TestApp, user: AppUser): Promise<TestClient> {
  const c = new TestClient(t.app)
  await signInAs(c, user.id)
  return c
}

/** The summary list's rows of a page, key → value. */
function summary(page: { dom: { querySelectorAll(s: string): Array<{ querySelector(s: string): unknown }> } }): Map<string, string> {
  return new Map(page.dom.querySelectorAll('.summary-row').map((row) => [text(row.querySelector('.summary-key') as never), text(row.querySelector('.summary-value') as never)]))
}

describe('access: decided requests name their decider, dormant people see what they can do, new PINs have real titles', () => {
  let t: TestApp
  const u: Record<string, AppUser> = {}

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    for (const name of ['owner', 'asker', 'asker2']) u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test' }, t.clock.now())
    u.officer = await createUser(t.db, { username: 'olive', givenName: 'Olive', familyName: 'Officer', role: 'officer' }, t.clock.now())
  })
  after(() => t.close())

  it('a decided PIN reset shows, in the console’s list and on its page, who decided it and when', async () => {
    t.clock.set(new Date('2026-03-02T17:40:00Z'))
    const b = await business(t, 'Kilo Mélèze Inc', u.owner!)
    const asker = await as(t, u.asker!)
    await asker.get('/en/pin-reset')
    await asker.post('/en/pin-reset', { givenNames: 'Ask', familyName: 'Er', businessNumber: b.number, email: 'ask@example.ca', wantsPrimary: 'yes', reason: 'The primary user left.' })
    const req = await t.db.selectFrom('pin_reset_request').selectAll().where('requester_user_id', '=', u.asker!.id).executeTakeFirstOrThrow()
    const officer = await as(t, u.officer!)
    const open = await officer.get(`/en/console/pin-resets/${req.id}`)
    assert.equal(summary(open).has('Decided by'), false, 'nothing decided yet')
    // The waiting list says who has each request.
    assert.equal(text((await officer.get('/en/console/pin-resets')).dom.querySelectorAll('main table thead th').at(-1)), 'Assigned to')
    await officer.get(`/en/console/pin-resets/${req.id}`)
    t.clock.advanceMinutes(5)
    assert.equal((await officer.post(`/en/console/pin-resets/${req.id}/decision`, { decision: 'refuse', reason: 'Could not confirm the person.' })).status, 303)

    for (const lang of ['en', 'fr'] as const) {
      const page = await officer.get(`/${lang}/console/pin-resets/${req.id}`)
      const rows = summary(page)
      assert.equal(rows.get(lang === 'en' ? 'Decided by' : 'Décision rendue par'), 'Olive Officer')
      assert.match(rows.get(lang === 'en' ? 'Decided on' : 'Décision rendue le') ?? '', lang === 'en' ? /Mar 2, 2026.*12:45/ : /2 mars 2026.*12 h 45/)
    }
    const list = await officer.get('/en/console/pin-resets?status=refused')
    const headings = list.dom.querySelectorAll('main table thead th').map((th) => text(th))
    assert.deepEqual(headings.slice(-2), ['Decided by', 'Decided on'])
    const row = list.dom.querySelectorAll('main table tbody tr').find((r) => r.querySelector(`a[href="/en/console/pin-resets/${req.id}"]`))
    assert.ok(row)
    assert.match(text(row), /Olive Officer.*Mar 2, 2026/)
  })

  it('a reactivation request says when the account became dormant and the sign-in before, not the sign-in made to ask; decided, who decided and when', async () => {
    const now = t.clock.now()
    const away = await createUser(t.db, { username: 'away', givenName: 'Al', familyName: 'Away' }, monthsBefore(now, 30))
    const before = monthsBefore(now, 25)
    await t.db.updateTable('app_user').set({ last_sign_in_at: before, previous_sign_in_at: null }).where('id', '=', away.id).execute()
    // Signs in after 2 years away: dormant from this sign-in.
    const c = new TestClient(t.app)
    assert.equal((await signIn(c, 'away')).status, 303)
    await c.get('/en/dormancy/reactivate')
    assert.equal((await c.post('/en/dormancy/reactivate', { reason: 'I am back.' })).status, 303)
    const rq = await t.db.selectFrom('reactivation_request').selectAll().where('user_id', '=', away.id).executeTakeFirstOrThrow()

    const officer = await as(t, u.officer!)
    const page = await officer.get(`/en/console/reactivations/${rq.id}`)
    const rows = summary(page)
    const today = /Mar 2, 2026/
    assert.match(rows.get('Became dormant') ?? '', today)
    assert.match(rows.get('Last signed in before becoming dormant') ?? '', /2024/, 'the sign-in 25 months ago')
    assert.doesNotMatch(text(page.dom.querySelector('main')), /Last signed in\s+Mar 2, 2026/)
    const list = await officer.get('/en/console/reactivations')
    assert.equal(text(list.dom.querySelectorAll('main table thead th')[1]), 'Became dormant')

    await officer.post(`/en/console/reactivations/${rq.id}/decision`, { decision: 'reactivate', reason: 'Confirmed.' })
    const decided = summary(await officer.get(`/fr/console/reactivations/${rq.id}`))
    assert.equal(decided.get('Décision rendue par'), 'Olive Officer')
    assert.match(decided.get('Décision rendue le') ?? '', /2 mars 2026/)
    const reactivated = await officer.get('/en/console/reactivations?status=reactivated')
    assert.match(text(reactivated.dom.querySelector('main table tbody')), /Al Away.*Olive Officer/)
  })

  it('finds the sign-in a dormancy followed, whichever of the two kept it is', () => {
    const dormantAt = new Date('2026-03-02T12:00:00Z')
    const old = new Date('2024-01-10T12:00:00Z')
    const today = new Date('2026-03-02T11:59:00Z')
    // Made dormant by the job: the last sign-in is the one.
    assert.equal(signInBeforeDormancy({ last_sign_in_at: old, previous_sign_in_at: null }, dormantAt), old)
    // Made dormant at sign-in, or signed in since: the one before.
    assert.equal(signInBeforeDormancy({ last_sign_in_at: today, previous_sign_in_at: old }, dormantAt), old)
    assert.equal(signInBeforeDormancy({ last_sign_in_at: null, previous_sign_in_at: null }, dormantAt), null)
    assert.equal(signInBeforeDormancy({ last_sign_in_at: today, previous_sign_in_at: null }, dormantAt), null)
    assert.equal(signInBeforeDormancy({ last_sign_in_at: today, previous_sign_in_at: today }, dormantAt), undefined, 'signed in twice since: not known')
  })

  it('a dormant primary user’s home page says the account is dormant and offers only what they can do: no link that answers 403', async () => {
    const sleeper = await createUser(t.db, { username: 'sleepy', givenName: 'Sam', familyName: 'Sleeper' }, t.clock.now())
    await business(t, 'Lima Pruche Ltée', sleeper)
    await t.db.updateTable('app_user').set({ status: 'dormant' }).where('id', '=', sleeper.id).execute()
    const c = await as(t, sleeper)
    for (const lang of ['en', 'fr'] as const) {
      const home = await c.get(`/${lang}/home`)
      assert.equal(home.status, 200)
      const main = home.dom.querySelector('main')!
      assert.match(text(main.querySelector('.notice')), lang === 'en' ? /Your account is dormant/ : /Votre compte est inactif/)
      assert.ok(main.querySelector(`a[href="/${lang}/dormancy/reactivate"]`), 'asks for reactivation')
      assert.match(text(main), /Lima Pruche Ltée/, 'the business is still named')
      // Every link of the page's content opens for them.
      const links = [...new Set(main.querySelectorAll('a').map((a) => a.getAttribute('href')!).filter((h) => h.startsWith('/')))]
      assert.ok(links.length > 0)
      for (const href of links) assert.equal((await c.get(href)).status, 200, href)
      // Said once: no banner repeating the page's notice.
      assert.doesNotMatch(text(home.dom.querySelector('.banners')), lang === 'en' ? /dormant/ : /inactif/)
    }
    // Once asked, the home page says the request is being reviewed instead of offering to ask again.
    await c.get('/en/dormancy/reactivate')
    await c.post('/en/dormancy/reactivate', { reason: 'Back to work.' })
    const home = await c.get('/en/home')
    assert.match(text(home.dom.querySelector('main .notice')), /request for reactivation was received/)
    assert.equal(home.dom.querySelector('main a[href="/en/dormancy/reactivate"]'), null)
  })

  it('someone acting for a dormant business sees no link on their home page that would refuse them', async () => {
    const away = await createUser(t.db, { username: 'alma.away', givenName: 'Alma', familyName: 'Away' }, t.clock.now())
    const member = await createUser(t.db, { username: 'milo.member', givenName: 'Milo', familyName: 'Member' }, t.clock.now())
    const asleep = await business(t, 'Sierra Sommeil Inc.', away)
    await t.db.insertInto('business_membership').values({ business_id: asleep.id, user_id: member.id, role: 'secondary', created_at: t.clock.now(), created_by: away.id }).execute()
    await t.db.updateTable('app_user').set({ status: 'dormant' }).where('id', '=', away.id).execute()
    await t.db.updateTable('business').set({ status: 'dormant' }).where('id', '=', asleep.id).execute()
    const c = await as(t, member)
    for (const lang of ['en', 'fr'] as const) {
      const home = await c.get(`/${lang}/home`)
      assert.equal(home.status, 200)
      assert.match(text(home.dom.querySelector('.banners')), /Sierra Sommeil Inc\./, 'the banner says the business is dormant')
      const main = home.dom.querySelector('main')!
      assert.equal(main.querySelector(`a[href="/${lang}/offers"]`), null, 'no queue')
      assert.equal(main.querySelector(`a[href="/${lang}/access"]`), null, 'no access management')
      const links = [...new Set(main.querySelectorAll('a').map((a) => a.getAttribute('href')!).filter((h) => h.startsWith('/')))]
      assert.ok(links.includes(`/${lang}/messages`))
      for (const href of links) assert.equal((await c.get(href)).status, 200, href)
    }
  })

  it('the page showing a new PIN is titled for what was done: a branch created, a user created, a PIN issued again', async () => {
    const owner = await as(t, u.owner!)
    const b = await business(t, 'Mike Tamarack Inc', u.owner!)
    await owner.get(`/en/access/branches/new?business=${b.id}`)
    const branch = await owner.post(`/en/access/branches/new?business=${b.id}`, { name: 'West', street: '2 Main St', city: 'Ottawa', province: 'ON', postalCode: 'K1A 0B1', givenNames: 'Bea', familyName: 'Branch', email: '' })
    assert.equal(branch.status, 303, branch.body.slice(0, 400))
    const branchPage = await owner.follow(branch)
    assert.equal(text(branchPage.dom.querySelector('main h1')), 'Branch created')
    assert.match(text(branchPage.dom.querySelector('title')), /^Branch created - /)
    const pinId = /\/access\/pins\/([0-9a-f-]+)\/created$/.exec(branch.location!)![1]!
    assert.equal(text((await owner.get(`/fr/access/pins/${pinId}/created`)).dom.querySelector('main h1')), 'Succursale créée')

    await owner.get(`/en/access/users/new?business=${b.id}`)
    const user = await owner.post(`/en/access/users/new?business=${b.id}`, { givenNames: 'Sue', familyName: 'Second', email: '', attest: 'yes' })
    assert.equal(text((await owner.follow(user)).dom.querySelector('main h1')), 'User created')
    const userPin = /\/access\/pins\/([0-9a-f-]+)\/created$/.exec(user.location!)![1]!
    await owner.get(`/en/access/pins/${userPin}/reissue`)
    const again = await owner.post(`/en/access/pins/${userPin}/reissue`)
    assert.equal(text((await owner.follow(again)).dom.querySelector('main h1')), 'New PIN issued')
    assert.equal(text((await owner.get(`/fr/access/pins/${userPin}/created`)).dom.querySelector('main h1')), 'Nouveau NIP émis')
  })
})

describe('access: officers’ decisions on PIN resets and reactivations are asked about first, with what to check them against', () => {
  let t: TestApp
  const u: Record<string, AppUser> = {}

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set(new Date('2026-03-02T17:40:00Z'))
    for (const name of ['boss', 'claimer', 'dozer']) u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test' }, t.clock.now())
    u.officer = await createUser(t.db, { username: 'olive', givenName: 'Olive', familyName: 'Officer', role: 'officer' }, t.clock.now())
    u.other = await createUser(t.db, { username: 'otto', givenName: 'Otto', familyName: 'Other', role: 'officer' }, t.clock.now())
  })
  after(() => t.close())

  it('a PIN that makes the requester the primary user: the request shows their place in the business and their other requests; the decision asks first, names who gains and who loses the role, and the primary user is told', async () => {
    const b = await business(t, 'Oscar Pruche Inc.', u.boss!)
    // The requester already acts for the business, as a secondary user, and has asked the department for the role another way too.
    await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: u.claimer!.id, role: 'secondary', created_at: t.clock.now(), created_by: u.boss!.id }).execute()
    const transfer = await t.db.insertInto('primary_transfer_request').values({ business_id: b.id, requester_user_id: u.claimer!.id, reason: 'The owner left.', created_at: t.clock.now() }).returning('id').executeTakeFirstOrThrow()
    const claimer = await as(t, u.claimer!)
    await claimer.get('/en/pin-reset')
    await claimer.post('/en/pin-reset', { givenNames: 'Clara', familyName: 'Claim', businessNumber: b.number, email: 'clara@example.ca', wantsPrimary: 'yes', reason: 'The owner left.' })
    const req = await t.db.selectFrom('pin_reset_request').selectAll().where('requester_user_id', '=', u.claimer!.id).executeTakeFirstOrThrow()

    const officer = await as(t, u.officer!)
    const base = `/en/console/pin-resets/${req.id}`
    const open = await officer.get(base)
    const rows = summary(open)
    assert.equal(rows.get('The requester in this business'), 'Secondary user')
    assert.match(rows.get('Other open requests of this person or business') ?? '', /Primary-role transfer request of claimer Test \(Oscar Pruche Inc\.\)/)
    assert.ok(open.dom.querySelector(`main a[href="/en/console/transfers/${transfer.id}"]`), 'linked to the transfer request')
    assert.equal(summary(await officer.get(`/fr${base.slice(3)}`)).get('Le demandeur dans cette entreprise'), 'Utilisateur secondaire')
    assert.ok(open.dom.querySelector(`main form[action="${base}/decision/confirm"]`), 'the decision form asks first')

    const asked = await officer.post(`${base}/decision/confirm`, { decision: 'issue', reason: 'Confirmed by phone.' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('main h1')), 'Issue a PIN that makes Clara Claim the primary user of Oscar Pruche Inc.?')
    const confirm = summary(asked)
    assert.match(confirm.get('Gets the primary role') ?? '', /Clara Claim: claimer Test \(claimer, claimer@example\.ca\)/)
    assert.equal(confirm.get('Loses the primary role (becomes a secondary user)'), 'boss Test (boss, boss@example.ca)')
    assert.match(text(asked.dom.querySelector('main')), /boss Test is told now/)
    assert.deepEqual(asked.dom.querySelectorAll(`main form[action="${base}/decision"] button`).map((x) => text(x)), ['Yes, issue the PIN', 'No, change the decision'])
    assert.equal((await t.db.selectFrom('pin_reset_request').select('status').where('id', '=', req.id).executeTakeFirstOrThrow()).status, 'submitted', 'asking changes nothing')
    assert.equal((await t.db.selectFrom('access_pin').select('id').where('business_id', '=', b.id).execute()).length, 0)
    assert.equal(text((await officer.post(`/fr/console/pin-resets/${req.id}/decision/confirm`, { decision: 'issue', reason: 'x' })).dom.querySelector('main h1')), 'Émettre un NIP qui fait de Clara Claim l’utilisateur principal d’Oscar Pruche Inc.?')
    // "No, change the decision": the form again, as it was filled in.
    const back = await officer.post(`${base}/decision`, { decision: 'issue', reason: 'Confirmed by phone.', change: 'yes' })
    assert.equal(back.status, 200)
    assert.equal(back.dom.querySelector('main input[name="decision"][value="issue"]')?.getAttribute('checked'), '')
    assert.equal((await t.db.selectFrom('pin_reset_request').select('status').where('id', '=', req.id).executeTakeFirstOrThrow()).status, 'submitted')

    assert.equal((await officer.post(`${base}/decision`, { decision: 'issue', reason: 'Confirmed by phone.' })).status, 303)
    // The primary user the PIN will replace is told at once, in the portal and by e-mail, with whom to contact.
    const told = await t.db.selectFrom('account_message').select(['body', 'subject']).where('user_id', '=', u.boss!.id).where('template', '=', 'accessPrimaryPinIssued').execute()
    assert.equal(told.length, 1)
    assert.match(told[0]!.subject, /Clara Claim the primary user of Oscar Pruche Inc\./)
    assert.match(told[0]!.body, /help and support page/)
    assert.ok(await t.db.selectFrom('email_outbox').select('id').where('template', '=', 'accessPrimaryPinIssued').where('to_address', '=', u.boss!.email!).executeTakeFirst(), 'e-mailed')
    // Decided elsewhere meanwhile: asking again says so, and records nothing.
    const again = await officer.post(`${base}/decision/confirm`, { decision: 'refuse', reason: 'x' })
    assert.match(again.location ?? '', /done=already$/)
  })

  it('a reactivation asks first; its request names the person’s businesses (dormant ones said so) and what reactivation restores; another officer’s assignment is shown, not silently taken', async () => {
    const b = await business(t, 'Papa Sapin Ltée', u.dozer!)
    await t.db.updateTable('app_user').set({ status: 'dormant' }).where('id', '=', u.dozer!.id).execute()
    await t.db.updateTable('business').set({ status: 'dormant' }).where('id', '=', b.id).execute()
    await t.db.insertInto('user_dormancy').values({ user_id: u.dozer!.id, dormant_at: t.clock.now() }).execute()
    const rq = await t.db.insertInto('reactivation_request').values({ user_id: u.dozer!.id, reason: 'Back at work.', created_at: t.clock.now(), assigned_to: u.other!.id }).returning('id').executeTakeFirstOrThrow()
    const officer = await as(t, u.officer!)
    const base = `/en/console/reactivations/${rq.id}`

    const queue = await officer.get('/en/console/reactivations')
    assert.deepEqual(queue.dom.querySelectorAll('main table thead th').map((th) => text(th)), ['Person', 'Became dormant', 'Businesses', 'Sent', 'Assigned to'])
    assert.match(text(queue.dom.querySelector('main table tbody')), /dozer Test.*Papa Sapin Ltée.*Otto Other/)

    const page = await officer.get(base)
    const rows = summary(page)
    assert.match(rows.get('Businesses') ?? '', /Papa Sapin Ltée .* Primary user — the business is dormant/)
    assert.match(rows.get('What reactivation restores') ?? '', /A business that is dormant because this person is its primary user becomes active again/)
    const main = text(page.dom.querySelector('main'))
    assert.match(main, /Assigned to Otto Other\./)
    assert.match(main, /This request is assigned to Otto Other, not to you\./)
    assert.equal(text(page.dom.querySelector(`main form[action="${base}/assign"] button`)), 'Take the request over from Otto Other')

    const asked = await officer.post(`${base}/decision/confirm`, { decision: 'reactivate', reason: 'Confirmed.' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('main h1')), 'Reactivate the account of dozer Test?')
    assert.match(text(asked.dom.querySelector('main .notice-warning')), /assigned to Otto Other/)
    assert.equal((await t.db.selectFrom('app_user').select('status').where('id', '=', u.dozer!.id).executeTakeFirstOrThrow()).status, 'dormant', 'asking changes nothing')
    assert.equal(text((await officer.post(`/fr/console/reactivations/${rq.id}/decision/confirm`, { decision: 'refuse', reason: 'Non.' })).dom.querySelector('main h1')), 'Refuser la demande de dozer Test?')

    // Taken over: now "you".
    await officer.post(`${base}/assign`)
    assert.match(text((await officer.get(base)).dom.querySelector('main')), /Assigned to you\./)

    const decided = await officer.post(`${base}/decision`, { decision: 'reactivate', reason: 'Confirmed.' })
    assert.match(decided.location ?? '', /done=reactivated$/)
    assert.match(text((await officer.get(`${base}?done=reactivated`)).dom.querySelector('main .notice-success')), /The account was reactivated/)
    // The banner says what was recorded, never what the address says.
    assert.equal((await officer.get(`${base}?done=refused`)).dom.querySelector('main .notice-success'), null)
  })
})
