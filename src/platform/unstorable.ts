import type { FastifyInstance } from 'fastify'
import { HttpError } from './errors.ts'

/**
 * Text PostgreSQL cannot keep: the NUL character (refused in `text` and `jsonb`) and
 * UTF-16 surrogates without their pair (a JSON `"\ud800"` escape). Either one,
 * reaching a query, fails it: a request carrying one would be answered 500.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value)
}

/**
 * The path ("jobTitle", "items.2") of the first string in `value` that cannot be
 * stored, or undefined. Walks without recursion (a JSON body may be nested very
 * deeply); files (Buffers) are bytes, not text, and are skipped.
 */
export function unstorableField(value: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[value, '']]
  while (stack.length > 0) {
    const [v, path] = stack.pop()!
    if (typeof v === 'string') {
      if (!isStorableText(v)) return path || '_body'
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, child] of Object.entries(v)) stack.push([child, path ? `${path}.${k}` : k])
    }
  }
  return undefined
}

/** A request whose query or body holds text that cannot be stored: 400, naming the field. */
export class UnstorableTextError extends HttpError {
  constructor(readonly field: string) {
    super(400, 'errors.badRequestTitle', 'errors.unstorableBody')
    this.name = 'UnstorableTextError'
  }
}

/** Refuses such requests before any handler runs (pages: a 400 page; the API: a problem naming the field). */
export function refuseUnstorableText(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field = unstorableField(request.query) ?? unstorableField(request.body)
    if (field !== undefined) throw new UnstorableTextError(field)
  })
}
