import fastifyCookie from '@fastify/cookie'
import fastifyCsrf from '@fastify/csrf-protection'
import fastifySession from '@fastify/session'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import helmet from 'helmet'
import type { ServerResponse } from 'node:http'
import type { Config } from '../config.ts'
import type { Db } from '../db/connect.ts'
import type { Clock } from './clock.ts'
import { RememberingSigner } from './cookie-signer.ts'
import { RandomTokens } from './random-tokens.ts'
import { compareSessionsByStoredForm } from './session-change.ts'
import type { DbSessionStore } from './session-store.ts'

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonce: a script carrying it may run (the Moneris page's inline one); '' when no hook ran. */
    readonly cspNonce: string
  }
}

/** The nonce lives on the raw response, where helmet's directive function reads it. */
type ResponseWithNonce = ServerResponse & { cspNonce?: string }

/** 128 bits each, from the operating system's random source in batches. */
const cspNonces = new RandomTokens(16)

export const SESSION_COOKIE = 'portal_session'

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** Requests that authenticate without cookies and so need no CSRF token. */
function csrfExempt(request: FastifyRequest): boolean {
  // /__test/ exists only in browser-test runs (PORTAL_TEST_CLOCK, never in production).
  return request.url.startsWith('/api/') || request.url.startsWith('/health/') || request.url.startsWith('/__test/')
}

function csrfTokenFrom(request: FastifyRequest): string {
  const body = request.body as Record<string, unknown> | undefined
  const fromBody = body?._csrf
  if (typeof fromBody === 'string') return fromBody
  // Multipart fields arrive as { value } objects.
  if (fromBody && typeof fromBody === 'object' && 'value' in fromBody) return String((fromBody as { value: unknown }).value)
  const header = request.headers['x-csrf-token']
  return typeof header === 'string' ? header : ''
}

/** Stands for the nonce while helmet's headers are worked out; never in a real header (it has spaces). */
const NONCE_MARK = ' nonce mark '

/**
 * The headers helmet's middleware sets, worked out once: each value split where the nonce
 * goes (one piece when it has none). Only the nonce changes between responses, and helmet
 * built every header again for each one (~3 % of a signed-in page's CPU).
 */
export function headersSetBy(middleware: (req: never, res: never, next: (err?: unknown) => void) => void): { set: Array<[string, string[]]>; removed: string[] } {
  const set = new Map<string, string[]>()
  const removed: string[] = []
  let failed: unknown
  const res = {
    cspNonce: NONCE_MARK,
    setHeader(name: string, value: string | number | readonly string[]) {
      set.set(name.toLowerCase(), String(value).split(NONCE_MARK))
    },
    removeHeader(name: string) {
      set.delete(name.toLowerCase())
      removed.push(name.toLowerCase())
    },
  }
  let done = false
  middleware({} as never, res as never, (err) => {
    failed = err
    done = true
  })
  // Helmet's middleware is synchronous; were it ever not, this would say so at start-up.
  if (!done || failed) throw new Error(`helmet's headers could not be worked out once: ${failed ? String(failed) : 'it did not finish at once'}`)
  return { set: [...set], removed }
}

/**
 * Security headers (a strict CSP with a per-request nonce, frame-ancestors 'none'),
 * server-side sessions, and CSRF on every state-changing request — on in tests too.
 */
export async function registerSecurity(
  app: FastifyInstance,
  deps: { config: Config; db: Db; clock: Clock; sessions: DbSessionStore; formActionOrigins?: string[] },
): Promise<void> {
  const { config } = deps
  // Helmet's middleware, made once. (@fastify/helmet makes it again for every request, and
  // takes its nonces from crypto.randomBytes one at a time: 14 % of a signed-in page's CPU.)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as ResponseWithNonce).cspNonce}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'", ...(deps.formActionOrigins ?? [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // A strict HSTS only where the portal is served over TLS.
    strictTransportSecurity: config.isProduction ? { maxAge: 31536000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
  })
  app.decorateReply('cspNonce', {
    getter(this: FastifyReply) {
      return (this.raw as ResponseWithNonce).cspNonce ?? ''
    },
  })
  const headers = headersSetBy(securityHeaders)
  app.addHook('onRequest', (_request, reply, done) => {
    const res = reply.raw as ResponseWithNonce
    const nonce = cspNonces.next()
    res.cspNonce = nonce
    for (const name of headers.removed) res.removeHeader(name)
    for (const [name, value] of headers.set) res.setHeader(name, value.length === 1 ? value[0]! : value.join(nonce))
    done()
  })

  await app.register(fastifyCookie)
  compareSessionsByStoredForm()
  await app.register(fastifySession, {
    cookieName: SESSION_COOKIE,
    // The first secret signs; every one verifies (a rotation: cookies signed before still work until they end).
    secret: new RememberingSigner([config.sessionSecret, ...config.previousSessionSecrets]),
    store: deps.sessions,
    saveUninitialized: false,
    rolling: false,
    cookie: {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction ? 'auto' : false,
    },
  })

  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/session',
    getToken: csrfTokenFrom,
  })
  // The token is in the body, which is parsed only by preValidation (STACK-NOTES).
  app.addHook('preValidation', (request, reply, done) => {
    if (!STATE_CHANGING.has(request.method) || csrfExempt(request)) return done()
    app.csrfProtection(request, reply, done)
  })
}
