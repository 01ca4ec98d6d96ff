/**
 * The authorization matrix: for every route the portal registers, what each kind of
 * visitor gets. tests/security/route-matrix.test.ts enumerates the routes the app
 * really registered (the onRoute list `registeredRoutes` in src/app.ts) and fails for
 * a route without an entry here, and for an entry whose expectation is not met.
 *
 * Keys are `METHOD path` as registered, with the language prefix written `{lang}`
 * (the test checks /en and /fr) and fingerprinted asset names written `{fingerprint}`.
 * HEAD routes are Fastify's automatic twins of GET routes and are not listed.
 *
 * Outcomes (what the test accepts):
 *   allow      the route itself answered: 2xx or 3xx not to a sign-in page; for a POST also
 *              400/409/429 (the form was read and validated: it got past authorization)
 *   signIn     303 to /{lang}/sign-in or /{lang}/console/sign-in
 *   forbidden  403 (the wrong audience, or a role without the right)
 *   notFound   404 (another business's or person's object: its existence is not confirmed)
 *   gone       410 (a link token that is wrong, used or expired: the page says so)
 *   conflict   409 (a page that explains a conflict, e.g. "this business is already enrolled")
 *   unauthorized  401 problem details: an /api/v1 route without a token its user may use (the API
 *              authenticates by bearer token only: each role sends its token from world.apiTokens, and
 *              an allowed POST/PUT also counts 412/422/428, its body or If-Match refused after authorization)
 *
 * Every POST is sent with a valid CSRF token of the same session and an empty form, so an
 * allowed POST answers with its validation error rather than changing anything.
 */

export const ROLES = ['signedOut', 'noBusiness', 'primaryA', 'secondaryA', 'branchPrimaryA', 'branchSecondaryA', 'primaryB', 'officer', 'administrator'] as const
export type Role = (typeof ROLES)[number]
export type Outcome = 'allow' | 'signIn' | 'forbidden' | 'notFound' | 'gone' | 'conflict' | 'unauthorized'

/**
 * The users of business A's branch A (its branch primary user and a secondary user of the
 * branch) may be left out of an entry: they then expect what business A's secondary user
 * gets. Every role is still checked on every route; only the expectation is defaulted.
 */
const DEFAULTS_TO = { branchPrimaryA: 'secondaryA', branchSecondaryA: 'secondaryA' } as const
type DefaultedRole = keyof typeof DEFAULTS_TO
export type Expectation = Record<Exclude<Role, DefaultedRole>, Outcome> & Partial<Record<DefaultedRole, Outcome>>

/** What `role` gets on the route of `entry` (with the branch roles' default). */
export function expected(entry: MatrixEntry, role: Role): Outcome {
  const own = (entry.expect as Partial<Record<Role, Outcome>>)[role]
  return own ?? entry.expect[DEFAULTS_TO[role as DefaultedRole]]
}

/** Real ids made by the test: business A's objects, and things that exist for anyone. */
export interface Fixture {
  /** Business A's enrolment request (approved; the console's object). */
  enrolmentA: string
  /** An account message addressed to business A. */
  businessMessageA: string
  /** A payment started by business A's primary user, still pending. */
  paymentA: string
  /** The embedded test gateway's checkout for that payment. */
  checkoutA: string
  /** A row of the development mailbox. */
  devMail: string
  /** A draft offer of employment of business A. */
  offerA: string
  /** A submitted (pending) offer of business A, with an approved payment. */
  submittedOfferA: string
  approvedPaymentA: string
  /** A submitted offer of business A that claimed a fee exemption, and its proof. */
  exemptOfferA: string
  exemptProofA: string
  /** Makes a new draft of business A (for checks that delete it). */
  newDraftA(): Promise<string>
  /** Makes a new draft of business A with one document (for checks that remove it). */
  newDocumentA(): Promise<{ id: string; documentId: string }>
  /** A request (by the employer without a business) to become business A's primary user. */
  transferA: string
  /** Makes a new secondary member of business A (for checks that remove or promote a member). */
  newMemberA(): Promise<string>
  /** Makes a new PIN of business A (for checks that revoke or re-issue it). */
  newPinA(): Promise<string>
  /** Makes a new officer account (for checks that remove one). */
  newOfficer(): Promise<string>
  /** A PIN reset request routed to business A's primary user, still open. */
  pinResetA: string
  /** A PIN reset request about business A routed to the officers, still open. */
  pinResetOfficersA: string
  /** Business A's id (the console's employer and inspection pages). */
  businessIdA: string
  /** A finished inspection export (CSV) of business A. */
  exportA: string
  /** A technical problem report with a screenshot. */
  problemReport: string
  /** Makes a new maintenance window far in the future (for checks that cancel one). */
  newMaintenanceWindow(): Promise<string>
  /** Makes a new API token of business A's primary user (for checks that revoke it); its id. */
  newApiTokenA(): Promise<string>
  /** A reactivation request (by a dormant user of their own), still open. */
  reactivation: string
}

export interface MatrixEntry {
  expect: Expectation
  /** Values for the route's :params (called for every check: a factory makes a fresh object each time). */
  params?: (fx: Fixture) => Record<string, string> | Promise<Record<string, string>>
  /** Why the expectation is what it is, when it is not obvious. */
  note?: string
}

const all = (o: Outcome): Record<Role, Outcome> => ({
  signedOut: o,
  noBusiness: o,
  primaryA: o,
  secondaryA: o,
  branchPrimaryA: o,
  branchSecondaryA: o,
  primaryB: o,
  officer: o,
  administrator: o,
})

/** Anyone, signed in or not. */
const PUBLIC = all('allow')
/** The portal: employers only (with or without a business); staff are sent to their console. */
const EMPLOYER: Record<Role, Outcome> = { ...all('allow'), signedOut: 'signIn', officer: 'forbidden', administrator: 'forbidden' }
/** The console: officers and administrators; employers are told it is not for them. */
const STAFF: Record<Role, Outcome> = {
  signedOut: 'signIn',
  noBusiness: 'forbidden',
  primaryA: 'forbidden',
  secondaryA: 'forbidden',
  branchPrimaryA: 'forbidden',
  branchSecondaryA: 'forbidden',
  primaryB: 'forbidden',
  officer: 'allow',
  administrator: 'allow',
}
/** Managing a business's access: its primary user (each their own business) and a branch's primary user (their branch); others are refused. */
const MANAGER: Record<Role, Outcome> = { ...EMPLOYER, noBusiness: 'forbidden', secondaryA: 'forbidden', branchSecondaryA: 'forbidden' }
/** What only the primary user of the whole business does (branches, the primary role, the audit trail). */
const PRIMARY_ONLY: Record<Role, Outcome> = { ...MANAGER, branchPrimaryA: 'forbidden' }
/** Managing one of business A's own (whole-business) objects: outsiders, and branch A's primary user, are not told it exists; A's secondary users are refused. */
const MANAGER_OF_A: Record<Role, Outcome> = { ...MANAGER, noBusiness: 'notFound', primaryB: 'notFound', branchPrimaryA: 'notFound' }
/** Something routed to business A's primary user alone: no one else is told it exists. */
const PRIMARY_OF_A_ONLY: Record<Role, Outcome> = { ...all('notFound'), signedOut: 'signIn', primaryA: 'allow', officer: 'forbidden', administrator: 'forbidden' }
/** Console administration: administrators only. */
const ADMINISTRATOR: Record<Role, Outcome> = { ...STAFF, officer: 'forbidden' }
/** One of business A's own (whole-business) objects: its members see it; others, and branch A's users (who see their branch's only), are not told it exists. */
const MEMBER_OF_A: Record<Role, Outcome> = { ...EMPLOYER, noBusiness: 'notFound', primaryB: 'notFound', branchPrimaryA: 'notFound', branchSecondaryA: 'notFound' }
/** The API: a token of an active member of a business (any role); no token, a token of someone who is not (or no longer) a member, or none at all (staff): 401. */
const API_TOKEN: Record<Role, Outcome> = { ...all('allow'), signedOut: 'unauthorized', noBusiness: 'unauthorized', officer: 'unauthorized', administrator: 'unauthorized' }
/** One of business A's own (whole-business) offers through the API: business B's token and branch A's users' tokens are not told it exists. */
const API_MEMBER_OF_A: Record<Role, Outcome> = { ...API_TOKEN, primaryB: 'notFound', branchPrimaryA: 'notFound', branchSecondaryA: 'notFound' }
/** Anyone signed in. */
const SIGNED_IN: Record<Role, Outcome> = { ...all('allow'), signedOut: 'signIn' }

/** The expectations: one entry per registered route (method + path). */
export const ROUTE_MATRIX: Record<string, MatrixEntry> = {
  // The shell, assets and health.
  'GET /': { expect: PUBLIC, note: 'redirects to /en or /fr' },
  'GET /assets/portal-{fingerprint}.css': { expect: PUBLIC },
  'GET /assets/portal-{fingerprint}.js': { expect: PUBLIC },
  'GET /assets/favicon-{fingerprint}.svg': { expect: PUBLIC },
  'GET /favicon.ico': { expect: PUBLIC },
  'GET /assets/fonts/*': { expect: PUBLIC, params: () => ({ '*': 'noto-sans/gcds-noto-sans-regular.woff' }), note: 'static fonts (only .woff, .woff2, .ttf are served)' },
  'GET /health/live': { expect: PUBLIC },
  'GET /health/ready': { expect: PUBLIC },

  // Public pages.
  'GET /{lang}': { expect: PUBLIC },
  'GET /{lang}/about': { expect: PUBLIC },
  'GET /{lang}/help': { expect: PUBLIC },
  'GET /{lang}/help/report': { expect: PUBLIC },
  'POST /{lang}/help/report': { expect: PUBLIC, note: 'no description: 400' },
  'GET /{lang}/help/report/sent': { expect: PUBLIC },
  'GET /{lang}/reference/occupations': { expect: PUBLIC },
  'GET /{lang}/reference/exemption-codes': { expect: PUBLIC },
  'GET /{lang}/offers/eligibility': { expect: PUBLIC },
  'POST /{lang}/offers/eligibility': { expect: PUBLIC },
  'GET /{lang}/offers/eligibility/result': { expect: PUBLIC },

  // Registration, sign-in, second factor, sessions.
  'GET /{lang}/register': { expect: PUBLIC },
  'POST /{lang}/register': { expect: PUBLIC },
  'GET /{lang}/sign-in': { expect: PUBLIC },
  'POST /{lang}/sign-in': { expect: PUBLIC },
  'GET /{lang}/console/sign-in': { expect: PUBLIC },
  'POST /{lang}/console/sign-in': { expect: PUBLIC },
  'GET /{lang}/sign-in/code': { expect: all('signIn'), note: 'only between the password and the code; anyone else is sent to sign in' },
  'POST /{lang}/sign-in/code': { expect: all('signIn'), note: 'as the GET' },
  'POST /{lang}/sign-in/federated/:provider': {
    expect: all('notFound'),
    params: () => ({ provider: 'nobody' }),
    note: 'no provider is configured in this test; a configured one is covered by tests/integration/federated.test.ts',
  },
  'GET /auth/callback/:provider': { expect: all('notFound'), params: () => ({ provider: 'nobody' }), note: 'as above' },
  'GET /{lang}/two-factor/setup': { expect: SIGNED_IN, note: 'a signed-in person may add an authenticator; staff during their first sign-in' },
  'POST /{lang}/two-factor/setup': { expect: all('signIn'), note: 'without the secret its GET page put in the session, back to sign-in (covered with one in tests/integration/auth.test.ts)' },
  'GET /{lang}/two-factor/recovery-codes': { expect: all('signIn'), note: 'shown once, right after setup; otherwise back to sign-in' },
  'POST /{lang}/two-factor/recovery-codes': { expect: SIGNED_IN },
  'POST /{lang}/sign-out': { expect: PUBLIC },
  'POST /{lang}/sign-out-everywhere': { expect: SIGNED_IN },
  'GET /{lang}/signed-out': { expect: PUBLIC },
  'POST /{lang}/session/continue': { expect: SIGNED_IN },
  'GET /{lang}/session/status': { expect: PUBLIC, note: 'JSON for the timeout warning script; says "signed out" to a visitor' },

  // Account recovery (the token is the credential: a wrong one gets a page saying so).
  'GET /{lang}/verify-email/:token': { expect: all('gone'), params: () => ({ token: 'not-a-real-token' }) },
  'GET /{lang}/forgot-password': { expect: PUBLIC },
  'POST /{lang}/forgot-password': { expect: PUBLIC },
  'GET /{lang}/forgot-password/sent': { expect: PUBLIC },
  'GET /{lang}/forgot-username': { expect: PUBLIC },
  'POST /{lang}/forgot-username': { expect: PUBLIC, note: 'no address: 400' },
  'GET /{lang}/forgot-username/sent': { expect: PUBLIC },
  'GET /{lang}/reset-password/:token': { expect: all('gone'), params: () => ({ token: 'not-a-real-token' }) },
  'POST /{lang}/reset-password/:token': { expect: all('gone'), params: () => ({ token: 'not-a-real-token' }) },
  'GET /{lang}/account/password': { expect: SIGNED_IN, note: 'any signed-in person changes their own password' },
  'POST /{lang}/account/password': { expect: SIGNED_IN },
  'GET /{lang}/account/email': { expect: SIGNED_IN },
  'POST /{lang}/account/email': { expect: SIGNED_IN },
  'POST /{lang}/account/email/resend': { expect: SIGNED_IN, note: 'a new link to an address not yet confirmed; otherwise back to the page' },
  'GET /{lang}/account/two-factor': { expect: SIGNED_IN, note: 'without a second factor, on to its setup' },
  'POST /{lang}/account/two-factor/recovery-codes': { expect: SIGNED_IN, note: 'the current password first' },
  'POST /{lang}/account/two-factor/replace': { expect: SIGNED_IN, note: 'the current password and second factor first' },

  // The employer's portal.
  'GET /{lang}/home': { expect: EMPLOYER },
  'POST /{lang}/home/contact': { expect: EMPLOYER },
  'GET /{lang}/enrol': { expect: EMPLOYER },
  'POST /{lang}/enrol/start': { expect: EMPLOYER },
  'GET /{lang}/enrol/transfer': { expect: EMPLOYER, note: 'without a draft naming an enrolled business, sends the person to /enrol' },
  'POST /{lang}/enrol/transfer': { expect: EMPLOYER },
  'GET /{lang}/enrol/business': { expect: EMPLOYER },
  'POST /{lang}/enrol/business': { expect: EMPLOYER },
  'GET /{lang}/enrol/address': { expect: EMPLOYER },
  'POST /{lang}/enrol/address': { expect: EMPLOYER },
  'GET /{lang}/enrol/contact': { expect: EMPLOYER },
  'POST /{lang}/enrol/contact': { expect: EMPLOYER },
  'GET /{lang}/enrol/review': { expect: EMPLOYER },
  'POST /{lang}/enrol/submit': { expect: EMPLOYER },
  'GET /{lang}/enrol/already': { expect: { ...EMPLOYER, noBusiness: 'conflict', primaryA: 'conflict', secondaryA: 'conflict', branchPrimaryA: 'conflict', branchSecondaryA: 'conflict', primaryB: 'conflict' }, note: 'the "already enrolled" explanation is a 409 page' },

  // Account messages: one's own and one's businesses'.
  'GET /{lang}/messages': { expect: SIGNED_IN },
  'GET /{lang}/messages/:id': {
    expect: { signedOut: 'signIn', noBusiness: 'notFound', primaryA: 'allow', secondaryA: 'allow', branchPrimaryA: 'allow', branchSecondaryA: 'allow', primaryB: 'notFound', officer: 'notFound', administrator: 'notFound' },
    params: (fx) => ({ id: fx.businessMessageA }),
    note: "a business's message is read by its members only",
  },

  // Payments: only the person who started a payment sees it (officers will get their own console pages).
  'GET /{lang}/payments/:id': {
    expect: { ...all('notFound'), signedOut: 'signIn', primaryA: 'allow' },
    params: (fx) => ({ id: fx.paymentA }),
  },
  'GET /{lang}/payments/:id/return': {
    expect: { ...all('notFound'), signedOut: 'signIn', primaryA: 'allow' },
    params: (fx) => ({ id: fx.paymentA }),
  },
  // The embedded test gateway plays "another site": its hosted page is reached by its unguessable checkout id, like a real one.
  'GET /{lang}/test-gateway/checkouts/:id': { expect: PUBLIC, params: (fx) => ({ id: fx.checkoutA }) },
  'POST /{lang}/test-gateway/checkouts/:id': { expect: PUBLIC, params: (fx) => ({ id: fx.checkoutA }) },
  // The development mailbox: registered only outside production (checked by route-matrix.test.ts).
  'GET /dev/mailbox': { expect: PUBLIC },
  'GET /dev/mailbox/:id': { expect: PUBLIC, params: (fx) => ({ id: fx.devMail }) },
  'GET /dev/mailbox/:id/html': { expect: PUBLIC, params: (fx) => ({ id: fx.devMail }) },

  // Offers of employment: a business's offers are seen by its members only.
  'GET /{lang}/offers': { expect: EMPLOYER },
  'GET /{lang}/offers/new': { expect: EMPLOYER },
  'POST /{lang}/offers/new': { expect: { ...EMPLOYER, noBusiness: 'notFound' }, note: 'an employer without a business has nothing to make an offer for' },
  'GET /{lang}/offers/:id': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'GET /{lang}/offers/:id/validate': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'GET /{lang}/offers/:id/:section': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA, section: 'job' }) },
  'POST /{lang}/offers/:id/:section': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA, section: 'job' }) },
  'GET /{lang}/offers/:id/review': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'POST /{lang}/offers/:id/submit': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }), note: 'an empty form has no version: sent back to the review' },
  'POST /{lang}/offers/:id/pay': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }), note: 'a draft is not awaiting payment: sent back to it' },
  'POST /{lang}/offers/:id/reopen': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }) },
  'GET /{lang}/offers/:id/withdraw': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }) },
  'POST /{lang}/offers/:id/withdraw': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }), note: 'an empty reason: 400, nothing withdrawn' },
  'POST /{lang}/offers/:id/copy': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }) },
  'GET /{lang}/offers/:id/delete': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'POST /{lang}/offers/:id/delete': { expect: MEMBER_OF_A, params: async (fx) => ({ id: await fx.newDraftA() }) },
  'GET /{lang}/offers/:id/offer.pdf': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }) },
  'GET /{lang}/offers/:id/payments/:paymentId/receipt.pdf': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA, paymentId: fx.approvedPaymentA }) },
  'GET /{lang}/offers/:id/documents': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'POST /{lang}/offers/:id/documents': { expect: MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }), note: 'no file chosen: 400' },
  'GET /{lang}/offers/:id/documents/:documentId': { expect: MEMBER_OF_A, params: async (fx) => fx.newDocumentA() },
  'POST /{lang}/offers/:id/documents/:documentId/remove': { expect: MEMBER_OF_A, params: async (fx) => fx.newDocumentA() },

  // Access: managing users, PINs and branches (primary users), joining with a PIN (any employer).
  'GET /{lang}/access': { expect: MANAGER },
  'GET /{lang}/access/users/new': { expect: MANAGER },
  'POST /{lang}/access/users/new': { expect: MANAGER },
  'GET /{lang}/access/branches/new': { expect: PRIMARY_ONLY },
  'POST /{lang}/access/branches/new': { expect: PRIMARY_ONLY },
  'GET /{lang}/access/transfer': { expect: PRIMARY_ONLY },
  'POST /{lang}/access/transfer': { expect: PRIMARY_ONLY },
  'GET /{lang}/access/pins/:id/created': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newPinA() }) },
  'GET /{lang}/access/pins/:id/reissue': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newPinA() }) },
  'POST /{lang}/access/pins/:id/reissue': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newPinA() }) },
  'GET /{lang}/access/pins/:id/revoke': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newPinA() }) },
  'POST /{lang}/access/pins/:id/revoke': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newPinA() }) },
  'GET /{lang}/access/members/:id/delete': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newMemberA() }) },
  'POST /{lang}/access/members/:id/delete': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newMemberA() }) },
  'GET /{lang}/access/transfer/:id': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newMemberA() }) },
  'POST /{lang}/access/transfer/:id': { expect: MANAGER_OF_A, params: async (fx) => ({ id: await fx.newMemberA() }), note: 'primary A really transfers to the fresh member: the test puts the cast back after every check' },
  'GET /{lang}/join': { expect: EMPLOYER },
  'POST /{lang}/join': { expect: EMPLOYER },
  // Several businesses: the header's switcher (any employer chooses among their own businesses; another's is a 400 "choose").
  'GET /{lang}/business/active': { expect: EMPLOYER },
  'POST /{lang}/business/active': { expect: EMPLOYER },
  // A lost PIN: anyone signed in to the portal asks; the same answer whatever the number names.
  'GET /{lang}/pin-reset': { expect: EMPLOYER },
  'POST /{lang}/pin-reset': { expect: EMPLOYER },
  'GET /{lang}/pin-reset/sent': { expect: EMPLOYER },
  'GET /{lang}/access/pin-resets/:id': { expect: PRIMARY_OF_A_ONLY, params: (fx) => ({ id: fx.pinResetA }) },
  'POST /{lang}/access/pin-resets/:id': { expect: PRIMARY_OF_A_ONLY, params: (fx) => ({ id: fx.pinResetA }) },
  // The business's audit trail: its primary user (each their own business).
  'GET /{lang}/access/audit': { expect: PRIMARY_ONLY },
  // Dormancy: asking for reactivation (an active person is told there is nothing to do).
  'GET /{lang}/dormancy/reactivate': { expect: EMPLOYER },
  'POST /{lang}/dormancy/reactivate': { expect: EMPLOYER },

  // The officer console.
  'GET /{lang}/console': { expect: STAFF },
  'GET /{lang}/console/enrolments': { expect: STAFF },
  'GET /{lang}/console/transfers': { expect: STAFF },
  'GET /{lang}/console/transfers/:id': { expect: STAFF, params: (fx) => ({ id: fx.transferA }), note: 'a real request about business A (an unknown id is checked by the garbage-id test)' },
  'POST /{lang}/console/transfers/:id/decision': { expect: STAFF, params: (fx) => ({ id: fx.transferA }) },
  'POST /{lang}/console/transfers/:id/decision/confirm': { expect: STAFF, params: (fx) => ({ id: fx.transferA }), note: 'no decision: 400 (a decision shows the confirmation page, and changes nothing)' },
  'POST /{lang}/console/transfers/:id/assign': { expect: STAFF, params: (fx) => ({ id: fx.transferA }) },
  'GET /{lang}/console/enrolments/:id': { expect: STAFF, params: (fx) => ({ id: fx.enrolmentA }) },
  'POST /{lang}/console/enrolments/:id/assign': { expect: STAFF, params: (fx) => ({ id: fx.enrolmentA }) },
  'POST /{lang}/console/enrolments/:id/decision': { expect: STAFF, params: (fx) => ({ id: fx.enrolmentA }) },
  'POST /{lang}/console/enrolments/:id/decision/confirm': { expect: STAFF, params: (fx) => ({ id: fx.enrolmentA }), note: 'no decision: 400 (a decision shows the confirmation page, and changes nothing)' },
  'GET /{lang}/console/audit': { expect: STAFF },
  'GET /{lang}/console/audit.csv': { expect: STAFF },
  'GET /{lang}/console/pin-resets': { expect: STAFF },
  'GET /{lang}/console/pin-resets/:id': { expect: STAFF, params: (fx) => ({ id: fx.pinResetOfficersA }) },
  'POST /{lang}/console/pin-resets/:id/assign': { expect: STAFF, params: (fx) => ({ id: fx.pinResetOfficersA }) },
  // Claimed fee exemptions, for officers to review.
  'GET /{lang}/console/fee-exemptions': { expect: STAFF },
  'GET /{lang}/console/fee-exemptions/:id': { expect: STAFF, params: (fx) => ({ id: fx.exemptOfferA }) },
  'POST /{lang}/console/fee-exemptions/:id/assign': { expect: STAFF, params: (fx) => ({ id: fx.exemptOfferA }) },
  'POST /{lang}/console/fee-exemptions/:id/decision': { expect: STAFF, params: (fx) => ({ id: fx.exemptOfferA }), note: 'no decision chosen: 400' },
  'GET /{lang}/console/fee-exemptions/:id/documents/:documentId': { expect: STAFF, params: (fx) => ({ id: fx.exemptOfferA, documentId: fx.exemptProofA }) },
  'POST /{lang}/console/pin-resets/:id/decision': { expect: STAFF, params: (fx) => ({ id: fx.pinResetOfficersA }) },
  'POST /{lang}/console/pin-resets/:id/decision/confirm': { expect: STAFF, params: (fx) => ({ id: fx.pinResetOfficersA }), note: 'no decision: 400 (a decision shows the confirmation page, and changes nothing)' },
  'GET /{lang}/console/reactivations': { expect: STAFF },
  'GET /{lang}/console/reactivations/:id': { expect: STAFF, params: (fx) => ({ id: fx.reactivation }) },
  'POST /{lang}/console/reactivations/:id/assign': { expect: STAFF, params: (fx) => ({ id: fx.reactivation }) },
  'POST /{lang}/console/reactivations/:id/decision': { expect: STAFF, params: (fx) => ({ id: fx.reactivation }) },
  'POST /{lang}/console/reactivations/:id/decision/confirm': { expect: STAFF, params: (fx) => ({ id: fx.reactivation }), note: 'no decision: 400 (a decision shows the confirmation page, and changes nothing)' },
  // The console's work pages (src/features/console): search, matching and decisions, inspections, the dashboard.
  'GET /{lang}/console/search': { expect: STAFF },
  'GET /{lang}/console/matching': { expect: STAFF },
  'POST /{lang}/console/matching': { expect: STAFF },
  'GET /{lang}/console/offers/:id': { expect: STAFF, params: (fx) => ({ id: fx.submittedOfferA }) },
  'GET /{lang}/console/offers/:id/documents/:documentId': { expect: STAFF, params: (fx) => ({ id: fx.exemptOfferA, documentId: fx.exemptProofA }) },
  'GET /{lang}/console/offers/:id/offer.pdf': { expect: STAFF, params: (fx) => ({ id: fx.submittedOfferA }) },
  'POST /{lang}/console/offers/:id/unmatch': { expect: STAFF, params: (fx) => ({ id: fx.submittedOfferA }), note: 'no reason: 400' },
  'POST /{lang}/console/offers/:id/decision': { expect: STAFF, params: (fx) => ({ id: fx.submittedOfferA }), note: 'no decision chosen: 400' },
  'POST /{lang}/console/offers/:id/refund': { expect: STAFF, params: (fx) => ({ id: fx.submittedOfferA }), note: 'no refused decision: nothing to refund, back to the offer' },
  'POST /{lang}/console/offers/:id/corrections': { expect: STAFF, params: (fx) => ({ id: fx.submittedOfferA }), note: 'nothing chosen: 400' },
  'GET /{lang}/console/employers/:id': { expect: STAFF, params: (fx) => ({ id: fx.businessIdA }) },
  'POST /{lang}/console/employers/:id/exports': { expect: STAFF, params: (fx) => ({ id: fx.businessIdA }), note: 'no format: back to the inspection page' },
  'GET /{lang}/console/exports/:id': { expect: STAFF, params: (fx) => ({ id: fx.exportA }) },
  'GET /{lang}/console/exports/:id/download': { expect: STAFF, params: (fx) => ({ id: fx.exportA }) },
  'GET /{lang}/console/dashboard': { expect: STAFF },
  // Console administration: administrators only.
  'GET /{lang}/console/admin': { expect: ADMINISTRATOR },
  'GET /{lang}/console/admin/fee': { expect: ADMINISTRATOR },
  'POST /{lang}/console/admin/fee': { expect: ADMINISTRATOR, note: 'no amount: 400' },
  'GET /{lang}/console/admin/maintenance': { expect: ADMINISTRATOR },
  'POST /{lang}/console/admin/maintenance': { expect: ADMINISTRATOR, note: 'no times: 400' },
  'GET /{lang}/console/admin/maintenance/:id/cancel': { expect: ADMINISTRATOR, params: async (fx) => ({ id: await fx.newMaintenanceWindow() }), note: 'the confirmation page' },
  'POST /{lang}/console/admin/maintenance/:id/cancel': { expect: ADMINISTRATOR, params: async (fx) => ({ id: await fx.newMaintenanceWindow() }), note: 'the administrator really cancels the fresh window' },
  'GET /{lang}/console/admin/help': { expect: ADMINISTRATOR },
  'POST /{lang}/console/admin/help': { expect: ADMINISTRATOR, note: 'an empty form is valid: the help text becomes empty' },
  'GET /{lang}/console/admin/problems': { expect: ADMINISTRATOR },
  'GET /{lang}/console/admin/problems/:id': { expect: ADMINISTRATOR, params: (fx) => ({ id: fx.problemReport }) },
  'GET /{lang}/console/admin/problems/:id/screenshot': { expect: ADMINISTRATOR, params: (fx) => ({ id: fx.problemReport }) },
  'POST /{lang}/console/admin/problems/:id/status': { expect: ADMINISTRATOR, params: (fx) => ({ id: fx.problemReport }), note: 'no status: 400' },
  'GET /{lang}/console/admin/retention': { expect: ADMINISTRATOR },
  'POST /{lang}/console/admin/retention/purge': { expect: ADMINISTRATOR, note: 'nothing selected: 400' },
  'GET /{lang}/console/staff': { expect: ADMINISTRATOR },
  'POST /{lang}/console/staff': { expect: ADMINISTRATOR },
  'GET /{lang}/console/staff/:id/remove': { expect: ADMINISTRATOR, params: async (fx) => ({ id: await fx.newOfficer() }), note: 'the confirmation page' },
  'POST /{lang}/console/staff/:id/remove': { expect: ADMINISTRATOR, params: async (fx) => ({ id: await fx.newOfficer() }), note: 'the administrator really removes the fresh officer' },

  // Personal API tokens (each person's own) and the API reference page.
  'GET /{lang}/account/api-tokens': { expect: EMPLOYER },
  'POST /{lang}/account/api-tokens': { expect: EMPLOYER, note: 'an empty form: 400' },
  'GET /{lang}/account/api-tokens/:id/created': { expect: PRIMARY_OF_A_ONLY, params: async (fx) => ({ id: await fx.newApiTokenA() }), note: 'a token of business A’s primary user: its owner only (the value itself only right after creating it)' },
  'GET /{lang}/account/api-tokens/:id/revoke': { expect: PRIMARY_OF_A_ONLY, params: async (fx) => ({ id: await fx.newApiTokenA() }) },
  'POST /{lang}/account/api-tokens/:id/revoke': { expect: PRIMARY_OF_A_ONLY, params: async (fx) => ({ id: await fx.newApiTokenA() }), note: 'the owner really revokes the fresh token' },
  'GET /{lang}/developers': { expect: PUBLIC },

  // The JSON API: bearer tokens only (a session cookie is ignored; see route-matrix.test.ts). A token acts as its user
  // within its business: business B's token and branch A's users do not see business A's whole-business objects.
  'GET /api/v1/openapi.json': { expect: PUBLIC },
  'GET /api/v1/business': { expect: API_TOKEN },
  'GET /api/v1/business/users': { expect: API_TOKEN },
  'GET /api/v1/offers': { expect: API_TOKEN },
  'POST /api/v1/offers': { expect: API_TOKEN, note: 'each allowed role really starts a draft in its own business (and branch)' },
  'GET /api/v1/offers/:id': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'PUT /api/v1/offers/:id/sections/:section': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.offerA, section: 'job' }), note: 'no If-Match: 428, nothing saved' },
  'POST /api/v1/offers/:id/validate': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'POST /api/v1/offers/:id/submit': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }), note: 'an empty draft: 422 with its problems' },
  'POST /api/v1/offers/:id/withdraw': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }), note: 'no reason: 400, nothing withdrawn' },
  'POST /api/v1/offers/:id/copy': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.submittedOfferA }) },
  'GET /api/v1/offers/:id/documents': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }) },
  'POST /api/v1/offers/:id/documents': { expect: API_MEMBER_OF_A, params: (fx) => ({ id: fx.offerA }), note: 'a JSON body is not a file: 415, nothing attached' },
  'GET /api/v1/messages': { expect: API_TOKEN },
  'GET /api/v1/reference/exemption-codes': { expect: API_TOKEN },
  'GET /api/v1/reference/occupations': { expect: API_TOKEN },
  'GET /api/v1/reference/countries': { expect: API_TOKEN },
}

/** Routes that exist only in tests (registered by the test itself) and are not part of the portal. */
export const TEST_ONLY_PREFIXES = ['/test/']
