import { after, before } from 'node:test'
import type { Browser } from 'playwright-core'
import { launchBrowser } from './browser.ts'
import { startPortal, type RunningPortal } from './portal.ts'

/** The portal and Chromium that a describe block's journeys share. */
export interface PortalAndBrowser {
  /** The running portal (only after the block's `before` hooks started it). */
  readonly portal: RunningPortal
  readonly browser: Browser
  /** `portal.baseUrl`, e.g. http://127.0.0.1:41234 */
  readonly baseUrl: string
}

/**
 * Starts a portal (fresh database, free port) and Chromium in parallel before the
 * tests of the enclosing `describe`, and stops both after them. Call it first in the
 * block: hooks run in the order they are registered, so a later `before` can use it.
 * `env` is the portal's environment, or a function giving it (for values only known
 * once an earlier `before` ran, such as a test identity provider's address).
 *
 *   const e2e = usePortalAndBrowser({ SEED_DEMO: 'true' })
 *   it('…', async () => { const context = await newContext(e2e.browser); … e2e.baseUrl … })
 */
export function usePortalAndBrowser(env: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>) = {}): PortalAndBrowser {
  let portal: RunningPortal | undefined
  let browser: Browser | undefined
  before(async () => {
    const vars = typeof env === 'function' ? await env() : env
    const [p, b] = await Promise.allSettled([startPortal(vars), launchBrowser()])
    if (p.status === 'fulfilled') portal = p.value
    if (b.status === 'fulfilled') browser = b.value
    // Whichever started is stopped by `after`; the failure fails the block.
    if (p.status === 'rejected') throw p.reason
    if (b.status === 'rejected') throw b.reason
  })
  after(async () => {
    await browser?.close()
    await portal?.stop()
  })
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not running: use it inside a test or a before hook registered after usePortalAndBrowser()`)
    return value
  }
  return {
    get portal() {
      return started(portal, 'The portal')
    },
    get browser() {
      return started(browser, 'Chromium')
    },
    get baseUrl() {
      return started(portal, 'The portal').baseUrl
    },
  }
}
