import assert from 'node:assert/strict'
import { Ajv2020 as Ajv2020Class } from 'ajv/dist/2020.js'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { API_PREFIX, type OpenApiDocument } from '../../src/features/api/api.openapi.ts'

// ajv (already installed, as Fastify's validator) is CommonJS: its class is also a named export.
const Ajv2020 = Ajv2020Class

export interface ApiResponse {
  status: number
  headers: LightMyRequestResponse['headers']
  body: unknown
  /** The body as JSON, typed loosely for assertions. */
  json: Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
  raw: string
}

type Responses = Record<string, { content?: Record<string, { schema: unknown }>; headers?: Record<string, unknown> }>

/**
 * A contract checker over the OpenAPI document: every answer the tests receive is
 * matched to its operation (method + path template) and status, its content type
 * must be the one documented, and its body must validate against the documented JSON
 * Schema (ajv, draft 2020-12, the dialect OpenAPI 3.1 uses). `covered` records the
 * operations and statuses seen, so a test can require that every operation was met.
 */
export class ApiContract {
  private readonly ajv: InstanceType<typeof Ajv2020>
  private readonly routes: Array<{ method: string; template: string; re: RegExp; responses: Responses }> = []
  readonly covered = new Set<string>()

  constructor(readonly doc: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true })
    this.ajv.addSchema({ $id: 'openapi.json', components: doc.components })
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops as Record<string, { responses: Responses }>)) {
        const re = new RegExp(`^${API_PREFIX}${template.replace(/\{\w+\}/g, '[^/]+')}$`)
        this.routes.push({ method: method.toUpperCase(), template, re, responses: op.responses })
      }
    }
  }

  operationFor(method: string, path: string) {
    return this.routes.find((r) => r.method === method && r.re.test(path))
  }

  check(method: string, url: string, res: ApiResponse): void {
    const path = url.split('?')[0]!
    const route = this.operationFor(method === 'HEAD' ? 'GET' : method, path)
    if (!route) {
      // Addresses the document does not name answer 404 problem details (or 405).
      assert.ok([404, 405].includes(res.status) || res.status === 401, `${method} ${path}: not in the document, answered ${res.status}`)
      return
    }
    const answer = route.responses[String(res.status)]
    assert.ok(answer, `${method} ${route.template}: status ${res.status} is not documented (${res.raw.slice(0, 300)})`)
    this.covered.add(`${route.method} ${route.template} ${res.status}`)
    const [type, media] = Object.entries(answer.content ?? {})[0] ?? []
    if (!type || !media) return
    assert.equal(String(res.headers['content-type']).split(';')[0], type, `${method} ${route.template} ${res.status}: content type`)
    const validate = this.ajv.compile({ $ref: `openapi.json${(media.schema as { $ref?: string }).$ref ?? ''}` })
    if (!(media.schema as { $ref?: string }).$ref) return
    const ok = validate(res.body)
    assert.ok(ok, `${method} ${route.template} ${res.status}: the body does not match the document: ${JSON.stringify(validate.errors?.slice(0, 5))}\n${res.raw.slice(0, 500)}`)
  }
}

/** An API caller: a bearer token (or none) and a language; every answer is checked against the contract. */
export class ApiCaller {
  constructor(
    private readonly app: FastifyInstance,
    private readonly contract: ApiContract,
    public token?: string,
    public lang: 'en' | 'fr' = 'en',
  ) {}

  async call(method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD', url: string, init: { body?: unknown; headers?: Record<string, string>; raw?: string | Buffer } = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { 'accept-language': this.lang, ...init.headers }
    if (this.token) headers.authorization = `Bearer ${this.token}`
    let payload: string | Buffer | undefined = init.raw
    if (init.body !== undefined) {
      headers['content-type'] ??= 'application/json'
      payload = JSON.stringify(init.body)
    }
    const res = await this.app.inject({ method, url, headers, payload })
    let body: unknown = undefined
    try {
      body = res.body ? JSON.parse(res.body) : undefined
    } catch {
      body = res.body
    }
    const out: ApiResponse = { status: res.statusCode, headers: res.headers, body, json: (body ?? {}) as Record<string, unknown>, raw: res.body }
    this.contract.check(method, url, out)
    return out
  }

  get(url: string, headers?: Record<string, string>) {
    return this.call('GET', url, { headers })
  }
  post(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.call('POST', url, { body: body ?? {}, headers })
  }
  put(url: string, body: unknown, headers?: Record<string, string>) {
    return this.call('PUT', url, { body, headers })
  }
}
