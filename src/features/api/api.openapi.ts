import { z } from 'zod'
import { translate, type MessageKey } from '../../i18n/i18n.ts'
import { SECTION_IDS, type SectionId } from '../offers/offers.sections.ts'
import { sectionBodySchema } from '../offers/offers.schema.ts'
import { MAX_DOCUMENT_BYTES } from '../offers/offers.service.ts'
import type { Scope } from './api-tokens.service.ts'
import type apiMessages from './api.messages.ts'
import * as s from './api.schema.ts'

/**
 * The API described once, as data: every operation with its scope, parameters, body
 * and answers. The OpenAPI 3.1 document is generated from it and from the zod
 * schemas (z.toJSONSchema); the reference page is drawn from the document; a test
 * checks that the routes registered under /api/v1 and the document name the same
 * operations, and every answer of the API tests is validated against it.
 */

/** Requests per minute per token (documented on the reference page and in docs/operations.md). */
/** The default of API_RATE_LIMIT_PER_MINUTE (src/config.ts). */
export const RATE_LIMIT_PER_MINUTE = 120
export const API_PREFIX = '/api/v1'

type Answer = { description: string; schema?: string; headers?: Array<'ETag' | 'Location' | 'Idempotent-Replayed'> }
export interface OperationDef {
  method: 'get' | 'post' | 'put'
  /** OpenAPI form: /offers/{id} */
  path: string
  operationId: keyof (typeof apiMessages)['en']['ops']
  tag: 'Meta' | 'Business' | 'Offers' | 'Messages' | 'Reference'
  /** The scope a token needs; null: no token at all (the document). */
  scope: Scope | null
  pathParams?: Array<{ name: string; description: string; schema: Record<string, unknown> }>
  query?: z.ZodObject
  body?: { schema: string | string[]; required: boolean } | { raw: string[]; required: boolean }
  idempotent?: boolean
  ifMatch?: 'required' | 'optional'
  ok: Record<number, Answer>
  problems: number[]
}

const ID = { name: 'id', description: 'The offer’s id.', schema: { type: 'string', format: 'uuid' } }
const SECTION_SCHEMA_ID = (section: SectionId) => `Section_${section}`

export const OPERATIONS: OperationDef[] = [
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApi', tag: 'Meta', scope: null, ok: { 200: { description: 'This document.' } }, problems: [] },
  { method: 'get', path: '/business', operationId: 'getBusiness', tag: 'Business', scope: 'read', ok: { 200: { description: 'The business.', schema: 'Business' } }, problems: [401, 403, 429] },
  { method: 'get', path: '/business/users', operationId: 'listUsers', tag: 'Business', scope: 'read', ok: { 200: { description: 'Active users.', schema: 'UserList' } }, problems: [401, 403, 429] },
  { method: 'get', path: '/offers', operationId: 'listOffers', tag: 'Offers', scope: 'read', query: s.OfferQuerySchema, ok: { 200: { description: 'One page of offers.', schema: 'OfferList' } }, problems: [400, 401, 403, 429] },
  {
    method: 'post',
    path: '/offers',
    operationId: 'createOffer',
    tag: 'Offers',
    scope: 'drafts',
    idempotent: true,
    ok: { 201: { description: 'The new draft (its business section filled from the business’s last offer).', schema: 'Offer', headers: ['ETag', 'Location', 'Idempotent-Replayed'] } },
    problems: [401, 403, 422, 429],
  },
  { method: 'get', path: '/offers/{id}', operationId: 'getOffer', tag: 'Offers', scope: 'read', pathParams: [ID], ok: { 200: { description: 'The offer.', schema: 'Offer', headers: ['ETag'] } }, problems: [401, 403, 404, 429] },
  {
    method: 'put',
    path: '/offers/{id}/sections/{section}',
    operationId: 'putSection',
    tag: 'Offers',
    scope: 'drafts',
    pathParams: [ID, { name: 'section', description: 'The section.', schema: { type: 'string', enum: [...SECTION_IDS] } }],
    body: { schema: SECTION_IDS.map(SECTION_SCHEMA_ID), required: true },
    ifMatch: 'required',
    ok: { 200: { description: 'Saved as sent (the whole section is replaced); what still needs correcting is listed.', schema: 'SectionResult', headers: ['ETag'] } },
    problems: [400, 401, 403, 404, 409, 412, 428, 429],
  },
  { method: 'post', path: '/offers/{id}/validate', operationId: 'validateOffer', tag: 'Offers', scope: 'read', pathParams: [ID], ok: { 200: { description: 'What is still missing or wrong, as the pages’ Validate.', schema: 'ValidationResult' } }, problems: [401, 403, 404, 409, 429] },
  {
    method: 'post',
    path: '/offers/{id}/submit',
    operationId: 'submitOffer',
    tag: 'Offers',
    scope: 'submit',
    pathParams: [ID],
    idempotent: true,
    ifMatch: 'optional',
    ok: {
      200: { description: 'Fee-exempt: submitted at once (pending, with its number).', schema: 'SubmitResult', headers: ['Idempotent-Replayed'] },
      202: { description: 'Awaiting payment: a person pays the fee at paymentUrl.', schema: 'SubmitResult', headers: ['Idempotent-Replayed'] },
    },
    problems: [401, 403, 404, 409, 412, 422, 429],
  },
  { method: 'post', path: '/offers/{id}/withdraw', operationId: 'withdrawOffer', tag: 'Offers', scope: 'submit', pathParams: [ID], body: { schema: 'WithdrawRequest', required: true }, ok: { 200: { description: 'Withdrawn; the fee is refunded.', schema: 'Offer' } }, problems: [400, 401, 403, 404, 409, 429] },
  {
    method: 'post',
    path: '/offers/{id}/copy',
    operationId: 'copyOffer',
    tag: 'Offers',
    scope: 'drafts',
    pathParams: [ID],
    idempotent: true,
    ok: { 201: { description: 'The new draft (attestations are not copied: they are ticked again).', schema: 'Offer', headers: ['ETag', 'Location', 'Idempotent-Replayed'] } },
    problems: [401, 403, 404, 422, 429],
  },
  { method: 'get', path: '/offers/{id}/documents', operationId: 'listDocuments', tag: 'Offers', scope: 'read', pathParams: [ID], ok: { 200: { description: 'Oldest first.', schema: 'DocumentList' } }, problems: [401, 403, 404, 429] },
  {
    method: 'post',
    path: '/offers/{id}/documents',
    operationId: 'addDocument',
    tag: 'Offers',
    scope: 'drafts',
    pathParams: [ID],
    query: s.DocumentQuerySchema,
    body: { raw: ['application/pdf', 'image/jpeg', 'image/png'], required: true },
    ok: { 201: { description: 'Attached: the offer’s documents now (such as the proof of a fee exemption).', schema: 'DocumentList' } },
    problems: [400, 401, 403, 404, 409, 413, 415, 429],
  },
  { method: 'get', path: '/messages', operationId: 'listMessages', tag: 'Messages', scope: 'read', query: s.MessageQuerySchema, ok: { 200: { description: 'Newest first.', schema: 'MessageList' } }, problems: [400, 401, 403, 429] },
  { method: 'get', path: '/reference/exemption-codes', operationId: 'listExemptionCodes', tag: 'Reference', scope: 'read', ok: { 200: { description: 'Every code, open ones included.', schema: 'ExemptionCodeList' } }, problems: [401, 403, 429] },
  { method: 'get', path: '/reference/occupations', operationId: 'listOccupations', tag: 'Reference', scope: 'read', query: s.OccupationQuerySchema, ok: { 200: { description: 'Matching occupations.', schema: 'OccupationList' } }, problems: [400, 401, 403, 429] },
  { method: 'get', path: '/reference/countries', operationId: 'listCountries', tag: 'Reference', scope: 'read', ok: { 200: { description: 'Every country, by code.', schema: 'CountryList' } }, problems: [401, 403, 429] },
]

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'The request could not be read (field errors listed).',
  401: 'No token, or a token that is unknown, revoked or expired, or whose user lost access.',
  403: 'The token lacks the scope this operation needs.',
  404: 'Nothing there, or another business’s or branch’s.',
  409: 'Not possible in the offer’s state (submitted offers are read-only), or, with an Idempotency-Key, a request with the same key still being handled (retry in a moment).',
  412: 'If-Match names an older version: currentVersion gives the version now.',
  422: 'Not complete (field errors listed), or an Idempotency-Key reused with another request.',
  428: 'If-Match is missing.',
  413: 'The body is too large.',
  415: 'The body is not application/json.',
  429: 'Over the rate limit (Retry-After says when to retry).',
  503: 'Closed for a maintenance window announced in the portal (Retry-After says when it ends).',
}

const HEADERS: Record<string, { description: string; schema: Record<string, unknown> }> = {
  ETag: { description: 'The offer’s version, quoted ("7"): send it back in If-Match.', schema: { type: 'string' } },
  Location: { description: 'The new offer’s address.', schema: { type: 'string' } },
  'Idempotent-Replayed': { description: '"true" when this is the first answer to the same Idempotency-Key, replayed.', schema: { type: 'string', enum: ['true'] } },
}

// Each section's body schema under its own component name (registered once).
for (const section of SECTION_IDS) sectionBodySchema(section).meta({ id: SECTION_SCHEMA_ID(section), description: `The fields of the “${translate('en', `offers.s_${section}`)}” section.` })

const OWN_SCHEMAS = ['FieldError', 'Problem', 'OfferSummary', 'OfferList', 'Offer', 'SectionResult', 'ValidationResult', 'SubmitResult', 'WithdrawRequest', 'Business', 'UserList', 'MessageList', 'ExemptionCodeList', 'OccupationList', 'CountryList', 'DocumentList', ...SECTION_IDS.map(SECTION_SCHEMA_ID)]

function componentSchemas(): Record<string, Record<string, unknown>> {
  const all = z.toJSONSchema(z.globalRegistry, { target: 'draft-2020-12', io: 'output', uri: (id) => `#/components/schemas/${id}` }).schemas
  const out: Record<string, Record<string, unknown>> = {}
  for (const id of OWN_SCHEMAS) {
    const { $schema: _s, $id: _i, ...schema } = all[id] as Record<string, unknown>
    if (!all[id]) throw new Error(`schema ${id} is not registered`)
    out[id] = schema
  }
  return out
}

function queryParameters(query: z.ZodObject) {
  const json = z.toJSONSchema(query, { target: 'draft-2020-12', io: 'input' }) as { properties: Record<string, Record<string, unknown>>; required?: string[] }
  return Object.entries(json.properties).map(([name, schema]) => {
    const { description, ...rest } = schema
    return { name, in: 'query', required: json.required?.includes(name) ?? false, description, schema: rest }
  })
}

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` })

export type OpenApiDocument = ReturnType<typeof buildOpenApi>

/** The OpenAPI 3.1 document (`publicBaseUrl` makes the server address and the problem types absolute). */
export function buildOpenApi(publicBaseUrl: string, rateLimitPerMinute = RATE_LIMIT_PER_MINUTE) {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const op of OPERATIONS) {
    const parameters: unknown[] = [...(op.pathParams ?? []).map((p) => ({ ...p, in: 'path', required: true })), ...(op.query ? queryParameters(op.query) : [])]
    if (op.idempotent) parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description: 'Makes a retry safe: the same key and body replay the first answer for 24 hours.', schema: { type: 'string', minLength: 1, maxLength: 200 } })
    if (op.ifMatch) parameters.push({ name: 'If-Match', in: 'header', required: op.ifMatch === 'required', description: 'The offer’s ETag (its version) as read.', schema: { type: 'string' } })
    parameters.push({ name: 'Accept-Language', in: 'header', required: false, description: 'en or fr: the language of problem titles, details and field messages.', schema: { type: 'string' } })
    const responses: Record<string, unknown> = {}
    for (const [status, a] of Object.entries(op.ok)) {
      responses[status] = {
        description: a.description,
        ...(a.headers ? { headers: Object.fromEntries(a.headers.map((h) => [h, HEADERS[h]])) } : {}),
        content: { 'application/json': { schema: a.schema ? ref(a.schema) : { type: 'object' } } },
      }
    }
    // Any body may be unreadable JSON, too large, or of another type.
    // A retry that overtakes the first request with its Idempotency-Key is told to wait (409).
    const problems = op.method === 'get' ? op.problems : [...new Set([...op.problems, 400, 413, 415, ...(op.idempotent ? [409] : [])])].sort()
    if (op.scope) problems.push(503)
    for (const status of problems) responses[String(status)] = { description: PROBLEM_DESCRIPTIONS[status], content: { 'application/problem+json': { schema: ref('Problem') } } }
    const bodySchemas = op.body && 'schema' in op.body ? [op.body.schema].flat() : []
    paths[op.path] ??= {}
    paths[op.path]![op.method] = {
      operationId: op.operationId,
      summary: translate('en', `api.ops.${op.operationId}` as MessageKey),
      'x-summary-fr': translate('fr', `api.ops.${op.operationId}` as MessageKey),
      tags: [op.tag],
      security: op.scope ? [{ token: [] }] : [],
      ...(op.scope ? { 'x-scope': op.scope } : {}),
      parameters,
      ...(op.body && 'raw' in op.body
        ? { requestBody: { required: op.body.required, content: Object.fromEntries(op.body.raw.map((type) => [type, { schema: { type: 'string', contentMediaType: type, maxLength: MAX_DOCUMENT_BYTES } }])) } }
        : op.body
          ? { requestBody: { required: op.body.required, content: { 'application/json': { schema: bodySchemas.length === 1 ? ref(bodySchemas[0]!) : { anyOf: bodySchemas.map(ref) } } } } }
          : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Employer Portal API',
      version: '1.0.0',
      description: `For representatives’ case-management software: the same offers, under the same rules, as the portal’s pages. Authenticate with a personal API token (Authorization: Bearer ep_…). Each token may make ${rateLimitPerMinute} requests per minute. Errors are RFC 9457 problem details in English or French (Accept-Language).`,
    },
    servers: [{ url: `${publicBaseUrl}${API_PREFIX}` }],
    tags: [{ name: 'Meta' }, { name: 'Business' }, { name: 'Offers' }, { name: 'Messages' }, { name: 'Reference' }],
    components: {
      securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'A personal API token (ep_…), created on the API tokens page of the portal.' } },
      schemas: componentSchemas(),
    },
    paths,
  }
}

/** The Fastify route of an operation: /offers/{id} → /api/v1/offers/:id */
export function routeUrl(path: string): string {
  return API_PREFIX + path.replace(/\{(\w+)\}/g, ':$1')
}
