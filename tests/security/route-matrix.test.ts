import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { registeredRoutes } from '../../src/app.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, type PageResponse } from '../helpers/http.ts'
import { registerSignInAs, signInAs } from '../helpers/sign-in-as.ts'
import { expected, ROLES, ROUTE_MATRIX, TEST_ONLY_PREFIXES, type MatrixEntry, type Outcome, type Role } from './route-matrix.ts'
import { assertInert, PAYLOADS } from './inert.ts'
import { buildWorld, rowCounts, type World } from './world.ts'

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /** As registered, e.g. /en/messages/:id */
  url: string
  /** The matrix key, e.g. GET /{lang}/messages/:id */
  key: string
  lang: 'en' | 'fr'
}

/** The registered routes as matrix keys: the language prefix becomes {lang}, asset fingerprints {fingerprint}. */
function portalRoutes(t: TestApp): Route[] {
  const registered = registeredRoutes.get(t.app)
  assert.ok(registered, 'buildApp keeps the list of its routes (registeredRoutes in src/app.ts)')
  const seen = new Set<string>()
  const out: Route[] = []
  for (const r of registered) {
    if (r.method === 'HEAD' || TEST_ONLY_PREFIXES.some((p) => r.url.startsWith(p))) continue
    const m = /^\/(en|fr)(?=\/|$)/.exec(r.url)
    const path = (m ? `/{lang}${r.url.slice(3)}` : r.url).replace(/-[0-9a-f]{12}\.(css|js|svg)$/, '-{fingerprint}.$1')
    const key = `${r.method} ${path}`
    const id = `${key} ${r.url}`
    if (seen.has(id)) continue
    seen.add(id)
    out.push({ method: r.method as Route['method'], url: r.url, key, lang: (m?.[1] as 'en' | 'fr' | undefined) ?? 'en' })
  }
  return out
}

async function concreteUrl(route: Route, entry: MatrixEntry, world: World): Promise<string> {
  const values = (await entry.params?.(world.fx)) ?? {}
  return route.url.replace(/:(\w+)|\*$/g, (whole, name: string | undefined) => {
    const v = values[name ?? '*']
    if (v === undefined) throw new Error(`${route.key}: give a value for "${whole}" in its params in tests/security/route-matrix.ts`)
    return name ? encodeURIComponent(v) : v
  })
}

/** The message for routes without an entry: it names the line to add. */
function missingEntriesMessage(routes: Route[]): string | undefined {
  const missing = [...new Set(routes.map((r) => r.key))].filter((k) => !(k in ROUTE_MATRIX))
  if (missing.length === 0) return undefined
  return `${missing.length} route(s) without an authorization entry. For each, say what every role gets (and give :params real ids of business A's objects):\n${missing.map((k) => `  Add ${k} to tests/security/route-matrix.ts`).join('\n')}`
}

function outcomeOf(method: string, res: PageResponse): Outcome | string {
  if (res.status === 401) return 'unauthorized'
  if (res.status >= 300 && res.status < 400 && res.location && /^\/(en|fr)(\/console)?\/sign-in(\?|$)/.test(res.location)) return 'signIn'
  if (res.status === 403) return 'forbidden'
  if (res.status === 404) return 'notFound'
  if (res.status === 410) return 'gone'
  if (res.status === 409 && method === 'GET') return 'conflict'
  if (res.status >= 200 && res.status < 400) return 'allow'
  if (method !== 'GET' && [400, 409, 429].includes(res.status)) return 'allow'
  // The API refuses a body or an If-Match after authorization (412, 415, 422, 428): the route was reached.
  if (method !== 'GET' && [412, 415, 422, 428].includes(res.status) && String(res.headers['content-type']).startsWith('application/problem+json')) return 'allow'
  return `status ${res.status}`
}

describe('the authorization matrix', () => {
  let t: TestApp
  let world: World
  let routes: Route[]

  before(async () => {
    t = await testApp({ configure: (app) => registerSignInAs(app, () => t) })
    world = await buildWorld(t)
    routes = portalRoutes(t)
  })
  after(() => t.close())

  const isApi = (route: Pick<Route, 'url'>) => route.url.startsWith('/api/')
  /** The API's credential for a role: its bearer token, if it has one (world.apiTokens). */
  const apiHeaders = (role: Role): Record<string, string> => (world.apiTokens[role] ? { authorization: `Bearer ${world.apiTokens[role]}` } : {})

  /**
   * A fresh browser for each check, so a sign-out or a step of one check never leaks into the next.
   * For an /api/ route: a client sending the role's bearer token, and no session (the API reads none).
   */
  async function clientFor(role: Role, route?: Pick<Route, 'url'>): Promise<TestClient> {
    if (route && isApi(route)) return new TestClient(t.app, apiHeaders(role))
    const client = new TestClient(t.app)
    if (role !== 'signedOut') await signInAs(client, world.users[role].id)
    return client
  }

  async function send(client: TestClient, route: Route, url: string, withToken: boolean): Promise<PageResponse> {
    if (route.method === 'GET') return client.get(url)
    // The API takes JSON and no CSRF token (it authenticates by bearer token only).
    if (isApi(route)) return client.request(route.method, url, { payload: '{}', headers: { 'content-type': 'application/json' } })
    // A page of the same session gives the CSRF token, as a browser's form would.
    await client.get(`/${route.lang}/offers/eligibility`)
    assert.ok(client.csrf, 'a page gives a CSRF token')
    return client.request(route.method, url, { form: withToken ? { _csrf: client.csrf } : {} })
  }

  it('has an entry for every route the portal registers, and no entry for a route that is gone', () => {
    const keys = new Set(routes.map((r) => r.key))
    const missing = missingEntriesMessage(routes)
    if (missing) assert.fail(missing)
    const stale = Object.keys(ROUTE_MATRIX).filter((k) => !keys.has(k))
    assert.deepEqual(stale, [], `Entries in tests/security/route-matrix.ts for routes that no longer exist: remove ${stale.join(', ')}`)
  })

  it('notices a route added after the fact, and says exactly what to add', async () => {
    const extra = await testApp({
      configure: (app) => {
        app.get('/en/brand-new/:id', () => 'x')
        app.post('/fr/brand-new/:id', () => 'x')
      },
    })
    try {
      const message = missingEntriesMessage(portalRoutes(extra))
      assert.ok(message, 'the new routes are reported')
      assert.match(message, /Add GET \/\{lang\}\/brand-new\/:id to tests\/security\/route-matrix\.ts/)
      assert.match(message, /Add POST \/\{lang\}\/brand-new\/:id to tests\/security\/route-matrix\.ts/)
      assert.doesNotMatch(message, /Add GET \/\{lang\}\/home /, 'only the new ones')
    } finally {
      await extra.close()
    }
  })

  it('finds the portal, the console and the public pages among the routes (the enumeration works)', () => {
    const keys = new Set(routes.map((r) => r.key))
    for (const k of ['GET /{lang}/home', 'GET /{lang}/console/enrolments/:id', 'POST /{lang}/register', 'GET /health/live', 'GET /dev/mailbox']) assert.ok(keys.has(k), k)
    assert.ok(routes.some((r) => r.url.startsWith('/fr/')), 'French routes are enumerated too')
  })

  it('gives each role exactly what the matrix says, in both languages, with anti-framing headers on every answer', async () => {
    const failures: string[] = []
    const framing: string[] = []
    let checks = 0
    for (const route of routes) {
      const entry = ROUTE_MATRIX[route.key]
      if (!entry) continue // reported by the first test
      for (const role of ROLES) {
        const url = await concreteUrl(route, entry, world)
        const res = await send(await clientFor(role, route), route, url, true)
        if (route.method !== 'GET') await world.restore()
        checks++
        const got = outcomeOf(route.method, res)
        if (got !== expected(entry, role)) failures.push(`${route.method} ${url} as ${role}: expected ${expected(entry, role)}, got ${got} (${res.status}${res.location ? ` → ${res.location}` : ''})`)
        if (res.headers['x-frame-options'] !== 'DENY' || !/frame-ancestors 'none'/.test(String(res.headers['content-security-policy'] ?? ''))) framing.push(`${route.method} ${url} as ${role}`)
      }
    }
    assert.ok(checks > 400, `${checks} checks`)
    assert.deepEqual(failures, [], `The matrix is not met:\n${failures.join('\n')}`)
    assert.deepEqual(framing, [], 'every answer forbids framing (X-Frame-Options: DENY, CSP frame-ancestors none)')
  })

  it('refuses every state-changing route without a CSRF token (403 page, in the route’s language), whoever asks, and changes nothing', async () => {
    const failures: string[] = []
    // The API is exempt: a token, not a cookie, authenticates it (next test).
    const stateChanging = routes.filter((r) => r.method !== 'GET' && !isApi(r))
    assert.ok(stateChanging.length >= 20, `${stateChanging.length} state-changing routes`)
    for (const route of stateChanging) {
      if (!ROUTE_MATRIX[route.key]) continue // reported by the first test
      const url = await concreteUrl(route, ROUTE_MATRIX[route.key]!, world)
      // The role the route is meant for (else a signed-out visitor): the token, not the guard, must refuse.
      const role = ROLES.find((r) => expected(ROUTE_MATRIX[route.key]!, r) === 'allow') ?? 'signedOut'
      const client = await clientFor(role)
      await client.get(`/${route.lang}/offers/eligibility`)
      const before = await rowCounts(t.db)
      for (const form of [{}, { _csrf: 'forged' }, { _csrf: '' }]) {
        const res = await client.request(route.method, url, { form })
        if (res.status !== 403) failures.push(`${route.method} ${url} as ${role} with ${JSON.stringify(form)}: ${res.status}`)
        else if (res.dom.querySelector('html')?.getAttribute('lang') !== route.lang) failures.push(`${route.method} ${url}: the 403 page is not in ${route.lang}`)
      }
      const afterCounts = await rowCounts(t.db)
      if (JSON.stringify(before) !== JSON.stringify(afterCounts)) failures.push(`${route.method} ${url}: rows changed ${JSON.stringify(before)} → ${JSON.stringify(afterCounts)}`)
    }
    assert.deepEqual(failures, [])
  })

  it('never lets a session cookie authenticate the API: a signed-in browser without a token gets 401 problem details and changes nothing', async () => {
    const failures: string[] = []
    const apiRoutes = routes.filter((r) => isApi(r) && ROUTE_MATRIX[r.key] && expected(ROUTE_MATRIX[r.key]!, 'primaryA') === 'allow' && !r.url.endsWith('/openapi.json'))
    assert.ok(apiRoutes.length >= 10, `${apiRoutes.length} API routes`)
    for (const route of apiRoutes) {
      const url = await concreteUrl(route, ROUTE_MATRIX[route.key]!, world)
      const browser = await clientFor('primaryA')
      await browser.get('/en/offers/eligibility')
      const before = await rowCounts(t.db)
      const res = await browser.request(route.method, url, route.method === 'GET' ? {} : { payload: '{}', headers: { 'content-type': 'application/json', 'x-csrf-token': browser.csrf ?? '' } })
      if (res.status !== 401 || !String(res.headers['content-type']).startsWith('application/problem+json')) failures.push(`${route.method} ${url} with primary A's session: ${res.status}`)
      if (JSON.stringify(before) !== JSON.stringify(await rowCounts(t.db))) failures.push(`${route.method} ${url}: rows changed`)
    }
    assert.deepEqual(failures, [])
  })

  it('ids outside the path: another business in ?business=, someone else’s personal message, a draft in the console', async () => {
    const now = t.clock.now()
    const primaryA = await clientFor('primaryA')
    for (const url of ['/en/access', '/en/access/users/new', '/en/access/branches/new', '/en/access/transfer']) {
      assert.equal((await primaryA.get(`${url}?business=${world.businessB}`)).status, 404, `${url} for business B`)
      assert.equal((await primaryA.get(`${url}?business=${world.businessA}`)).status, 200, `${url} for business A`)
    }
    const pins = async () => Number((await t.db.selectFrom('account_message').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    await primaryA.get(`/en/access/users/new?business=${world.businessA}`)
    const before = await rowCounts(t.db)
    const beforeMessages = await pins()
    const res = await primaryA.post(`/en/access/users/new?business=${world.businessB}`, { givenNames: 'Eve', familyName: 'Intruder', email: '', branch: '', attest: 'yes' })
    assert.equal(res.status, 404, 'no PIN for business B from its outsider')
    assert.deepEqual(await rowCounts(t.db), before)
    assert.equal(await pins(), beforeMessages)

    const personal = await t.db
      .insertInto('account_message')
      .values({ user_id: world.users.primaryA.id, business_id: null, template: 'retired', params: '{}', lang: 'en', subject: 'Only for primary A', body: 'Personal.', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow()
    for (const role of ROLES.filter((r) => r !== 'signedOut')) {
      const got = (await (await clientFor(role)).get(`/en/messages/${personal.id}`)).status
      assert.equal(got, role === 'primaryA' ? 200 : 404, `a personal message read by ${role}`)
    }

    // The matrix run left drafts (POST /enrol/start); one person has at most one.
    const draft =
      (await t.db.selectFrom('enrolment_request').select('id').where('status', '=', 'draft').executeTakeFirst()) ??
      (await t.db.insertInto('enrolment_request').values({ requester_user_id: world.users.noBusiness.id, status: 'draft', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow())
    const officer = await clientFor('officer')
    assert.equal((await officer.get(`/en/console/enrolments/${draft.id}`)).status, 404, 'a draft is not the console’s yet')
    await officer.get('/en/console/enrolments')
    const decided = await officer.post(`/en/console/enrolments/${draft.id}/decision`, { decision: 'approve', reason: '', note: '' })
    assert.ok([400, 404].includes(decided.status), `deciding a draft: ${decided.status}`)
    assert.equal((await t.db.selectFrom('enrolment_request').select('status').where('id', '=', draft.id).executeTakeFirstOrThrow()).status, 'draft')
  })

  it('answers ids that do not exist or are not ids with 4xx, never a 500, for the role the route is meant for', async () => {
    const GARBAGE = ['00000000-0000-4000-8000-000000000000', 'not-an-id', "1' OR '1'='1", '%00', '..%2f..%2f', '-1', '9'.repeat(30), 'x'.repeat(190), 'y'.repeat(250), '%E2%80%AE']
    const failures: string[] = []
    let checks = 0
    for (const route of routes) {
      const entry = ROUTE_MATRIX[route.key]
      if (!entry?.params || !/:\w+/.test(route.url)) continue
      const role = ROLES.find((r) => expected(entry, r) === 'allow')
      if (!role) continue
      const real = await entry.params(world.fx)
      for (const name of Object.keys(real)) {
        for (const junk of GARBAGE) {
          const url = route.url.replace(/:(\w+)/g, (_w, n: string) => (n === name ? junk : encodeURIComponent(real[n]!)))
          const res = await send(await clientFor(role, route), route, url, true)
          if (route.method !== 'GET') await world.restore()
          checks++
          // Nothing there: a 4xx page (or a redirect away), never a page for it and never a crash.
          if (res.status >= 500 || res.status < 300) failures.push(`${route.method} ${url} as ${role}: ${res.status}`)
        }
      }
    }
    assert.ok(checks > 50, `${checks} checks`)
    assert.deepEqual(failures, [])
  })

  it('reflects no query parameter as markup: every page, for the role it is meant for, with hostile values in every parameter the portal reads', async () => {
    // Every query parameter a page reads today (grep request.query), plus a few that might be read one day.
    const NAMES = ['q', 'sent', 'created', 'removed', 'done', 'employerNumber', 'returnTo', 'business', 'status', 'page', 'registered', 'enrolment', 'joined', 'code', 'openPermit', 'console', 'everywhere', 'actor', 'action', 'from', 'to', 'before', 'after', 'saved', 'check', 'reason', 'error', 'message', 'kind', 'refund', 'purged', 'refused', 'number']
    const failures: string[] = []
    let checks = 0
    for (const route of routes) {
      const entry = ROUTE_MATRIX[route.key]
      if (route.method !== 'GET' || !entry || route.url.startsWith('/assets/')) continue
      const role = ROLES.find((r) => expected(entry, r) === 'allow')
      if (!role) continue
      const url = await concreteUrl(route, entry, world)
      for (const [i, done] of ['approved', 'refused', 'x'].entries()) {
        const params = new URLSearchParams(NAMES.map((n): [string, string] => [n, PAYLOADS[(n.length + i) % PAYLOADS.length]!]))
        params.set('done', done)
        const res = await send(await clientFor(role, route), route, `${url}?${params}`, true)
        checks++
        if (res.status >= 500) failures.push(`${url} as ${role}: ${res.status}`)
        else if (String(res.headers['content-type']).startsWith('text/html')) {
          try {
            assertInert(res, `${url} as ${role}`)
          } catch (e) {
            failures.push((e as Error).message)
          }
        }
        if (res.location && !/^\/(en|fr)?(\/|$|\?)/.test(res.location) && !res.location.startsWith(t.config.publicBaseUrl)) failures.push(`${url} as ${role} redirects off-site: ${res.location}`)
      }
    }
    assert.ok(checks > 100, `${checks} checks`)
    assert.deepEqual(failures, [])
  })

  it('HEAD, Fastify’s automatic twin of every GET, is guarded exactly like it', async () => {
    const failures: string[] = []
    for (const route of routes) {
      const entry = ROUTE_MATRIX[route.key]
      if (route.method !== 'GET' || !entry) continue
      const url = await concreteUrl(route, entry, world)
      for (const role of ['signedOut', 'primaryB', 'officer'] as const) {
        const client = await clientFor(role, route)
        const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
        const res = await t.app.inject({ method: 'HEAD', url, headers: { ...(cookie ? { cookie } : {}), ...(isApi(route) ? apiHeaders(role) : {}) } })
        const got = outcomeOf('GET', { status: res.statusCode, location: typeof res.headers.location === 'string' ? res.headers.location : undefined } as PageResponse)
        if (got !== expected(entry, role)) failures.push(`HEAD ${url} as ${role}: expected ${expected(entry, role)}, got ${got}`)
        if (res.body.length > 0) failures.push(`HEAD ${url} as ${role}: a body of ${res.body.length} bytes`)
      }
    }
    assert.deepEqual(failures, [])
  })

  it('does not register the development mailbox in production', async () => {
    const { buildApp } = await import('../../src/app.ts')
    const { testConfig } = await import('../../src/config.ts')
    const prod = await buildApp({
      config: testConfig({ isProduction: true, logLevel: 'silent', sessionSecret: 'x'.repeat(64) }),
      db: t.db,
      clock: t.clock,
    })
    try {
      await prod.ready()
      const urls = (registeredRoutes.get(prod) ?? []).map((r) => r.url)
      assert.ok(urls.includes('/en/home'))
      assert.ok(!urls.some((u) => u.startsWith('/dev/')), 'no /dev/ route in production')
      assert.equal((await prod.inject({ url: '/dev/mailbox' })).statusCode, 404)
    } finally {
      await prod.close()
    }
  })
})
