/**
 * Addresses carry credentials in two places: link tokens in the path (e-mail check,
 * password reset) and the OpenID Connect code and state in the callback's query string.
 * Logs get the address with those replaced, so a log reader cannot use a live link.
 */
const TOKEN_PATH = /\/(verify-email|reset-password)\/[^/?#]+/g
const SECRET_QUERY = /([?&](?:code|state|token|id_token|access_token|session_state)=)[^&#]*/gi

export function redactUrl(url: string): string {
  return url.replace(TOKEN_PATH, '/$1/[redacted]').replace(SECRET_QUERY, '$1[redacted]')
}

/** Fastify's request log serializer, with the address redacted. */
export function requestLogSerializer(request: { method: string; url: string; host?: string; ip?: string; socket?: { remotePort?: number } }) {
  return { method: request.method, url: redactUrl(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort }
}
