/**
 * What a scenario's `setup` gets: a tiny browser against the running portal (one
 * process's worth of cookies; CSRF token read from the last page), for signing in
 * once and handing the cookie to the load generator.
 */
export class SetupClient {
  private readonly cookies = new Map<string, string>()
  private lastPage = ''

  constructor(readonly baseUrl: string) {}

  async get(path: string): Promise<string> {
    const response = await fetch(this.baseUrl + path, { headers: this.headers(), redirect: 'manual' })
    this.keepCookies(response)
    this.lastPage = await response.text()
    if (response.status >= 400) throw new Error(`setup: GET ${path} answered ${response.status}`)
    return this.lastPage
  }

  /** Posts a form with the CSRF token of the last page; returns the response (redirects are not followed). */
  async postForm(path: string, fields: Record<string, string>): Promise<Response> {
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1]
    const body = new URLSearchParams({ ...(token ? { _csrf: token } : {}), ...fields }).toString()
    const response = await fetch(this.baseUrl + path, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      body,
      redirect: 'manual',
    })
    this.keepCookies(response)
    return response
  }

  /** The Cookie header to send with every benchmark request (empty when none was set). */
  cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {}
  }

  /** The CSRF token on the last page fetched (for a POST scenario's body). */
  csrfToken(): string | undefined {
    return /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1]
  }

  private headers(): Record<string, string> {
    return this.cookieHeader()
  }

  private keepCookies(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
    }
  }
}
