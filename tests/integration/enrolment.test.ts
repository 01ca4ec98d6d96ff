import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { newTotpSecret } from '../../src/features/auth/totp.ts'
import { submitRequest } from '../../src/features/enrolment/enrolment.service.ts'
import { luhnCheckDigit } from '../../src/features/reference/validators.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { errorSummaryLinks, TestClient, text } from '../helpers/http.ts'
import { createUser, signIn, signInStaff } from '../helpers/users.ts'

const bn = (eight: string) => eight + luhnCheckDigit(eight)
const OFFICER_TOTP = newTotpSecret()

const ADDRESS = { street: '100 Wellington St', city: 'Ottawa', province: 'ON', postalCode: 'k1a0a9', phone: '613 555 0123' }

async function enrol(client: TestClient, lang: 'en' | 'fr', business: { businessNumber: string; legalName: string; operatingName?: string }) {
  await client.get(`/${lang}/enrol`)
  const start = await client.post(`/${lang}/enrol/start`, {})
  await client.follow(start)
  const step1 = await client.post(`/${lang}/enrol/business`, { operatesInCanada: 'yes', operatingName: business.legalName, ...business, then: 'next' })
  if (step1.location !== `/${lang}/enrol/address`) return step1
  await client.get(`/${lang}/enrol/address`)
  await client.post(`/${lang}/enrol/address`, { ...ADDRESS, then: 'next' })
  await client.get(`/${lang}/enrol/contact`)
  await client.post(`/${lang}/enrol/contact`, { givenName: 'Chloé', middleName: '', familyName: 'Lefebvre', preferredLanguage: lang, then: 'next' })
  const review = await client.get(`/${lang}/enrol/review`)
  assert.equal(review.status, 200)
  return client.post(`/${lang}/enrol/submit`, {})
}

describe('enrolling a business', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    for (const u of ['owner.a', 'owner.b', 'owner.c', 'owner.fr', 'racer.1', 'racer.2']) await createUser(t.db, { username: u })
    await createUser(t.db, { username: 'officer.e', role: 'officer', totpSecret: OFFICER_TOTP, givenName: 'Odile', familyName: 'Agente' })
  })
  after(() => t.close())

  it('checks the business number: checksum, length, letters, each with its own message, and keeps what was typed', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'owner.a')
    await client.get('/en/enrol')
    await client.follow(await client.post('/en/enrol/start', {}))
    const cases: Array<[string, RegExp]> = [
      ['123456789', /check digit|not a valid/i],
      ['12345', /9 digits|nine digits/i],
      ['12345678A', /digits/i],
      ['', /Enter the business number|business number/i],
    ]
    for (const [value, message] of cases) {
      const res = await client.post('/en/enrol/business', { operatesInCanada: 'yes', businessNumber: value, legalName: 'Érable Inc.', operatingName: 'Érable', then: 'next' })
      assert.equal(res.status, 400, value)
      const links = errorSummaryLinks(res.dom)
      assert.equal(links[0]!.href, '#business-number')
      assert.ok(links[0]!.targetExists)
      assert.match(links[0]!.text, message, `${value}: ${links[0]!.text}`)
      assert.equal(res.dom.querySelector('#legal-name')!.getAttribute('value'), 'Érable Inc.')
    }
    const notInCanada = await client.post('/en/enrol/business', { operatesInCanada: 'no', businessNumber: bn('12345678'), legalName: 'X', operatingName: 'X', then: 'next' })
    assert.match(text(notInCanada.dom.querySelector('#operates-in-canada-error')), /Only businesses that operate in Canada/)
    const spaced = await client.post('/en/enrol/business', { operatesInCanada: 'yes', businessNumber: ` ${bn('12345678').replace(/(\d{3})(\d{3})(\d{3})/, '$1 $2 $3')} `, legalName: 'Érable Inc.', operatingName: 'Érable', then: 'next' })
    assert.equal(spaced.location, '/en/enrol/address', 'spaces are accepted')
  })

  it('goes from request to approval: pending on the home page, the officer approves, the primary user sees the business and the message', async () => {
    const owner = new TestClient(t.app)
    await signIn(owner, 'owner.b')
    const submitted = await enrol(owner, 'en', { businessNumber: bn('87654321'), legalName: 'Northern Maple Foods Ltd.', operatingName: 'Maple Foods' })
    assert.equal(submitted.location, '/en/home?enrolment=submitted')
    const pending = await owner.get('/en/home')
    assert.match(text(pending.dom.querySelector('main .notice')), /being reviewed/)
    assert.match(text(pending.dom.querySelector('main .notice')), /Northern Maple Foods Ltd\./)

    // Employers cannot decide, nor even see the console.
    const request = await t.db.selectFrom('enrolment_request').select('id').where('status', '=', 'submitted').executeTakeFirstOrThrow()
    await owner.get('/en/home')
    assert.equal((await owner.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'approve' })).status, 403)
    assert.equal((await t.db.selectFrom('business').selectAll().execute()).length, 0)

    const officer = new TestClient(t.app)
    assert.equal((await signInStaff(officer, 'officer.e', OFFICER_TOTP, t.clock.now())).location, '/en/console')
    const queue = await officer.get('/en/console/enrolments')
    assert.match(text(queue.dom.querySelector('table')), /Northern Maple Foods Ltd\./)
    await officer.get(`/en/console/enrolments/${request.id}`)
    await officer.post(`/en/console/enrolments/${request.id}/assign`, {})
    const approved = await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'approve', reason: '', note: '' })
    assert.equal(approved.status, 303)
    const done = await officer.follow(approved)
    assert.match(text(done.dom.querySelector('main .notice')), /Employer number E\d{7} assigned/)

    const business = await t.db.selectFrom('business').selectAll().executeTakeFirstOrThrow()
    assert.match(business.employer_number, /^E\d{7}$/)
    const membership = await t.db.selectFrom('business_membership').selectAll().executeTakeFirstOrThrow()
    assert.equal(membership.role, 'primary')

    const home = await owner.get('/en/home')
    const main = text(home.dom.querySelector('main'))
    assert.match(main, /876 543 21\d/)
    assert.ok(main.includes(business.employer_number))
    assert.match(main, /What would you like to do today\?/)
    assert.match(main, /Submit an offer of employment/)
    assert.match(main, /Access the offer of employment queue/)

    const message = await t.db.selectFrom('account_message').select(['subject', 'lang']).where('template', '=', 'enrolmentApproved').executeTakeFirstOrThrow()
    assert.deepEqual(message, { subject: 'Your business is enrolled in the Employer Portal', lang: 'en' })
    assert.equal((await t.db.selectFrom('email_outbox').select('id').where('template', '=', 'enrolmentApproved').execute()).length, 1)
    const actions = (await t.db.selectFrom('audit_event').select('action').where('object_id', '=', request.id).execute()).map((a) => a.action)
    assert.deepEqual(actions.sort(), ['enrolment.approved', 'enrolment.assigned', 'enrolment.submitted'])
    // Deciding twice is refused plainly.
    const again = await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'refuse', reason: 'other', note: 'x' })
    assert.equal(again.status, 400, 'a decided request is not decided again')
    assert.match(text(again.dom.querySelector('.error-summary')), /already decided/)
    assert.equal((await t.db.selectFrom('enrolment_request').select('status').where('id', '=', request.id).executeTakeFirstOrThrow()).status, 'approved')
  })

  it('refuses with a reason, told to the requester in their language, who can then apply again', async () => {
    const owner = new TestClient(t.app)
    await signIn(owner, 'owner.fr', undefined, 'fr')
    await enrol(owner, 'fr', { businessNumber: bn('11223344'), legalName: 'Boulangerie Côté inc.' })
    const request = await t.db.selectFrom('enrolment_request').select('id').where('legal_name', '=', 'Boulangerie Côté inc.').executeTakeFirstOrThrow()
    const officer = new TestClient(t.app)
    t.clock.advanceMinutes(1) // a new code: each one works once
    assert.equal((await signInStaff(officer, 'officer.e', OFFICER_TOTP, t.clock.now())).location, '/en/console')
    await officer.get(`/en/console/enrolments/${request.id}`)
    const missing = await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'refuse', reason: 'other', note: '' })
    assert.equal(missing.status, 400)
    assert.deepEqual(errorSummaryLinks(missing.dom).map((l) => [l.href, l.targetExists]), [['#note', true]])
    const refused = await officer.post(`/en/console/enrolments/${request.id}/decision`, { decision: 'refuse', reason: 'numberMismatch', note: '' })
    assert.equal(refused.status, 303)
    const message = await t.db.selectFrom('account_message').select(['subject', 'body', 'lang']).where('template', '=', 'enrolmentRefused').executeTakeFirstOrThrow()
    assert.equal(message.lang, 'fr')
    assert.equal(message.subject, 'Votre demande d’inscription a été refusée')
    assert.match(message.body, /ne correspond pas à la dénomination sociale/)
    const home = await owner.get('/fr/home')
    assert.match(text(home.dom.querySelector('main .notice')), /refusée/)
    assert.match(text(home.dom.querySelector('main')), /Commencer une nouvelle demande/)
  })

  it('stops a second request for an enrolled number or legal name, and says what to do', async () => {
    const client = new TestClient(t.app)
    await signIn(client, 'owner.c')
    const byNumber = await enrol(client, 'en', { businessNumber: bn('87654321'), legalName: 'Some Other Name Inc.' })
    assert.equal(byNumber.location, '/en/enrol/already?reason=number')
    const page = await client.follow(byNumber)
    assert.equal(page.status, 409)
    assert.match(text(page.dom.querySelector('main')), /already enrolled/)
    assert.match(text(page.dom.querySelector('main')), /Ask the business’s primary user/)
    assert.match(text(page.dom.querySelector('main')), /transfer the primary role/)
    const byName = await client.post('/en/enrol/business', { operatesInCanada: 'yes', businessNumber: bn('55566677'), legalName: '  NORTHERN maple   foods ltd. ', operatingName: 'x', then: 'next' })
    assert.equal(byName.location, '/en/enrol/already?reason=name')
  })

  it('lets exactly one of two racing requests for one business number go to review', async () => {
    const [a, b] = await Promise.all(
      ['racer.1', 'racer.2'].map(async (name) => {
        const user = await t.db.selectFrom('app_user').selectAll().where('username_key', '=', name).executeTakeFirstOrThrow()
        return t.db
          .insertInto('enrolment_request')
          .values({ requester_user_id: user.id, status: 'draft', operates_in_canada: true, business_number: bn('99988877'), legal_name: `Race ${name}`, legal_name_key: `race ${name}`, operating_name: 'x', street: 's', city: 'c', province: 'ON', postal_code: 'K1A 0A9', phone: '+16135550123', created_at: t.clock.now(), updated_at: t.clock.now() })
          .returningAll()
          .executeTakeFirstOrThrow()
      }),
    )
    const actor = { userId: null, label: 'test' }
    const results = await Promise.all([submitRequest(t.db, a!, actor, t.clock.now()), submitRequest(t.db, b!, actor, t.clock.now())])
    assert.deepEqual(results.map((r) => r.kind).sort(), ['conflict', 'submitted'])
    const pending = await t.db.selectFrom('enrolment_request').select('id').where('business_number', '=', bn('99988877')).where('status', '=', 'submitted').execute()
    assert.equal(pending.length, 1)
  })

  it('keeps signed-out visitors and employers out of the review queue', async () => {
    const anonymous = await new TestClient(t.app).get('/en/console/enrolments')
    assert.equal(anonymous.status, 303)
    assert.match(anonymous.location!, /^\/en\/console\/sign-in/)
    const employer = new TestClient(t.app)
    await signIn(employer, 'owner.a')
    assert.equal((await employer.get('/en/console/enrolments')).status, 403)
  })
})

describe('asking the department to transfer the primary role', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
    const gone = await createUser(t.db, { username: 'gone.primary' })
    await createUser(t.db, { username: 'new.manager', lang: 'fr' })
    await createUser(t.db, { username: 'officer.t', role: 'officer', totpSecret: OFFICER_TOTP })
    const b = await t.db
      .insertInto('business')
      .values({ business_number: bn('31415926'), legal_name: 'Pi Bakery Inc.', legal_name_key: 'pi bakery inc.', operating_name: 'Pi', street: 's', city: 'c', province: 'ON', postal_code: 'K1A 0A9', phone: '+16135550123', employer_number: 'E7654321', created_at: t.clock.now(), updated_at: t.clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.db.insertInto('business_membership').values({ business_id: b.id, user_id: gone.id, role: 'primary', created_at: t.clock.now() }).execute()
  })
  after(() => t.close())

  it('goes from “already enrolled” to a request an officer approves; the roles swap and both are told', async () => {
    const manager = new TestClient(t.app)
    await signIn(manager, 'new.manager', undefined, 'fr')
    const stopped = await enrol(manager, 'fr', { businessNumber: bn('31415926'), legalName: 'Pi Bakery Inc.' })
    const explained = await manager.follow(stopped)
    const link = explained.dom.querySelector('main a[href="/fr/enrol/transfer"]')
    assert.ok(link, 'the explanation links to the transfer request')
    await manager.get('/fr/enrol/transfer')
    const empty = await manager.post('/fr/enrol/transfer', { reason: '  ' })
    assert.equal(empty.status, 400)
    assert.equal(errorSummaryLinks(empty.dom)[0]!.href, '#reason')
    assert.equal((await manager.post('/fr/enrol/transfer', { reason: 'Je suis la nouvelle directrice; l’ancien propriétaire a vendu l’entreprise.' })).status, 200)
    assert.equal((await manager.post('/fr/enrol/transfer', { reason: 'Encore' })).status, 409, 'one open request at a time')
    assert.equal((await manager.get('/fr/console/transfers')).status, 403)

    const officer = new TestClient(t.app)
    await signInStaff(officer, 'officer.t', OFFICER_TOTP, t.clock.now())
    const queue = await officer.get('/en/console/transfers')
    const open = queue.dom.querySelector('main table a')!.getAttribute('href')!
    const detail = await officer.get(open)
    assert.match(text(detail.dom.querySelector('main')), /l’ancien propriétaire a vendu/)
    const noNote = await officer.post(`${open}/decision`, { decision: 'refuse', note: '' })
    assert.equal(errorSummaryLinks(noNote.dom)[0]!.href, '#note')
    assert.equal((await officer.post(`${open}/decision`, { decision: 'approve', note: '' })).status, 303)

    const roles = await t.db
      .selectFrom('business_membership as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.username', 'm.role'])
      .where('m.status', '=', 'active')
      .orderBy('u.username')
      .execute()
    assert.deepEqual(roles, [
      { username: 'gone.primary', role: 'secondary' },
      { username: 'new.manager', role: 'primary' },
    ])
    const messages = await t.db.selectFrom('account_message').select(['template', 'lang']).orderBy('template').execute()
    assert.deepEqual(messages, [
      { template: 'transferApproved', lang: 'fr' },
      { template: 'transferReplaced', lang: 'en' },
    ])
    const home = await manager.get('/fr/home')
    assert.match(text(home.dom.querySelector('main')), /E7654321/)
    const again = await officer.post(`${open}/decision`, { decision: 'refuse', note: 'x' })
    assert.match(text(again.dom.querySelector('.error-summary')), /already decided/)
  })
})
