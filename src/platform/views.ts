import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isLang, langFromAcceptLanguage, otherLang, translator, type Lang } from '../i18n/i18n.ts'
import { layout, type Page } from '../ui/layout.ts'
import type { Assets } from './assets.ts'
import type { ChromeContributor } from './fastify-types.ts'
import { html } from './html.ts'
import { utf8Bytes } from './utf8.ts'

/** The language of a URL's first segment, if it names one. */
export function langOfUrl(url: string): Lang | undefined {
  const first = url.split(/[/?#]/)[1]
  return isLang(first) ? first : undefined
}

/** A returnTo's language, in a query: `returnTo=/en/…` or `returnTo=%2Fen%2F…`. */
const RETURN_TO_LANG = /([?&]returnTo=(?:\/|%2F))(?:en|fr)(?=\/|%2F|[&#?]|%3F|%23|$)/gi

/**
 * The same address in the other language, keeping the rest of the path and the query; a
 * `returnTo` in the query (the sign-in page's) goes to the other language too, as typed
 * or encoded, so signing in after switching lands on a page in the language chosen.
 */
export function otherLangUrl(url: string, lang: Lang): string {
  const target = otherLang(lang)
  const current = langOfUrl(url)
  if (!current) return `/${target}`
  const rest = url.slice(3)
  return `/${target}${rest.includes('returnTo=') ? rest.replace(RETURN_TO_LANG, `$1${target}`) : rest}`
}

/**
 * The language switch of a page answering a form (a POST that shows its page again, with errors): the
 * same address in the other language when a GET answers it, else the nearest page above it
 * (`/en/home/contact` → `/fr/home`, `/en/account/two-factor/replace` → `/fr/account/two-factor`),
 * so the switch never leads to a 404. `isPage` asks the router whether a GET answers a path.
 */
export function otherLangPage(url: string, lang: Lang, isPage: (path: string) => boolean): string {
  const other = otherLangUrl(url, lang)
  const path = other.split(/[?#]/)[0]!
  if (isPage(path)) return other
  const segments = path.split('/')
  while (segments.length > 2) {
    segments.pop()
    const parent = segments.join('/')
    if (isPage(parent)) return parent
  }
  return `/${otherLang(lang)}`
}

/**
 * Where "Home" leads: a signed-in employer's account page, a staff member's console, else the public
 * welcome (which sends a signed-in person on to theirs). The header's portal name and every breadcrumb use it.
 */
export function homePathOf(request: FastifyRequest): string {
  const user = request.user
  if (!user) return `/${request.lang}`
  return user.role === 'employer' ? `/${request.lang}/home` : `/${request.lang}/console`
}

/** The sign-in pages (and the second factor's), where the header offers no "Sign in" of its own. */
const SIGN_IN_PAGE = /^\/(en|fr)(\/console)?\/sign-in(\/|$)/

/** The header's "Sign in" for a signed-out visitor; none mid-sign-in (second factor) or on a sign-in page. */
function signInHrefOf(request: FastifyRequest): string | undefined {
  if (request.user || request.session?.pendingSignIn) return undefined
  return SIGN_IN_PAGE.test(request.routeOptions?.url ?? '') ? undefined : `/${request.lang}/sign-in`
}

export type RenderPage = (request: FastifyRequest, reply: FastifyReply, page: Page, status?: number) => FastifyReply

/** Registers `reply.page()`; also returns the renderer for replies made before decorations exist. */
export function registerViews(app: FastifyInstance, deps: { assets: Assets; releaseDate: string }): RenderPage {
  app.decorate('chromeContributors', [] as ChromeContributor[])
  app.decorateRequest('lang', 'en')
  app.decorateRequest('t', translator('en'))

  // Every request knows its language before any handler or error page runs.
  app.addHook('onRequest', (request, _reply, done) => {
    const lang = langOfUrl(request.url) ?? langFromAcceptLanguage(request.headers['accept-language'])
    request.lang = lang
    request.t = translator(lang)
    done()
  })

  app.decorateReply('csrfToken', function (this: FastifyReply) {
    const memo = this as FastifyReply & { _csrfToken?: string }
    memo._csrfToken ??= this.generateCsrf()
    return memo._csrfToken
  })

  const render: RenderPage = (request, reply, page, status = 200) => {
    const extras = app.chromeContributors.map((contribute) => contribute(request, reply)).filter((e) => e !== undefined)
    const body = layout(
      {
        lang: request.lang,
        t: request.t,
        template: (request.routeOptions?.url ?? 'not-found').replace(/^\/(en|fr)(?=\/|$)/, '/:lang'),
        // A form's answer (POST) may have no GET at its address: the switch goes to the page it belongs to.
        otherLangHref:
          request.method === 'GET' || request.method === 'HEAD'
            ? otherLangUrl(request.url, request.lang)
            : otherLangPage(request.url, request.lang, (path) => app.findRoute({ method: 'GET', url: path }) !== null),
        homeHref: homePathOf(request),
        signInHref: signInHrefOf(request),
        stylesheet: deps.assets.stylesheetHref,
        script: deps.assets.scriptHref,
        icon: deps.assets.iconHref,
        nonce: reply.cspNonce,
        dateModified: deps.releaseDate,
        // Several features may add to the account area (sign-out, unread messages): all are shown, in order.
        account: extras.some((e) => e.account) ? html`${extras.map((e) => e.account)}` : undefined,
        banners: extras.flatMap((e) => e.banners ?? []),
      },
      page,
    )
    // Pages hold personal data and form state: never cached, so Back re-asks the server.
    reply.header('cache-control', 'no-store')
    return reply.code(status).type('text/html; charset=utf-8').send(utf8Bytes(body.value))
  }
  app.decorateReply('page', function (this: FastifyReply, page: Page, status = 200) {
    return render(this.request, this, page, status)
  })
  return render
}
