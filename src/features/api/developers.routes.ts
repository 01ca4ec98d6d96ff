import type { FastifyInstance } from 'fastify'
import { html, type Html } from '../../platform/html.ts'
import type { Lang, MessageKey, Translate } from '../../i18n/i18n.ts'
import { SECTION_IDS, SECTIONS } from '../offers/offers.sections.ts'
import { API_PREFIX, buildOpenApi, OPERATIONS, RATE_LIMIT_PER_MINUTE, type OpenApiDocument } from './api.openapi.ts'
import { PROBLEM_TITLES, PROBLEM_TYPES } from './api.problems.ts'

interface Parameter {
  name: string
  in: string
  required: boolean
  description?: string
  schema: { type?: string; enum?: string[]; format?: string }
}
interface Operation {
  operationId: string
  summary: string
  'x-summary-fr': string
  'x-scope'?: string
  parameters: Parameter[]
  requestBody?: { content: Record<string, { schema: { $ref?: string; anyOf?: Array<{ $ref: string }> } } | undefined> }
  responses: Record<string, { description: string; content: Record<string, { schema: { $ref?: string } }> }>
}

const refName = (ref: string | undefined) => ref?.split('/').pop() ?? ''
const typeOf = (s: Parameter['schema']) => (s.enum ? s.enum.join(' | ') : [s.type, s.format].filter(Boolean).join(', '))

/** English text from the document, marked as English on the French page. */
const en = (lang: Lang, text: string | undefined): Html | string => (text ? (lang === 'en' ? text : html`<span lang="en">${text}</span>`) : '')

function operationHtml(t: Translate, lang: Lang, method: string, path: string, op: Operation): Html {
  const content = op.requestBody?.content ?? {}
  const body = content['application/json']?.schema
  // A JSON body names its schemas; a file body (a document) its media types.
  const bodyNames = body ? (body.anyOf ? body.anyOf.map((r) => refName(r.$ref)) : [refName(body.$ref)]) : Object.keys(content)
  return html`<section class="api-operation" aria-labelledby="op-${op.operationId}">
<h3 id="op-${op.operationId}"><code>${method.toUpperCase()} ${API_PREFIX}${path}</code></h3>
<p>${lang === 'fr' ? op['x-summary-fr'] : op.summary}</p>
<p class="hint">${op['x-scope'] ? t('api.dev.scopeNeeded', { scope: op['x-scope'] }) : t('api.dev.noToken')}</p>
${
  op.parameters.length
    ? html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t('api.dev.parameters')}${t('api.dev.colon')}${method.toUpperCase()} ${path}"><table class="table"><caption>${t('api.dev.parameters')}</caption>
<thead><tr><th scope="col">${t('api.dev.colParam')}</th><th scope="col">${t('api.dev.colIn')}</th><th scope="col">${t('api.dev.colType')}</th><th scope="col">${t('api.dev.colRequired')}</th><th scope="col">${t('api.dev.colDescription')}</th></tr></thead>
<tbody>${op.parameters.map((p) => html`<tr><td><code>${p.name}</code></td><td>${p.in}</td><td>${typeOf(p.schema)}</td><td>${p.required ? t('api.dev.yes') : t('api.dev.no')}</td><td>${en(lang, p.description)}</td></tr>`)}</tbody></table></div>`
    : ''
}
${bodyNames.length ? html`<p>${t('api.dev.requestBody')}${t('api.dev.colon')}${bodyNames.map((n, i) => html`${i ? ', ' : ''}<code>${n}</code>`)}</p>` : ''}
<div class="table-wrap" role="region" tabindex="0" aria-label="${t('api.dev.responses')}${t('api.dev.colon')}${method.toUpperCase()} ${path}"><table class="table"><caption>${t('api.dev.responses')}</caption>
<thead><tr><th scope="col">${t('api.dev.colStatus')}</th><th scope="col">${t('api.dev.colType')}</th><th scope="col">${t('api.dev.colDescription')}</th></tr></thead>
<tbody>${Object.entries(op.responses).map(([status, r]) => {
    const [type, c] = Object.entries(r.content)[0] ?? ['', { schema: {} }]
    return html`<tr><td>${status}</td><td><code>${type}</code>${c.schema.$ref ? html` (<code>${refName(c.schema.$ref)}</code>)` : ''}</td><td>${en(lang, r.description)}</td></tr>`
  })}</tbody></table></div>
</section>`
}

export function developersBody(t: Translate, lang: Lang, doc: OpenApiDocument, rateLimitPerMinute = RATE_LIMIT_PER_MINUTE): Html {
  const baseUrl = doc.servers[0]!.url
  const tags = ['Meta', 'Business', 'Offers', 'Messages', 'Reference']
  return html`<h1>${t('api.dev.title')}</h1>
<p>${t('api.dev.lead')}</p>
<p><a href="${API_PREFIX}/openapi.json">${t('api.dev.document')}</a> · <a href="/${lang}/account/api-tokens">${t('api.dev.tokensLink')}</a></p>
<p>${t('api.dev.base', { url: baseUrl })}</p>
<h2 id="authentication">${t('api.dev.authTitle')}</h2><p>${t('api.dev.authBody')}</p>
<h2 id="scopes">${t('api.dev.scopesTitle')}</h2><p>${t('api.dev.scopesBody')}</p>
<h2 id="rate-limits">${t('api.dev.rateTitle')}</h2><p>${t('api.dev.rateBody', { max: rateLimitPerMinute })}</p>
<h2 id="errors">${t('api.dev.errorsTitle')}</h2><p>${t('api.dev.errorsBody')}</p>
<ul>${PROBLEM_TYPES.map((p) => html`<li id="problem-${p}"><code>${p}</code>${t('api.dev.colon')}${t(PROBLEM_TITLES[p])}</li>`)}</ul>
<h2 id="idempotency">${t('api.dev.idemTitle')}</h2><p>${t('api.dev.idemBody')}</p>
<h2 id="versions">${t('api.dev.etagTitle')}</h2><p>${t('api.dev.etagBody')}</p>
<h2 id="pages">${t('api.dev.pagingTitle')}</h2><p>${t('api.dev.pagingBody')}</p>
<h2 id="operations">${t('api.dev.endpointsTitle')}</h2>
${tags.map((tag) => {
  const ops = OPERATIONS.filter((o) => o.tag === tag)
  return ops.length ? html`${ops.map((o) => operationHtml(t, lang, o.method, o.path, (doc.paths[o.path] as Record<string, Operation>)[o.method]!))}` : ''
})}
<h2 id="sections">${t('api.dev.sectionsTitle')}</h2>
<p>${t('api.dev.sectionsBody')}</p>
${SECTION_IDS.map(
  (s) => html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t(`offers.s_${s}`)}"><table class="table"><caption><code>${s}</code>${t('api.dev.colon')}${t(`offers.s_${s}`)}</caption>
<thead><tr><th scope="col">${t('api.dev.colField')}</th><th scope="col">${t('api.dev.colType')}</th><th scope="col">${t('api.dev.colRequired')}</th><th scope="col">${t('api.dev.colDescription')}</th></tr></thead>
<tbody>${SECTIONS[s].map((f) => html`<tr><td><code>${f.name}</code></td><td>${f.kind === 'checkboxes' ? t('api.dev.list') : t('api.dev.text')}</td><td>${f.optional ? t('api.dev.no') : t('api.dev.yes')}</td><td>${t(`offers.fields.${f.name}.label` as MessageKey)}</td></tr>`)}</tbody></table></div>`,
)}`
}

/** `/{lang}/developers`: the API reference, server-rendered from the OpenAPI document (public). */
export function registerDeveloperRoutes(scope: FastifyInstance, deps: { publicBaseUrl: string; rateLimitPerMinute?: number }): void {
  let doc: OpenApiDocument | undefined
  scope.get('/developers', async (request, reply) => {
    doc ??= buildOpenApi(deps.publicBaseUrl, deps.rateLimitPerMinute)
    return reply.page({ title: request.t('api.dev.title'), breadcrumbs: [{ text: request.t('common.home'), href: `/${request.lang}` }], body: developersBody(request.t, request.lang, doc, deps.rateLimitPerMinute) })
  })
}
