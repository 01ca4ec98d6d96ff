import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Kysely, PostgresDialect } from 'kysely'
import type pg from 'pg'
import type { Database } from '../../src/db/database.ts'
import { testApp, type TestApp } from '../helpers/app.ts'
import { TestClient, text } from '../helpers/http.ts'

describe('the portal shell', () => {
  let t: TestApp
  before(async () => {
    t = await testApp({
      configure: (app) => {
        app.get('/en/test-explodes', () => {
          throw new Error('SECRET internal detail: connection string postgres://admin:hunter2@db')
        })
        app.get('/fr/test-explodes', () => {
          throw new Error('SECRET internal detail')
        })
        app.post('/:lang/test-form', (request) => ({ received: request.body }))
      },
    })
  })
  after(() => t.close())

  it('sends / to the visitor’s language', async () => {
    const client = new TestClient(t.app)
    const fr = await client.get('/', { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' })
    assert.equal(fr.status, 302)
    assert.equal(fr.location, '/fr')
    const en = await client.get('/', { 'accept-language': 'en-CA' })
    assert.equal(en.location, '/en')
  })

  for (const [lang, other, switchText, skip] of [
    ['en', 'fr', 'Français', 'Skip to main content'],
    ['fr', 'en', 'English', 'Passer au contenu principal'],
  ] as const) {
    it(`serves the home page in ${lang} with a switch to the same page in ${other}`, async () => {
      const page = await new TestClient(t.app).get(`/${lang}/about`)
      assert.equal(page.status, 200)
      assert.equal(page.dom.querySelector('html')!.getAttribute('lang'), lang)
      const toggle = page.dom.querySelector('.lang-toggle a')!
      assert.equal(text(toggle), switchText)
      assert.equal(toggle.getAttribute('href'), `/${other}/about`)
      assert.equal(toggle.getAttribute('lang'), other)
      assert.equal(text(page.dom.querySelector('.skip-link')), skip)
      assert.ok(page.dom.querySelector('main#main-content'))
      assert.ok(page.dom.querySelector('nav.breadcrumbs'))
      assert.ok(page.dom.querySelector('.date-modified time'))
    })
  }

  it('keeps the query string when switching language', async () => {
    const page = await new TestClient(t.app).get('/en/about?x=1&y=%C3%A9')
    assert.equal(page.dom.querySelector('.lang-toggle a')!.getAttribute('href'), '/fr/about?x=1&y=%C3%A9')
  })

  it('answers an unknown address with a 404 page in the address’s language', async () => {
    const en = await new TestClient(t.app).get('/en/no-such-page')
    assert.equal(en.status, 404)
    assert.match(text(en.dom.querySelector('h1')), /couldn’t find that page/)
    const fr = await new TestClient(t.app).get('/fr/no-such-page')
    assert.equal(fr.status, 404)
    assert.match(text(fr.dom.querySelector('h1')), /Nous ne pouvons trouver cette page/)
    assert.equal(fr.dom.querySelector('html')!.getAttribute('lang'), 'fr')
  })

  it('answers an unknown address without a language in the browser’s language', async () => {
    const fr = await new TestClient(t.app).get('/nowhere', { 'accept-language': 'fr' })
    assert.equal(fr.status, 404)
    assert.equal(fr.dom.querySelector('html')!.getAttribute('lang'), 'fr')
  })

  it('shows a 500 page with a reference and no internals, and logs the error with the request id', async () => {
    for (const lang of ['en', 'fr'] as const) {
      const page = await new TestClient(t.app).get(`/${lang}/test-explodes`)
      assert.equal(page.status, 500)
      assert.doesNotMatch(page.body, /SECRET|hunter2|at .*\.ts:\d+|Error:/)
      const requestId = page.headers['x-request-id'] as string
      assert.ok(requestId)
      assert.ok(page.body.includes(requestId), 'the reference is shown')
      assert.match(text(page.dom.querySelector('h1')), lang === 'en' ? /Something went wrong/ : /Un problème est survenu/)
      const logged = t.logs.map((l) => JSON.parse(l)).find((l) => l.reqId === requestId && l.level >= 50)
      assert.ok(logged, 'the error is logged with its request id')
      assert.match(JSON.stringify(logged), /SECRET internal detail/)
    }
  })

  it('refuses a POST without a CSRF token with a 403 page, in both languages, and with a wrong token', async () => {
    for (const lang of ['en', 'fr'] as const) {
      const client = new TestClient(t.app)
      const page = await client.request('POST', `/${lang}/about`, { form: { anything: 'x' } })
      assert.equal(page.status, 403)
      assert.equal(page.dom.querySelector('html')!.getAttribute('lang'), lang)
      assert.match(text(page.dom.querySelector('main')), lang === 'en' ? /For your security/ : /Pour votre sécurité/)
    }
    const forged = await new TestClient(t.app).post('/en/about', { _csrf: 'forged-token' })
    assert.equal(forged.status, 403)
  })

  it('answers a body over the limit with 413 and a page', async () => {
    const client = new TestClient(t.app)
    await client.get('/en/about')
    const page = await client.post('/en/test-form', { big: 'x'.repeat(t.config.bodyLimitBytes + 10) })
    assert.equal(page.status, 413)
    assert.match(text(page.dom.querySelector('h1')), /too large/)
  })

  it('answers an unsupported content type with 415 and a page', async () => {
    const page = await new TestClient(t.app).request('POST', '/fr/test-form', {
      headers: { 'content-type': 'application/x-evil' },
      payload: 'x',
    })
    assert.equal(page.status, 415)
    assert.equal(page.dom.querySelector('html')!.getAttribute('lang'), 'fr')
  })

  it('answers malformed percent-encoding with a page, not a crash, in the language of the address', async () => {
    const page = await new TestClient(t.app).get('/fr/%E0%A4%A', { 'accept-language': 'en' })
    assert.equal(page.status, 400)
    assert.match(text(page.dom.querySelector('h1')), /Nous n’avons pas pu lire cette demande/)
  })

  it('sends security headers with a strict CSP and a per-request nonce on its script', async () => {
    const page = await new TestClient(t.app).get('/en')
    const csp = String(page.headers['content-security-policy'])
    assert.match(csp, /frame-ancestors 'none'/)
    assert.match(csp, /default-src 'self'/)
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/)
    const nonce = page.dom.querySelector('script')!.getAttribute('nonce')!
    assert.ok(nonce.length >= 16)
    assert.ok(csp.includes(`'nonce-${nonce}'`))
    const next = await new TestClient(t.app).get('/en')
    assert.notEqual(next.dom.querySelector('script')!.getAttribute('nonce'), nonce, 'each response has its own nonce')
    assert.ok(String(next.headers['content-security-policy']).includes(`'nonce-${next.dom.querySelector('script')!.getAttribute('nonce')}'`))
    assert.equal(page.headers['x-frame-options'], 'DENY')
    assert.equal(page.headers['x-content-type-options'], 'nosniff')
    assert.equal(page.headers['cache-control'], 'no-store')
  })

  it('serves the stylesheet with the GC Design System tokens, cached by fingerprint', async () => {
    const client = new TestClient(t.app)
    const page = await client.get('/en')
    const href = page.dom.querySelector('link[rel="stylesheet"]')!.getAttribute('href')!
    const css = await client.get(href)
    assert.equal(css.status, 200)
    assert.match(css.body, /--gcds-color-blue-muted/)
    assert.match(String(css.headers['cache-control']), /immutable/)
    const font = await client.get('/assets/fonts/lato/gcds-lato.woff2')
    assert.equal(font.status, 200)
    const traversal = await client.get('/assets/fonts/../../package.json')
    assert.notEqual(traversal.status, 200)
  })

  it('reports liveness and readiness', async () => {
    const client = new TestClient(t.app)
    assert.deepEqual(JSON.parse((await client.get('/health/live')).body), { status: 'ok' })
    const ready = await client.get('/health/ready')
    assert.equal(ready.status, 200)
    assert.equal(JSON.parse(ready.body).database, 'ok')
  })

  it('logs each request once, when answered, with its id, address, status and time', async () => {
    const page = await new TestClient(t.app).get('/en/help?from=test')
    const id = page.headers['x-request-id'] as string
    const lines = t.logs.map((l) => JSON.parse(l)).filter((l) => l.reqId === id)
    assert.equal(lines.length, 1, JSON.stringify(lines))
    assert.equal(lines[0].msg, 'request completed')
    assert.deepEqual([lines[0].req.method, lines[0].req.url, lines[0].res.statusCode], ['GET', '/en/help?from=test', 200])
    assert.equal(typeof lines[0].responseTime, 'number')
  })
})

describe('a portal whose database is gone', () => {
  it('says it is not ready', async () => {
    const unreachable = { connect: () => Promise.reject(new Error('connection refused')), end: async () => {} }
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: unreachable as unknown as pg.Pool }) })
    const t = await testApp({ deps: { db } })
    try {
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
      assert.equal(ready.statusCode, 503)
      assert.equal(JSON.parse(ready.body).database, 'unreachable')
    } finally {
      await t.close()
    }
  })
})

