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

  // ---------------------------------------------------------------------------
  // LATER, when the features exist (each is a few lines; see the issue "Performance
  // and scale"). Shapes, for whoever adds them:
  //
  // scenario<{ cookie: Record<string, string>; csrf: string }>({
  //   name: 'sign-in', kind: 'sign-in', method: 'POST', path: '/en/sign-in', expectStatus: 303,
  //   setup: async (c) => { await c.get('/en/sign-in'); return { cookie: c.cookieHeader(), csrf: c.csrfToken()! } },
  //   headers: (s) => ({ ...s.cookie, 'content-type': 'application/x-www-form-urlencoded' }),
  //   body: (s) => new URLSearchParams({ _csrf: s.csrf, username: 'bench-user-1', password: '…' }).toString(),
  // }),
  // scenario({ name: 'account-home', kind: 'page', method: 'GET', path: '/en/account', setup: signIn, headers: (s) => s.cookie }),
  // scenario({ name: 'offer-queue-first', kind: 'page', ... path: '/en/offers' }),           // business with 10,000 offers
  // scenario({ name: 'offer-queue-deep', kind: 'page', ... path: (s) => `/en/offers?after=${s.deepCursor}` }),
  // scenario({ name: 'offer-section-get', kind: 'page', ... }), scenario({ name: 'offer-section-post', kind: 'page', expectStatus: 303, ... }),
  // scenario({ name: 'account-messages', kind: 'page', ... }),
  // scenario({ name: 'officer-offer-search', kind: 'page', ... }),
  // scenario({ name: 'api-offer-list', kind: 'api', ... headers: (s) => ({ authorization: `Bearer ${s.token}` }) }),
  // (seed them first with `npm run seed:scale -- --employers N --offers M`.)
  // ---------------------------------------------------------------------------
]
