import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Lang, Translate } from '../i18n/i18n.ts'
import type { Page } from '../ui/layout.ts'
import type { Html } from './html.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The page language: from the URL prefix, else the visitor's Accept-Language. */
    lang: Lang
    t: Translate
  }
  interface FastifyReply {
    /** Renders a full page in the request's language. */
    page(page: Page, status?: number): FastifyReply
    /** A CSRF token for a form on the page being rendered (one per request). */
    csrfToken(): string
  }
  interface FastifyInstance {
    /** Functions that add to every page's frame (the account area, banners). */
    chromeContributors: ChromeContributor[]
  }
}

export type ChromeContributor = (
  request: FastifyRequest,
  reply: FastifyReply,
) => { account?: Html; banners?: Html[] } | undefined

declare module '@fastify/session' {
  interface FastifySessionObject {
    /** Set when signed in (the sign-in feature). */
    userId?: string
  }
}
