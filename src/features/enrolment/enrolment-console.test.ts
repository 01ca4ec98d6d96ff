import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { AppUser } from '../../db/database.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { luhnCheckDigit } from '../reference/validators.ts'

let seq = 52000000
const bn = () => {
  const eight = String(seq++)
  return eight + luhnCheckDigit(eight)
}

async function as(t: TestApp, user: AppUser): Promise<TestClient> {
  const c = new TestClient(t.app)
  await signInAs(c, user.id)
  return c
}

/** A request sent for review, as the pages leave it. */
async function submitted(t: TestApp, requester: AppUser, legalName: string): Promise<string> {
  const now = t.clock.now()
  const r = await t.db
    .insertInto('enrolment_request')
    .values({ requester_user_id: requester.id, status: 'submitted', operates_in_canada: true, business_number: bn(), legal_name: legalName, legal_name_key: legalName.toLowerCase(), operating_name: legalName, street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0B1', phone: '+16135550123', submitted_at: now, created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow()
  return r.id
}

function summary(page: PageResponse): Map<string, string> {
  return new Map(page.dom.querySelectorAll('.summary-row').map((row) => [text(row.querySelector('.summary-key')), text(row.querySelector('.summary-value'))]))
}

function lastColumns(page: PageResponse, href: string): { headings: string[]; cells: string[] } {
  const headings = page.dom.querySelectorAll('main table thead th').map((th) => text(th))
  const row = page.dom.querySelectorAll('main table tbody tr').find((r) => r.querySelector(`a[href="${href}"]`))
  assert.ok(row, `a row for ${href}`)
  return { headings: headings.slice(-2), cells: row.querySelectorAll('td').map((td) => text(td)).slice(-2) }
}

describe('the console’s enrolment and transfer decisions: who decided, when, and why', () => {
  let t: TestApp
  const u: Record<string, AppUser> = {}

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set(new Date('2026-03-02T17:40:00Z'))
    for (const name of ['applicant', 'refusedOne', 'gone', 'claimant', 'confirmer', 'sleeper', 'heir']) u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test' }, t.clock.now())
    u.officer = await createUser(t.db, { username: 'oscar', givenName: 'Oscar', familyName: 'Officer', role: 'officer' }, t.clock.now())
  })
  after(() => t.close())

  it('an approved enrolment names its officer and date on its page and in the list of approved requests', async () => {
    const id = await submitted(t, u.applicant!, 'Nord Érable Inc.')
    const officer = await as(t, u.officer!)
    const waiting = await officer.get(`/en/console/enrolments/${id}`)
    assert.equal(summary(waiting).has('Decided by'), false)
    t.clock.advanceMinutes(5)
    assert.equal((await officer.post(`/en/console/enrolments/${id}/decision`, { decision: 'approve', reason: '', note: '' })).status, 303)

    const page = summary(await officer.get(`/en/console/enrolments/${id}`))
    assert.equal(page.get('Decided by'), 'Oscar Officer')
    assert.match(page.get('Decided on') ?? '', /Mar 2, 2026.*12:45/)
    const fr = summary(await officer.get(`/fr/console/enrolments/${id}`))
    assert.equal(fr.get('Décision rendue par'), 'Oscar Officer')
    assert.match(fr.get('Décision rendue le') ?? '', /2 mars 2026.*12 h 45/)

    const list = lastColumns(await officer.get('/en/console/enrolments?status=approved'), `/en/console/enrolments/${id}`)
    assert.deepEqual(list.headings, ['Decided by', 'Decided on'])
    assert.equal(list.cells[0], 'Oscar Officer')
    assert.match(list.cells[1]!, /Mar 2, 2026/)
  })

  it('a refused enrolment shows its reason and note to the officers who look later, as the employer reads them', async () => {
    const id = await submitted(t, u.refusedOne!, 'Sud Pruche Ltée')
    const officer = await as(t, u.officer!)
    await officer.get(`/en/console/enrolments/${id}`)
    assert.equal((await officer.post(`/en/console/enrolments/${id}/decision`, { decision: 'refuse', reason: 'other', note: 'The address is a post office box.' })).status, 303)

    const page = await officer.get(`/en/console/enrolments/${id}`)
    const rows = summary(page)
    assert.equal(rows.get('Reason for refusal'), 'Another reason (see the officer’s note)')
    assert.equal(rows.get('Note to the requester'), 'The address is a post office box.')
    assert.equal(rows.get('Decided by'), 'Oscar Officer')
    assert.equal(summary(await officer.get(`/fr/console/enrolments/${id}`)).get('Motif du refus'), 'Un autre motif (voir la note de l’agent)')
    assert.match(text((await officer.get('/en/console/enrolments?status=refused')).dom.querySelector('main table tbody')), /Sud Pruche Ltée.*Oscar Officer/)

    // The employer reads the same reason and note on their home page.
    const home = await (await as(t, u.refusedOne!)).get('/en/home')
    const refusal = text(home.dom.querySelector('main .notice'))
    assert.match(refusal, /Reason: Another reason \(see the officer’s note\)/)
    assert.match(refusal, /The address is a post office box\./)
  })

  it('a primary-role transfer shows the requester’s explanation as theirs, and once decided who decided, when, and the note', async () => {
    const now = t.clock.now()
    const b = await t.db
      .insertInto('business')
      .values({ business_number: bn(), legal_name: 'Ouest Cèdre Inc.', legal_name_key: 'ouest cèdre inc.', operating_name: 'Ouest', street: 's', city: 'c', province: 'ON', postal_code: 'K1A 0A9', phone: '+16135550123', employer_number: 'E5200001', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: u.gone!.id, role: 'primary', created_at: now }).execute()
    const r = await t.db.insertInto('primary_transfer_request').values({ business_id: b.id, requester_user_id: u.claimant!.id, reason: 'The owner sold the business to me.', created_at: now }).returning('id').executeTakeFirstOrThrow()

    const officer = await as(t, u.officer!)
    const open = await officer.get(`/en/console/transfers/${r.id}`)
    const rows = summary(open)
    assert.equal(rows.get('The requester’s explanation'), 'The owner sold the business to me.')
    assert.equal(rows.has('Your explanation'), false)
    assert.equal(summary(await officer.get(`/fr/console/transfers/${r.id}`)).get('L’explication du demandeur'), 'The owner sold the business to me.')
    assert.equal(rows.has('Decided by'), false)

    t.clock.advanceMinutes(5)
    assert.equal((await officer.post(`/en/console/transfers/${r.id}/decision`, { decision: 'refuse', note: 'No proof of the sale.' })).status, 303)
    const decided = summary(await officer.get(`/en/console/transfers/${r.id}`))
    assert.equal(decided.get('Note to the requester'), 'No proof of the sale.')
    assert.equal(decided.get('Decided by'), 'Oscar Officer')
    assert.match(decided.get('Decided on') ?? '', /Mar 2, 2026/)

    // Decided requests leave the waiting list and are found under their status, with their decider.
    assert.equal((await officer.get('/en/console/transfers')).dom.querySelector(`a[href="/en/console/transfers/${r.id}"]`), null)
    const list = lastColumns(await officer.get('/en/console/transfers?status=refused'), `/en/console/transfers/${r.id}`)
    assert.deepEqual(list.headings, ['Decided by', 'Decided on'])
    assert.equal(list.cells[0], 'Oscar Officer')
  })
  it('an enrolment decision is recorded by a button that says so, after a page that asks (no script needed); the approved request keeps its employer number', async () => {
    const id = await submitted(t, u.confirmer!, 'Est Bouleau Inc.')
    const officer = await as(t, u.officer!)
    const open = await officer.get(`/en/console/enrolments/${id}`)
    const form = open.dom.querySelector(`main form[action="/en/console/enrolments/${id}/decision/confirm"]`)
    assert.ok(form, 'the decision form asks first')
    assert.equal(text(form.querySelector('button')), 'Record the decision')
    assert.equal(open.dom.querySelectorAll('main button').some((b) => /^Continue$/.test(text(b))), false)
    // The employer side's formatting: the business number in threes, the phone number punctuated.
    assert.match(summary(open).get('Business number') ?? '', /^\d{3} \d{3} \d{3}$/)
    assert.equal(summary(open).get('Business phone number'), '+1 613-555-0123')

    const asked = await officer.post(`/en/console/enrolments/${id}/decision/confirm`, { decision: 'approve', reason: '', note: '' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('main h1')), 'Approve the enrolment of Est Bouleau Inc.?')
    assert.match(text(asked.dom.querySelector('main')), /confirmer Test becomes its primary user and is told by e-mail/)
    const yes = asked.dom.querySelector(`main form[action="/en/console/enrolments/${id}/decision"]`)
    assert.ok(yes)
    assert.deepEqual(yes.querySelectorAll('button').map((b) => text(b)), ['Yes, approve the enrolment', 'No, change the decision'])
    assert.equal((await t.db.selectFrom('enrolment_request').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'submitted', 'asking changes nothing')
    const fr = await officer.post(`/fr/console/enrolments/${id}/decision/confirm`, { decision: 'refuse', reason: 'other', note: 'Boîte postale.' })
    assert.equal(text(fr.dom.querySelector('main h1')), 'Refuser l’inscription d’Est Bouleau Inc.?')
    assert.equal(text(fr.dom.querySelector('main form button')), 'Oui, refuser l’inscription')
    // "No, change the decision": the form again, as it was filled in, and nothing recorded.
    const back = await officer.post(`/en/console/enrolments/${id}/decision`, { decision: 'refuse', reason: 'other', note: 'Boîte postale.', change: 'yes' })
    assert.equal(back.status, 200)
    assert.equal(back.dom.querySelector('main input[name="decision"][value="refuse"]')?.getAttribute('checked'), '')
    assert.equal(text(back.dom.querySelector('main textarea[name="note"]')), 'Boîte postale.')
    assert.equal((await t.db.selectFrom('enrolment_request').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status, 'submitted')
    // Errors come back on the form, before any question.
    assert.equal((await officer.post(`/en/console/enrolments/${id}/decision/confirm`, { decision: 'refuse', reason: '', note: '' })).status, 400)

    assert.equal((await officer.post(`/en/console/enrolments/${id}/decision`, { decision: 'approve', reason: '', note: '' })).status, 303)
    const employerNumber = (await t.db.selectFrom('business').select('employer_number').where('legal_name', '=', 'Est Bouleau Inc.').executeTakeFirstOrThrow()).employer_number
    assert.equal(summary(await officer.get(`/en/console/enrolments/${id}`)).get('Employer number'), employerNumber, 'after the one-time notice too')
    assert.equal(summary(await officer.get(`/fr/console/enrolments/${id}`)).get('Numéro d’employeur'), employerNumber)
    // A decided request asks nothing.
    const again = await officer.post(`/en/console/enrolments/${id}/decision/confirm`, { decision: 'approve', reason: '', note: '' })
    assert.match(text(again.dom.querySelector('.error-summary')), /already decided/)
  })

  it('a transfer request shows whether its primary user still signs in, can be assigned, asks before the decision, and keeps who it replaced', async () => {
    const now = t.clock.now()
    const b = await t.db
      .insertInto('business')
      .values({ business_number: bn(), legal_name: 'Nord Tremble Ltée', legal_name_key: 'nord tremble ltée', operating_name: 'Nord', street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0A9', phone: '+16135550123', employer_number: 'E5200002', created_at: now, updated_at: now })
      .returning(['id', 'business_number'])
      .executeTakeFirstOrThrow()
    await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: u.sleeper!.id, role: 'primary', created_at: now }).execute()
    await t.db.updateTable('app_user').set({ status: 'dormant', last_sign_in_at: new Date('2024-01-10T15:00:00Z') }).where('id', '=', u.sleeper!.id).execute()
    await t.db.insertInto('user_dormancy').values({ user_id: u.sleeper!.id, dormant_at: new Date('2026-01-10T15:00:00Z') }).execute()
    const r = await t.db.insertInto('primary_transfer_request').values({ business_id: b.id, requester_user_id: u.heir!.id, reason: 'The owner retired.', created_at: now }).returning('id').executeTakeFirstOrThrow()

    const officer = await as(t, u.officer!)
    const open = await officer.get(`/en/console/transfers/${r.id}`)
    const rows = summary(open)
    assert.equal(rows.get('Business number'), `${b.business_number.slice(0, 3)} ${b.business_number.slice(3, 6)} ${b.business_number.slice(6)}`)
    assert.match(rows.get('Current primary user’s last sign-in before becoming dormant') ?? '', /Jan 10, 2024/)
    assert.equal(rows.get('Current primary user’s account'), 'Dormant since January 10, 2026')
    assert.equal(summary(await officer.get(`/fr/console/transfers/${r.id}`)).get('Compte de l’utilisateur principal actuel'), 'Inactif depuis le 10 janvier 2026')
    assert.match(text(open.dom.querySelector('main')), /Not assigned/)

    // Assign to me, as in the other queues.
    assert.equal((await officer.post(`/en/console/transfers/${r.id}/assign`, {})).status, 303)
    const assigned = await officer.get(`/en/console/transfers/${r.id}`)
    assert.match(text(assigned.dom.querySelector('main')), /Assigned to you\./)
    assert.equal(assigned.dom.querySelector(`form[action="/en/console/transfers/${r.id}/assign"]`), null)
    assert.equal(text((await officer.get(`/fr/console/transfers/${r.id}`)).dom.querySelector(`main`)).includes('Cette demande vous est attribuée.'), true)

    // The form's button records the decision, after a page that asks.
    const form = assigned.dom.querySelector(`main form[action="/en/console/transfers/${r.id}/decision/confirm"]`)
    assert.equal(text(form?.querySelector('button')), 'Record the decision')
    const asked = await officer.post(`/en/console/transfers/${r.id}/decision/confirm`, { decision: 'approve', note: '' })
    assert.equal(asked.status, 200)
    assert.equal(text(asked.dom.querySelector('main h1')), 'Make the requester the primary user of Nord Tremble Ltée?')
    assert.match(text(asked.dom.querySelector('main')), /heir Test becomes the primary user of Nord Tremble Ltée at once; sleeper Test becomes a secondary user/)
    assert.deepEqual(asked.dom.querySelectorAll(`main form[action="/en/console/transfers/${r.id}/decision"] button`).map((x) => text(x)), ['Yes, make them the primary user', 'No, change the decision'])
    assert.equal((await t.db.selectFrom('primary_transfer_request').select('status').where('id', '=', r.id).executeTakeFirstOrThrow()).status, 'submitted', 'asking changes nothing')
    assert.equal((await officer.post(`/en/console/transfers/${r.id}/decision/confirm`, { decision: 'refuse', note: '' })).status, 400, 'a refusal needs its note before the question')

    assert.equal((await officer.post(`/en/console/transfers/${r.id}/decision`, { decision: 'approve', note: '' })).status, 303)
    const decided = summary(await officer.get(`/en/console/transfers/${r.id}`))
    assert.equal(decided.get('Current primary user'), 'heir Test <heir@example.ca>')
    assert.equal(decided.get('Former primary user (replaced)'), 'sleeper Test <sleeper@example.ca>')
    assert.equal(summary(await officer.get(`/fr/console/transfers/${r.id}`)).get('Ancien utilisateur principal (remplacé)'), 'sleeper Test <sleeper@example.ca>')
    const audit = await t.db.selectFrom('audit_event').select('action').where('object_id', '=', r.id).orderBy('id').execute()
    assert.deepEqual(audit.map((a) => a.action), ['transfer.assigned', 'transfer.approved'])
  })
})

describe('the console’s enrolment and transfer pages: banners read back, assignments said, branches handled, context shown', () => {
  let t: TestApp
  const u: Record<string, AppUser> = {}

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set(new Date('2026-03-02T17:40:00Z'))
    for (const name of ['asker', 'refusee', 'boss', 'lead', 'sleepy']) u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test' }, t.clock.now())
    u.officer = await createUser(t.db, { username: 'oscar', givenName: 'Oscar', familyName: 'Officer', role: 'officer' }, t.clock.now())
    u.other = await createUser(t.db, { username: 'otto', givenName: 'Otto', familyName: 'Other', role: 'officer' }, t.clock.now())
  })
  after(() => t.close())

  it('enrolments: the queue says who has each request; another officer’s is warned about; an approval drops (and says so) a typed refusal; banners say what was recorded; “already decided” links to the decision', async () => {
    const id = await submitted(t, u.asker!, 'Fox Pin Inc.')
    await t.db.updateTable('enrolment_request').set({ assigned_to: u.other!.id }).where('id', '=', id).execute()
    const officer = await as(t, u.officer!)
    const queue = await officer.get('/en/console/enrolments')
    assert.equal(text(queue.dom.querySelectorAll('main table thead th').at(-1)), 'Assigned to')
    assert.match(text(queue.dom.querySelectorAll('main table tbody tr').find((r) => r.querySelector(`a[href="/en/console/enrolments/${id}"]`))), /Otto Other$/)

    const page = await officer.get(`/en/console/enrolments/${id}`)
    assert.match(text(page.dom.querySelector('main .notice-warning')), /assigned to Otto Other, not to you/)
    assert.equal(text(page.dom.querySelector(`main form[action="/en/console/enrolments/${id}/assign"] button`)), 'Take the request over from Otto Other')
    // The refusal's fields say they are for a refusal only.
    assert.match(text(page.dom.querySelector('main fieldset:has(select[name="reason"]) legend')), /If you refuse/)

    const asked = await officer.post(`/en/console/enrolments/${id}/decision/confirm`, { decision: 'approve', reason: 'other', note: 'Typed by mistake.' })
    assert.match(text(asked.dom.querySelector('main')), /What you typed for a refusal \(the reason or the note\) is not kept with an approval/)
    const yes = asked.dom.querySelector(`main form[action="/en/console/enrolments/${id}/decision"]`)!
    assert.equal(yes.querySelector('input[name="note"]')?.getAttribute('value'), '', 'the note is not carried to the approval')
    assert.match(text(asked.dom.querySelector('main')), /assigned to Otto Other/)

    const refused = await submitted(t, u.refusee!, 'Golf Pin Ltée')
    await officer.post(`/en/console/enrolments/${refused}/decision`, { decision: 'refuse', reason: 'notOperating', note: '' })
    const faked = await officer.get(`/en/console/enrolments/${refused}?done=approved&employerNumber=E0000000`)
    assert.equal(faked.dom.querySelector('main .notice-success'), null, 'no approval banner on a refused request')
    assert.doesNotMatch(text(faked.dom.querySelector('main')), /E0000000/)
    assert.match(text((await officer.get(`/en/console/enrolments/${refused}?done=refused`)).dom.querySelector('main .notice-success')), /Refused/)

    const approved = await officer.post(`/en/console/enrolments/${id}/decision`, { decision: 'approve', reason: '', note: '' })
    assert.equal(approved.location, `/en/console/enrolments/${id}?done=approved`)
    const employerNumber = (await t.db.selectFrom('business').select('employer_number').where('legal_name', '=', 'Fox Pin Inc.').executeTakeFirstOrThrow()).employer_number
    assert.match(text((await officer.get(`/en/console/enrolments/${id}?done=approved&employerNumber=E0000000`)).dom.querySelector('main .notice-success')), new RegExp(`Employer number ${employerNumber} assigned`))

    const again = await officer.post(`/en/console/enrolments/${id}/decision/confirm`, { decision: 'refuse', reason: 'other', note: 'x' })
    const link = again.dom.querySelector('.error-summary a')!
    assert.equal(link.getAttribute('href'), '#decided')
    assert.ok(again.dom.querySelector('#decided'), 'the link leads to the recorded decision')
  })

  it('transfers: the requester’s role, other open requests, a recent change, a dormant primary’s sign-in before dormancy; a branch left without its primary user is warned about and the replaced primary may take a branch; the e-mail says whom to contact', async () => {
    const now = t.clock.now()
    const b = await t.db
      .insertInto('business')
      .values({ business_number: bn(), legal_name: 'Hotel Orme Inc.', legal_name_key: 'hotel orme inc.', operating_name: 'Hotel', street: '1 Main St', city: 'Ottawa', province: 'ON', postal_code: 'K1A 0A9', phone: '+16135550123', employer_number: 'E5200077', created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    const branch = (name: string) => t.db.insertInto('branch').values({ business_id: b.id, name, street: 's', city: 'c', province: 'ON', postal_code: 'K1A 0A9', created_at: now, created_by: null }).returning('id').executeTakeFirstOrThrow()
    const north = await branch('Nord')
    const south = await branch('Sud')
    await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: u.sleepy!.id, role: 'primary', created_at: now }).execute()
    await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: u.lead!.id, role: 'branch_primary', branch_id: north.id, created_at: now }).execute()
    // Dormant since January; signed in since to ask for reactivation: the page shows the sign-in before.
    await t.db.updateTable('app_user').set({ status: 'dormant', last_sign_in_at: new Date('2026-02-20T15:00:00Z'), previous_sign_in_at: new Date('2023-12-05T15:00:00Z') }).where('id', '=', u.sleepy!.id).execute()
    await t.db.insertInto('user_dormancy').values({ user_id: u.sleepy!.id, dormant_at: new Date('2026-01-10T15:00:00Z') }).execute()
    const pinReset = await t.db.insertInto('pin_reset_request').values({ requester_user_id: u.boss!.id, given_names: 'Bo', family_name: 'Boss', business_key: 'E5200077', business_id: b.id, email: 'bo@example.ca', reason: 'Lost it.', wants_primary: true, handled_by: 'officers', created_at: now }).returning('id').executeTakeFirstOrThrow()
    await t.db.insertInto('audit_event').values({ occurred_at: new Date(now.getTime() - 3 * 86_400_000), actor_user_id: u.other!.id, actor_label: 'otto', action: 'transfer.approved', business_id: b.id, object_type: 'primary_transfer_request', object_id: null, ip: null, request_id: null }).execute()
    const r = await t.db.insertInto('primary_transfer_request').values({ business_id: b.id, requester_user_id: u.lead!.id, reason: 'The owner retired.', created_at: now }).returning('id').executeTakeFirstOrThrow()
    const base = `/en/console/transfers/${r.id}`

    const officer = await as(t, u.officer!)
    const queue = await officer.get('/en/console/transfers')
    assert.equal(text(queue.dom.querySelectorAll('main table thead th').at(-1)), 'Assigned to')
    const page = await officer.get(base)
    const rows = summary(page)
    assert.equal(rows.get('Requester’s role in the business'), 'Branch primary user, Nord branch')
    assert.match(rows.get('Other open requests of this person or business') ?? '', /PIN reset request of Bo Boss \(Hotel Orme Inc\.\)/)
    assert.ok(page.dom.querySelector(`main a[href="/en/console/pin-resets/${pinReset.id}"]`))
    assert.match(rows.get('Current primary user’s last sign-in before becoming dormant') ?? '', /Dec 5, 2023/)
    assert.doesNotMatch(text(page.dom.querySelector('main')), /Feb 20, 2026/)
    const warnings = page.dom.querySelectorAll('main .notice-warning').map((n) => text(n))
    assert.equal(page.dom.querySelectorAll('main .notice-warning').length, 1, 'one notice for the warnings (its heading id is unique on the page)')
    assert.ok(warnings.some((w) => /The primary role of Hotel Orme Inc\. changed hands.*Feb 27, 2026/.test(w)), warnings.join(' | '))
    assert.ok(warnings.some((w) => /lead Test is the primary user of the Nord branch/.test(w)), warnings.join(' | '))
    assert.deepEqual(page.dom.querySelectorAll('main input[name="becomes"]').map((i) => i.getAttribute('value')), ['secondary', north.id, south.id])
    assert.match(text(page.dom.querySelector('main #note-hint')), /Required for a refusal/)
    assert.equal(summary(await officer.get(`/fr/console/transfers/${r.id}`)).get('Rôle du demandeur dans l’entreprise'), 'Utilisateur principal de succursale, succursale Nord')

    const asked = await officer.post(`${base}/decision/confirm`, { decision: 'approve', note: '', becomes: south.id })
    assert.equal(asked.status, 200)
    assert.equal(summary(asked).get('What sleepy Test becomes'), 'The primary user of the Sud branch, which has no primary user of its own')
    assert.match(text(asked.dom.querySelector('main')), /sleepy Test becomes the primary user of the Sud branch/)
    assert.equal((await officer.post(`${base}/decision/confirm`, { decision: 'approve', note: '', becomes: 'not-a-branch' })).status, 400)

    assert.equal((await officer.post(`${base}/decision`, { decision: 'approve', note: '', becomes: south.id })).status, 303)
    const roles = await t.db.selectFrom('business_membership').select(['user_id', 'role', 'branch_id']).where('business_id', '=', b.id).where('status', '=', 'active').execute()
    assert.deepEqual(roles.find((m) => m.user_id === u.lead!.id), { user_id: u.lead!.id, role: 'primary', branch_id: null })
    assert.deepEqual(roles.find((m) => m.user_id === u.sleepy!.id), { user_id: u.sleepy!.id, role: 'branch_primary', branch_id: south.id })
    const told = await t.db.selectFrom('account_message').select('body').where('user_id', '=', u.sleepy!.id).where('template', '=', 'transferReplaced').executeTakeFirstOrThrow()
    assert.match(told.body, /You are now the primary user of the Sud branch/)
    assert.match(told.body, /If you object to this change, contact the department through the Employer Portal’s help and support page/)

    // Banners read back what was recorded; "already decided" links to the recorded decision.
    assert.equal((await officer.get(`${base}?done=refused`)).dom.querySelector('main .notice-success'), null)
    assert.match(text((await officer.get(`${base}?done=approved`)).dom.querySelector('main .notice-success')), /now the primary user/)
    const again = await officer.post(`${base}/decision/confirm`, { decision: 'refuse', note: 'x' })
    assert.equal(again.dom.querySelector('.error-summary a')?.getAttribute('href'), '#decided')
    assert.ok(again.dom.querySelector('#decided'))
  })
})
