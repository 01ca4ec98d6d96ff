import fs from 'node:fs'
import path from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
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
 * axe runs as a script in the page. For a page in a context without JavaScript,
 * its rendered HTML is copied into a scripted page on the same origin (so the
 * stylesheet applies) and checked there.
 */
async function pageForAxe(page: Page): Promise<{ target: Page; dispose: () => Promise<void> }> {
  const context = page.context()
  if (!scriptless.has(context)) return { target: page, dispose: async () => undefined }
  const browser = context.browser()!
  const helper = await browser.newContext({ javaScriptEnabled: true, bypassCSP: true })
  const target = await helper.newPage()
  await target.goto(new URL('/health/live', page.url()).toString())
  await target.setContent(await page.content(), { waitUntil: 'load' })
  return { target, dispose: () => helper.close() }
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
  const { target, dispose } = await pageForAxe(page)
  const results = await new AxeBuilder({ page: target })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
    .finally(dispose)
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
