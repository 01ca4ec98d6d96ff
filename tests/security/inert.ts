import assert from 'node:assert/strict'
import type { HTMLElement } from 'node-html-parser'
import type { PageResponse } from '../helpers/http.ts'

export const SCRIPT = '<script>alert(1)</script>'
export const IMG = '"><img src=x onerror=alert(1)>'
export const JS_URL = 'javascript:alert(1)'
export const PAYLOADS = [SCRIPT, IMG, JS_URL] as const

/**
 * A page is inert when nothing a visitor typed became markup: every script is ours
 * (an asset, or an inline script carrying the CSP nonce), no element has an event
 * handler attribute, and no link, form or frame points at a javascript: URL.
 */
export function assertInert(page: PageResponse, where: string): void {
  assert.ok(!page.body.includes(SCRIPT), `${where}: the script payload appears unescaped`)
  assert.ok(!page.body.includes('<img src=x'), `${where}: the img payload appears unescaped`)
  const all = page.dom.querySelectorAll('*') as HTMLElement[]
  for (const el of all) {
    for (const [name, value] of Object.entries(el.attributes)) {
      assert.ok(!/^on/i.test(name), `${where}: <${el.tagName} ${name}> is an event handler`)
      if (['href', 'src', 'action', 'formaction'].includes(name.toLowerCase())) assert.ok(!/^\s*javascript:/i.test(value), `${where}: ${name}="${value}"`)
    }
    if (el.tagName === 'SCRIPT') {
      const src = el.getAttribute('src')
      assert.ok(src ? src.startsWith('/assets/') : el.hasAttribute('nonce'), `${where}: a script that is not ours: ${el.toString().slice(0, 100)}`)
    }
  }
}

/** The payloads came back as text the visitor can read (escaped, not dropped). */
export function assertShown(page: PageResponse, values: readonly string[], where: string): void {
  const visible = `${page.dom.textContent} ${page.dom.querySelectorAll('input, textarea').map((i) => i.getAttribute('value') ?? i.textContent).join(' ')}`
  for (const v of values) assert.ok(visible.includes(v), `${where}: "${v}" is shown as text`)
}

