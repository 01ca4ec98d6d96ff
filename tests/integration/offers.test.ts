import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { testApp, type TestApp } from '../helpers/app.ts'
import { errorSummaryLinks, TestClient, text, type Form } from '../helpers/http.ts'
import { createUser, signIn, TEST_PASSWORD } from '../helpers/users.ts'

const VALID: Record<string, Form> = {
  exemption: { exemptionCode: 'C10', exemptionExplanation: 'A chef whose regional cooking brings a significant cultural benefit to Canada.', feeExemption: 'none' },
  business: { employees: '25', yearStarted: '2004', mainActivities: 'A restaurant serving Québécois cuisine.' },
  job: { jobTitle: 'Chef de cuisine', nocCode: '62200', mainDuties: 'Plan menus, run the kitchen, train cooks.', workStreet: '1 rue Principale', workCity: 'Québec', workProvince: 'QC', workPostalCode: 'g1r 4s9', startDate: '2026-06-01', endDate: '2027-05-31', hoursPerWeek: '40', additionalLocation: 'no' },
  requirements: { education: 'college', experienceYears: '5', languages: ['fr', 'en'] },
  wage: { wage: '32.50', wageUnit: 'hour', benefits: ['health', 'vacation'] },
  worker: { familyName: 'Nguyễn-O’Brien', givenNames: 'Thị Mai', sex: 'F', dateOfBirth: '1990-07-14', countryOfBirth: 'VN', countryOfResidence: 'VN', citizenship: 'VN', passportNumber: 'C1234567' },
  attestations: { agreement: 'yes', noFeeRecovery: 'yes', activelyEngaged: 'yes', compliesWithLaws: 'yes', sameOccupation: 'yes', abuseFree: 'yes' },
}

async function business(t: TestApp, username: string, bn: string, name: string) {
  const user = await createUser(t.db, { username })
  const b = await t.db
    .insertInto('business')
    .values({ business_number: bn, legal_name: name, legal_name_key: name.toLowerCase(), operating_name: name, street: 's', city: 'c', province: 'QC', postal_code: 'G1R 4S9', phone: '+14185550123', employer_number: `E${bn.slice(0, 7)}`, created_at: t.clock.now(), updated_at: t.clock.now() })
    .returning('id')
    .executeTakeFirstOrThrow()
  await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: user.id, role: 'primary', created_at: t.clock.now() }).execute()
  return { user, businessId: b.id }
}

async function startOffer(client: TestClient, lang = 'en'): Promise<string> {
  await client.get(`/${lang}/offers/new`)
  const res = await client.post(`/${lang}/offers/new`, {})
  const m = /\/offers\/([0-9a-f-]{36})\/exemption$/.exec(res.location ?? '')
  assert.ok(m, `unexpected redirect ${res.location}`)
  return m[1]!
}

async function version(client: TestClient, path: string): Promise<string> {
  const page = await client.get(path)
  return page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
}

describe('offers of employment: the draft form', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    t.clock.set('2026-03-02T15:00:00Z')
    await business(t, 'chef.owner', '123456782', 'Le Bistro')
    await business(t, 'other.owner', '046454286', 'Autre Resto')
  })
  after(() => t.close())

  it('saves what was typed at every button, valid or not, and says what is wrong on Next', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'chef.owner')
    const id = await startOffer(client)
    const path = `/en/offers/${id}/exemption`
    const posted = await client.post(path, { version: await version(client, path), exemptionCode: '', exemptionExplanation: 'see attached', nav: 'next' })
    // Saved, then shown with its problems by a GET (post/redirect/get): Back and refresh never resend the form.
    assert.equal(posted.location, `${path}?check=1`)
    const next = await client.follow(posted)
    assert.equal(next.status, 400)
    assert.deepEqual(errorSummaryLinks(next.dom).map((l) => [l.href, l.targetExists]), [['#exemption-code', true], ['#exemption-explanation', true], ['#fee-exemption', true]])
    assert.match(text(next.dom.querySelector('#exemption-explanation-error')), /attached/i)
    // Saved even though invalid: a reload shows it.
    assert.equal(text((await client.get(path)).dom.querySelector('#exemption-explanation')), 'see attached')
    // Save and exit keeps it too, and leaves for the queue.
    const exit = await client.post(path, { version: await version(client, path), exemptionCode: 'C10', exemptionExplanation: 'half-written', nav: 'exit' })
    assert.equal(exit.location, '/en/offers?saved=1', 'to the queue, which says the draft was saved')
    const queue = await client.follow(exit)
    assert.match(text(queue.dom.querySelector('table')), /Draft/)
    assert.equal(text((await client.get(path)).dom.querySelector('#exemption-explanation')), 'half-written')
  })

  it('refuses an open exemption code, holds entrepreneurs to NOC 88888, and orders dates', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'chef.owner')
    const id = await startOffer(client)
    const ex = `/en/offers/${id}/exemption`
    const open = await client.follow(await client.post(ex, { version: await version(client, ex), exemptionCode: 'C43', exemptionExplanation: 'x', nav: 'next' }))
    assert.match(text(open.dom.querySelector('#exemption-code-error')), /open work permit|choices/)
    await client.post(ex, { version: await version(client, ex), exemptionCode: 'C11', exemptionExplanation: 'Starting a bakery in Québec.', nav: 'next' })
    const job = `/en/offers/${id}/job`
    const res = await client.follow(await client.post(job, { version: await version(client, job), ...VALID.job, jobTitle: 'Owner', nocCode: '62200', startDate: '2026-06-01', endDate: '2026-05-01', nav: 'next' }))
    const errs = errorSummaryLinks(res.dom).map((l) => l.href)
    assert.deepEqual(errs, ['#job-title', '#noc-code', '#end-date'])
  })

  it('tells a second tab that the draft changed, shows both, and saves only when asked again', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'chef.owner')
    const id = await startOffer(client)
    const path = `/en/offers/${id}/business`
    const tabA = await version(client, path)
    const tabB = await version(client, path)
    assert.equal((await client.post(path, { version: tabA, ...VALID.business, employees: '30', nav: 'next' })).status, 303)
    const conflict = await client.post(path, { version: tabB, ...VALID.business, employees: '12', nav: 'next' })
    assert.equal(conflict.status, 409)
    assert.match(text(conflict.dom.querySelector('main .notice')), /changed in another tab/)
    assert.match(text(conflict.dom.querySelector('main .notice')), /30/)
    assert.equal(conflict.dom.querySelector('#employees')!.getAttribute('value'), '12', 'the second tab’s entries are shown, not lost')
    let saved = await t.db.selectFrom('offer').select('answers').where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(saved.answers.business!.employees, '30')
    const fresh = conflict.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    assert.equal((await client.post(path, { version: fresh, ...VALID.business, employees: '12', nav: 'next' })).status, 303)
    saved = await t.db.selectFrom('offer').select('answers').where('id', '=', id).executeTakeFirstOrThrow()
    assert.equal(saved.answers.business!.employees, '12')
  })

  it('Validate lists every problem across sections, each linked to its field; a complete offer is all valid', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'chef.owner')
    t.clock.advanceMinutes(1)
    const id = await startOffer(client, 'fr')
    const validate = await client.get(`/fr/offers/${id}/validate`)
    const links = validate.dom.querySelectorAll('.error-list a')
    assert.ok(links.length >= 25, `${links.length} problems listed`)
    for (const a of links.slice(0, 40)) {
      const [path, anchor] = a.getAttribute('href')!.split('#')
      const page = await client.get(path!)
      assert.ok(page.dom.querySelector(`[id="${anchor}"]`), `${path}#${anchor} does not exist (status ${page.status})`)
    }
    for (const [section, form] of Object.entries(VALID)) {
      const path = `/fr/offers/${id}/${section}`
      const res = await client.post(path, { version: await version(client, path), ...form, nav: 'next' })
      assert.equal(res.status, 303)
      assert.doesNotMatch(res.location!, /check=1/, `${section}: ${errorSummaryLinks((await client.follow(res)).dom).map((l) => l.text).join('; ')}`)
    }
    const done = await client.get(`/fr/offers/${id}/validate`)
    assert.match(text(done.dom.querySelector('main .notice')), /Toutes les sections sont remplies/)
    const row = await t.db.selectFrom('offer').select(['worker_name', 'job_title']).where('id', '=', id).executeTakeFirstOrThrow()
    assert.deepEqual(row, { worker_name: 'Nguyễn-O’Brien, Thị Mai', job_title: 'Chef de cuisine' })
    // The next offer of the business starts with its business section filled in.
    const second = await startOffer(client, 'fr')
    const business = await client.get(`/fr/offers/${second}/business`)
    assert.equal(business.dom.querySelector('#employees')!.getAttribute('value'), '25')
  })

  it('keeps a section sent after the session ended, and shows it again after signing in', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'chef.owner')
    const id = await startOffer(client)
    const path = `/en/offers/${id}/wage`
    const v = await version(client, path)
    t.clock.advanceMinutes(25)
    const late = await client.post(path, { version: v, wage: '41.25', wageUnit: 'hour', nav: 'next' })
    assert.match(late.location!, /\/en\/sign-in/)
    await client.get(late.location!)
    const back = await client.post('/en/sign-in', { username: 'chef.owner', password: TEST_PASSWORD, returnTo: path })
    assert.equal(back.location, path)
    const page = await client.get(path)
    assert.match(text(page.dom.querySelector('main .notice')), /kept what you typed/)
    assert.equal(page.dom.querySelector('#wage')!.getAttribute('value'), '41.25')
  })

  it('shows another business’s offers to nobody, and never changes a submitted offer', async () => {
    const owner = new TestClient(t.app)
    await signIn(owner, 'chef.owner')
    const id = await startOffer(owner)
    const stranger = new TestClient(t.app)
    await signIn(stranger, 'other.owner')
    assert.equal((await stranger.get(`/en/offers/${id}/exemption`)).status, 404)
    await stranger.get('/en/offers')
    assert.equal((await stranger.post(`/en/offers/${id}/exemption`, { version: '1', exemptionCode: 'C10', nav: 'next' })).status, 404)
    assert.equal((await stranger.get(`/en/offers/00000000-0000-4000-8000-000000000000/exemption`)).status, 404, 'the same answer as for a missing offer')
    assert.doesNotMatch(text((await stranger.get('/en/offers')).dom.querySelector('main')), /Le Bistro/)

    await t.db.updateTable('offer').set({ status: 'pending', offer_number: 'A1000001' }).where('id', '=', id).execute()
    const before = await t.db.selectFrom('offer').select(['answers', 'version']).where('id', '=', id).executeTakeFirstOrThrow()
    const path = `/en/offers/${id}/exemption`
    assert.equal((await owner.get(path)).location, `/en/offers/${id}`)
    await owner.get('/en/offers')
    const res = await owner.post(path, { version: String(before.version), exemptionCode: 'C10', exemptionExplanation: 'changed', nav: 'next' })
    assert.equal(res.status, 409)
    assert.match(text(res.dom.querySelector('h1')), /submitted and can no longer be changed/)
    const after = await t.db.selectFrom('offer').select(['answers', 'version']).where('id', '=', id).executeTakeFirstOrThrow()
    assert.deepEqual(after, before)
  })
})
