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
    for (const name of ['applicant', 'refusedOne', 'gone', 'claimant']) u[name] = await createUser(t.db, { username: name, givenName: name, familyName: 'Test' }, t.clock.now())
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
})
