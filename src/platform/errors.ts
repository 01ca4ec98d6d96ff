import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { html } from './html.ts'
import type { MessageKey } from '../i18n/i18n.ts'
import { linkButton } from '../ui/components.ts'
import { homePathOf, type RenderPage } from './views.ts'

/**
 * Errors a route may throw on purpose. Each names its page's title and body as
 * catalog keys; the error handler renders them in the request's language.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly titleKey: MessageKey,
    readonly bodyKey: MessageKey,
    /** What the page says besides its body (already in the request's language), and where it leads instead of the home page. */
    readonly detail?: { text?: string; link?: { text: string; href: string } },
  ) {
    super(titleKey)
    this.name = 'HttpError'
  }
}

/** Also used for "exists, but not yours": nothing reveals another business's data. */
export class NotFoundError extends HttpError {
  constructor() {
    super(404, 'errors.notFoundTitle', 'errors.notFoundBody')
  }
}

export interface ErrorPage {
  status: number
  title: MessageKey
  body: MessageKey
  /** The page's way on (already in the request's language); the home page when absent. */
  link?: { text: string; href: string }
}

/** Maps Fastify's and its plugins' errors to pages a person can act on. */
function pageFor(error: FastifyError | HttpError): ErrorPage | undefined {
  if (error instanceof HttpError) return { status: error.statusCode, title: error.titleKey, body: error.bodyKey, link: error.detail?.link }
  const code = (error as FastifyError).code ?? ''
  if (code.startsWith('FST_CSRF')) return { status: 403, title: 'errors.forbiddenTitle', body: 'errors.csrfBody' }
  const status = (error as FastifyError).statusCode ?? 500
  if (status === 413) return { status, title: 'errors.tooLargeTitle', body: 'errors.tooLargeBody' }
  if (status === 415) return { status, title: 'errors.unsupportedTitle', body: 'errors.unsupportedBody' }
  if (status === 429) return { status, title: 'errors.tooManyTitle', body: 'errors.tooManyBody' }
  if (status === 404) return { status, title: 'errors.notFoundTitle', body: 'errors.notFoundBody' }
  if (status >= 400 && status < 500) return { status, title: 'errors.badRequestTitle', body: 'errors.badRequestBody' }
  return undefined
}

/** The error page's way home: the signed-in person's own (staff: the console), else the welcome page. */
function homeLink(request: FastifyRequest): { text: string; href: string } {
  const staff = !!request.user && request.user.role !== 'employer'
  return { text: request.t(staff ? 'errors.goConsole' : 'errors.goHome'), href: homePathOf(request) }
}

export type SendErrorPage = (
  request: FastifyRequest,
  reply: FastifyReply,
  page: ErrorPage,
  extra?: string,
  cause?: Error,
) => FastifyReply

/** Installs the 404 and error handlers; returns the error-page sender for Fastify's own router errors. */
export function registerErrorHandling(app: FastifyInstance, render: RenderPage): SendErrorPage {
  const sendErrorPage: SendErrorPage = (request, reply, page, extra, cause) => {
    if (cause) request.log.info({ err: { code: (cause as FastifyError).code, message: cause.message } }, 'request refused')
    const { t } = request
    return render(
      request,
      reply,
      {
        title: t(page.title),
        template: 'error-page',
        body: html`<h1>${t(page.title)}</h1>
<p>${t(page.body)}</p>
${extra ? html`<p>${extra}</p>` : ''}
<p>${linkButton(page.link ?? homeLink(request))}</p>`,
      },
      page.status,
    )
  }
  app.setNotFoundHandler((request, reply) =>
    sendErrorPage(request, reply, { status: 404, title: 'errors.notFoundTitle', body: 'errors.notFoundBody' }),
  )

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = pageFor(error)
    if (known && known.status < 500) {
      request.log.info({ err: { code: error.code, message: error.message }, status: known.status }, 'request refused')
      return sendErrorPage(request, reply, known, error instanceof HttpError ? error.detail?.text : undefined)
    }
    // Internals go to the log with the request id, never to the browser.
    request.log.error({ err: error }, 'unhandled error')
    return sendErrorPage(
      request,
      reply,
      { status: 500, title: 'errors.serverErrorTitle', body: 'errors.serverErrorBody' },
      request.t('errors.serverErrorReference', { requestId: String(request.id) }),
    )
  })
  return sendErrorPage
}
