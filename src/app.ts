import crypto from 'node:crypto'
import fastifyFormbody from '@fastify/formbody'
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { DestinationStream } from 'pino'
import type { Config } from './config.ts'
import type { Db } from './db/connect.ts'
import { registerAccountRoutes } from './features/account/account.routes.ts'
import { registerAccountSecurityRoutes } from './features/auth/account-security.routes.ts'
import { registerAuthRoutes } from './features/auth/auth.routes.ts'
import { registerAccessRoutes } from './features/access/access.routes.ts'
import { membershipsWithSession, registerBusinessContext } from './features/access/active-business.ts'
import { startDormancyJob } from './features/access/dormancy.service.ts'
import { registerAuditRoutes } from './features/console/audit.routes.ts'
import { registerStaffRoutes } from './features/console/staff.routes.ts'
import { registerConsoleWorkRoutes } from './features/console/console-work.routes.ts'
import { helpSection } from './features/console/help.routes.ts'
import { registerMaintenance } from './features/console/maintenance.routes.ts'
import { registerEnrolmentConsoleRoutes } from './features/enrolment/enrolment-console.routes.ts'
import { registerPrimaryTransferRoutes } from './features/enrolment/primary-transfer.routes.ts'
import { registerOfferRoutes } from './features/offers/offers.routes.ts'
import { enrolmentHomeSection, registerEnrolmentRoutes } from './features/enrolment/enrolment.routes.ts'
import { registerRecoveryRoutes, sendVerificationEmail } from './features/auth/recovery.routes.ts'
import { OidcProviders } from './features/auth/federated.ts'
import { registerFederatedCallback, registerFederatedRoutes } from './features/auth/federated.routes.ts'
import { registerSessionLifecycle } from './features/auth/session-lifecycle.ts'
import { registerHealthRoutes } from './features/health/health.routes.ts'
import { registerHomeRoutes } from './features/home/home.routes.ts'
import { registerReferenceRoutes } from './features/reference/reference.routes.ts'
import { registerNotificationRoutes, registerNotifications } from './features/notifications/notifications.routes.ts'
import { unreadWithSession } from './features/notifications/notifications.service.ts'
import type { PaymentGateway } from './features/payment/payment.gateway.ts'
import { gatewayFromConfig, monerisPageFromConfig } from './features/payment/payment.gateways.ts'
import { registerPaymentRoutes } from './features/payment/payment.routes.ts'
import { startPaymentReconciler } from './features/payment/payment.reconciler.ts'
import { PaymentService } from './features/payment/payment.service.ts'
import { registerTestGatewayRoutes } from './features/payment/test-gateway.routes.ts'
import { LANGS, langFromAcceptLanguage, translator } from './i18n/i18n.ts'
import { registerAssets } from './platform/assets.ts'
import { TestClock, type Clock } from './platform/clock.ts'
import { registerErrorHandling, type SendErrorPage } from './platform/errors.ts'
import './platform/fastify-types.ts'
import { registerSecurity } from './platform/security.ts'
import { DbSessionStore } from './platform/session-store.ts'
import { requestLogSerializer } from './platform/log-redaction.ts'
import { registerTestClockRoute } from './platform/test-clock.routes.ts'
import { TotpSecrets } from './features/auth/totp-secrets.ts'
import { registerViews } from './platform/views.ts'
import { registerUploads } from './platform/uploads.ts'
import { currentFeeCents } from './features/console/admin.settings.ts'
import { OfferService } from './features/offers/offers.service.ts'
import { registerOfferSubmissionRoutes } from './features/offers/offers-submission.routes.ts'
import { registerOfferDocumentRoutes } from './features/offers/offers-documents.routes.ts'
import { registerFeeReviewRoutes } from './features/offers/fee-review.routes.ts'
import { registerApiRoutes } from './features/api/api.routes.ts'
import { ApiProblem, sendProblem } from './features/api/api.problems.ts'
import { registerApiTokenRoutes } from './features/api/api-tokens.routes.ts'
import { refuseUnstorableText } from './platform/unstorable.ts'
import { registerDeveloperRoutes } from './features/api/developers.routes.ts'

/** Everything the portal needs from outside; tests fill it with a fresh database and fakes. */
export interface AppDeps {
  config: Config
  db: Db
  clock: Clock
  /** Where structured JSON logs go (tests capture them; `npm start` gives logOutput's); default: standard output, a write per line. */
  logStream?: DestinationStream
  /** The payment gateway; default: the one `PAYMENT_GATEWAY` names. */
  paymentGateway?: PaymentGateway
}

export interface RegisteredRoute {
  method: string
  url: string
}
/** The routes each app registered (filled by an onRoute hook added first in buildApp). */
export const registeredRoutes = new WeakMap<FastifyInstance, RegisteredRoute[]>()

/** The date shown as "Date modified" on every page: the date of this release. */
export const RELEASE_DATE = '2026-11-23'

/**
 * The composition root of the HTTP side: platform plugins in order (security,
 * sessions, CSRF, views, errors), then each feature's routes, registered
 * explicitly under /en and /fr.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps
  // Production refuses to start without DATA_ENCRYPTION_KEY (a development key lives in the data folder).
  const totpSecrets = TotpSecrets.fromConfig(config)
  const logger: FastifyServerOptions['logger'] =
    config.logLevel === 'silent' && !deps.logStream
      ? false
      : {
          level: config.logLevel,
          stream: deps.logStream,
          // Never log bodies or headers (cookies, authorization): the request serializer names what a line carries.
          // Link tokens and OpenID Connect codes in addresses are credentials (tests/security/secrets.test.ts).
          serializers: { req: requestLogSerializer },
        }
  // Assigned once the views exist; Fastify's router errors arrive before any hook runs.
  const errorPages: { send?: SendErrorPage } = {}
  const app = Fastify({
    logger,
    // One line per request, written when it is answered (below); Fastify's own are two (received, completed).
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => crypto.randomUUID(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Malformed addresses (bad percent-encoding) get the same bilingual page as any bad request.
    frameworkErrors: (error, request, reply) => {
      // The address's /en/ or /fr/ says which page the person was on; the browser's language only when it has neither.
      request.lang = /^\/fr(?:[/?#]|$)/.test(request.url) ? 'fr' : /^\/en(?:[/?#]|$)/.test(request.url) ? 'en' : langFromAcceptLanguage(request.headers['accept-language'])
      request.t = translator(request.lang)
      // No onRequest hook (helmet) ran for an address the router could not read: the page's own strict headers.
      reply.header('content-security-policy', "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; object-src 'none'; form-action 'self'")
      reply.header('x-frame-options', 'DENY').header('x-content-type-options', 'nosniff').header('referrer-policy', 'same-origin')
      // The API answers in its own format (problem details), whatever went wrong.
      if (request.url.startsWith('/api/')) return sendProblem(request, reply, new ApiProblem(400, 'bad-request', 'api.p.badRequestTitle', 'api.p.badAddress'), config.publicBaseUrl)
      return errorPages.send!(request, reply, { status: 400, title: 'errors.badRequestTitle', body: 'errors.badRequestBody' }, undefined, error)
    },
  })
  // Every route, as registered: tests/security/route-matrix.test.ts demands an authorization entry for each.
  const routes: RegisteredRoute[] = []
  registeredRoutes.set(app, routes)
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url })
  })

  app.addHook('onResponse', (request, reply, done) => {
    request.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed')
    done()
  })
  app.addHook('onSend', (request, reply, _payload, done) => {
    reply.header('x-request-id', String(request.id))
    done()
  })

  const assets = await registerAssets(app)
  const render = registerViews(app, { assets, releaseDate: RELEASE_DATE })
  errorPages.send = registerErrorHandling(app, render)
  await app.register(fastifyFormbody, { bodyLimit: config.bodyLimitBytes })
  // Before the security hooks: the CSRF check reads the multipart form's _csrf field.
  await registerUploads(app)
  // No page reads a text/plain body (a content type any other site may post): 415, like any type we do not read.
  app.removeContentTypeParser('text/plain')
  // The federated sign-in buttons' form posts redirect to the providers: CSP form-action must allow them.
  const federatedOrigins = config.oidcProviders.map((p) => new URL(p.issuer).origin)
  // The header's businesses and unread count come with the session: one statement per signed-in page instead of three.
  const sessions = new DbSessionStore(deps.db, deps.clock, [membershipsWithSession, unreadWithSession])
  await registerSecurity(app, { config, db: deps.db, clock: deps.clock, sessions, formActionOrigins: federatedOrigins })
  // A NUL character (or a lone surrogate) in a query or body would fail the query it reaches: 400 instead of 500.
  refuseUnstorableText(app)
  registerSessionLifecycle(app, { db: deps.db, clock: deps.clock, timeZone: config.timeZone, sessions })
  const federated = {
    db: deps.db,
    clock: deps.clock,
    providers: new OidcProviders(config.oidcProviders, { publicBaseUrl: config.publicBaseUrl, allowInsecure: !config.isProduction }),
    requireEmployerTotp: config.requireEmployerTotp,
  }
  // The OpenID Connect redirect URI has no language prefix, so what is registered at each provider never changes.
  registerFederatedCallback(app, federated)

  registerHealthRoutes(app, deps)
  if (config.testClock && !config.isProduction && deps.clock instanceof TestClock) registerTestClockRoute(app, deps.clock)
  registerNotifications(app, deps)
  // Maintenance windows: the banner ahead of one, and during one the maintenance page instead of the portal (sign-in closed).
  registerMaintenance(app, { db: deps.db, clock: deps.clock, timeZone: config.timeZone })
  // The business a signed-in employer acts for (the header's switcher) and the dormancy gate, before every handler.
  registerBusinessContext(app, { db: deps.db, clock: deps.clock })
  const payments = new PaymentService({
    db: deps.db,
    clock: deps.clock,
    gateway: deps.paymentGateway ?? gatewayFromConfig(config, deps),
    gatewayName: config.paymentGateway,
    publicBaseUrl: config.publicBaseUrl,
    feeCents: config.feeCents,
    // An administrator's fee setting (the console) wins over FEE_CENTS for payments started from then on.
    currentFeeCents: () => currentFeeCents(deps.db, config.feeCents),
    timeZone: config.timeZone,
    log: app.log,
  })
  const offers = new OfferService({ db: deps.db, clock: deps.clock, timeZone: config.timeZone, payments })
  // The JSON API for representatives' software: once, under /api/v1 (no language prefix; bearer tokens only).
  await registerApiRoutes(app, { db: deps.db, clock: deps.clock, timeZone: config.timeZone, publicBaseUrl: config.publicBaseUrl, offers, rateLimitPerMinute: config.apiRateLimitPerMinute })
  if (config.isProduction && config.paymentGateway === 'embedded') {
    app.log.warn('PAYMENT_GATEWAY=embedded in production: fees go to the test gateway and no card is charged')
  }
  // A listening portal settles payments whose return never came (tests drive reconcile() themselves).
  let reconciler: { stop(): Promise<void> } | undefined
  app.addHook('onListen', async () => {
    reconciler = startPaymentReconciler(payments, { log: app.log })
  })
  app.addHook('onClose', async () => {
    await reconciler?.stop()
  })
  // A listening portal also runs the dormancy job hourly (as `npm run worker` does; passes are safe to overlap across processes).
  let dormancyJob: { stop(): Promise<void> } | undefined
  app.addHook('onListen', async () => {
    dormancyJob = startDormancyJob({ db: deps.db, clock: deps.clock, timeZone: config.timeZone }, { log: app.log })
  })
  app.addHook('onClose', async () => {
    await dormancyJob?.stop()
  })

  // A visitor without a language in the address gets theirs from the browser.
  app.get('/', (request, reply) => {
    reply.header('vary', 'Accept-Language')
    return reply.redirect(`/${langFromAcceptLanguage(request.headers['accept-language'])}`, 302)
  })

  for (const lang of LANGS) {
    await app.register(
      async (scope) => {
        registerHomeRoutes(scope, { helpSection: helpSection(deps.db) })
        registerReferenceRoutes(scope, { config, db: deps.db })
        registerAuthRoutes(scope, {
          db: deps.db,
          clock: deps.clock,
          timeZone: config.timeZone,
          requireEmployerTotp: config.requireEmployerTotp,
          onRegistered: (trx, user, lang) => sendVerificationEmail(trx, user, lang, config, deps.clock.now()),
          federatedProviders: config.oidcProviders,
          totpSecrets,
        })
        registerFederatedRoutes(scope, federated)
        registerRecoveryRoutes(scope, { db: deps.db, clock: deps.clock, publicBaseUrl: config.publicBaseUrl })
        registerAccountSecurityRoutes(scope, { db: deps.db, clock: deps.clock, publicBaseUrl: config.publicBaseUrl })
        const enrolmentDeps = { db: deps.db, clock: deps.clock, timeZone: config.timeZone }
        registerAccountRoutes(scope, { ...enrolmentDeps, homeSections: [enrolmentHomeSection(enrolmentDeps)] })
        registerEnrolmentRoutes(scope, enrolmentDeps)
        registerEnrolmentConsoleRoutes(scope, enrolmentDeps)
        registerPrimaryTransferRoutes(scope, enrolmentDeps)
        registerAuditRoutes(scope, enrolmentDeps)
        registerStaffRoutes(scope, enrolmentDeps)
        registerConsoleWorkRoutes(scope, { ...enrolmentDeps, payments, defaultFeeCents: config.feeCents })
        const offerDeps = { ...enrolmentDeps, offers }
        registerOfferRoutes(scope, offerDeps)
        registerOfferSubmissionRoutes(scope, offerDeps)
        registerOfferDocumentRoutes(scope, offerDeps)
        registerFeeReviewRoutes(scope, offerDeps)
        registerApiTokenRoutes(scope, enrolmentDeps)
        registerDeveloperRoutes(scope, { publicBaseUrl: config.publicBaseUrl, rateLimitPerMinute: config.apiRateLimitPerMinute })
        registerAccessRoutes(scope, { ...enrolmentDeps, secret: config.sessionSecret, previousSecrets: config.previousSessionSecrets })
        registerNotificationRoutes(scope, deps)
        registerPaymentRoutes(scope, { payments, moneris: monerisPageFromConfig(config), timeZone: config.timeZone })
        // The embedded test gateway's hosted pages exist only when it is the configured gateway.
        if (config.paymentGateway === 'embedded') registerTestGatewayRoutes(scope, deps)
      },
      { prefix: `/${lang}` },
    )
  }

  return app
}
