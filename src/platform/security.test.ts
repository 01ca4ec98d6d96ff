import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import helmet from 'helmet'
import { headersSetBy } from './security.ts'

/** What helmet's middleware sets on one response carrying `nonce`, run as it would run per request. */
function helmetPerResponse(middleware: ReturnType<typeof helmet>, nonce: string): Map<string, string> {
  const headers = new Map<string, string>([['x-powered-by', 'something']])
  const res = {
    cspNonce: nonce,
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  }
  middleware({} as never, res as never, (err?: unknown) => assert.equal(err, undefined))
  return headers
}

describe('security headers worked out once', () => {
  it('gives each response exactly the headers helmet would, with that response’s nonce in the policy', () => {
    const middleware = helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", (_req, res) => `'nonce-${(res as unknown as { cspNonce: string }).cspNonce}'`], frameAncestors: ["'none'"] },
      },
      frameguard: { action: 'deny' },
    })
    const once = headersSetBy(middleware)
    for (const nonce of ['bm9uY2Ux', 'c2Vjb25k']) {
      const ours = new Map<string, string>([['x-powered-by', 'something']])
      for (const name of once.removed) ours.delete(name)
      for (const [name, value] of once.set) ours.set(name, value.join(nonce))
      assert.deepEqual(ours, helmetPerResponse(middleware, nonce))
      assert.match(ours.get('content-security-policy')!, new RegExp(`script-src 'self' 'nonce-${nonce}'`))
    }
  })
})
