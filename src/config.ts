import path from 'node:path'
import { z } from 'zod'

/**
 * Configuration comes from environment variables only, parsed once at start.
 * Development gets safe defaults; production refuses to start without its secrets
 * and names every one that is missing (hmpps config.ts idea, with zod).
 */

const DEV_SESSION_SECRET = 'development-only-session-secret-do-not-use-in-production'
const TEST_DATA_KEY = '7e57'.repeat(16)

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes')

/** 32 random bytes, as 64 hex digits or base64 (DATA_ENCRYPTION_KEY, DATA_ENCRYPTION_KEY_PREVIOUS). */
const dataKeySchema = z
  .string()
  .regex(/^(?:[0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$/, 'must be 32 random bytes as 64 hex digits or base64 (openssl rand -hex 32)')
  .transform((v) => Buffer.from(v, v.length === 64 ? 'hex' : 'base64'))

/** One OpenID Connect provider for federated sign-in (`OIDC_PROVIDERS`, a JSON array). */
const oidcProviderSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'id: 1 to 32 lower-case letters, digits or hyphens'),
  issuer: z.url(),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  name: z.object({ en: z.string().min(1), fr: z.string().min(1) }),
})
export type OidcProviderConfig = z.infer<typeof oidcProviderSchema>

const oidcProvidersSchema = z
  .string()
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of providers' })
      return z.NEVER
    }
  })
  .pipe(z.array(oidcProviderSchema).refine((list) => new Set(list.map((p) => p.id)).size === list.length, 'provider ids must be unique'))

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).optional(),
  PUBLIC_BASE_URL: z.url().optional(),
  PORTAL_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** PostgreSQL: prepare each plain select once per connection (off behind a pooler that cannot keep them: docs/operations.md). */
  DB_PREPARED_STATEMENTS: booleanish.default(true),
  /** PostgreSQL: connections per process that carry statements sent outside a transaction, pipelined (0: off; docs/operations.md). */
  DB_PIPELINE_CONNECTIONS: z.coerce.number().int().min(0).max(32).default(2),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** During a rotation: the secrets used before, comma-separated; cookies (and PINs) they signed are still accepted. */
  SESSION_SECRET_PREVIOUS: z
    .string()
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.string().min(32, 'each secret must be at least 32 characters')).max(5, 'at most 5 previous secrets'))
    .optional(),
  DATA_ENCRYPTION_KEY: dataKeySchema.optional(),
  DATA_ENCRYPTION_KEY_PREVIOUS: dataKeySchema.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FLUSH_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  TRUST_PROXY: booleanish.default(false),
  SEED_DEMO: booleanish.optional(),
  RUN_MIGRATIONS: booleanish.default(true),
  PORTAL_TIME_ZONE: z.string().min(1).default('America/Toronto'),
  REQUIRE_EMPLOYER_TOTP: booleanish.default(false),
  PORTAL_TEST_CLOCK: booleanish.default(false),
  DEV_MAILBOX: booleanish.optional(),
  FEE_CENTS: z.string().regex(/^\d{1,8}$/, 'must be a whole number of cents, e.g. 23000 for CAD 230.00').transform(Number).default(23000),
  PAYMENT_GATEWAY: z.enum(['embedded', 'moneris']).default('embedded'),
  MONERIS_STORE_ID: z.string().min(1).optional(),
  MONERIS_API_TOKEN: z.string().min(1).optional(),
  MONERIS_CHECKOUT_ID: z.string().min(1).optional(),
  MONERIS_ENVIRONMENT: z.enum(['qa', 'prod']).default('qa'),
  MONERIS_CHECKOUT_URL: z.url().optional(),
  MONERIS_HOSTED_PAGE_URL: z.string().includes('{ticket}', { message: 'must contain {ticket}' }).optional(),
  MONERIS_GATEWAY_URL: z.url().optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Employer Portal <no-reply@localhost>'),
  MAIL_REPLY_TO: z.string().min(3).optional(),
  RUN_MAIL_DISPATCHER: booleanish.default(true),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  OIDC_PROVIDERS: oidcProvidersSchema.optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000_000).default(120),
})

export type Env = z.infer<typeof envSchema>

export interface Config {
  env: Env['NODE_ENV']
  isProduction: boolean
  port: number
  host: string
  publicBaseUrl: string
  dataDir: string
  databaseUrl: string | undefined
  dbPoolSize: number
  dbPreparedStatements: boolean
  dbPipelineConnections: number
  sessionSecret: string
  /** Secrets used before `sessionSecret` (a rotation): they still verify cookies and open PINs, never sign anything new. */
  previousSessionSecrets: string[]
  /** The key sealing secrets at rest (TOTP secrets); unset: src/platform/data-key.ts decides (required in production). */
  dataEncryptionKey: Buffer | undefined
  /** During a key rotation: the key values may still be sealed with (opened, then re-sealed with the current one at start). */
  previousDataEncryptionKey: Buffer | undefined
  /** Times shown to people (sign-in lockouts, session end) are in this zone. */
  timeZone: string
  /** Employers must set up a second factor too (staff always must). */
  requireEmployerTotp: boolean
  /** Browser tests only: a clock moved by POST /__test/clock (never in production). */
  testClock: boolean
  /** /dev/mailbox (every e-mail sent, reset links included): only when enabled, never in production. */
  devMailbox: boolean
  logLevel: Env['LOG_LEVEL']
  /** The log is written to standard output at least this often, a few kilobytes at a time (0: each line at once). */
  logFlushMs: number
  bodyLimitBytes: number
  trustProxy: boolean
  seedDemo: boolean
  runMigrations: boolean
  /** The employer compliance fee, in cents (CAD 230.00 by default). */
  feeCents: number
  /** Which payment gateway takes the fee; the Moneris settings are set only for 'moneris'. */
  paymentGateway: 'embedded' | 'moneris'
  moneris: {
    storeId: string | undefined
    apiToken: string | undefined
    checkoutId: string | undefined
    environment: 'qa' | 'prod'
    checkoutRequestUrl: string | undefined
    hostedPageUrl: string | undefined
    gatewayRequestUrl: string | undefined
  }
  /** SMTP server for e-mail; unset (never in production): the development mailbox at /dev/mailbox. */
  smtpUrl: string | undefined
  mailFrom: string
  mailReplyTo: string | undefined
  /** Run the e-mail outbox dispatcher inside `npm start` (off when `npm run worker` does it). */
  runMailDispatcher: boolean
  /** App processes (node:cluster workers); more than 1 needs PostgreSQL. */
  webConcurrency: number
  /** Federated sign-in providers (OpenID Connect) offered on the portal's sign-in page; none: no buttons. */
  oidcProviders: OidcProviderConfig[]
  /** Requests a minute each API token (or address without one) may make (the benchmark raises it). */
  apiRateLimitPerMinute: number
}

/** Variables without which a production portal must not start. */
const REQUIRED_IN_PRODUCTION = ['SESSION_SECRET', 'PUBLIC_BASE_URL', 'SMTP_URL'] as const

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings count as unset: `FOO= npm start` should mean "no FOO".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
  }
  const env = parsed.data
  const isProduction = env.NODE_ENV === 'production'
  if (isProduction) {
    const missing = REQUIRED_IN_PRODUCTION.filter((name) => env[name] === undefined)
    if (missing.length > 0) {
      throw new ConfigError(missing.map((name) => `${name} is required when NODE_ENV=production`))
    }
  }
  if (isProduction && env.PAYMENT_GATEWAY === 'moneris') {
    const missingMoneris = (['MONERIS_STORE_ID', 'MONERIS_API_TOKEN', 'MONERIS_CHECKOUT_ID'] as const).filter((name) => env[name] === undefined)
    if (missingMoneris.length > 0) {
      throw new ConfigError(missingMoneris.map((name) => `${name} is required when NODE_ENV=production and PAYMENT_GATEWAY=moneris`))
    }
  }
  if (env.WEB_CONCURRENCY > 1 && env.DATABASE_URL === undefined) {
    throw new ConfigError([
      `WEB_CONCURRENCY=${env.WEB_CONCURRENCY} needs DATABASE_URL: the embedded database (PGlite) lives inside one process, so only PostgreSQL can serve several`,
    ])
  }
  if (isProduction && env.OIDC_PROVIDERS?.some((p) => !p.issuer.startsWith('https://'))) {
    throw new ConfigError(['OIDC_PROVIDERS: every issuer must be https:// when NODE_ENV=production'])
  }
  if (env.SESSION_SECRET_PREVIOUS && env.SESSION_SECRET === undefined) throw new ConfigError(['SESSION_SECRET_PREVIOUS needs SESSION_SECRET (the new secret, which signs)'])
  if (env.SESSION_SECRET_PREVIOUS?.includes(env.SESSION_SECRET ?? '')) throw new ConfigError(['SESSION_SECRET_PREVIOUS must not contain SESSION_SECRET itself'])
  if (isProduction && env.PORTAL_TEST_CLOCK) throw new ConfigError(['PORTAL_TEST_CLOCK must not be set when NODE_ENV=production'])
  if (isProduction && env.DEV_MAILBOX) throw new ConfigError(['DEV_MAILBOX must not be set when NODE_ENV=production'])
  const host = env.HOST ?? (isProduction ? '0.0.0.0' : 'localhost')
  return {
    env: env.NODE_ENV,
    isProduction,
    port: env.PORT,
    host,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    dataDir: path.resolve(env.PORTAL_DATA_DIR),
    databaseUrl: env.DATABASE_URL,
    dbPoolSize: env.DB_POOL_SIZE,
    dbPreparedStatements: env.DB_PREPARED_STATEMENTS,
    dbPipelineConnections: env.DB_PIPELINE_CONNECTIONS,
    sessionSecret: env.SESSION_SECRET ?? DEV_SESSION_SECRET,
    previousSessionSecrets: env.SESSION_SECRET_PREVIOUS ?? [],
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY,
    previousDataEncryptionKey: env.DATA_ENCRYPTION_KEY_PREVIOUS,
    timeZone: env.PORTAL_TIME_ZONE,
    requireEmployerTotp: env.REQUIRE_EMPLOYER_TOTP,
    testClock: env.PORTAL_TEST_CLOCK,
    // On by default only in demo mode (npm start in development, which prints demo passwords anyway).
    devMailbox: !isProduction && (env.DEV_MAILBOX ?? env.SEED_DEMO ?? !isProduction),
    logLevel: env.LOG_LEVEL,
    logFlushMs: env.LOG_FLUSH_MS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    trustProxy: env.TRUST_PROXY,
    seedDemo: env.SEED_DEMO ?? !isProduction,
    runMigrations: env.RUN_MIGRATIONS,
    feeCents: env.FEE_CENTS,
    paymentGateway: env.PAYMENT_GATEWAY,
    moneris: {
      storeId: env.MONERIS_STORE_ID,
      apiToken: env.MONERIS_API_TOKEN,
      checkoutId: env.MONERIS_CHECKOUT_ID,
      environment: env.MONERIS_ENVIRONMENT,
      checkoutRequestUrl: env.MONERIS_CHECKOUT_URL,
      hostedPageUrl: env.MONERIS_HOSTED_PAGE_URL,
      gatewayRequestUrl: env.MONERIS_GATEWAY_URL,
    },
    smtpUrl: env.SMTP_URL,
    mailFrom: env.MAIL_FROM,
    mailReplyTo: env.MAIL_REPLY_TO,
    runMailDispatcher: env.RUN_MAIL_DISPATCHER,
    webConcurrency: env.WEB_CONCURRENCY,
    oidcProviders: env.OIDC_PROVIDERS ?? [],
    apiRateLimitPerMinute: env.API_RATE_LIMIT_PER_MINUTE,
  }
}

/** A configuration for tests: development defaults, nothing read from the real environment. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  // A fixed data key (no key file written by tests) and the development mailbox (tests read e-mails there).
  return { ...loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SEED_DEMO: 'false', DATA_ENCRYPTION_KEY: TEST_DATA_KEY, DEV_MAILBOX: 'true' }), ...overrides }
}
