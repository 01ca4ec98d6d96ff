import assert from 'node:assert/strict'
import { after, before, beforeEach, describe, it } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import { ApiTokenService } from '../../src/features/api/api-tokens.service.ts'
import { PROBLEM_TITLES, type ProblemType } from '../../src/features/api/api.problems.ts'
import { loadNocIfEmpty } from '../../src/features/reference/noc.service.ts'
import { translate, type Lang } from '../../src/i18n/i18n.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text } from '../helpers/http.ts'
import { businessWithPrimary, TINY_PDF, VALID_OFFER } from '../helpers/offers.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { createUser } from '../helpers/users.ts'
import { assertInert, SCRIPT } from './inert.ts'
import { bn, rowCounts } from './world.ts'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
interface Call {
  headers?: Record<string, string>
  payload?: string | Buffer
  lang?: Lang
  /** Another token (default: the test's own). */
  token?: string
}

/** Traces of internals an answer must never carry. */
const INTERNALS = /\bat [\w.<>]+ \(|node_modules|\/src\/|\.ts:\d+|SyntaxError|TypeError|RangeError|"stack"|FST_|invalid input syntax|PGlite|postgres/i

/**
 * Hostile requests through the JSON API: whatever arrives — bodies that are not JSON,
 * too large or too deep, malformed UTF-8, prototype keys, unknown and repeated fields,
 * SQL and LIKE metacharacters, characters PostgreSQL cannot store, traversal in
 * addresses — the answer is a problem details document (RFC 9457) in the caller's
 * language, never a stack trace or a 500, and nothing in the database changes.
 */
describe('hostile input through the API', () => {
  let t: TestApp
  let owner: { userId: string; businessId: string }
  let tokens: ApiTokenService
  let token: string
  let draft: string
  let officerId: string

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    t.clock.set('2026-11-23T15:00:00Z')
    await loadNocIfEmpty(t.db)
    owner = await businessWithPrimary(t, 'hostile.api', bn('31415926'), 'Hostile API Ltd.')
    officerId = (await createUser(t.db, { username: 'hostile.api.officer', role: 'officer' })).id
    tokens = new ApiTokenService({ db: t.db, clock: t.clock })
    token = await newToken()
    const created = await call('POST', '/api/v1/offers', { headers: { 'content-type': 'application/json' }, payload: '{}' })
    assert.equal(created.statusCode, 201)
    draft = JSON.parse(created.body).id
    const saved = await call('PUT', `/api/v1/offers/${draft}/sections/job`, { headers: { 'content-type': 'application/json', 'if-match': '"1"' }, payload: JSON.stringify(VALID_OFFER.job) })
    assert.equal(saved.statusCode, 200)
  })
  after(() => t.close())
  // A fresh token per test: the per-token rate limit never couples tests.
  beforeEach(async () => {
    token = await newToken()
  })

  async function newToken(): Promise<string> {
    const user = await t.db.selectFrom('app_user').selectAll().where('id', '=', owner.userId).executeTakeFirstOrThrow()
    const created = await tokens.create(user, { name: 'hostile', scopes: ['read', 'drafts', 'submit'], days: 30, businessId: owner.businessId }, { userId: null, label: 'test' })
    assert.ok(created)
    return created.value
  }

  function call(method: Method, url: string, init: Call = {}): Promise<LightMyRequestResponse> {
    const headers = { 'accept-language': init.lang ?? 'en', authorization: `Bearer ${init.token ?? token}`, ...init.headers }
    return t.app.inject({ method, url, headers, payload: init.payload })
  }

  /** The draft's section saves, as JSON with If-Match of its current version. */
  async function putJob(payload: string | Buffer, init: Call = {}): Promise<LightMyRequestResponse> {
    const { version } = await t.db.selectFrom('offer').select('version').where('id', '=', draft).executeTakeFirstOrThrow()
    return call('PUT', `/api/v1/offers/${draft}/sections/job`, { ...init, headers: { 'content-type': 'application/json', 'if-match': `"${version}"`, ...init.headers }, payload })
  }

  /** Everything a hostile request could change: watched tables' rows, the draft, its versions and documents. */
  async function snapshot() {
    const offer = await t.db.selectFrom('offer').select(['version', 'answers', 'status', 'updated_at']).where('id', '=', draft).executeTakeFirstOrThrow()
    const versions = await t.db.selectFrom('offer_version').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const documents = await t.db.selectFrom('offer_document').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    const keys = await t.db.selectFrom('api_idempotency').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    return { ...(await rowCounts(t.db)), versions: Number(versions.n), documents: Number(documents.n), idempotency: Number(keys.n), offer: JSON.stringify(offer) }
  }

  /** A problem details answer of `status` and `type`, in `lang`, with nothing of the internals. */
  function assertProblem(res: LightMyRequestResponse, status: number, type: ProblemType, lang: Lang, where: string): Record<string, unknown> & { errors?: Array<{ field: string; code: string; message: string }> } {
    assert.equal(res.statusCode, status, `${where}: ${res.body.slice(0, 300)}`)
    assert.match(String(res.headers['content-type']), /^application\/problem\+json; charset=utf-8$/, where)
    assert.equal(res.headers['content-language'], lang, where)
    const body = JSON.parse(res.body) as Record<string, unknown> & { errors?: Array<{ field: string; code: string; message: string }> }
    assert.equal(body.status, status, where)
    assert.match(String(body.type), new RegExp(`/en/developers#problem-${type}$`), where)
    assert.equal(body.title, translate(lang, PROBLEM_TITLES[type]), `${where}: the title in ${lang}`)
    assert.ok(typeof body.detail === 'string' && body.detail.length > 10, where)
    for (const e of body.errors ?? []) assert.ok(e.message && e.message !== e.code, `${where}: ${e.field} has a message`)
    assert.doesNotMatch(res.body, INTERNALS, `${where}: internals in the answer`)
    return body
  }

  it('bodies that are not JSON, or not UTF-8, or not all there: 400 saying so, in the caller’s language', async () => {
    const before = await snapshot()
    const cases: Array<[string, string | Buffer, string]> = [
      ['cut short', '{"jobTitle":', 'api.p.badJson'],
      ['empty', '', 'api.p.badJson'],
      ['trailing garbage', '{"jobTitle":"x"} {"x":1}', 'api.p.badJson'],
      ['single quotes', "{'jobTitle':'x'}", 'api.p.badJson'],
      ['a raw NUL byte', Buffer.from('{"jobTitle":"a\u0000b"}'), 'api.p.badJson'],
      ['malformed UTF-8', Buffer.concat([Buffer.from('{"jobTitle":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('"}')]), 'api.p.badUtf8'],
      ['overlong UTF-8 for "/"', Buffer.concat([Buffer.from('{"jobTitle":"..'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')]), 'api.p.badUtf8'],
      ['UTF-16 with its byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"jobTitle":"x"}', 'utf16le')]), 'api.p.badUtf8'],
      ['UTF-16 without it', Buffer.from('{"jobTitle":"x"}', 'utf16le'), 'api.p.badJson'],
    ]
    for (const lang of ['en', 'fr'] as const) {
      for (const [name, payload, detail] of cases) {
        const body = assertProblem(await putJob(payload, { lang }), 400, 'bad-request', lang, name)
        assert.equal(body.detail, translate(lang, detail), name)
      }
    }
    assert.deepEqual(await snapshot(), before)
  })

  it('content types other than JSON (forms and multipart included, which the pages read): 415, never read as fields', async () => {
    const before = await snapshot()
    const cases: Array<[string, string, string | Buffer]> = [
      ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'jobTitle=Pwned'],
      ['multipart/form-data', 'multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="jobTitle"\r\n\r\nPwned\r\n--x--\r\n'],
      ['text/plain', 'text/plain', '{"jobTitle":"Pwned"}'],
      ['XML', 'application/xml', `<jobTitle>${SCRIPT}</jobTitle>`],
      ['another JSON-like type', 'application/vnd.api+json', '{"jobTitle":"Pwned"}'],
      ['JSON in another charset', 'application/json; charset=latin1', '{"jobTitle":"Pwned"}'],
      ['a file type on a section', 'application/pdf', TINY_PDF],
      ['no type at all', '', '{"jobTitle":"Pwned"}'],
    ]
    for (const lang of ['en', 'fr'] as const) {
      for (const [name, type, payload] of cases) {
        assertProblem(await putJob(payload, { lang, headers: { 'content-type': type } }), 415, 'unsupported-media-type', lang, name)
        const withdraw = await call('POST', `/api/v1/offers/${draft}/withdraw`, { lang, headers: { 'content-type': type }, payload })
        assertProblem(withdraw, 415, 'unsupported-media-type', lang, `withdraw, ${name}`)
      }
      // A new draft with a form body is refused too (no draft is made).
      assertProblem(await call('POST', '/api/v1/offers', { lang, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=1' }), 415, 'unsupported-media-type', lang, 'new draft, form')
    }
    assert.deepEqual(await snapshot(), before)
    // JSON named in capitals, with its UTF-8 charset, is read; a POST with no body at all is fine.
    const json = await putJob(JSON.stringify(VALID_OFFER.job), { headers: { 'content-type': 'APPLICATION/JSON; Charset="UTF-8"' } })
    assert.equal(json.statusCode, 200, json.body)
    const created = await call('POST', '/api/v1/offers')
    assert.equal(created.statusCode, 201, created.body)
    await t.db.deleteFrom('offer').where('id', '=', JSON.parse(created.body).id).execute()
    assert.ok(!JSON.stringify(await t.db.selectFrom('offer').select('answers').execute()).includes('Pwned'), 'nothing was read from a refused body')
  })

  it('bodies over the limit: 413 on JSON and on a document', async () => {
    const before = await snapshot()
    for (const lang of ['en', 'fr'] as const) {
      assertProblem(await putJob(JSON.stringify({ jobTitle: 'x'.repeat(t.config.bodyLimitBytes) }), { lang }), 413, 'payload-too-large', lang, 'JSON')
      const file = Buffer.concat([TINY_PDF, Buffer.alloc(6 * 1024 * 1024)])
      assertProblem(await call('POST', `/api/v1/offers/${draft}/documents`, { lang, headers: { 'content-type': 'application/pdf' }, payload: file }), 413, 'payload-too-large', lang, 'document')
    }
    assert.deepEqual(await snapshot(), before)
  })

  it('deeply nested JSON: 400 saying how deep a body may go, on every operation, without a stack overflow', async () => {
    const before = await snapshot()
    const depth = 100_000
    const bodies = [
      `${'['.repeat(depth)}${']'.repeat(depth)}`,
      `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
      `{"jobTitle":${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}}`,
      `{"languages":${'['.repeat(40)}${']'.repeat(40)}}`,
    ]
    const targets: Array<[Method, string]> = [
      ['PUT', `/api/v1/offers/${draft}/sections/job`],
      ['PUT', `/api/v1/offers/${draft}/sections/requirements`],
      ['POST', `/api/v1/offers/${draft}/withdraw`],
      // These take no body, but an idempotency key's fingerprint reads it (it was a 500).
      ['POST', '/api/v1/offers'],
      ['POST', `/api/v1/offers/${draft}/copy`],
      ['POST', `/api/v1/offers/${draft}/submit`],
      ['POST', `/api/v1/offers/${draft}/validate`],
    ]
    for (const [i, payload] of bodies.entries()) {
      for (const [method, url] of targets) {
        const lang = i % 2 ? 'fr' : 'en'
        const res = await call(method, url, { lang, headers: { 'content-type': 'application/json', 'if-match': `"${JSON.parse(before.offer).version}"`, 'idempotency-key': `deep-${i}` }, payload })
        const body = assertProblem(res, 400, 'bad-request', lang, `${method} ${url} body ${i}`)
        assert.equal(body.detail, translate(lang, 'api.p.tooDeep', { max: 32 }))
      }
    }
    assert.deepEqual(await snapshot(), before)
  })

  it('__proto__ and constructor keys: refused, and no object anywhere gains a property', async () => {
    const before = await snapshot()
    for (const payload of [
      '{"__proto__":{"polluted":"yes"},"jobTitle":"x"}',
      '{"jobTitle":"x","constructor":{"prototype":{"polluted":"yes"}}}',
      '{"jobTitle":{"__proto__":{"polluted":"yes"}}}',
      '[{"__proto__":{"polluted":"yes"}}]',
    ]) {
      for (const lang of ['en', 'fr'] as const) {
        assertProblem(await putJob(payload, { lang }), 400, 'bad-request', lang, payload)
        assertProblem(await call('POST', `/api/v1/offers/${draft}/withdraw`, { lang, headers: { 'content-type': 'application/json' }, payload }), 400, 'bad-request', lang, `withdraw ${payload}`)
      }
    }
    for (const query of ['__proto__[polluted]=yes', '__proto__.polluted=yes', 'constructor[prototype][polluted]=yes', 'q[__proto__][polluted]=yes']) {
      const res = await call('GET', `/api/v1/offers?${query}`)
      assert.equal(res.statusCode, 200, query)
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched')
    assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false)
    assert.deepEqual(await snapshot(), before)
  })

  it('unknown fields, wrong types and repeated parameters: 400 naming each field, in the caller’s language', async () => {
    const before = await snapshot()
    const unknown = assertProblem(await putJob(JSON.stringify({ jobTitle: 'x', role: 'administrator', business_id: owner.businessId }), { lang: 'fr' }), 400, 'bad-request', 'fr', 'unknown')
    assert.deepEqual(unknown.errors?.map((e) => [e.field, e.code, e.message]).sort(), [
      ['business_id', 'api.p.unknownField', translate('fr', 'api.p.unknownField')],
      ['role', 'api.p.unknownField', translate('fr', 'api.p.unknownField')],
    ])
    const types = assertProblem(await putJob(JSON.stringify({ jobTitle: 42, mainDuties: null, hoursPerWeek: { $ne: null }, workCity: ['a'], startDate: true }), { lang: 'en' }), 400, 'bad-request', 'en', 'types')
    assert.deepEqual(types.errors?.map((e) => e.field).sort(), ['hoursPerWeek', 'jobTitle', 'mainDuties', 'startDate', 'workCity'])
    for (const payload of ['"a string"', '42', '[]', 'true']) assertProblem(await putJob(payload), 400, 'bad-request', 'en', payload)
    const list = await call('PUT', `/api/v1/offers/${draft}/sections/requirements`, { headers: { 'content-type': 'application/json', 'if-match': `"${JSON.parse(before.offer).version}"` }, payload: JSON.stringify({ languages: 'fr', education: ['college'] }) })
    assert.deepEqual(assertProblem(list, 400, 'bad-request', 'en', 'list').errors?.map((e) => [e.field, e.code]).sort(), [['education', 'api.p.expectedText'], ['languages', 'api.p.expectedList']])
    const withdraw = await call('POST', `/api/v1/offers/${draft}/withdraw`, { lang: 'fr', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ reason: 'ok', status: 'withdrawn' }) })
    assert.deepEqual(assertProblem(withdraw, 400, 'bad-request', 'fr', 'withdraw').errors?.map((e) => e.field), ['status'])
    // Repeated query parameters are refused by name; parameters the operation does not take are ignored.
    const repeated = assertProblem(await call('GET', '/api/v1/offers?q=a&q=b&limit=1&limit=2&status=draft&status=pending', { lang: 'fr' }), 400, 'bad-request', 'fr', 'repeated')
    assert.deepEqual(repeated.errors?.map((e) => e.field).sort(), ['limit', 'q', 'status'])
    for (const query of ['limit=-1', 'limit=101', 'limit=NaN', 'limit=1.5', 'offset=1.5', 'offset=-1', 'sort=id;DROP', 'status=draft%27--', 'branch=../x']) {
      const url = query.startsWith('offset') ? `/api/v1/messages?${query}` : `/api/v1/offers?${query}`
      const body = assertProblem(await call('GET', url), 400, 'bad-request', 'en', query)
      assert.equal(body.errors?.[0]?.field, query.split('=')[0], query)
    }
    assert.equal((await call('GET', '/api/v1/offers?role=administrator&businessId=x')).statusCode, 200)
    // A repeated JSON key is read as JSON.parse does (the last one wins), never merged.
    const dup = await putJob('{"jobTitle":"first","jobTitle":"second"}')
    assert.equal(dup.statusCode, 200)
    const saved = await t.db.selectFrom('offer').select('answers').where('id', '=', draft).executeTakeFirstOrThrow()
    assert.equal(saved.answers.job?.jobTitle, 'second')
    const afterRows = await snapshot()
    assert.equal(afterRows.versions, before.versions + 1, 'only the well-formed save was kept')
  })

  it('SQL and LIKE metacharacters in search parameters: matched as text, never run', async () => {
    const before = await snapshot()
    const hostile = ["' OR 1=1 --", "'; DROP TABLE offer; --", '%', '_', '\\', '%_%', "A0000000' OR 'a'='a", '" OR ""="', '$1', ':name', '?', 'a & b | !c', '<->', '*']
    for (const q of hostile) {
      const offers = await call('GET', `/api/v1/offers?q=${encodeURIComponent(q)}`)
      assert.equal(offers.statusCode, 200, q)
      assert.deepEqual(JSON.parse(offers.body).items, [], `${q}: no offer matches (the draft has no worker name starting so)`)
      const occupations = await call('GET', `/api/v1/reference/occupations?q=${encodeURIComponent(q)}`)
      assert.ok([200, 400].includes(occupations.statusCode), `${q}: ${occupations.statusCode}`)
      if (occupations.statusCode === 400) assertProblem(occupations, 400, 'bad-request', 'en', q)
      else assert.ok(JSON.parse(occupations.body).items.length < 20, `${q}: not every occupation`)
    }
    // A worker named with metacharacters is found by exactly that name, and "%" or "_" find nobody else.
    await t.db.updateTable('offer').set({ worker_name: "O'Brien_100%, Ann" }).where('id', '=', draft).execute()
    const exact = JSON.parse((await call('GET', `/api/v1/offers?q=${encodeURIComponent("O'Brien_100%")}`)).body)
    assert.deepEqual(exact.items.map((i: { id: string }) => i.id), [draft])
    assert.deepEqual(JSON.parse((await call('GET', `/api/v1/offers?q=${encodeURIComponent("O'Brien_1000")}`)).body).items, [])
    // Names are compared as search keys (punctuation is a space: "O%Brien" is "o brien"), never as patterns.
    assert.deepEqual(JSON.parse((await call('GET', `/api/v1/offers?q=${encodeURIComponent('O%ien')}`)).body).items, [], '% is not a wildcard')
    await t.db.updateTable('offer').set({ worker_name: '' }).where('id', '=', draft).execute()
    // A hand-made cursor: SQL in its key, a key that is no time for a time order: 400 naming `after` (it was a 500).
    const cursor = (key: string) => Buffer.from(JSON.stringify([key, '00000000-0000-4000-8000-000000000000'])).toString('base64url')
    for (const [sort, key] of [
      ['changed', "' OR 1=1 --"],
      ['oldest', 'not a time'],
      ['changed', '2026-13-45T99:99:99.999Z'],
      ['worker', 'x'.repeat(301)],
    ] as const) {
      const res = await call('GET', `/api/v1/offers?sort=${sort}&after=${cursor(key)}`, { lang: 'fr' })
      assert.deepEqual(assertProblem(res, 400, 'bad-request', 'fr', `${sort} ${key}`).errors?.map((e) => e.field), ['after'])
    }
    assert.equal((await call('GET', `/api/v1/offers?sort=worker&after=${cursor("' OR 1=1 --")}`)).statusCode, 200, 'any text is a name to start after')
    // The pages' queue reads the same cursors: a hand-made one gives the first page (it was a 500).
    const page = new TestClient(t.app)
    await signInAs(page, owner.userId)
    for (const sort of ['changed', 'oldest']) assert.equal((await page.get(`/en/offers?sort=${sort}&after=${cursor("' OR 1=1 --")}`)).status, 200, sort)
    assert.equal((await page.get(`/fr/offers?q=${encodeURIComponent("' OR 1=1 --")}`)).status, 200)
    // The console's search decodes its own cursors: an id of 36 hyphens, a NUL in the key: the first page (they were 500s).
    const officer = new TestClient(t.app)
    await signInAs(officer, officerId)
    for (const after of [Buffer.from(JSON.stringify(['a', '-'.repeat(36)])).toString('base64url'), Buffer.from(JSON.stringify(['a\u0000', '00000000-0000-4000-8000-000000000000'])).toString('base64url')]) {
      for (const kind of ['offers', 'employers']) assert.equal((await officer.get(`/en/console/search?kind=${kind}&q=Hostile&after=${after}`)).status, 200, `${kind} ${after}`)
    }
    assert.deepEqual({ ...(await snapshot()), offer: '' }, { ...before, offer: '' })
  })

  it('a NUL character or an unpaired surrogate (which PostgreSQL cannot store): 400 naming the field, not a 500 — pages too', async () => {
    const before = await snapshot()
    for (const lang of ['en', 'fr'] as const) {
      for (const [name, payload, field] of [
        ['NUL', '{"jobTitle":"a\\u0000b"}', 'jobTitle'],
        ['lone high surrogate', '{"mainDuties":"a\\ud800b"}', 'mainDuties'],
        ['lone low surrogate', '{"workCity":"\\udc00"}', 'workCity'],
      ] as const) {
        const body = assertProblem(await putJob(payload, { lang }), 400, 'bad-request', lang, name)
        assert.deepEqual(body.errors?.map((e) => [e.field, e.code, e.message]), [[field, 'api.p.unstorable', translate(lang, 'api.p.unstorable')]], name)
      }
      assert.deepEqual(assertProblem(await call('GET', '/api/v1/offers?q=a%00b', { lang }), 400, 'bad-request', lang, 'q').errors?.map((e) => e.field), ['q'])
      assert.deepEqual(assertProblem(await call('GET', '/api/v1/reference/occupations?q=%00', { lang }), 400, 'bad-request', lang, 'occupations').errors?.map((e) => e.field), ['q'])
      const cursor = Buffer.from(JSON.stringify(['a\u0000', '00000000-0000-4000-8000-000000000000'])).toString('base64url')
      assertProblem(await call('GET', `/api/v1/offers?sort=worker&after=${cursor}`, { lang }), 400, 'bad-request', lang, 'cursor')
      const withdraw = await call('POST', `/api/v1/offers/${draft}/withdraw`, { lang, headers: { 'content-type': 'application/json' }, payload: '{"reason":"\\u0000"}' })
      assert.deepEqual(assertProblem(withdraw, 400, 'bad-request', lang, 'withdraw').errors?.map((e) => e.field), ['reason'])
      const document = await call('POST', `/api/v1/offers/${draft}/documents?name=a%00.pdf`, { lang, headers: { 'content-type': 'application/pdf' }, payload: TINY_PDF })
      assert.deepEqual(assertProblem(document, 400, 'bad-request', lang, 'document name').errors?.map((e) => e.field), ['name'])
    }
    // The pages: a 400 page in the page's language, saying what to do.
    const visitor = new TestClient(t.app)
    await visitor.get('/fr/sign-in')
    const signIn = await visitor.post('/fr/sign-in', { username: 'hostile.api\u0000', password: 'x' })
    assert.equal(signIn.status, 400)
    assert.equal(signIn.dom.querySelector('html')?.getAttribute('lang'), 'fr')
    assert.match(text(signIn.dom.querySelector('main')), /caractère nul/)
    assertInert(signIn, 'sign-in')
    const member = new TestClient(t.app)
    await signInAs(member, owner.userId)
    await member.get('/en/home')
    const contact = await member.post('/en/home/contact', { givenName: 'Ann\u0000', familyName: 'Lee', preferredLanguage: 'en' })
    assert.equal(contact.status, 400)
    assert.match(text(contact.dom.querySelector('main')), /null character/)
    const section = await member.get(`/en/offers/${draft}/job`)
    const version = section.dom.querySelector('input[name="version"]')!.getAttribute('value')!
    assert.equal((await member.post(`/en/offers/${draft}/job`, { version, jobTitle: 'a\u0000b', nav: 'exit' })).status, 400)
    assert.equal((await member.get('/en/offers?q=%00')).status, 400)
    assert.deepEqual({ ...(await snapshot()), audit_event: 0 }, { ...before, audit_event: 0 })
  })

  it('traversal and malformed addresses: a 404 or 400 problem, never a file or a page', async () => {
    const before = await snapshot()
    for (const lang of ['en', 'fr'] as const) {
      for (const url of [
        '/api/v1/offers/..%2f..%2fbusiness',
        `/api/v1/offers/${draft}/sections/..%2f..%2f..%2fpackage.json`,
        `/api/v1/offers/${draft}/sections/%2e%2e%2fjob`,
        `/api/v1/offers/${draft}%2f..%2f..%2fbusiness`,
        '/api/v1/reference/..%2f..%2f..%2fsrc%2fconfig.ts',
        '/api/v1/offers/%00',
        `/api/v1/offers/${draft}/documents/..%5c..%5cpackage.json`,
        '/api/v1/openapi.json/..%2f..%2fpackage.json',
      ]) {
        const res = await call('GET', url, { lang })
        assertProblem(res, 404, 'not-found', lang, url)
        assert.doesNotMatch(res.body, /"dependencies"|sessionSecret|root:x:0:0/, url)
      }
      // Dot segments, even encoded, are resolved before routing (as an HTTP client does): outside the API, no file either.
      for (const url of ['/api/v1/%2e%2e/%2e%2e/package.json', '/api/v1/../../package.json', '/api/v1/offers/%2E%2E/%2E%2E/%2E%2E/src/config.ts']) {
        const res = await call('GET', url, { lang })
        assert.equal(res.statusCode, 404, url)
        assert.doesNotMatch(res.body, /"dependencies"|sessionSecret|DEV_SESSION_SECRET/, url)
      }
      // Percent-encoding the router cannot read: problem details too (it was the HTML page), in the caller's language.
      for (const url of ['/api/v1/offers/%E0%A4%A', '/api/v1/%', `/api/v1/offers/${draft}/sections/%C0%AE%C0%AE`]) {
        const body = assertProblem(await call('GET', url, { lang }), 400, 'bad-request', lang, url)
        assert.equal(body.detail, translate(lang, 'api.p.badAddress'), url)
      }
    }
    // A document's name is kept without its path.
    const doc = await call('POST', `/api/v1/offers/${draft}/documents?name=${encodeURIComponent('../../etc/passwd')}`, { headers: { 'content-type': 'application/pdf' }, payload: TINY_PDF })
    assert.equal(doc.statusCode, 201)
    assert.deepEqual(JSON.parse(doc.body).items.map((d: { fileName: string }) => d.fileName), ['passwd'])
    await t.db.deleteFrom('offer_document').where('offer_id', '=', draft).execute()
    assert.deepEqual({ ...(await snapshot()), audit_event: 0, offer: '' }, { ...before, audit_event: 0, offer: '' })
  })
})
