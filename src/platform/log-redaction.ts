/**
 * Addresses carry credentials in two places: link tokens in the path (e-mail check,
 * password reset) and the OpenID Connect code and state in the callback's query string.
 * Logs get the address with those replaced, so a log reader cannot use a live link.
 */
const TOKEN_PATH = /\/(verify-email|reset-password)\/[^/?#]+/g
const SECRET_QUERY = /([?&](?:code|state|token|id_token|access_token|session_state)=)[^&#]*/gi

export function redactUrl(url: string): string {
  // Most addresses carry neither (no '=', no link path): left as they are without running the expressions.
  if (!url.includes('=') && !url.includes('/verify-email/') && !url.includes('/reset-password/')) return url
  return url.replace(TOKEN_PATH, '/$1/[redacted]').replace(SECRET_QUERY, '$1[redacted]')
}

/**
 * Fastify's request log serializer, with the address redacted. It names the fields a
 * log line may carry, so headers (cookies, authorization, CSRF tokens) and bodies never
 * reach the log: no redaction pass over each line is needed (pino's `redact` was 7 % of
 * a page's CPU, docs/performance.md, session 18).
 */
export function requestLogSerializer(request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }
}
