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
  /** Runs once before the load, against the portal: sign in, find a URL, seed a row. */
  setup?: (client: SetupClient) => Promise<S>
  /** The status a correct answer has (default 200); anything else counts as an error. */
  expectStatus?: number
  /** Needs the seeded volume (`npm run seed:scale` into the benchmark's database first). */
  seeded?: boolean
}

/** Who the seeded scenarios sign in as: the first seeded employer, whose business has the most offers. */
export const BENCH_SEED = { prefix: 'bench', user: 'bench-employer-1', password: 'bench-password-2026' } as const

type Signed = { cookie: Record<string, string> }

async function signIn(client: SetupClient): Promise<Signed> {
  await client.get('/en/sign-in')
  const res = await client.postForm('/en/sign-in', { username: BENCH_SEED.user, password: BENCH_SEED.password })
  if (res.status !== 303 || !res.headers.get('location')?.endsWith('/home')) throw new Error(`setup: sign-in answered ${res.status} ${res.headers.get('location')}`)
  return { cookie: client.cookieHeader() }
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

  // Signed-in scenarios on the seeded volume: the first seeded employer's business has --offers-busiest offers.
  scenario<{ cookie: Record<string, string>; csrf: string }>({
    name: 'sign-in',
    kind: 'sign-in',
    method: 'POST',
    path: '/en/sign-in',
    expectStatus: 303,
    seeded: true,
    setup: async (c) => {
      await c.get('/en/sign-in')
      return { cookie: c.cookieHeader(), csrf: c.csrfToken()! }
    },
    headers: (s) => ({ ...s.cookie, 'content-type': 'application/x-www-form-urlencoded' }),
    body: (s) => new URLSearchParams({ _csrf: s.csrf, username: BENCH_SEED.user, password: BENCH_SEED.password }).toString(),
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
    path: (s) => s.section,
    headers: (s) => s.cookie,
  }),
  scenario<Signed>({ name: 'account-messages', kind: 'page', method: 'GET', path: '/en/messages', seeded: true, setup: signIn, headers: (s) => s.cookie }),
  // Still to add: offer-section-post (each connection needs its own draft and version),
  // officer-offer-search (console) and api-offer-list (API token).
]
