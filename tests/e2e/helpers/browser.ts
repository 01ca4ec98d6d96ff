import fs from 'node:fs'
import path from 'node:path'
import axeCore from 'axe-core'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Launch flags that work on our machines (STACK-NOTES): no sandbox as root, no background network. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

const scriptless = new WeakSet<BrowserContext>()

export async function newContext(browser: Browser, opts: { javaScript?: boolean; locale?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ javaScriptEnabled: opts.javaScript ?? true, locale: opts.locale ?? 'en-CA' })
  if (opts.javaScript === false) scriptless.add(context)
  return context
}

/**
 * A new page in its own context (script on or off) signed in as the same person as `page`:
 * the cookies are copied, so there is no second sign-in (nor a second one-time code, which
 * the portal accepts once). Close it with `page.context().close()`.
 */
export async function sameSession(page: Page, opts: { javaScript?: boolean; locale?: string } = {}): Promise<Page> {
  const context = await newContext(page.context().browser()!, opts)
  await context.addCookies(await page.context().cookies())
  return context.newPage()
}

type AxeResults = axeCore.AxeResults

/** Per browser: one scripted page where pages without script are copied for axe (made at first use). */
const axePages = new WeakMap<Browser, Promise<Page>>()
/** Checks of copied pages run one at a time (they share that page). */
let copying: Promise<unknown> = Promise.resolve()

/**
 * axe runs as a script in the page. A page in a context without JavaScript is copied,
 * as such a browser shows it, into a scripted page and checked there: its scripts left
 * out (they would run in the copy; the idle warning's may even leave it) and what each
 * `<noscript>` holds shown (the idle warning's plain form on every signed-in page, which a
 * scripted page would keep as text). The copy is served at an address of the portal's
 * origin, so the stylesheet applies; it is not written over another page (over a JSON
 * answer Chromium's JSON viewer may keep its own document, without title or language).
 */
async function axeOnCopy(page: Page): Promise<AxeResults> {
  const browser = page.context().browser()!
  let helper = axePages.get(browser)
  if (!helper) {
    helper = browser.newContext({ javaScriptEnabled: true, bypassCSP: true }).then((c) => c.newPage())
    axePages.set(browser, helper)
  }
  const target = await helper
  const copyUrl = new URL('/__axe-copy', page.url()).toString()
  const body = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '').replace(/<\/?noscript\b[^>]*>/gi, '')
  await target.route(copyUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }))
  await target.goto(copyUrl, { waitUntil: 'load' }).finally(() => target.unroute(copyUrl))
  return axe(target)
}

/** What axe checks: WCAG 2.0 and 2.1, levels A and AA. */
const AXE_OPTIONS = JSON.stringify({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })

/**
 * axe-core's own `axe.run` in the page, its source put in once a document. (@axe-core/playwright
 * put it in twice a check and, by default, finished each check in a new blank page: ~930 ms a
 * check on a slow machine, ~370 this way; this portal's pages have no frames, which is all its
 * extra work is for.)
 */
async function axe(page: Page): Promise<AxeResults> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeCore.source)
  return (await page.evaluate(`axe.run(document, ${AXE_OPTIONS})`)) as AxeResults
}

/** Page templates axe has checked, per language, for the coverage report. */
export const axeChecked = { en: new Set<string>(), fr: new Set<string>() }

/**
 * Runs axe (WCAG 2.0 and 2.1, A and AA) on the page and fails on any violation.
 * `template` names the page template, for the coverage count.
 */
export const AXE_RECORD_DIR = process.env.AXE_RECORD_DIR ?? path.join('test-results', 'axe')

/** Appends what axe checked to a file per test process; the coverage test reads them all. */
function recordChecked(lang: 'en' | 'fr', template: string): void {
  fs.mkdirSync(AXE_RECORD_DIR, { recursive: true })
  fs.appendFileSync(path.join(AXE_RECORD_DIR, `${process.pid}.jsonl`), `${JSON.stringify({ lang, template })}\n`)
}

export async function expectAccessible(page: Page, name: string): Promise<void> {
  const meta = (await page.locator('meta[name="portal-template"]').getAttribute('content').catch(() => null)) ?? name
  const withErrors = (await page.locator('.error-summary').count()) > 0
  const template = withErrors ? `${meta} (errors)` : meta
  let results: AxeResults
  if (scriptless.has(page.context())) {
    const run = copying.then(() => axeOnCopy(page))
    copying = run.catch(() => undefined)
    results = await run
  } else {
    results = await axe(page)
  }
  const lang = (await page.locator('html').getAttribute('lang')) === 'fr' ? 'fr' : 'en'
  axeChecked[lang].add(template)
  if (results.violations.length > 0) {
    const summary = results.violations
      .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}`).join('\n')}`)
      .join('\n')
    throw new Error(`axe found ${results.violations.length} violation(s) on ${template} (${name}) [${lang}] at ${page.url()}:\n${summary}`)
  }
  recordChecked(lang, template)
}

/** Keeps a screenshot of the page when a journey fails (test-results/). */
export async function screenshotOnFailure(page: Page, name: string): Promise<void> {
  const dir = path.join('test-results', 'screenshots')
  fs.mkdirSync(dir, { recursive: true })
  await page.screenshot({ path: path.join(dir, `${name.replace(/[^\w-]+/g, '_')}.png`), fullPage: true }).catch(() => undefined)
}
