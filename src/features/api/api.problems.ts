import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import type { z } from 'zod'
import { isMessageKey, type MessageKey, type MessageParams, type Translate } from '../../i18n/i18n.ts'
import { UnstorableTextError } from '../../platform/unstorable.ts'
import type { FieldProblem } from '../offers/offers.sections.ts'

/**
 * Errors of the API as RFC 9457 problem details (application/problem+json). `type`
 * is a stable address (the English reference page's anchor for the problem), the
 * same in both languages; `title`, `detail` and every field message follow the
 * caller's Accept-Language. Field errors carry a language-independent `code` (the
 * catalog key the pages use) beside the message.
 */
export interface FieldError {
  /** The field as sent (for a section: its name; for a query parameter: its name). */
  field: string
  /** For offer answers: the section the field belongs to. */
  section?: string
  code: string
  message: string
}

export const PROBLEM_TYPES = [
  'unauthorized',
  'forbidden',
  'not-found',
  'bad-request',
  'invalid-offer',
  'precondition-failed',
  'precondition-required',
  'conflict',
  'idempotency-mismatch',
  'idempotency-in-progress',
  'too-many-requests',
  'unsupported-media-type',
  'payload-too-large',
  'maintenance',
  'server-error',
] as const
export type ProblemType = (typeof PROBLEM_TYPES)[number]

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: ProblemType,
    readonly titleKey: MessageKey,
    readonly detailKey: MessageKey,
    readonly params: MessageParams = {},
    readonly extra: { errors?: Array<Omit<FieldError, 'message'> & { params?: MessageParams }>; currentVersion?: number } = {},
  ) {
    super(titleKey)
    this.name = 'ApiProblem'
  }
}

export const notFound = () => new ApiProblem(404, 'not-found', 'api.p.notFoundTitle', 'api.p.notFoundDetail')
export const badRequest = (errors: Array<{ field: string; code: MessageKey; params?: MessageParams }>) => new ApiProblem(400, 'bad-request', 'api.p.badRequestTitle', 'api.p.badRequestDetail', {}, { errors })
export const conflict = (detail: MessageKey, params: MessageParams = {}) => new ApiProblem(409, 'conflict', 'api.p.conflictTitle', detail, params)

/** Problems of an offer's answers (the pages' checks) as field errors. */
export function answerErrors(problems: readonly FieldProblem[]) {
  return problems.map((p) => {
    const [code, params] = Array.isArray(p.problem) ? p.problem : [p.problem, undefined]
    return { section: p.section, field: p.field, code, params }
  })
}

/** zod issues (messages are catalog keys) as field errors; `prefix` is dropped from paths. */
export function zodErrors(error: z.ZodError) {
  return error.issues.flatMap((issue) => {
    const code = isMessageKey(issue.message) ? issue.message : 'api.p.badRequestDetail'
    const params: MessageParams = 'maximum' in issue ? { max: Number(issue.maximum) } : {}
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => ({ field: [...issue.path.map(String), k].join('.'), code, params }))
    return [{ field: issue.path.map(String).join('.') || '_body', code, params }]
  })
}

export interface ProblemBody {
  type: string
  title: string
  status: number
  detail: string
  instance: string
  errors?: FieldError[]
  currentVersion?: number
}

export function problemBody(problem: ApiProblem, t: Translate, baseUrl: string, instance: string): ProblemBody {
  const body: ProblemBody = {
    type: `${baseUrl}/en/developers#problem-${problem.type}`,
    title: t(problem.titleKey),
    status: problem.status,
    detail: t(problem.detailKey, problem.params),
    instance,
  }
  if (problem.extra.errors) {
    body.errors = problem.extra.errors.map((e) => ({
      ...(e.section ? { section: e.section } : {}),
      field: e.field,
      code: e.code,
      message: isMessageKey(e.code) ? t(e.code, e.params) : e.code,
    }))
  }
  if (problem.extra.currentVersion !== undefined) body.currentVersion = problem.extra.currentVersion
  return body
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ApiProblem, baseUrl: string): FastifyReply {
  reply.header('vary', 'Accept-Language, Authorization')
  reply.header('content-language', request.lang)
  reply.header('cache-control', 'no-store')
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(JSON.stringify(problemBody(problem, request.t, baseUrl, request.url.split('?')[0]!)))
}

/** Fastify's and its plugins' errors (bad JSON, wrong content type, body too large) as problems. */
export function problemFromError(error: FastifyError | ApiProblem, requestId: string): ApiProblem {
  if (error instanceof ApiProblem) return error
  if (error instanceof UnstorableTextError) return badRequest([{ field: error.field, code: 'api.p.unstorable' }])
  const status = error.statusCode ?? 500
  if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (error instanceof SyntaxError && status === 400)) {
    return new ApiProblem(400, 'bad-request', 'api.p.badRequestTitle', 'api.p.badJson')
  }
  if (status === 415) return new ApiProblem(415, 'unsupported-media-type', 'api.p.unsupportedTitle', 'api.p.unsupportedDetail')
  if (status === 413) return new ApiProblem(413, 'payload-too-large', 'api.p.tooLargeTitle', 'api.p.tooLargeDetail')
  if (status === 404) return notFound()
  if (status === 503 && error instanceof ApiProblem) return error
  if (status >= 400 && status < 500) return new ApiProblem(status, 'bad-request', 'api.p.badRequestTitle', 'api.p.badRequestDetail')
  return new ApiProblem(500, 'server-error', 'api.p.serverTitle', 'api.p.serverDetail', { requestId })
}

/** Each problem type's title, for the reference page's list. */
export const PROBLEM_TITLES: Record<ProblemType, MessageKey> = {
  unauthorized: 'api.p.unauthorizedTitle',
  forbidden: 'api.p.forbiddenTitle',
  'not-found': 'api.p.notFoundTitle',
  'bad-request': 'api.p.badRequestTitle',
  'invalid-offer': 'api.p.invalidTitle',
  'precondition-failed': 'api.p.preconditionFailedTitle',
  'precondition-required': 'api.p.preconditionRequiredTitle',
  conflict: 'api.p.conflictTitle',
  'idempotency-mismatch': 'api.p.idempotencyMismatchTitle',
  'idempotency-in-progress': 'api.p.idempotencyBusyTitle',
  'too-many-requests': 'api.p.tooManyTitle',
  'unsupported-media-type': 'api.p.unsupportedTitle',
  'payload-too-large': 'api.p.tooLargeTitle',
  maintenance: 'api.p.maintenanceTitle',
  'server-error': 'api.p.serverTitle',
}
