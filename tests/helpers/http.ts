import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { parse, type HTMLElement } from 'node-html-parser'

export type Form = Record<string, string | readonly string[] | undefined>

export interface PageResponse {
  status: number
  headers: LightMyRequestResponse['headers']
  body: string
  location: string | undefined
  /** The parsed HTML document. */
  dom: HTMLElement
  raw: LightMyRequestResponse
}

function toResponse(res: LightMyRequestResponse): PageResponse {
  let dom: HTMLElement | undefined
  return {
    status: res.statusCode,
    headers: res.headers,
    body: res.body,
    location: typeof res.headers.location === 'string' ? res.headers.location : undefined,
    get dom() {
      dom ??= parse(res.body)
      return dom
    },
    raw: res,
  }
}

export function encodeForm(form: Form): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(form)) {
    if (v === undefined) continue
    if (typeof v === 'string') params.append(k, v)
    else for (const item of v) params.append(k, item)
  }
  return params.toString()
}

/**
 * A browser stand-in for `app.inject`: keeps cookies, remembers the CSRF token of
 * the last page it read, and sends it with the next form like a real form would.
 */
export class TestClient {
  readonly cookies = new Map<string, string>()
  csrf: string | undefined

  constructor(
    private readonly app: FastifyInstance,
    private readonly defaultHeaders: Record<string, string> = {},
  ) {}

  private cookieHeader(): string | undefined {
    if (this.cookies.size === 0) return undefined
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now() - 1000)
      if (expired || c.value === '') this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (token) this.csrf = token[1]
  }

  async request(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, init: { form?: Form; headers?: Record<string, string>; payload?: string | Buffer } = {}): Promise<PageResponse> {
    const headers: Record<string, string> = { ...this.defaultHeaders, ...init.headers }
    const cookie = this.cookieHeader()
    if (cookie) headers.cookie = cookie
    let payload = init.payload
    if (init.form) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded'
      payload = encodeForm(init.form)
    }
    const res = await this.app.inject({ method, url, headers, payload })
    this.remember(res)
    return toResponse(res)
  }

  get(url: string, headers?: Record<string, string>): Promise<PageResponse> {
    return this.request('GET', url, { headers })
  }

  /** Posts a form with the CSRF token of the last page read (unless `_csrf` is given). */
  post(url: string, form: Form = {}, headers?: Record<string, string>): Promise<PageResponse> {
    const withToken = '_csrf' in form ? form : { ...form, _csrf: this.csrf }
    return this.request('POST', url, { form: withToken, headers })
  }

  /** GETs the page a redirect points to. */
  async follow(res: PageResponse): Promise<PageResponse> {
    if (!res.location) throw new Error(`Expected a redirect, got ${res.status}`)
    return this.get(res.location)
  }
}

/** The text of an element, whitespace collapsed. */
export function text(el: HTMLElement | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim()
}

/** The error summary's links and whether each points at an element that exists on the page. */
export function errorSummaryLinks(dom: HTMLElement): Array<{ text: string; href: string; targetExists: boolean }> {
  return dom.querySelectorAll('.error-summary a').map((a) => {
    const href = a.getAttribute('href') ?? ''
    return { text: text(a), href, targetExists: href.startsWith('#') && !!dom.querySelector(`[id="${href.slice(1)}"]`) }
  })
}
