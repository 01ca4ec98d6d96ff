/**
 * HTML that escapes by default. Every interpolated value is escaped unless it is
 * itself an `Html` value made by this tag; `raw()` exists for trusted constants
 * only (an inline SVG we wrote). Templates are plain TypeScript functions, so the
 * compiler checks every view model and every message key.
 */

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

export type HtmlValue = Html | string | number | bigint | boolean | null | undefined | readonly HtmlValue[]

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
}

const SPECIAL = /[&<>"'`]/
const SPECIALS = /[&<>"'`]/g

export function escapeHtml(text: string): string {
  // Most text has nothing to escape: a test is cheaper than a replace that finds nothing.
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c] ?? c) : text
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.value
  if (value === null || value === undefined || value === false) return ''
  if (Array.isArray(value)) {
    // Appended, not joined: join() copies every row into a new string, and the page is
    // copied once more when it is written out (a table's rows were 10 % of a page's allocations).
    let out = ''
    for (const item of value) out += render(item)
    return out
  }
  return escapeHtml(String(value))
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? ''
  for (let i = 0; i < values.length; i++) {
    out += render(values[i]) + (strings[i + 1] ?? '')
  }
  return new Html(out)
}

/** Trusted markup only: never pass anything a user typed. */
export function raw(trusted: string): Html {
  return new Html(trusted)
}

/** Attributes from an object: `false`/`null`/`undefined` drop the attribute, `true` writes it bare. */
export function attrs(map: Record<string, string | number | boolean | null | undefined>): Html {
  let out = ''
  for (const [name, value] of Object.entries(map)) {
    if (value === false || value === null || value === undefined) continue
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`
  }
  return new Html(out)
}
