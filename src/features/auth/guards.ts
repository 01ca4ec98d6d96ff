import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * The contract every feature relies on for "who is signed in". The sign-in feature
 * sets `request.session.userId` at sign-in and enforces idle and absolute limits
 * before any route runs; a route only asks.
 */
export function signedInUserId(request: FastifyRequest): string | undefined {
  return request.session?.userId
}

export function signInPath(lang: string, returnTo?: string): string {
  return `/${lang}/sign-in${returnTo ? `?returnTo=${encodeURIComponent(returnTo)}` : ''}`
}

/**
 * For a route that needs a signed-in person: the user id, or undefined after
 * redirecting to sign-in (which brings them back here afterwards).
 */
export function requireUserId(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const userId = signedInUserId(request)
  if (userId) return userId
  void reply.redirect(signInPath(request.lang, request.method === 'GET' ? request.url : undefined), 303)
  return undefined
}
