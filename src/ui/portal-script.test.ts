import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import vm from 'node:vm'

const SOURCE = readFileSync(new URL('./portal.js', import.meta.url), 'utf8')

interface Status {
  signedIn: boolean
  warn?: boolean
  secondsToWarn?: number
  secondsLeft?: number
  canKeep?: boolean
  next?: string
}

/** A field of the page's main form, as the script reads it from `form.elements`. */
interface Field {
  name: string
  type: string
  value: string
  checked?: boolean
}

/**
 * portal.js in a stand-in browser: timers on a virtual clock, fetch answered by `answer`, and a
 * browser clock (`Date.now`) `skewMs` away from the server's. Returns what the script asked.
 */
function run(options: {
  skewMs: number
  secondsToWarn: number
  answer: (url: string, init: { method?: string; body?: string }) => Status
  forMs: number
  /** The page's main form (`keepTypingOnContinue`): its fields. */
  keep?: Field[]
}) {
  let now = 0
  const timers: Array<{ at: number; fn: () => void; id: number }> = []
  let nextId = 1
  const requests: Array<{ at: number; url: string; method: string; body?: string }> = []
  const listeners: Record<string, Array<(e: unknown) => void>> = {}
  const button = { focused: 0, focus() { this.focused++ } }
  const form = { getAttribute: (n: string) => (n === 'action' ? '/en/session/continue' : null), submitted: 0, submit() { this.submitted++ } }
  const keepAttributes: Record<string, string> = options.keep
    ? { 'data-keep-form': 'contact-form', 'data-keep-action': '/en/home/contact', 'data-keep-url': '/en/session/continue?returnTo=%2Fen%2Fhome' }
    : {}
  const keepForm = options.keep ? { elements: options.keep } : null
  const warning = {
    hidden: true,
    getAttribute: (n: string) =>
      n === 'data-status-url' ? '/en/session/status' : n === 'data-seconds-to-warn' ? String(options.secondsToWarn) : (keepAttributes[n] ?? null),
    querySelector: () => button,
    addEventListener: (type: string, fn: (e: unknown) => void) => ((listeners[type] ??= []).push(fn)),
  }
  let reloads = 0
  const assigned: string[] = []
  const RealDate = Date
  class SkewedDate extends RealDate {
    static override now() {
      return now + options.skewMs + 1_700_000_000_000
    }
  }
  const window = {
    setTimeout: (fn: () => void, ms: number) => {
      const id = nextId++
      timers.push({ at: now + Math.max(0, Number(ms) || 0), fn, id })
      return id
    },
    clearTimeout: (id: number) => {
      const i = timers.findIndex((x) => x.id === id)
      if (i >= 0) timers.splice(i, 1)
    },
    fetch: (url: string, init: { method?: string; body?: string } = {}) => {
      requests.push({ at: now, url, method: init.method ?? 'GET', body: init.body })
      const status = options.answer(url, init)
      return Promise.resolve({ ok: true, json: () => Promise.resolve(status) })
    },
    location: { reload: () => reloads++, assign: (url: string) => assigned.push(url) },
    // The warning's own form: its token and the page to come back to.
    FormData: function FormData() {
      return [
        ['_csrf', 'token'],
        ['returnTo', '/en/home'],
      ]
    },
    URLSearchParams,
  }
  const document = {
    addEventListener: () => undefined,
    getElementById: (id: string) => (id === 'session-warning' ? warning : id === 'contact-form' ? keepForm : null),
    activeElement: null,
    contains: () => true,
  }
  vm.runInNewContext(SOURCE, { window, document, Date: SkewedDate, Math, Number, String, Error, Promise, isFinite })
  const advance = async (ms: number) => {
    const until = now + ms
    for (;;) {
      timers.sort((a, b) => a.at - b.at)
      const next = timers[0]
      if (!next || next.at > until) break
      timers.shift()
      now = next.at
      next.fn()
      for (let i = 0; i < 20; i++) await Promise.resolve()
    }
    now = until
  }
  return { advance: () => advance(options.forMs), requests, warning, button, form, listeners, reloads: () => reloads, assigned, moreMs: advance }
}

describe('the idle warning script', () => {
  it('counts from the server’s seconds, whatever the browser’s clock says, and never asks more often than every 30 seconds', async () => {
    for (const skewMs of [0, 18 * 60_000 + 5_000, -3 * 60 * 60_000, 10 * 365 * 24 * 60 * 60_000]) {
      // A server that keeps saying "warn in 0 seconds" (the reviewer's case answered with a wrong clock).
      const browser = run({ skewMs, secondsToWarn: 1080, answer: () => ({ signedIn: true, warn: false, secondsToWarn: 0, secondsLeft: 120 }), forMs: 60 * 60_000 })
      await browser.advance()
      assert.equal(browser.requests[0]!.at, 1080_000, `first question when the server said (skew ${skewMs})`)
      const gaps = browser.requests.slice(1).map((r, i) => r.at - browser.requests[i]!.at)
      assert.ok(gaps.every((g) => g >= 30_000), `gaps ${gaps.slice(0, 5)} (skew ${skewMs})`)
      assert.ok(browser.requests.length <= 1 + (60 * 60_000 - 1080_000) / 30_000)
    }
  })

  it('shows the warning when the server says so, and "Continue session" continues by fetch without leaving the page', async () => {
    let warn = true
    const browser = run({
      skewMs: 0,
      secondsToWarn: 1080,
      answer: (url) => (url.endsWith('/continue') ? ((warn = false), { signedIn: true, warn: false, secondsToWarn: 1080, secondsLeft: 1200 }) : { signedIn: true, warn, secondsToWarn: 0, secondsLeft: 120 }),
      forMs: 1080_000,
    })
    await browser.advance()
    assert.equal(browser.warning.hidden, false)
    assert.equal(browser.button.focused, 1)
    let prevented = false
    browser.listeners.submit![0]!({ target: browser.form, preventDefault: () => (prevented = true) })
    for (let i = 0; i < 20; i++) await Promise.resolve()
    assert.ok(prevented, 'the page is not reloaded')
    const sent = browser.requests.at(-1)!
    assert.deepEqual([sent.url, sent.method, sent.body], ['/en/session/continue', 'POST', '_csrf=token&returnTo=%2Fen%2Fhome'])
    assert.equal(browser.warning.hidden, true)
    assert.equal(browser.form.submitted, 0)
    const before = browser.requests.length
    await browser.moreMs(1079_000)
    assert.equal(browser.requests.length, before, 'the next question after the new 18 minutes')
    await browser.moreMs(1_000)
    assert.equal(browser.requests.length, before + 1)
  })

  it('reloads (to the sign-in page) once the server says the session ended', async () => {
    const browser = run({ skewMs: 0, secondsToWarn: 60, answer: () => ({ signedIn: false }), forMs: 61_000 })
    await browser.advance()
    assert.equal(browser.reloads(), 1)
  })

  const contactForm: Field[] = [
    { name: '_csrf', type: 'hidden', value: 'token' },
    { name: 'givenName', type: 'text', value: 'Half typed' },
    { name: 'currentPassword', type: 'password', value: 'never sent' },
    { name: 'preferredLanguage', type: 'radio', value: 'en', checked: false },
    { name: 'preferredLanguage', type: 'radio', value: 'fr', checked: true },
    { name: '', type: 'submit', value: '' },
  ]
  const typed = '_csrf=token&givenName=Half+typed&preferredLanguage=fr&_keep=%2Fen%2Fhome%2Fcontact'

  it('when the session has ended, sends the page’s typing to be kept (no password), then goes to the sign-in page', async () => {
    const browser = run({
      skewMs: 0,
      secondsToWarn: 60,
      keep: contactForm,
      answer: (url) => (url.endsWith('/status') ? { signedIn: false, canKeep: true } : { signedIn: false, next: '/en/sign-in' }),
      forMs: 61_000,
    })
    await browser.advance()
    const sent = browser.requests.at(-1)!
    assert.deepEqual([sent.url, sent.method, sent.body], ['/en/session/continue?returnTo=%2Fen%2Fhome', 'POST', typed])
    assert.deepEqual(browser.assigned, ['/en/sign-in'])
    assert.equal(browser.reloads(), 0, 'not reloaded: a reload would lose the typing')
  })

  it('"Continue session" pressed after the session ended carries the typing and goes to sign in, never re-sending a stale form', async () => {
    const browser = run({
      skewMs: 0,
      secondsToWarn: 60,
      keep: contactForm,
      answer: (url) => (url.endsWith('/status') ? { signedIn: true, warn: true, secondsToWarn: 0, secondsLeft: 120 } : { signedIn: false, next: '/en/sign-in' }),
      forMs: 61_000,
    })
    await browser.advance()
    assert.equal(browser.warning.hidden, false)
    browser.listeners.submit![0]!({ target: browser.form, preventDefault: () => undefined })
    for (let i = 0; i < 20; i++) await Promise.resolve()
    const sent = browser.requests.at(-1)!
    assert.deepEqual([sent.url, sent.body], ['/en/session/continue?returnTo=%2Fen%2Fhome', typed])
    assert.deepEqual(browser.assigned, ['/en/sign-in'])
    assert.equal(browser.form.submitted, 0)
    assert.equal(browser.reloads(), 0)
  })

  it('"Continue session" too late on a page without a form goes to sign in, and a refused one does not re-send the form', async () => {
    const late = run({
      skewMs: 0,
      secondsToWarn: 60,
      answer: (url) => (url.endsWith('/status') ? { signedIn: true, warn: true, secondsToWarn: 0, secondsLeft: 120 } : { signedIn: false, next: '/en/sign-in' }),
      forMs: 61_000,
    })
    await late.advance()
    late.listeners.submit![0]!({ target: late.form, preventDefault: () => undefined })
    for (let i = 0; i < 20; i++) await Promise.resolve()
    assert.deepEqual(late.assigned, ['/en/sign-in'])
    assert.equal(late.form.submitted, 0)
    // Another site's address in the answer is never followed.
    const odd = run({ skewMs: 0, secondsToWarn: 60, answer: () => ({ signedIn: false, next: '//evil.example/x' }), forMs: 61_000 })
    await odd.advance()
    assert.deepEqual(odd.assigned, [])
    assert.equal(odd.reloads(), 1)
  })
})
