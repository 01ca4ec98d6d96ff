import { sql } from 'kysely'
import fastifyRateLimit from '@fastify/rate-limit'
import { rateStoreFor } from '../../platform/rate-store.ts'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ZodError } from 'zod'
import type { Db } from '../../db/connect.ts'
import type { Actor } from '../../platform/audit.ts'
import type { Clock } from '../../platform/clock.ts'
import { formatInZone } from '../../platform/dates.ts'
import { isUuid } from '../../platform/ids.ts'
import { maintenanceState } from '../console/maintenance.service.ts'
import { messagesWithCounts } from '../notifications/notifications.repository.ts'
import { branchChoices, queueCursor, queueCursorKeyFits, queuePage, type QueueSort } from '../offers/offers.repository.ts'
import { sectionBodySchema, sectionValues, type SectionBody } from '../offers/offers.schema.ts'
import { SECTION_IDS, sectionProblems, type SectionId } from '../offers/offers.sections.ts'
import { MAX_DOCUMENT_BYTES, sniffDocumentType, type OfferService } from '../offers/offers.service.ts'
import type { Offer } from '../offers/offers.tables.ts'
import { STATUS_KEY } from '../offers/offers.views.ts'
import { categoryName, EXEMPTION_CODES } from '../reference/exemption-codes.ts'
import { COUNTRIES } from '../reference/lists.ts'
import { searchOccupations } from '../reference/noc.service.ts'
import { allOccupations } from '../reference/reference.repository.ts'
import { ApiTokenService, type ApiPrincipal, type Scope } from './api-tokens.service.ts'
import { requestFingerprint, withIdempotency, type StoredAnswer } from './api.idempotency.ts'
import { API_PREFIX, buildOpenApi, RATE_LIMIT_PER_MINUTE, type OpenApiDocument } from './api.openapi.ts'
import { answerErrors, ApiProblem, badRequest, conflict, notFound, problemFromError, sendProblem, zodErrors } from './api.problems.ts'
import { DocumentQuerySchema, MessageQuerySchema, OccupationQuerySchema, OfferQuerySchema, WithdrawBodySchema } from './api.schema.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a token needs for this API route; absent: no token at all (the document). */
    apiScope?: Scope
  }
  interface FastifyRequest {
    /** The API caller (a token's user within its business); set before every API handler. */
    api: ApiPrincipal | null
    apiRefusal: ApiProblem | null
  }
}

export interface ApiDeps {
  db: Db
  clock: Clock
  timeZone: string
  publicBaseUrl: string
  offers: OfferService
  /** API_RATE_LIMIT_PER_MINUTE (default RATE_LIMIT_PER_MINUTE). */
  rateLimitPerMinute?: number
}

/** A JSON answer made by a handler (kept as is for idempotent replays). */
type Answer = StoredAnswer

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, headers }
}

const etag = (version: number) => `"${version}"`

/** The version named by If-Match ("7", W/"7" or 7); undefined when absent; NaN when unreadable. */
function ifMatchVersion(request: FastifyRequest): number | undefined {
  const h = request.headers['if-match']
  if (h === undefined) return undefined
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(h))
  return m ? Number(m[1]) : Number.NaN
}

export function offerJson(o: Offer, baseUrl: string) {
  return {
    id: o.id,
    status: o.status,
    offerNumber: o.offer_number,
    version: o.version,
    businessId: o.business_id,
    branchId: o.branch_id,
    workerName: o.worker_name,
    jobTitle: o.job_title,
    feeExemption: o.fee_exemption,
    needsReview: o.needs_review,
    copiedFrom: o.copied_from,
    createdAt: o.created_at.toISOString(),
    updatedAt: o.updated_at.toISOString(),
    submittedAt: o.submitted_at?.toISOString() ?? null,
    withdrawnAt: o.withdrawn_at?.toISOString() ?? null,
    withdrawalReason: o.withdrawal_reason,
    answers: o.answers,
    pageUrl: `${baseUrl}/en/offers/${o.id}`,
  }
}

function encodeCursor(c: { key: string; id: string }): string {
  return Buffer.from(JSON.stringify([c.key, c.id])).toString('base64url')
}
function decodeCursor(value: string, sort: QueueSort): { key: string; id: string } | undefined {
  try {
    const [key, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[]
    return typeof key === 'string' && typeof id === 'string' && isUuid(id) && queueCursorKeyFits(key, sort) ? { key, id } : undefined
  } catch {
    return undefined
  }
}

const isSection = (s: string): s is SectionId => (SECTION_IDS as readonly string[]).includes(s)

/** JSON bodies nested deeper than this are refused (the deepest operation's body is 2 levels). */
const MAX_JSON_DEPTH = 32

/** How deeply objects and arrays nest in a parsed JSON value (without recursion: it may be very deep). */
function nestingDepth(value: unknown): number {
  let max = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    max = Math.max(max, depth + 1)
    if (max > MAX_JSON_DEPTH) return max
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return max
}

/**
 * `/api/v1`: JSON for representatives' software, registered once (no language prefix).
 * Only `Authorization: Bearer` authenticates (a session cookie is never read here, and
 * CSRF does not apply); the token's membership is read on every request. Every route
 * calls the same OfferService as the pages, so the same rules hold.
 */
export async function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const { db, clock, offers, publicBaseUrl, timeZone } = deps
  const rateLimitPerMinute = deps.rateLimitPerMinute ?? RATE_LIMIT_PER_MINUTE
  const tokens = new ApiTokenService({ db, clock })
  let document: OpenApiDocument | undefined

  await app.register(
    async (api) => {
      api.decorateRequest('api', null)
      api.decorateRequest('apiRefusal', null)

      api.setErrorHandler((error: FastifyError | ApiProblem, request, reply) => {
        const problem = problemFromError(error, String(request.id))
        if (problem.status >= 500) request.log.error({ err: error }, 'unhandled API error')
        else request.log.info({ err: { code: (error as FastifyError).code, message: error.message }, status: problem.status }, 'API request refused')
        return sendProblem(request, reply, problem, publicBaseUrl)
      })
      api.setNotFoundHandler((request, reply) => sendProblem(request, reply, notFound(), publicBaseUrl))

      // Bodies: JSON only, in UTF-8 (and a document's own bytes, on its route below). The form and
      // multipart parsers the pages use are not inherited: a form body here is 415, never read as fields.
      api.removeAllContentTypeParsers()
      const parseJson = api.getDefaultJsonParser('error', 'error')
      api.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
        const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(request.headers['content-type']))?.[1]
        if (charset && !/^utf-?8$/i.test(charset)) return done(new ApiProblem(415, 'unsupported-media-type', 'api.p.unsupportedTitle', 'api.p.unsupportedDetail'), undefined)
        let text: string
        try {
          text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body as Buffer)
        } catch {
          return done(new ApiProblem(400, 'bad-request', 'api.p.badRequestTitle', 'api.p.badUtf8'), undefined)
        }
        parseJson(request, text, (error, value) => {
          if (error) return done(error, undefined)
          // No operation takes more than a few levels; deeper bodies never reach a schema or the idempotency fingerprint.
          if (nestingDepth(value) > MAX_JSON_DEPTH) return done(new ApiProblem(400, 'bad-request', 'api.p.badRequestTitle', 'api.p.tooDeep', { max: MAX_JSON_DEPTH }), undefined)
          done(null, value)
        })
      })

      // Who is asking: only the bearer token counts. The refusal waits for preHandler so the rate limit (by address) sees it first.
      api.addHook('onRequest', async (request) => {
        if (!request.routeOptions.config?.apiScope) return
        const result = await tokens.authenticate(request.headers.authorization)
        if (result.ok) request.api = result.principal
        else request.apiRefusal = new ApiProblem(401, 'unauthorized', 'api.p.unauthorizedTitle', result.reason === 'missing' ? 'api.p.unauthorizedMissing' : 'api.p.unauthorizedInvalid')
      })

      await api.register(fastifyRateLimit, {
        max: rateLimitPerMinute,
        timeWindow: 60_000,
        // On PostgreSQL counted in the database (the limit holds across every process); embedded, in memory.
        store: rateStoreFor(db, clock),
        keyGenerator: (request) => (request.api ? `token:${request.api.token.id}` : `ip:${request.ip}`),
        errorResponseBuilder: (_request, context) => {
          const problem = new ApiProblem(429, 'too-many-requests', 'api.p.tooManyTitle', 'api.p.tooManyDetail', { max: context.max, after: context.after })
          return Object.assign(problem, { statusCode: 429 })
        },
      })

      api.addHook('preHandler', async (request, reply) => {
        const scope = request.routeOptions.config?.apiScope
        reply.header('cache-control', 'no-store')
        reply.header('vary', 'Accept-Language, Authorization')
        if (!scope) return
        // A maintenance window closes the API as it closes the portal's pages (the document stays readable).
        const { active } = await maintenanceState(db, clock.now())
        if (active) {
          reply.header('retry-after', String(Math.max(60, Math.ceil((active.ends_at.getTime() - clock.now().getTime()) / 1000))))
          throw new ApiProblem(503, 'maintenance', 'api.p.maintenanceTitle', 'api.p.maintenanceDetail', { end: formatInZone(request.lang, active.ends_at, timeZone, 'dateTime') })
        }
        if (request.apiRefusal || !request.api) {
          const invalid = request.apiRefusal?.detailKey === 'api.p.unauthorizedInvalid'
          reply.header('www-authenticate', `Bearer realm="Employer Portal API"${invalid ? ', error="invalid_token"' : ''}`)
          throw request.apiRefusal ?? new ApiProblem(401, 'unauthorized', 'api.p.unauthorizedTitle', 'api.p.unauthorizedMissing')
        }
        if (!request.api.scopes.includes(scope)) {
          reply.header('www-authenticate', `Bearer realm="Employer Portal API", error="insufficient_scope", scope="${scope}"`)
          throw new ApiProblem(403, 'forbidden', 'api.p.forbiddenTitle', 'api.p.forbiddenScope', { scope })
        }
        // A file's bytes are read only where a document is sent; everywhere else the body is JSON.
        if (Buffer.isBuffer(request.body) && request.routeOptions.url !== `${API_PREFIX}/offers/:id/documents`) {
          throw new ApiProblem(415, 'unsupported-media-type', 'api.p.unsupportedTitle', 'api.p.unsupportedDetail')
        }
      })

      const principal = (request: FastifyRequest): ApiPrincipal => request.api!
      const actor = (request: FastifyRequest): Actor => {
        const p = principal(request)
        return { userId: p.user.id, label: `${p.user.username} (API token ${p.token.token_prefix}…)`, ip: request.ip, requestId: String(request.id) }
      }
      const send = (reply: FastifyReply, a: Answer & { replayed?: boolean }) => {
        for (const [k, v] of Object.entries(a.headers)) reply.header(k, v)
        if (a.replayed) reply.header('idempotent-replayed', 'true')
        return reply.code(a.status).type('application/json; charset=utf-8').send(JSON.stringify(a.body))
      }
      const idempotent = async (request: FastifyRequest, reply: FastifyReply, run: () => Promise<Answer>) => {
        const answer = await withIdempotency(db, clock.now(), principal(request).token.id, request.headers['idempotency-key'], requestFingerprint(request.method, request.url.split('?')[0]!, request.body), run)
        return send(reply, answer)
      }
      const offerOf = async (request: FastifyRequest): Promise<Offer> => {
        const offer = await offers.find(principal(request).membership, (request.params as { id: string }).id)
        if (!offer) throw notFound()
        return offer
      }
      const parse = <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } }, value: unknown): T => {
        const r = schema.safeParse(value ?? {})
        if (!r.success) throw badRequest(zodErrors(r.error))
        return r.data
      }
      const statusText = (request: FastifyRequest, o: Offer) => request.t(STATUS_KEY[o.status])
      const offerAnswer = (status: number, o: Offer) => json(status, offerJson(o, publicBaseUrl), { etag: etag(o.version) })

      api.get('/openapi.json', async (_request, reply) => {
        document ??= buildOpenApi(publicBaseUrl, rateLimitPerMinute)
        return reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').type('application/json; charset=utf-8').send(JSON.stringify(document))
      })

      api.get('/business', { config: { apiScope: 'read' } }, async (request, reply) => {
        const m = principal(request).membership
        const b = await db.selectFrom('business').select(['id', 'legal_name', 'operating_name', 'business_number', 'employer_number']).where('id', '=', m.businessId).executeTakeFirstOrThrow()
        const branch = m.branchId ? ((await db.selectFrom('branch').select(['id', 'name']).where('id', '=', m.branchId).executeTakeFirst()) ?? null) : null
        return send(reply, json(200, { id: b.id, legalName: b.legal_name, operatingName: b.operating_name, businessNumber: b.business_number, employerNumber: b.employer_number, role: m.role, branch }))
      })

      api.get('/business/users', { config: { apiScope: 'read' } }, async (request, reply) => {
        const m = principal(request).membership
        let q = db
          .selectFrom('business_membership as bm')
          .innerJoin('app_user as u', 'u.id', 'bm.user_id')
          .leftJoin('branch as br', 'br.id', 'bm.branch_id')
          .select(['u.id', 'u.given_name', 'u.family_name', 'bm.role', 'bm.branch_id', 'br.name as branch_name', 'bm.created_at'])
          .where('bm.business_id', '=', m.businessId)
          .where('bm.status', '=', sql.lit('active'))
        // A branch user sees their branch's people (as Manage access shows a branch primary user).
        if (m.role !== 'primary' && m.branchId) q = q.where('bm.branch_id', '=', m.branchId)
        const rows = await q.orderBy('u.family_name').orderBy('u.given_name').orderBy('u.id').execute()
        return send(
          reply,
          json(200, {
            items: rows.map((r) => ({ id: r.id, givenNames: r.given_name, familyName: r.family_name, role: r.role, branch: r.branch_id ? { id: r.branch_id, name: r.branch_name ?? '' } : null, memberSince: r.created_at.toISOString() })),
          }),
        )
      })

      api.get('/offers', { config: { apiScope: 'read' } }, async (request, reply) => {
        const m = principal(request).membership
        const query = parse(OfferQuerySchema, request.query)
        const seesWholeBusiness = m.role === 'primary' || m.branchId === null
        let branchFilter: string | undefined
        let branches: Array<{ id: string; name: string }> | undefined
        if (query.branch && seesWholeBusiness) {
          if (query.branch === 'none') branchFilter = 'none'
          else {
            // The business's branch list checks the filter and then names the rows' branches (queuePage): read once.
            branches = await branchChoices(db, m.businessId)
            if (!branches.some((b) => b.id === query.branch)) throw badRequest([{ field: 'branch', code: 'api.p.badBranch' }])
            branchFilter = query.branch
          }
        }
        const after = query.after === undefined ? undefined : decodeCursor(query.after, query.sort)
        if (query.after !== undefined && !after) throw badRequest([{ field: 'after', code: 'api.p.badCursor' }])
        const search = query.q || undefined
        const rows = await queuePage(db, { businessId: m.businessId, scopeBranchId: seesWholeBusiness ? null : m.branchId, branchFilter, status: query.status, search, sort: query.sort, after, limit: query.limit + 1, branches })
        const page = rows.slice(0, query.limit)
        const last = page[page.length - 1]
        return send(
          reply,
          json(200, {
            items: page.map((r) => ({ id: r.id, offerNumber: r.offer_number, status: r.status, workerName: r.worker_name, jobTitle: r.job_title, branchName: r.branch_name, createdBy: r.created_by, updatedAt: r.updated_at.toISOString() })),
            next: rows.length > query.limit && last ? encodeCursor(queueCursor(last, query.sort)) : null,
          }),
        )
      })

      api.post('/offers', { config: { apiScope: 'drafts' } }, async (request, reply) =>
        idempotent(request, reply, async () => {
          const p = principal(request)
          const offer = await offers.createDraft(p.membership, p.user.id, actor(request))
          return { ...offerAnswer(201, offer), headers: { etag: etag(offer.version), location: `${API_PREFIX}/offers/${offer.id}` } }
        }),
      )

      api.get('/offers/:id', { config: { apiScope: 'read' } }, async (request, reply) => send(reply, offerAnswer(200, await offerOf(request))))

      api.put('/offers/:id/sections/:section', { config: { apiScope: 'drafts' } }, async (request, reply) => {
        const { section } = request.params as { section: string }
        if (!isSection(section)) throw notFound()
        const offer = await offerOf(request)
        const version = ifMatchVersion(request)
        if (version === undefined) throw new ApiProblem(428, 'precondition-required', 'api.p.preconditionRequiredTitle', 'api.p.preconditionRequiredDetail')
        if (offer.status !== 'draft') throw conflict('api.p.readOnly')
        if (Number.isNaN(version) || version !== offer.version) {
          throw new ApiProblem(412, 'precondition-failed', 'api.p.preconditionFailedTitle', 'api.p.preconditionFailedDetail', { current: offer.version }, { currentVersion: offer.version })
        }
        const body = parse(sectionBodySchema(section), request.body) as SectionBody
        const values = sectionValues(section, body)
        // What was sent is saved, valid or not (as the pages do), if nobody changed the draft since `version`.
        const saved = await offers.saveSection(offer, section, values, version, actor(request))
        if (saved.kind === 'readOnly') throw conflict('api.p.readOnly')
        if (saved.kind === 'conflict') {
          throw new ApiProblem(412, 'precondition-failed', 'api.p.preconditionFailedTitle', 'api.p.preconditionFailedDetail', { current: saved.offer.version }, { currentVersion: saved.offer.version })
        }
        const problems = sectionProblems(section, { ...offer.answers, [section]: values }, request.lang, offers.today())
        const errors = answerErrors(problems).map((e) => ({ section: e.section, field: e.field, code: e.code, message: request.t(e.code, e.params) }))
        return send(reply, json(200, { version: saved.version, complete: errors.length === 0, errors }, { etag: etag(saved.version) }))
      })

      api.post('/offers/:id/validate', { config: { apiScope: 'read' } }, async (request, reply) => {
        const offer = await offerOf(request)
        if (offer.status !== 'draft') throw conflict('api.p.notDraft', { status: statusText(request, offer) })
        const problems = await offers.submissionProblems(offer, request.lang)
        const errors = answerErrors(problems).map((e) => ({ section: e.section, field: e.field, code: e.code, message: request.t(e.code, e.params) }))
        return send(reply, json(200, { version: offer.version, valid: errors.length === 0, errors }))
      })

      api.post('/offers/:id/submit', { config: { apiScope: 'submit' } }, async (request, reply) =>
        idempotent(request, reply, async () => {
          const offer = await offerOf(request)
          const version = ifMatchVersion(request)
          if (version !== undefined && (Number.isNaN(version) || version !== offer.version) && offer.status === 'draft') {
            throw new ApiProblem(412, 'precondition-failed', 'api.p.preconditionFailedTitle', 'api.p.preconditionFailedDetail', { current: offer.version }, { currentVersion: offer.version })
          }
          const paymentUrl = (o: Offer) => `${publicBaseUrl}/${request.lang}/offers/${o.id}`
          const result = await offers.submit(offer, version ?? offer.version, request.lang, actor(request))
          switch (result.kind) {
            case 'problems':
              throw new ApiProblem(422, 'invalid-offer', 'api.p.invalidTitle', 'api.p.invalidDetail', {}, { errors: answerErrors(result.problems) })
            case 'conflict': {
              const current = (await offers.byId(offer.id)) ?? offer
              throw new ApiProblem(412, 'precondition-failed', 'api.p.preconditionFailedTitle', 'api.p.preconditionFailedDetail', { current: current.version }, { currentVersion: current.version })
            }
            case 'notDraft':
              // Submitted already and waiting for its fee (a retry without a key): the same answer.
              if (result.offer.status === 'awaiting_payment') return json(202, { offer: offerJson(result.offer, publicBaseUrl), paymentUrl: paymentUrl(result.offer) })
              throw conflict('api.p.notDraft', { status: statusText(request, result.offer) })
            case 'pay':
              return json(202, { offer: offerJson(result.offer, publicBaseUrl), paymentUrl: paymentUrl(result.offer) })
            case 'submitted':
              return json(200, { offer: offerJson(result.offer, publicBaseUrl), paymentUrl: null })
          }
        }),
      )

      api.post('/offers/:id/withdraw', { config: { apiScope: 'submit' } }, async (request, reply) => {
        const offer = await offerOf(request)
        const { reason } = parse(WithdrawBodySchema, request.body)
        if (offer.status !== 'pending') throw conflict('api.p.notPending', { status: statusText(request, offer) })
        const result = await offers.withdraw(offer, reason, actor(request))
        if (result.kind === 'notPending') throw conflict('api.p.notPending', { status: statusText(request, result.offer) })
        return send(reply, offerAnswer(200, result.offer))
      })

      api.post('/offers/:id/copy', { config: { apiScope: 'drafts' } }, async (request, reply) =>
        idempotent(request, reply, async () => {
          const p = principal(request)
          const copy = await offers.copy(p.membership, await offerOf(request), p.user.id, actor(request))
          return { ...offerAnswer(201, copy), headers: { etag: etag(copy.version), location: `${API_PREFIX}/offers/${copy.id}` } }
        }),
      )

      const documentsAnswer = async (status: number, offer: Offer) =>
        json(status, {
          items: (await offers.documents(offer)).map((d) => ({ id: d.id, fileName: d.file_name, contentType: d.content_type, sizeBytes: d.size_bytes, sha256: d.sha256, createdAt: d.created_at.toISOString() })),
        })

      api.get('/offers/:id/documents', { config: { apiScope: 'read' } }, async (request, reply) => send(reply, await documentsAnswer(200, await offerOf(request))))

      // A document is sent as itself (the body is the file); its type is sniffed from its bytes, as on the pages.
      api.addContentTypeParser(['application/pdf', 'image/jpeg', 'image/png'], { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES }, (_request, body, done) => done(null, body))
      api.post('/offers/:id/documents', { config: { apiScope: 'drafts' }, bodyLimit: MAX_DOCUMENT_BYTES }, async (request, reply) => {
        const offer = await offerOf(request)
        const { name } = parse(DocumentQuerySchema, request.query)
        if (!Buffer.isBuffer(request.body)) throw new ApiProblem(415, 'unsupported-media-type', 'api.p.unsupportedTitle', 'api.p.documentType')
        if (offer.status !== 'draft') throw conflict('api.p.readOnly')
        const type = await sniffDocumentType(request.body)
        if (!type) throw badRequest([{ field: '_body', code: 'api.p.documentType' }])
        const p = principal(request)
        const added = await offers.addDocument(offer, { name: name ?? 'document', type, content: request.body }, p.user.id, actor(request))
        if (added.kind === 'notDraft') throw conflict('api.p.readOnly')
        if (added.kind === 'tooMany') throw conflict('api.p.tooManyDocuments')
        return send(reply, await documentsAnswer(201, offer))
      })

      api.get('/messages', { config: { apiScope: 'read' } }, async (request, reply) => {
        const p = principal(request)
        const query = parse(MessageQuerySchema, request.query)
        // The user's own messages and those of the token's business (not of their other businesses).
        const reader = { userId: p.user.id, businessIds: [p.membership.businessId] }
        const { rows, total } = await messagesWithCounts(db, reader, { limit: query.limit, offset: query.offset })
        return send(
          reply,
          json(200, {
            items: rows.map((r) => ({ id: r.id, audience: r.user_id ? 'personal' : 'business', lang: r.lang, subject: r.subject, body: r.body, read: r.read_at !== null, createdAt: r.created_at.toISOString() })),
            total,
          }),
        )
      })

      api.get('/reference/exemption-codes', { config: { apiScope: 'read' } }, async (_request, reply) =>
        send(
          reply,
          json(200, {
            items: EXEMPTION_CODES.map((c) => ({
              code: c.code,
              category: c.category,
              categoryName: { en: categoryName(c.category, 'en'), fr: categoryName(c.category, 'fr') },
              name: c.name,
              oldCodes: [...c.oldCodes],
              open: c.open,
              entrepreneur: c.entrepreneur,
              ...(c.openWhen ? { openWhen: c.openWhen } : {}),
            })),
          }),
        ),
      )

      api.get('/reference/occupations', { config: { apiScope: 'read' } }, async (request, reply) => {
        const query = parse(OccupationQuerySchema, request.query)
        const rows = query.q === undefined ? await allOccupations(db) : await searchOccupations(db, query.q, query.lang ?? request.lang, query.limit)
        return send(reply, json(200, { items: rows.map((r) => ({ code: r.code, title: { en: r.title_en, fr: r.title_fr }, teer: r.teer })) }))
      })

      api.get('/reference/countries', { config: { apiScope: 'read' } }, async (_request, reply) => send(reply, json(200, { items: COUNTRIES.map((c) => ({ code: c.code, name: c.name })) })))
    },
    { prefix: API_PREFIX },
  )
}
