import { totpCode } from '../src/features/auth/totp.ts'
import type { LoadRequest } from './lib/load.ts'
import type { SetupClient } from './lib/setup-client.ts'

/**
 * The benchmark's scenarios, as data. Adding one is a few lines: a name, what it
 * requests, and (when it needs a signed-in user or a fingerprinted URL) a `setup`
 * that runs once against the started portal and returns whatever the request
 * factories need (a cookie, a CSRF token, an id).
 *
 * `kind` decides which targets apply (see targets.ts):
 *   baseline  the bare Fastify page every ratio is taken against
 *   page      an HTML page: requests/s ≥ 25 % of the baseline on the embedded database,
 *             ≥ 50 % with p99 ≤ 25 ms on PostgreSQL
 *   sign-in   reported as argon2id hashes/s rather than as a ratio
 *   asset, health, api   measured and shown with their ratio, no target
 */
export type ScenarioKind = 'baseline' | 'page' | 'sign-in' | 'asset' | 'health' | 'api'

export interface Scenario<S = unknown> {
  name: string
  kind: ScenarioKind
  method: LoadRequest['method']
  /** A fixed path, or one made from the setup's state. */
  path: string | ((state: S) => string)
  headers?: (state: S) => Record<string, string>
  body?: (state: S) => string
  /** Several requests cycled by every connection (e.g. a first and a deep keyset page). */
  requests?: (state: S) => LoadRequest[]
  /** Runs once before the load, against the portal: sign in, find a URL, seed a row (`connections`: how many the load will use). */
  setup?: (client: SetupClient, options: { connections: number }) => Promise<S>
  /**
   * Runs once after the load, with the setup's client and state: takes away what the setup added
   * that later scenarios would read (the drafts a save needs would otherwise be the first page
   * of the queue in every later configuration and run: lighter rows than the seeded ones).
   */
  teardown?: (client: SetupClient, state: S) => Promise<void>
  /** The status a correct answer has (default 200); anything else counts as an error. */
  expectStatus?: number
  /** Needs the seeded volume (`npm run seed:scale` into the benchmark's database first). */
  seeded?: boolean
}

/** Who the seeded scenarios sign in as: the first seeded employer, whose business has the most offers. */
export const BENCH_SEED = {
  prefix: 'bench',
  user: 'bench-employer-1',
  password: 'bench-password-2026',
  /** `<prefix>-officer`, whose second factor is this secret (seed:scale --officer-totp). */
  officer: 'bench-officer',
  officerTotp: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  /** The first employer's personal API token (seed:scale --api-token). */
  apiToken: 'ep_benchTokenForTheApiOfferListScenario0000000',
} as const

type Signed = { cookie: Record<string, string> }

async function signIn(client: SetupClient): Promise<Signed> {
  await client.get('/en/sign-in')
  const res = await client.postForm('/en/sign-in', { username: BENCH_SEED.user, password: BENCH_SEED.password })
  if (res.status !== 303 || !res.headers.get('location')?.endsWith('/home')) throw new Error(`setup: sign-in answered ${res.status} ${res.headers.get('location')}`)
  return { cookie: client.cookieHeader() }
}

/**
 * An officer signed in to the console: password, then the second factor. Each TOTP step is
 * accepted once, so a second sign-in in the same 30 s (PostgreSQL's 2-process run) uses the next step's code.
 */
async function signInOfficer(client: SetupClient): Promise<Signed> {
  await client.get('/en/console/sign-in')
  const res = await client.postForm('/en/console/sign-in', { username: BENCH_SEED.officer, password: BENCH_SEED.password })
  if (res.status !== 303 || !res.headers.get('location')?.endsWith('/sign-in/code')) throw new Error(`setup: officer sign-in answered ${res.status} ${res.headers.get('location')}`)
  for (const ahead of [0, 30_000]) {
    await client.get('/en/sign-in/code')
    const code = await client.postForm('/en/sign-in/code', { code: totpCode(BENCH_SEED.officerTotp, new Date(Date.now() + ahead)) })
    if (code.status === 303) return { cookie: client.cookieHeader() }
  }
  throw new Error('setup: the officer\'s second factor was refused')
}

/** Deletes drafts the setup made (paths of their sections), through the portal's own delete page. */
async function deleteDrafts(client: SetupClient, sectionPaths: string[]): Promise<void> {
  for (const section of sectionPaths) {
    const offer = section.replace(/\/[a-z-]+$/, '')
    await client.get(`${offer}/delete`)
    const res = await client.postForm(`${offer}/delete`, {})
    if (res.status !== 303) throw new Error(`teardown: deleting ${offer} answered ${res.status}`)
  }
}

/** The job section of an offer, complete (the section POST saves it and goes on to the next). */
const JOB_SECTION = {
  jobTitle: 'Software developer',
  nocCode: '21232',
  mainDuties: 'Design, write and test software.',
  workStreet: '1 Main Street',
  workCity: 'Ottawa',
  workProvince: 'ON',
  workPostalCode: 'K1A 0B1',
  startDate: '2027-06-01',
  endDate: '2028-05-31',
  hoursPerWeek: '40',
  additionalLocation: 'no',
  nav: 'next',
}

/** The href of the page's "Next page" link (rel=next), HTML entities decoded. */
function nextHref(page: string): string | undefined {
  return /<a href="([^"]+)" rel="next">/.exec(page)?.[1]?.replaceAll('&amp;', '&')
}

/** Keeps each scenario's setup state and factories typed together. */
export function scenario<S>(s: Scenario<S>): Scenario<unknown> {
  return s as Scenario<unknown>
}

/** Turns a scenario and its setup state into the plain requests the load generator sends. */
export function requestsFor(s: Scenario<unknown>, state: unknown): LoadRequest[] {
  if (s.requests) return s.requests(state)
  const path = typeof s.path === 'function' ? s.path(state) : s.path
  return [{ method: s.method, path, headers: s.headers?.(state) ?? {}, body: s.body?.(state) }]
}

export const BASELINE: Scenario<unknown> = scenario({ name: 'baseline', kind: 'baseline', method: 'GET', path: '/' })

/** The baseline's page after one PostgreSQL round trip (baseline-server.ts, with DATABASE_URL only). */
export const BASELINE_ONE_QUERY: Scenario<unknown> = scenario({ name: 'baseline-one-query', kind: 'baseline', method: 'GET', path: '/one-query' })

export const SCENARIOS: Scenario<unknown>[] = [
  scenario({ name: 'home', kind: 'page', method: 'GET', path: '/en' }),
  scenario({ name: 'about', kind: 'page', method: 'GET', path: '/en/about' }),
  scenario({ name: 'health-ready', kind: 'health', method: 'GET', path: '/health/ready' }),
  scenario<{ href: string }>({
    name: 'stylesheet',
    kind: 'asset',
    method: 'GET',
    // The stylesheet's URL is fingerprinted: read it from a page.
    setup: async (client) => {
      const page = await client.get('/en')
      const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1]
      if (!href) throw new Error('no stylesheet link on /en')
      return { href }
    },
    path: (state) => state.href,
  }),

  // Signed-in scenarios on the seeded volume: the first seeded employer's business has --busiest offers.
  // A sign-in ends the session it was posted in (a new id, no fixation): each connection gets
  // the form, then posts it with that form's session and token. One argon2id hash per sign-in,
  // so run.ts reports sign-ins/s (half the requests/s) as hashes/s.
  scenario({
    name: 'sign-in',
    kind: 'sign-in',
    method: 'POST',
    path: '/en/sign-in',
    expectStatus: 303,
    seeded: true,
    requests: () => [
      { method: 'GET', path: '/en/sign-in', expectStatus: 200 },
      {
        method: 'POST',
        path: '/en/sign-in',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username: BENCH_SEED.user, password: BENCH_SEED.password }).toString(),
        withPreviousForm: true,
        expectStatus: 303,
      },
    ],
  }),
  scenario<Signed>({ name: 'account-home', kind: 'page', method: 'GET', path: '/en/home', seeded: true, setup: signIn, headers: (s) => s.cookie }),
  scenario<Signed>({ name: 'offer-queue-first', kind: 'page', method: 'GET', path: '/en/offers', seeded: true, setup: signIn, headers: (s) => s.cookie }),
  scenario<Signed & { deep: string }>({
    name: 'offer-queue-deep',
    kind: 'page',
    method: 'GET',
    seeded: true,
    // 150 "Next page" links in: 7,500 offers deep, by keyset.
    setup: async (c) => {
      const signed = await signIn(c)
      let href = '/en/offers'
      for (let i = 0; i < 150; i++) {
        const next = nextHref(await c.get(href))
        if (!next) break
        href = next
      }
      return { ...signed, deep: href }
    },
    path: (s) => s.deep,
    headers: (s) => s.cookie,
  }),
  scenario<Signed & { section: string }>({
    name: 'offer-section-get',
    kind: 'page',
    method: 'GET',
    seeded: true,
    setup: async (c) => {
      const signed = await signIn(c)
      await c.get('/en/offers/new')
      const res = await c.postForm('/en/offers/new', {})
      const location = res.headers.get('location')
      if (res.status !== 303 || !location) throw new Error(`setup: a new draft answered ${res.status}`)
      return { ...signed, section: location.replace(/\/exemption$/, '/job') }
    },
    teardown: (c, s) => deleteDrafts(c, [s.section]),
    path: (s) => s.section,
    headers: (s) => s.cookie,
  }),
  scenario<Signed>({ name: 'account-messages', kind: 'page', method: 'GET', path: '/en/messages', seeded: true, setup: signIn, headers: (s) => s.cookie }),
  scenario<Signed>({
    name: 'officer-offer-search',
    kind: 'page',
    method: 'GET',
    seeded: true,
    // A family-name prefix a tenth of the seeded offers share: a full page of results, by the expression index.
    path: '/en/console/search?kind=offers&q=Tremblay',
    setup: signInOfficer,
    headers: (s) => s.cookie,
  }),
  scenario({
    name: 'api-offer-list',
    kind: 'api',
    method: 'GET',
    seeded: true,
    path: '/api/v1/offers',
    // run.ts raises API_RATE_LIMIT_PER_MINUTE for the benchmark (120 a minute would make this a test of the limit).
    headers: () => ({ authorization: `Bearer ${BENCH_SEED.apiToken}`, accept: 'application/json' }),
  }),
  // Last: its ~30,000 saves leave dead entries at the head of the busiest queue's index, which
  // the queue and the API list would read until a VACUUM (run.ts vacuums PostgreSQL before each
  // configuration; the embedded database is fresh each run).
  scenario<Signed & { csrf: string; drafts: { path: string; version: number }[] }>({
    name: 'offer-section-post',
    kind: 'page',
    method: 'POST',
    seeded: true,
    expectStatus: 303,
    // A draft per connection (and a few spare), for the warm-up and again for the run: a save moves
    // the draft's version on, and the next save must carry it.
    setup: async (c, { connections }) => {
      const signed = await signIn(c)
      await c.get('/en/offers/new')
      const csrf = c.csrfToken()!
      const drafts: { path: string; version: number }[] = []
      for (let i = 0; i < 2 * (connections + 5); i++) {
        const res = await c.postForm('/en/offers/new', { _csrf: csrf })
        const location = res.headers.get('location')
        if (res.status !== 303 || !location) throw new Error(`setup: a new draft answered ${res.status}`)
        const path = location.replace(/\/exemption$/, '/job')
        const version = /name="version" value="(\d+)"/.exec(await c.get(path))?.[1]
        if (version === undefined) throw new Error(`setup: no version on ${path}`)
        drafts.push({ path, version: Number(version) })
      }
      return { ...signed, csrf, drafts }
    },
    teardown: (c, s) => deleteDrafts(c, s.drafts.map((d) => d.path)),
    path: (s) => s.drafts[0]!.path,
    requests: (s) => [
      {
        method: 'POST',
        path: s.drafts[0]!.path.replace(/[0-9a-f-]{36}/, ':id'),
        headers: { ...s.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: s.csrf, ...JOB_SECTION }).toString(),
        versioned: { targets: s.drafts, field: 'version', okStatus: 303 },
      },
    ],
  }),
]
