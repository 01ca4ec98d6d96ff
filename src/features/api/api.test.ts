import assert from 'node:assert/strict'
import { statementsSentBy } from '../../../tests/helpers/sent-statements.ts'
import { after, before, beforeEach, describe, it } from 'node:test'
import { registeredRoutes } from '../../app.ts'
import { testApp, type TestApp } from '../../../tests/helpers/app.ts'
import { ApiCaller, ApiContract } from '../../../tests/helpers/api-contract.ts'
import { TestClient, text, type PageResponse } from '../../../tests/helpers/http.ts'
import { businessWithPrimary, startOffer, TINY_PDF, TINY_PNG, VALID_OFFER } from '../../../tests/helpers/offers.ts'
import { registerSignInAs, signInAs } from '../../../tests/helpers/sign-in-as.ts'
import { createUser } from '../../../tests/helpers/users.ts'
import { usingPostgres } from '../../../tests/helpers/database.ts'
import { translate } from '../../i18n/i18n.ts'
import { countryName } from '../reference/lists.ts'
import { forgetMaintenanceCache } from '../console/maintenance.service.ts'
import { luhnCheckDigit } from '../reference/validators.ts'
import { ApiTokenService, hashToken, type Scope } from './api-tokens.service.ts'
import { buildOpenApi, OPERATIONS, RATE_LIMIT_PER_MINUTE, routeUrl } from './api.openapi.ts'

const bn = (eight: string) => eight + luhnCheckDigit(eight)
const SYSTEM = { userId: null, label: 'test' }

/**
 * The API end to end through HTTP: tokens made on their page, every operation, the
 * same rules as the pages (a draft started here is finished there, and the reverse),
 * authorization (tokens, scopes, memberships, branches), problem details in both
 * languages, If-Match, idempotency keys and the rate limit. Every answer is validated
 * against the OpenAPI document (ApiContract); the last test requires every operation
 * to have been met with a valid success.
 */
describe('the API (/api/v1)', () => {
  let t: TestApp
  let contract: ApiContract
  let tokens: ApiTokenService
  let a: { userId: string; businessId: string }
  let b: { userId: string; businessId: string }
  let api: ApiCaller

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    a = await businessWithPrimary(t, 'rep.a', bn('12345678'), 'Bistro A')
    b = await businessWithPrimary(t, 'rep.b', bn('04645428'), 'Garage B')
    contract = new ApiContract(buildOpenApi(t.config.publicBaseUrl))
    tokens = new ApiTokenService({ db: t.db, clock: t.clock })
    api = new ApiCaller(t.app, contract, await tokenFor(a.userId, a.businessId))
  })
  after(() => t.close())
  // A fresh token per test: the per-token rate limit (counted in the database by the test clock's minute) never couples tests.
  beforeEach(async () => {
    api.token = await tokenFor(a.userId, a.businessId)
  })

  async function tokenFor(userId: string, businessId: string, scopes: Scope[] = ['read', 'drafts', 'submit'], days = 90): Promise<string> {
    const user = (await t.db.selectFrom('app_user').selectAll().where('id', '=', userId).executeTakeFirstOrThrow())
    const created = await tokens.create(user, { name: `test ${scopes.join('+')}`, scopes, days, businessId }, SYSTEM)
    assert.ok(created, 'token created')
    return created.value
  }

  async function signedIn(userId: string): Promise<TestClient> {
    const client = new TestClient(t.app)
    await signInAs(client, userId)
    return client
  }

  const local = (url: string | undefined) => {
    assert.ok(url, 'an address')
    return url.startsWith(t.config.publicBaseUrl) ? url.slice(t.config.publicBaseUrl.length) : url
  }

  /** Fills every section through the API (If-Match chained); returns the last version. */
  async function fillByApi(caller: ApiCaller, id: string, sections = Object.keys(VALID_OFFER)): Promise<number> {
    let version = Number((await caller.get(`/api/v1/offers/${id}`)).json.version)
    for (const s of sections) {
      const res = await caller.put(`/api/v1/offers/${id}/sections/${s}`, VALID_OFFER[s], { 'if-match': `"${version}"` })
      assert.equal(res.status, 200, `${s}: ${res.raw}`)
      assert.deepEqual(res.json.errors, [], s)
      assert.equal(res.headers.etag, `"${res.json.version}"`)
      version = res.json.version
    }
    return version
  }

  async function pay(client: TestClient, offerId: string): Promise<PageResponse> {
    await client.get(`/en/offers/${offerId}`)
    const started = await client.post(`/en/offers/${offerId}/pay`, {})
    assert.equal(started.status, 303)
    const checkout = local(started.location)
    await client.get(checkout)
    const res = await client.post(checkout, { cardNumber: '4242424242424242', expiry: '12/29', securityCode: '123', cardholderName: 'Alex Tremblay', action: 'pay' })
    let page = await client.get(local(res.location))
    while (page.status === 303) page = await client.get(local(page.location))
    return page
  }

  it('makes tokens on the account page: shown once, kept as a hash, listed, revoked after confirmation, audited', async () => {
    const client = await signedIn(a.userId)
    const page = await client.get('/en/account/api-tokens')
    assert.equal(page.status, 200)
    assert.ok(page.dom.querySelector(`select[name="business"] option[value="${a.businessId}"]`), 'the business is offered')

    const invalid = await client.post('/en/account/api-tokens', { name: '', days: '999', business: b.businessId })
    assert.equal(invalid.status, 400)
    assert.deepEqual(invalid.dom.querySelectorAll('.error-summary a').map((l) => text(l)), ['Enter a name for the token', 'Choose at least one thing the token may do', 'Choose when the token expires'])
    const notMine = await client.post('/en/account/api-tokens', { name: 'Case manager', scopes: ['read'], days: '90', business: b.businessId })
    assert.equal(notMine.status, 400, 'another business is not offered')
    assert.match(text(notMine.dom.querySelector('.error-summary')), /Choose one of your businesses/)

    const created = await client.post('/en/account/api-tokens', { name: 'Case manager', scopes: ['read', 'drafts'], days: '365', business: a.businessId })
    assert.equal(created.status, 303)
    const shown = await client.follow(created)
    const value = shown.dom.querySelector('#token-value')?.getAttribute('value') ?? ''
    assert.match(value, /^ep_[A-Za-z0-9_-]{43}$/)
    const again = await client.get(created.location!)
    assert.equal(again.dom.querySelector('#token-value'), null, 'shown once')
    assert.match(text(again.dom.querySelector('main')), /no longer shown/)

    const row = await t.db.selectFrom('api_token').selectAll().where('name', '=', 'Case manager').executeTakeFirstOrThrow()
    assert.equal(row.token_hash, hashToken(value))
    assert.notEqual(row.token_hash, value)
    assert.equal(row.scopes, 'read drafts')
    assert.equal(row.expires_at.getTime() - row.created_at.getTime(), 365 * 86_400_000)
    const fromPage = new ApiCaller(t.app, contract, value)
    assert.equal((await fromPage.get('/api/v1/business')).status, 200)

    const list = await client.get('/en/account/api-tokens')
    const rowText = text(list.dom.querySelectorAll('tbody tr').find((tr) => text(tr).includes('Case manager')))
    assert.match(rowText, /read, drafts/)
    assert.match(rowText, /Bistro A/)
    assert.match(rowText, /Active/)
    assert.ok(!list.body.includes(value), 'the list never shows the token')

    const confirm = await client.get(`/en/account/api-tokens/${row.id}/revoke`)
    assert.equal(confirm.status, 200)
    const other = await signedIn(b.userId)
    await other.get('/en/account/api-tokens')
    assert.equal((await other.post(`/en/account/api-tokens/${row.id}/revoke`, {})).status, 404, 'someone else’s token')
    const revoked = await client.post(`/en/account/api-tokens/${row.id}/revoke`, {})
    assert.equal(revoked.status, 303)
    assert.match(text((await client.follow(revoked)).dom.querySelector('tbody')), /Revoked/)
    const refused = await fromPage.get('/api/v1/business')
    assert.equal(refused.status, 401, 'refused on its next request')
    assert.match(String(refused.headers['www-authenticate']), /invalid_token/)

    const audit = await t.db.selectFrom('audit_event').select(['action', 'details']).where('object_id', '=', row.id).orderBy('id').execute()
    assert.deepEqual(audit.map((e) => e.action), ['api_token.created', 'api_token.revoked'])
    assert.ok(!JSON.stringify(audit).includes(value), 'never the token in the audit trail')
  })

  it('answers 401 problem details without a token, with a session alone, or with a bad token', async () => {
    const anonymous = new ApiCaller(t.app, contract)
    const res = await anonymous.get('/api/v1/offers')
    assert.equal(res.status, 401)
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    assert.equal(res.json.status, 401)
    assert.equal(res.json.title, 'Authentication required')
    assert.match(res.json.type, /\/en\/developers#problem-unauthorized$/)
    assert.equal(res.json.instance, '/api/v1/offers')
    assert.match(String(res.headers['www-authenticate']), /^Bearer /)

    const fr = await new ApiCaller(t.app, contract, undefined, 'fr').get('/api/v1/offers')
    assert.equal(fr.json.title, 'Authentification requise')
    assert.equal(fr.json.type, res.json.type, 'the type is the same in both languages')

    // A signed-in browser's cookie does not authenticate the API.
    const browser = await signedIn(a.userId)
    const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
    const withCookie = await anonymous.call('GET', '/api/v1/offers', { headers: { cookie } })
    assert.equal(withCookie.status, 401)
    const postWithCookie = await anonymous.call('POST', '/api/v1/offers', { body: {}, headers: { cookie } })
    assert.equal(postWithCookie.status, 401)

    for (const header of ['Bearer', 'Bearer nope', `Bearer ep_${'x'.repeat(43)}`, 'Basic dXNlcjpwYXNz']) {
      const bad = await anonymous.call('GET', '/api/v1/offers', { headers: { authorization: header } })
      assert.equal(bad.status, 401, header)
    }
    assert.equal((await anonymous.get('/api/v1/openapi.json')).status, 200, 'the document needs no token')
  })

  it('a draft started by the API is finished in the pages (and paid there)', async () => {
    const created = await api.post('/api/v1/offers', {}, { 'idempotency-key': 'start-1' })
    assert.equal(created.status, 201)
    assert.equal(created.headers.location, `/api/v1/offers/${created.json.id}`)
    assert.equal(created.json.status, 'draft')
    const id = created.json.id as string
    await fillByApi(api, id, ['exemption', 'business', 'job', 'requirements'])
    const checked = await api.post(`/api/v1/offers/${id}/validate`)
    assert.equal(checked.json.valid, false)
    assert.deepEqual([...new Set(checked.json.errors.map((e: { section: string }) => e.section))], ['wage', 'worker', 'attestations'])

    // The pages show what the API saved, and carry on from there.
    const client = await signedIn(a.userId)
    const job = await client.get(`/en/offers/${id}/job`)
    assert.equal(job.dom.querySelector('input[name="jobTitle"]')?.getAttribute('value'), 'Chef de cuisine')
    for (const s of ['wage', 'worker', 'attestations']) {
      const page = await client.get(`/en/offers/${id}/${s}`)
      const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
      assert.equal((await client.post(`/en/offers/${id}/${s}`, { version, ...VALID_OFFER[s], nav: 'next' })).status, 303)
    }
    const review = await client.get(`/en/offers/${id}/review`)
    assert.equal(review.status, 200)
    const submitted = await client.post(`/en/offers/${id}/submit`, { version: review.dom.querySelector('input[name="version"]')!.getAttribute('value')! })
    assert.equal(submitted.status, 303)
    const paid = await pay(client, id)
    assert.equal(paid.status, 200)
    const after = await api.get(`/api/v1/offers/${id}`)
    assert.equal(after.json.status, 'pending')
    assert.match(after.json.offerNumber, /^A\d{7}$/)
  })

  it('a draft started in the pages is finished by the API: submit answers with the payment page', async () => {
    const client = await signedIn(a.userId)
    const id = await startOffer(client)
    for (const s of ['exemption', 'business', 'job']) {
      const page = await client.get(`/en/offers/${id}/${s}`)
      const version = page.dom.querySelector('input[name="version"]')!.getAttribute('value')!
      await client.post(`/en/offers/${id}/${s}`, { version, ...VALID_OFFER[s], nav: 'next' })
    }
    const listed = await api.get('/api/v1/offers?status=draft')
    assert.ok(listed.json.items.some((o: { id: string }) => o.id === id), 'the pages’ draft is listed')
    const got = await api.get(`/api/v1/offers/${id}`)
    assert.equal(got.json.answers.job.jobTitle, 'Chef de cuisine')
    assert.equal(got.headers.etag, `"${got.json.version}"`)
    const version = await fillByApi(api, id, ['requirements', 'wage', 'worker', 'attestations'])
    assert.deepEqual((await api.post(`/api/v1/offers/${id}/validate`)).json, { version, valid: true, errors: [] })

    const submitted = await api.post(`/api/v1/offers/${id}/submit`, {}, { 'if-match': `"${version}"`, 'idempotency-key': `submit-${id}` })
    assert.equal(submitted.status, 202)
    assert.equal(submitted.json.offer.status, 'awaiting_payment')
    assert.equal(submitted.json.paymentUrl, `${t.config.publicBaseUrl}/en/offers/${id}`)
    const replay = await api.post(`/api/v1/offers/${id}/submit`, {}, { 'if-match': `"${version}"`, 'idempotency-key': `submit-${id}` })
    assert.equal(replay.status, 202)
    assert.equal(replay.headers['idempotent-replayed'], 'true')
    assert.deepEqual(replay.json, submitted.json)
    // The payment page the API named is the pages' offer page, where a person pays.
    const paymentPage = await client.get(local(submitted.json.paymentUrl))
    assert.equal(paymentPage.status, 200)
    assert.ok(paymentPage.dom.querySelector(`form[action="/en/offers/${id}/pay"]`), 'a Pay button')
    const changed = await api.put(`/api/v1/offers/${id}/sections/job`, VALID_OFFER.job, { 'if-match': `"${version}"` })
    assert.equal(changed.status, 409, 'read-only once submitted')
    assert.equal(changed.json.type.endsWith('#problem-conflict'), true)
  })

  it('saves a section as sent and lists its problems in the caller’s language, as the pages do', async () => {
    const fr = new ApiCaller(t.app, contract, api.token, 'fr')
    const id = (await fr.post('/api/v1/offers')).json.id as string
    const v = (await fr.get(`/api/v1/offers/${id}`)).json.version
    const res = await fr.put(`/api/v1/offers/${id}/sections/job`, { ...VALID_OFFER.job, nocCode: '123', startDate: '' }, { 'if-match': `"${v}"` })
    assert.equal(res.status, 200)
    assert.equal(res.json.complete, false)
    assert.deepEqual(res.json.errors.map((e: { field: string; code: string }) => [e.field, e.code]), [['nocCode', 'offers.e_noc'], ['startDate', 'offers.fields.startDate.required']])
    assert.equal(res.json.errors[0].message, translate('fr', 'offers.e_noc'))
    assert.notEqual(res.json.errors[0].message, translate('en', 'offers.e_noc'))
    assert.equal((await fr.get(`/api/v1/offers/${id}`)).json.answers.job.nocCode, '123', 'saved as sent')

    const client = await signedIn(a.userId)
    const page = await client.get(`/fr/offers/${id}/job?check=1`)
    assert.ok(text(page.dom.querySelector('.error-summary')).includes(translate('fr', 'offers.e_noc')), 'the pages say the same')

    const wrongType = await fr.put(`/api/v1/offers/${id}/sections/requirements`, { education: 3, languages: 'fr', shoeSize: 44 }, { 'if-match': `"${res.json.version}"` })
    assert.equal(wrongType.status, 400)
    assert.deepEqual(wrongType.json.errors.map((e: { field: string }) => e.field).sort(), ['education', 'languages', 'shoeSize'])
    assert.equal(wrongType.json.errors.find((e: { field: string }) => e.field === 'shoeSize').message, 'Ce champ ne fait pas partie de la section')
    assert.equal((await fr.get(`/api/v1/offers/${id}`)).json.version, res.json.version, 'nothing saved')
    assert.equal((await fr.put(`/api/v1/offers/${id}/sections/nope`, {}, { 'if-match': '"1"' })).status, 404)
    const badJson = await fr.call('PUT', `/api/v1/offers/${id}/sections/job`, { raw: '{"jobTitle":', headers: { 'content-type': 'application/json', 'if-match': `"${res.json.version}"` } })
    assert.equal(badJson.status, 400)
    assert.equal(badJson.json.detail, 'Le corps n’est pas du JSON valide.')
    const plain = await fr.call('POST', '/api/v1/offers', { raw: 'hello', headers: { 'content-type': 'text/plain' } })
    assert.equal(plain.status, 415)
  })

  it('If-Match: required on section updates (428), stale after a change in the pages (412 with the current version)', async () => {
    const id = (await api.post('/api/v1/offers')).json.id as string
    const read = await api.get(`/api/v1/offers/${id}`)
    const missing = await api.put(`/api/v1/offers/${id}/sections/business`, VALID_OFFER.business)
    assert.equal(missing.status, 428)
    // Another tab (the pages) saves the section: the version the API read is now stale.
    const client = await signedIn(a.userId)
    const page = await client.get(`/en/offers/${id}/business`)
    await client.post(`/en/offers/${id}/business`, { version: page.dom.querySelector('input[name="version"]')!.getAttribute('value')!, ...VALID_OFFER.business, employees: '99', nav: 'exit' })
    const stale = await api.put(`/api/v1/offers/${id}/sections/business`, VALID_OFFER.business, { 'if-match': read.headers.etag as string })
    assert.equal(stale.status, 412)
    assert.equal(stale.json.currentVersion, read.json.version + 1)
    assert.equal((await api.get(`/api/v1/offers/${id}`)).json.answers.business.employees, '99', 'the other change was not overwritten')
    const fresh = await api.put(`/api/v1/offers/${id}/sections/business`, VALID_OFFER.business, { 'if-match': `W/"${stale.json.currentVersion}"` })
    assert.equal(fresh.status, 200)
    assert.equal((await api.put(`/api/v1/offers/${id}/sections/business`, VALID_OFFER.business, { 'if-match': 'garbage' })).status, 412)
    // And the pages see the API's save as a change made elsewhere (their two-tab check).
    const conflict = await client.post(`/en/offers/${id}/business`, { version: String(stale.json.currentVersion), ...VALID_OFFER.business, nav: 'next' })
    assert.equal(conflict.status, 409)
  })

  it('Idempotency-Key: the same key and body replay the first answer; another body with the key is refused (422)', async () => {
    const before = await t.db.selectFrom('offer').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const first = await api.post('/api/v1/offers', {}, { 'idempotency-key': 'create-once' })
    const second = await api.post('/api/v1/offers', {}, { 'idempotency-key': 'create-once' })
    assert.equal(first.status, 201)
    assert.equal(second.status, 201)
    assert.equal(second.json.id, first.json.id)
    assert.equal(second.headers['idempotent-replayed'], 'true')
    const afterCount = await t.db.selectFrom('offer').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    assert.equal(Number(afterCount.n), Number(before.n) + 1, 'one draft')
    const mismatch = await api.post('/api/v1/offers', { something: 'else' }, { 'idempotency-key': 'create-once' })
    assert.equal(mismatch.status, 422)
    assert.match(mismatch.json.type, /#problem-idempotency-mismatch$/)
    // Keys belong to a token: another token may use the same key for its own request.
    const other = new ApiCaller(t.app, contract, await tokenFor(a.userId, a.businessId))
    const third = await other.post('/api/v1/offers', {}, { 'idempotency-key': 'create-once' })
    assert.notEqual(third.json.id, first.json.id)
    assert.equal((await api.post('/api/v1/offers', {}, { 'idempotency-key': '' })).status, 400)
    // Two requests racing with one key: one makes the draft, the other replays it or is told it is in progress.
    const count = async () => Number((await t.db.selectFrom('offer').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    const beforeRace = await count()
    // Whichever way the race goes, the answer is one the OpenAPI document lists (the contract checks each).
    const createOffer = (await api.get('/api/v1/openapi.json')).json.paths['/offers'].post.responses as Record<string, unknown>
    assert.ok(createOffer['201'] && createOffer['409'], 'both racing answers are documented')
    const raced = await Promise.all([api.post('/api/v1/offers', {}, { 'idempotency-key': 'race' }), api.post('/api/v1/offers', {}, { 'idempotency-key': 'race' })])
    assert.ok(raced.every((r) => [201, 409].includes(r.status)) && raced.some((r) => r.status === 201), `racing: ${raced.map((r) => r.status)}`)
    assert.equal(await count(), beforeRace + 1, 'one draft for two racing requests')
    // After a day the key is forgotten.
    t.clock.advance(24 * 60 * 60_000 + 1000)
    const later = await api.post('/api/v1/offers', {}, { 'idempotency-key': 'create-once' })
    assert.notEqual(later.json.id, first.json.id)
    t.clock.set('2026-11-23T15:00:00Z')
  })

  it('scopes: a read-only token reads but may not write or submit (403 problem)', async () => {
    const reader = new ApiCaller(t.app, contract, await tokenFor(a.userId, a.businessId, ['read']))
    assert.equal((await reader.get('/api/v1/offers')).status, 200)
    const create = await reader.post('/api/v1/offers')
    assert.equal(create.status, 403)
    assert.match(create.json.detail, /“drafts”/)
    assert.match(String(create.headers['www-authenticate']), /insufficient_scope/)
    const id = (await api.post('/api/v1/offers')).json.id as string
    assert.equal((await reader.put(`/api/v1/offers/${id}/sections/job`, {}, { 'if-match': '"1"' })).status, 403)
    assert.equal((await reader.post(`/api/v1/offers/${id}/submit`)).status, 403)
    const drafter = new ApiCaller(t.app, contract, await tokenFor(a.userId, a.businessId, ['drafts']))
    assert.equal((await drafter.get('/api/v1/offers')).status, 403, 'reading needs read')
    assert.equal((await drafter.post(`/api/v1/offers/${id}/withdraw`, { reason: 'x' })).status, 403)
  })

  it('records a token’s last use at most once a minute', async () => {
    const value = await tokenFor(a.userId, a.businessId)
    const caller = new ApiCaller(t.app, contract, value)
    const lastUse = async () => (await t.db.selectFrom('api_token').select('last_used_at').where('token_hash', '=', hashToken(value)).executeTakeFirstOrThrow()).last_used_at?.toISOString()
    const start = t.clock.now()
    assert.equal((await caller.get('/api/v1/business')).status, 200)
    assert.equal(await lastUse(), start.toISOString())
    t.clock.advance(59_000)
    const sent = await statementsSentBy(async () => assert.equal((await caller.get('/api/v1/business')).status, 200))
    assert.equal(await lastUse(), start.toISOString(), 'within the minute: not written again')
    assert.deepEqual(sent.filter((st) => /^update "api_token"/.test(st.text)), [], 'nor even asked to be (a write empties the embedded read cache)')
    t.clock.advance(1_001)
    assert.equal((await caller.get('/api/v1/business')).status, 200)
    assert.equal(await lastUse(), new Date(start.getTime() + 60_001).toISOString(), 'over a minute later: written')
    t.clock.set(start.toISOString())
  })

  it('on the embedded database an API request writes nothing and reads its token, user and membership from the read cache; on PostgreSQL it reads them in one statement and counts its rate window in the database', async () => {
    const caller = new ApiCaller(t.app, contract, await tokenFor(a.userId, a.businessId, ['read']))
    // The first use is written (last_used_at), which empties the cache; the second reads afresh.
    for (let i = 0; i < 2; i++) assert.equal((await caller.get('/api/v1/business')).status, 200)
    const sent = await statementsSentBy(async () => assert.equal((await caller.get('/api/v1/business')).status, 200))
    const texts = sent.map((st) => st.text)
    const rateWindows = texts.filter((text) => /rate_window/.test(text))
    const principal = texts.filter((text) => /from "(api_token|app_user)"/.test(text))
    if (usingPostgres()) {
      assert.equal(rateWindows.length, 1, 'the upsert: every process sees one count')
      assert.equal(principal.length, 1, `token, user and membership in one statement: ${principal.join(' | ')}`)
      assert.match(principal[0]!, /"business_membership"/)
    } else {
      assert.deepEqual(rateWindows, [], 'counted in memory: one process owns the embedded database')
      assert.deepEqual(principal, [], 'nothing was written since the first use')
      assert.ok(!texts.some((text) => !/^\s*select\b/i.test(text)), `only reads: ${texts.join(' | ')}`)
    }
  })

  it('a token stops at once when revoked, when expired, when its user is removed from the business or the business goes dormant', async () => {
    const value = await tokenFor(a.userId, a.businessId)
    const caller = new ApiCaller(t.app, contract, value)
    assert.equal((await caller.get('/api/v1/business')).status, 200)
    const row = await t.db.selectFrom('api_token').select(['id', 'last_used_at']).where('token_hash', '=', hashToken(value)).executeTakeFirstOrThrow()
    assert.ok(row.last_used_at, 'last use recorded')
    await tokens.revoke(a.userId, row.id, SYSTEM)
    assert.equal((await caller.get('/api/v1/business')).status, 401)

    const shortLived = new ApiCaller(t.app, contract, await tokenFor(a.userId, a.businessId, ['read'], 30))
    assert.equal((await shortLived.get('/api/v1/business')).status, 200)
    t.clock.advance(30 * 86_400_000)
    assert.equal((await shortLived.get('/api/v1/business')).status, 401, 'expired')
    t.clock.set('2026-11-23T15:00:00Z')

    // A secondary user with a token, then removed by the primary user.
    const helper = await createUser(t.db, { username: 'helper.a' })
    const m = await t.db.insertInto('business_membership').values({ business_id: a.businessId, user_id: helper.id, role: 'secondary', created_at: t.clock.now(), created_by: a.userId }).returning('id').executeTakeFirstOrThrow()
    const helperApi = new ApiCaller(t.app, contract, await tokenFor(helper.id, a.businessId))
    assert.equal((await helperApi.get('/api/v1/offers')).status, 200)
    await t.db.updateTable('business_membership').set({ status: 'removed', removed_at: t.clock.now() }).where('id', '=', m.id).execute()
    assert.equal((await helperApi.get('/api/v1/offers')).status, 401, 'removed from the business')

    const bApi = new ApiCaller(t.app, contract, await tokenFor(b.userId, b.businessId))
    await t.db.updateTable('business').set({ status: 'dormant' }).where('id', '=', b.businessId).execute()
    assert.equal((await bApi.get('/api/v1/business')).status, 401, 'a dormant business')
    await t.db.updateTable('business').set({ status: 'active' }).where('id', '=', b.businessId).execute()
    assert.equal((await bApi.get('/api/v1/business')).status, 200)
  })

  it('never reaches another business’s offers or another branch’s (404), and lists only what the token’s user may see', async () => {
    const aOffer = (await api.post('/api/v1/offers')).json.id as string
    const bApi = new ApiCaller(t.app, contract, await tokenFor(b.userId, b.businessId))
    for (const [method, url] of [
      ['GET', `/api/v1/offers/${aOffer}`],
      ['POST', `/api/v1/offers/${aOffer}/validate`],
      ['POST', `/api/v1/offers/${aOffer}/submit`],
      ['POST', `/api/v1/offers/${aOffer}/copy`],
      ['POST', `/api/v1/offers/${aOffer}/withdraw`],
      ['GET', `/api/v1/offers/${aOffer}/documents`],
      ['POST', `/api/v1/offers/${aOffer}/documents`],
    ] as const) {
      const res = await bApi.call(method, url, { body: method === 'POST' ? { reason: 'x' } : undefined })
      assert.equal(res.status, 404, `${method} ${url}`)
    }
    assert.equal((await bApi.put(`/api/v1/offers/${aOffer}/sections/job`, {}, { 'if-match': '"1"' })).status, 404)
    assert.ok(!(await bApi.get('/api/v1/offers')).json.items.some((o: { id: string }) => o.id === aOffer), 'B does not list A’s offer')

    // A branch of business A, its user, and an offer of the branch.
    const branch = await t.db.insertInto('branch').values({ business_id: a.businessId, name: 'Branch Nord', street: '1 rue', city: 'Québec', province: 'QC', postal_code: 'G1R 4S9', created_at: t.clock.now(), created_by: a.userId }).returning('id').executeTakeFirstOrThrow()
    const branchUser = await createUser(t.db, { username: 'branch.user', givenName: 'Béa', familyName: 'Nord' })
    await t.db.insertInto('business_membership').values({ business_id: a.businessId, user_id: branchUser.id, role: 'secondary', branch_id: branch.id, created_at: t.clock.now(), created_by: a.userId }).execute()
    const branchApi = new ApiCaller(t.app, contract, await tokenFor(branchUser.id, a.businessId))
    const branchOffer = (await branchApi.post('/api/v1/offers')).json
    assert.equal(branchOffer.branchId, branch.id)
    assert.equal((await branchApi.get(`/api/v1/offers/${aOffer}`)).status, 404, 'a whole-business offer is not the branch’s')
    const seen = (await branchApi.get('/api/v1/offers?limit=100')).json.items.map((o: { id: string }) => o.id)
    assert.deepEqual(seen, [branchOffer.id])
    assert.equal((await api.get(`/api/v1/offers/${branchOffer.id}`)).status, 200, 'the primary user sees every branch')
    const filtered = await api.get(`/api/v1/offers?branch=${branch.id}`)
    assert.deepEqual(filtered.json.items.map((o: { id: string }) => o.id), [branchOffer.id])
    assert.equal(filtered.json.items[0].branchName, 'Branch Nord', 'the list that checked the filter names the rows’ branch')
    assert.equal(filtered.json.items[0].createdBy, 'branch.user', 'each row names the user who created it')
    assert.equal((await api.get(`/api/v1/offers?branch=${b.businessId}`)).status, 400, 'not a branch of A')
    const users = await branchApi.get('/api/v1/business/users')
    assert.deepEqual(users.json.items.map((u: { familyName: string }) => u.familyName), ['Nord'])
    const business = await branchApi.get('/api/v1/business')
    assert.deepEqual(business.json.branch, { id: branch.id, name: 'Branch Nord' })
  })

  it('lists offers in keyset pages with the queue’s filters', async () => {
    const mine = await businessWithPrimary(t, 'rep.pages', bn('11223344'), 'Pages Inc')
    const caller = new ApiCaller(t.app, contract, await tokenFor(mine.userId, mine.businessId))
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000)
      ids.push((await caller.post('/api/v1/offers')).json.id)
    }
    const seen: string[] = []
    let url = '/api/v1/offers?limit=2'
    for (;;) {
      const page = await caller.get(url)
      assert.equal(page.status, 200)
      seen.push(...page.json.items.map((o: { id: string }) => o.id))
      if (!page.json.next) break
      url = `/api/v1/offers?limit=2&after=${encodeURIComponent(page.json.next)}`
    }
    assert.deepEqual(seen, [...ids].reverse(), 'newest change first, each once')
    const oldest = await caller.get('/api/v1/offers?sort=oldest&limit=1')
    assert.equal(oldest.json.items[0].id, ids[0])
    const bad = await caller.get('/api/v1/offers?limit=0&status=lost&after=%%%')
    assert.equal(bad.status, 400)
    assert.deepEqual(bad.json.errors.map((e: { field: string }) => e.field).sort(), ['limit', 'status'])
    assert.equal((await caller.get('/api/v1/offers?after=bm90LWEtY3Vyc29y')).status, 400)
    assert.equal((await caller.get('/api/v1/offers?q=A9999999')).json.items.length, 0)
  })

  it('submits a fee-exempt offer at once; withdraws a pending offer with a reason; copies it into a new draft', async () => {
    const client = await signedIn(a.userId)
    const id = (await api.post('/api/v1/offers')).json.id as string
    await fillByApi(api, id)
    let v = (await api.get(`/api/v1/offers/${id}`)).json.version
    v = (await api.put(`/api/v1/offers/${id}/sections/exemption`, { ...VALID_OFFER.exemption, feeExemption: 'employer' }, { 'if-match': `"${v}"` })).json.version
    const missingProof = await api.post(`/api/v1/offers/${id}/submit`)
    assert.equal(missingProof.status, 422)
    assert.deepEqual(missingProof.json.errors.map((e: { code: string }) => e.code), ['offers.e_feeProof'])
    // The proof is attached through the API: the body is the file, its type sniffed from its bytes.
    const notAFile = await api.call('POST', `/api/v1/offers/${id}/documents?name=letter.pdf`, { raw: Buffer.from('just text, not a PDF'), headers: { 'content-type': 'application/pdf' } })
    assert.equal(notAFile.status, 400)
    assert.deepEqual(notAFile.json.errors.map((e: { code: string }) => e.code), ['api.p.documentType'])
    assert.equal((await api.post(`/api/v1/offers/${id}/documents`, { file: 'x' })).status, 415, 'JSON is not a file')
    const uploaded = await api.call('POST', `/api/v1/offers/${id}/documents?name=letter.pdf`, { raw: TINY_PDF, headers: { 'content-type': 'application/pdf' } })
    assert.equal(uploaded.status, 201)
    assert.deepEqual(uploaded.json.items.map((d: { fileName: string; contentType: string }) => [d.fileName, d.contentType]), [['letter.pdf', 'application/pdf']])
    // The pages list what the API attached.
    assert.match(text((await client.get(`/en/offers/${id}/documents`)).dom.querySelector('main')), /letter\.pdf/)
    assert.equal((await api.get(`/api/v1/offers/${id}/documents`)).json.items.length, 1)
    const disguised = await api.call('POST', `/api/v1/offers/${id}/documents?name=photo.pdf`, { raw: TINY_PNG, headers: { 'content-type': 'application/pdf' } })
    assert.equal(disguised.json.items.find((d: { fileName: string }) => d.fileName === 'photo.pdf').contentType, 'image/png', 'the bytes decide the type, not the header')
    const stale = await api.post(`/api/v1/offers/${id}/submit`, {}, { 'if-match': `"${v - 1}"` })
    assert.equal(stale.status, 412)
    const submitted = await api.post(`/api/v1/offers/${id}/submit`, {}, { 'if-match': `"${v}"` })
    assert.equal(submitted.status, 200)
    assert.equal(submitted.json.paymentUrl, null)
    assert.equal(submitted.json.offer.status, 'pending')
    assert.equal(submitted.json.offer.feeExemption, 'employer')
    assert.equal((await api.post(`/api/v1/offers/${id}/submit`)).status, 409, 'submitted already')
    assert.equal((await api.post(`/api/v1/offers/${id}/validate`)).status, 409)
    const late = await api.call('POST', `/api/v1/offers/${id}/documents`, { raw: TINY_PDF, headers: { 'content-type': 'application/pdf' } })
    assert.equal(late.status, 409, 'no document is added to a submitted offer')

    const noReason = await api.post(`/api/v1/offers/${id}/withdraw`, { reason: '  ' })
    assert.equal(noReason.status, 400)
    assert.equal(noReason.json.errors[0].field, 'reason')
    const withdrawn = await api.post(`/api/v1/offers/${id}/withdraw`, { reason: 'The worker took another job.' })
    assert.equal(withdrawn.status, 200)
    assert.equal(withdrawn.json.status, 'withdrawn')
    assert.equal(withdrawn.json.withdrawalReason, 'The worker took another job.')
    assert.equal((await api.post(`/api/v1/offers/${id}/withdraw`, { reason: 'again' })).status, 409)

    const copy = await api.post(`/api/v1/offers/${id}/copy`, {}, { 'idempotency-key': `copy-${id}` })
    assert.equal(copy.status, 201)
    assert.equal(copy.json.copiedFrom, id)
    assert.equal(copy.json.status, 'draft')
    assert.equal(copy.json.answers.attestations, undefined, 'attestations are ticked again')
    assert.equal(copy.json.answers.job.jobTitle, 'Chef de cuisine')
    const actions = await t.db.selectFrom('audit_event').select(['action', 'actor_label']).where('object_id', 'in', [id, copy.json.id]).orderBy('id').execute()
    assert.ok(actions.some((e) => e.action === 'offer.withdrawn' && /API token ep_/.test(e.actor_label)), 'audited as the token’s user, through the API')
  })

  it('reads the business, its users, account messages and reference data', async () => {
    const business = await api.get('/api/v1/business')
    assert.deepEqual({ name: business.json.legalName, role: business.json.role, branch: business.json.branch }, { name: 'Bistro A', role: 'primary', branch: null })
    assert.ok((await api.get('/api/v1/business/users')).json.items.length >= 1, 'at least the primary user')
    await t.db.insertInto('account_message').values({ user_id: null, business_id: a.businessId, template: 'retired', params: '{}', lang: 'en', subject: 'For Bistro A', body: 'Hello.', created_at: t.clock.now() }).execute()
    await t.db.insertInto('account_message').values({ user_id: null, business_id: b.businessId, template: 'retired', params: '{}', lang: 'en', subject: 'For Garage B', body: 'Hello.', created_at: t.clock.now() }).execute()
    const messages = await api.get('/api/v1/messages?limit=100')
    const subjects = messages.json.items.map((m: { subject: string }) => m.subject)
    assert.ok(subjects.includes('For Bistro A'), 'the business’s message')
    assert.ok(!subjects.includes('For Garage B'), 'another business’s messages are not read')
    const codes = await api.get('/api/v1/reference/exemption-codes')
    const c10 = codes.json.items.find((c: { code: string }) => c.code === 'C10')
    assert.equal(c10.open, false)
    assert.equal(codes.json.items.find((c: { code: string }) => c.code === 'R01').open, true)
    await t.db.insertInto('noc_occupation').values({ code: '62200', title_en: 'Chefs', title_fr: 'Chefs', teer: 2, broad_category: '6', major_group: '62' }).onConflict((oc) => oc.column('code').doNothing()).execute()
    const occupations = await api.get('/api/v1/reference/occupations?q=6220')
    assert.ok(occupations.json.items.some((o: { code: string }) => o.code === '62200'), 'found by its code prefix')
    assert.ok((await api.get('/api/v1/reference/occupations')).json.items.some((o: { code: string }) => o.code === '62200'), 'every occupation without q')
    assert.equal((await api.get('/api/v1/reference/occupations?q=')).status, 400, 'an empty q')
    const countries = await api.get('/api/v1/reference/countries')
    assert.equal(countries.json.items.find((c: { code: string }) => c.code === 'VN').name.fr, countryName('VN', 'fr'))
    assert.equal((await api.get('/api/v1/no-such-thing')).status, 404)
  })

  it('closes with the portal for a maintenance window (503 problem with Retry-After), the document still readable', async () => {
    const now = t.clock.now()
    const window = await t.db.insertInto('maintenance_window').values({ announce_from: new Date(now.getTime() - 3_600_000), starts_at: new Date(now.getTime() - 60_000), ends_at: new Date(now.getTime() + 1_800_000), created_by: a.userId, created_at: now }).returning('id').executeTakeFirstOrThrow()
    forgetMaintenanceCache()
    try {
      const closed = await new ApiCaller(t.app, contract, api.token, 'fr').get('/api/v1/offers')
      assert.equal(closed.status, 503)
      assert.equal(closed.json.title, translate('fr', 'api.p.maintenanceTitle'))
      assert.ok(Number(closed.headers['retry-after']) >= 1700, `Retry-After ${closed.headers['retry-after']}`)
      assert.equal((await api.get('/api/v1/openapi.json')).status, 200)
    } finally {
      await t.db.updateTable('maintenance_window').set({ cancelled_at: now }).where('id', '=', window.id).execute()
      forgetMaintenanceCache()
    }
    assert.equal((await api.get('/api/v1/offers')).status, 200)
  })

  it('limits each token to the documented rate (429 problem with Retry-After), other tokens unaffected', async () => {
    const busy = new ApiCaller(t.app, contract, await tokenFor(b.userId, b.businessId, ['read']))
    let last
    for (let i = 0; i <= RATE_LIMIT_PER_MINUTE; i++) last = await busy.get('/api/v1/reference/countries')
    assert.equal(last!.status, 429)
    assert.match(String(last!.headers['content-type']), /^application\/problem\+json/)
    assert.ok(Number(last!.headers['retry-after']) > 0, 'Retry-After says when')
    assert.equal((await api.get('/api/v1/business')).status, 200, 'another token is not limited')
  })

  it('serves a self-contained OpenAPI 3.1 document: every $ref resolves, every operation has an id, a summary in both languages and its scope', async () => {
    const doc = (await api.get('/api/v1/openapi.json')).json
    assert.equal(doc.openapi, '3.1.0')
    const refs = new Set<string>()
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref') refs.add(String(x))
          else walk(x)
        }
      }
    }
    walk(doc)
    for (const ref of refs) assert.ok(/^#\/components\/schemas\/\w+$/.test(ref) && doc.components.schemas[ref.split('/').pop()!], `unresolved ${ref}`)
    const ids = new Set<string>()
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(typeof op.operationId === 'string' && !ids.has(op.operationId), `${method} ${path}: a unique operationId`)
        ids.add(op.operationId as string)
        assert.ok(op.summary && op['x-summary-fr'] && op.summary !== op['x-summary-fr'], `${method} ${path}: summaries`)
        assert.ok(path === '/openapi.json' || ['read', 'drafts', 'submit'].includes(op['x-scope'] as string), `${method} ${path}: its scope`)
        const takesKey = (op.parameters as Array<{ name: string }>).some((p) => p.name === 'Idempotency-Key')
        if (takesKey) assert.ok((op.responses as Record<string, unknown>)['409'], `${method} ${path}: a request overtaken by its own retry (same Idempotency-Key) answers 409, documented`)
      }
    }
    // The reference page is drawn from the document: every operation is on it, in both languages.
    for (const lang of ['en', 'fr']) {
      const page = await new TestClient(t.app).get(`/${lang}/developers`)
      assert.equal(page.status, 200, `/${lang}/developers`)
      for (const id of ids) assert.ok(page.dom.querySelector(`#op-${id}`), `/${lang}/developers describes ${id}`)
    }
  })

  it('documents exactly the routes it registers, and every operation was met with a valid answer', () => {
    const registered = (registeredRoutes.get(t.app) ?? []).filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD').map((r) => `${r.method} ${r.url}`)
    const documented = OPERATIONS.map((o) => `${o.method.toUpperCase()} ${routeUrl(o.path)}`)
    assert.deepEqual([...registered].sort(), [...documented].sort())
    const succeeded = OPERATIONS.filter((o) => ![...contract.covered].some((c) => c.startsWith(`${o.method.toUpperCase()} ${o.path} 2`)))
    assert.deepEqual(succeeded.map((o) => o.operationId), [], 'operations never answered with a success in these tests')
    for (const status of [400, 401, 403, 404, 409, 412, 415, 422, 428, 429, 503]) assert.ok([...contract.covered].some((c) => c.endsWith(` ${status}`)) , `a ${status} was checked`)
  })
})
